// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * llsock metrics: the counters in the Prometheus text exposition format,
 * for node_exporter's textfile collector (or any scraper of that format).
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>

#include "cli.h"

static const struct cli_option metrics_options[] = {
	{}
};

/* A label value: backslash, double quote and newline escaped. */
static void print_label_value(const char *value)
{
	const char *p;

	putchar('"');
	for (p = value; *p; p++) {
		if (*p == '\\' || *p == '"')
			printf("\\%c", *p);
		else if (*p == '\n')
			fputs("\\n", stdout);
		else
			putchar(*p);
	}
	putchar('"');
}

static void print_help(const char *name, const char *type, const char *help)
{
	printf("# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void print_metric(const char *name, const char *type,
			 const char *help, unsigned long long value)
{
	print_help(name, type, help);
	printf("%s %llu\n", name, value);
}

/* Each bound cgroup's own layer: one sample per metric. */
struct per_cgroup {
	bool audited;
};

static int print_cgroup_sample(const struct llsock_binding_info *info,
			       void *ctx)
{
	const struct per_cgroup *which = ctx;
	char path[PATH_MAX];

	cli_cgroup_name(info->cgroup_id, path, sizeof(path));
	printf("%s{cgroup=", which->audited ? "llsock_cgroup_audited_total" :
					      "llsock_cgroup_denied_total");
	print_label_value(path);
	printf("} %llu\n", (unsigned long long)(which->audited ?
						 info->audited : info->denied));
	return 0;
}

static int metrics(const struct cli_command *cmd, int argc, char **argv)
{
	struct per_cgroup denied = { false }, audited = { true };
	struct llsock_counters counters;
	bool loaded = llsock_is_loaded();
	int ret;

	if (!loaded) {
		print_metric("llsock_loaded", "gauge",
			     "1 when llsock is loaded and enforcing.", 0);
		return 0;
	}
	ret = llsock_get_counters(&counters);
	if (ret)
		return cli_fail(ret, "read", "llsock's counters");
	print_metric("llsock_loaded", "gauge",
		     "1 when llsock is loaded and enforcing.", 1);
	print_metric("llsock_denied_total", "counter",
		     "Sockets denied, all cgroups.", counters.denied);
	print_metric("llsock_audited_total", "counter",
		     "Sockets allowed that a layer in audit mode would have denied.",
		     counters.audited);
	print_metric("llsock_events_lost_total", "counter",
		     "Denial and audit events dropped: the event buffer was full.",
		     counters.events_lost);
	print_metric("llsock_escapes_denied_total", "counter",
		     "Operations refused to restricted tasks that could loosen a policy.",
		     counters.escapes_denied);
	print_metric("llsock_bindings", "gauge", "Bound cgroups.",
		     counters.bindings);
	print_metric("llsock_max_bindings", "gauge",
		     "Bound cgroups llsock was loaded to hold.",
		     counters.max_bindings);
	print_metric("llsock_rule_entries", "gauge",
		     "Entries of the rule maps in use.", counters.rule_entries);
	print_metric("llsock_max_rules", "gauge",
		     "Rule entries in force llsock was loaded to hold.",
		     counters.max_rules);
	print_help("llsock_cgroup_denied_total", "counter",
		   "Sockets a bound cgroup's layer was the first to deny.");
	ret = llsock_foreach_binding(print_cgroup_sample, &denied);
	if (!ret) {
		print_help("llsock_cgroup_audited_total", "counter",
			   "Sockets a bound cgroup's layer, in audit mode, would have been the first to deny.");
		ret = llsock_foreach_binding(print_cgroup_sample, &audited);
	}
	if (fflush(stdout))
		return cli_fail(-errno, "write", "the metrics");
	return ret ? cli_fail(ret, "list", "policies") : 0;
}

const struct cli_command cmd_metrics = {
	.name = "metrics",
	.summary = "print the counters in the Prometheus text format",
	.description =
"Print llsock's counters in the Prometheus text exposition format: denials,\n"
"audit events, lost events and escapes refused, in all and per bound cgroup\n"
"(the denials and audits of that cgroup's own layer, since it was bound),\n"
"and the bindings and rule entries in use against what llsock was loaded to\n"
"hold. Without llsock loaded, only llsock_loaded 0.\n",
	.options = metrics_options,
	.footer =
"Example, for node_exporter's textfile collector (every minute, from cron):\n"
"  llsock metrics > /var/lib/node_exporter/llsock.prom.$$ &&\n"
"  mv /var/lib/node_exporter/llsock.prom.$$ /var/lib/node_exporter/llsock.prom\n",
	.no_args = true,
	.run = metrics,
};

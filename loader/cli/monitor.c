// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * llsock monitor: denials as they happen, one line each.
 */
#include <limits.h>
#include <signal.h>
#include <stddef.h>

#include "cli.h"

#define NO_TIMEOUT	UINT_MAX

struct monitor_opts {
	unsigned int count;	/* 0: no limit */
	unsigned int timeout;	/* seconds, or NO_TIMEOUT */
	unsigned int seen;
};

static volatile bool monitor_stop;

static void stop_monitor(int sig)
{
	monitor_stop = true;
}

/*
 * A denial: Landlock's audit fields, then what BPF adds. The text is one
 * line in the manner of an audit record, the fields in its own order.
 */
static int print_denial(const struct llsock_event *d, void *data)
{
	struct monitor_opts *opts = data;
	char cgroup[PATH_MAX], layer[PATH_MAX];
	/* The audit record's blocker of the denying layer's flavour. */
	const char *blocker = d->flavour == LLSOCK_FLAVOUR_PERMISSION ?
			      "perm.socket_create" : "socket.create";
	const char *flavour = llsock_flavour_name(d->flavour);

	cli_cgroup_name(d->cgroup, cgroup, sizeof(cgroup));
	cli_cgroup_name(d->layer_cgroup, layer, sizeof(layer));
	print_begin_object(NULL, "%s blockers=%s family=%d sock_type=%d protocol=%d pid=%u comm=\"%s\" uid=%u cgroup=%s layer=%u/%u flavour=%s layer_cgroup=%s\n",
			   d->audit ? "audit" : "denied", blocker, d->family,
			   d->type, d->protocol, d->pid,
			   d->comm, d->uid, cgroup, d->layer + 1,
			   d->nr_layers, flavour, layer);
	print_string("blockers", blocker, NULL);
	print_int("family", d->family, NULL);
	print_int("sock_type", d->type, NULL);
	print_int("protocol", d->protocol, NULL);
	print_int("pid", (int)d->pid, NULL);
	print_int("tid", (int)d->tid, NULL);
	print_int("uid", d->uid, NULL);
	print_string("comm", d->comm, NULL);
	print_string("cgroup", cgroup, NULL);
	print_int("layer", d->layer + 1, NULL);
	print_int("layers", d->nr_layers, NULL);
	print_string("flavour", flavour, NULL);
	print_string("layer_cgroup", layer, NULL);
	print_bool("audit", d->audit, NULL);
	print_end();
	return opts->count && ++opts->seen >= opts->count;
}

static struct monitor_opts monitor_opts = { .timeout = NO_TIMEOUT };

static int monitor(const struct cli_command *cmd, int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = stop_monitor };
	int ret;

	print_stream();
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	ret = llsock_monitor(print_denial, &monitor_opts,
			     monitor_opts.timeout == NO_TIMEOUT ? -1 :
			     (int)monitor_opts.timeout * 1000, &monitor_stop);
	if (ret)
		return cli_fail(ret, "monitor", "denials");
	return 0;
}

static const struct cli_option monitor_options[] = {
	{ .name = "count", .short_name = 'n', .arg = "N",
	  .help = "stop after N denials",
	  .set = cli_set_uint, .offset = offsetof(struct monitor_opts, count),
	  .min = 1, .max = UINT_MAX, .expect = "a positive number" },
	{ .name = "timeout", .short_name = 't', .arg = "SECS",
	  .help = "stop after SECS seconds without a denial",
	  .set = cli_set_uint, .offset = offsetof(struct monitor_opts, timeout),
	  .min = 0, .max = 86400, .expect = "seconds (0..86400)" },
	CLI_JSON_OPTION("one JSON object per line"),
	{}
};

const struct cli_command cmd_monitor = {
	.name = "monitor",
	.summary = "print denials as they happen",
	.usage = "[--json] [--count N] [--timeout SECONDS]",
	.description =
"Print each denied socket creation as it happens, with the request as the\n"
"kernel's socket_create hook saw it (the fields of Landlock's audit record)\n"
"and what BPF adds: task, cgroup, and which layer denied, with its flavour.\n"
"The blocker is the audit record's for that flavour: socket.create for a\n"
"v4 layer, perm.socket_create for a permission one. A line starting with\n"
"\"audit\" instead of \"denied\" (JSON: \"audit\": true) is a socket that was\n"
"allowed, which a layer applied with --audit would have denied.\n",
	.options = monitor_options,
	/* One column wider than the longest option, as it always was. */
	.help_column = 21,
	.no_args = true,
	.opts = &monitor_opts,
	.run = monitor,
};

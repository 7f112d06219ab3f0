// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Policies: llsock apply, show, clear and check, and how a bound cgroup is
 * printed (status lists them too).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <unistd.h>

#include "cli.h"

/* The --file option of the commands that take rules. */
#define FILE_OPTION {							\
	.name = "file", .short_name = 'f', .arg = "POLICY",		\
	.help = "read rules from POLICY (- for stdin): one rule per\n"	\
		"line, # starts a comment; a line \"flavour NAME\"\n"	\
		"before the first rule says the policy's flavour",	\
	.set = rules_set_file,						\
}

static void print_layer(const struct llsock_layer_info *layer,
			unsigned int nr, enum binding_view view, bool own)
{
	const char *indent = NULL;
	char path[PATH_MAX];

	if (view == BINDING_DOMAIN)
		indent = "    ";
	else if (view == BINDING_OWN && own)
		indent = "  ";
	cli_cgroup_name(layer->cgroup_id, path, sizeof(path));
	print_begin_object(NULL, NULL);
	print_string("cgroup", path, view == BINDING_DOMAIN ?
		     "  layer %u (%s%s), bound to %s:\n" : NULL, nr,
		     llsock_flavour_name(llsock_ruleset_flavour(layer->ruleset)),
		     layer->audit ? ", audit" : "", path);
	print_uint("cgroup_id", layer->cgroup_id, NULL);
	print_bool("audit", layer->audit, NULL);
	print_ruleset(layer->ruleset, indent);
	print_end();
}

/*
 * "v4, permission audit": the flavour of each layer, root first, and
 * "audit" after a layer in audit mode.
 */
static void layer_flavours(const struct llsock_binding_info *info, char *buf,
			   size_t size)
{
	size_t used = 0;
	unsigned int i;
	int n;

	buf[0] = '\0';
	for (i = 0; i < info->nr_layers; i++) {
		n = snprintf(buf + used, size - used, "%s%s%s", i ? ", " : "",
			     llsock_flavour_name(llsock_ruleset_flavour(
				     info->layers[i].ruleset)),
			     info->layers[i].audit ? " audit" : "");
		if (n < 0 || (size_t)n >= size - used)
			break;
		used += n;
	}
}

/*
 * The line that heads a bound cgroup in the text of @view. The summary
 * and the own view end with the flavours of the layers, root first: the
 * last one is the cgroup's own, whose rules the own view lists.
 */
static void print_heading(const struct llsock_binding_info *info,
			  enum binding_view view, const char *asked,
			  const char *path)
{
	const struct llsock_layer_info *own = &info->layers[info->nr_layers - 1];
	size_t n = llsock_ruleset_size(own->ruleset);
	unsigned int nr = info->nr_layers;
	/* "permission audit, " for each of LLSOCK_MAX_LAYERS layers. */
	char flavours[18 * LLSOCK_MAX_LAYERS + 1];

	layer_flavours(info, flavours, sizeof(flavours));
	switch (view) {
	case BINDING_SUMMARY:
		/* "rules" whatever the number, as status has always said. */
		print_string("cgroup", path,
			     "  %s: %zu rules, %u layer%s (%s)\n", path, n, nr,
			     plural(nr), flavours);
		break;
	case BINDING_OWN:
		print_string("cgroup", path,
			     "%s: %zu rule%s, %u layer%s in force (%s)\n", path,
			     n, plural(n), nr, plural(nr), flavours);
		break;
	case BINDING_DOMAIN:
		if (asked)
			print_string("cgroup", path,
				     "%s: domain of %s, %u layer%s\n", asked,
				     path, nr, plural(nr));
		else
			print_string("cgroup", path, "%s: %u layer%s\n", path,
				     nr, plural(nr));
		break;
	}
}

/**
 * print_binding() - the fields of a bound cgroup, with every layer
 * @info: the binding
 * @view: which text
 * @asked: for BINDING_DOMAIN, the cgroup asked about when it inherits
 *	@info from an ancestor; else NULL
 */
void print_binding(const struct llsock_binding_info *info,
		   enum binding_view view, const char *asked)
{
	char path[PATH_MAX];
	unsigned int i;

	cli_cgroup_name(info->cgroup_id, path, sizeof(path));
	print_heading(info, view, asked, path);
	print_uint("cgroup_id", info->cgroup_id, NULL);
	print_int("level", info->level, NULL);
	/* Its own layer's, as llsock metrics has them. */
	print_uint("denied", info->denied, NULL);
	print_uint("audited", info->audited, NULL);
	print_begin_list("layers");
	for (i = 0; i < info->nr_layers; i++)
		print_layer(&info->layers[i], i + 1, view,
			    i == info->nr_layers - 1);
	print_end();
}

/**
 * print_binding_object() - a bound cgroup as an object of a list, for
 * llsock_foreach_binding()
 * @info: the binding
 * @view: the enum binding_view of the text
 *
 * Return: 0, to go on with the next one.
 */
int print_binding_object(const struct llsock_binding_info *info, void *view)
{
	print_begin_object(NULL, NULL);
	print_binding(info, *(const enum binding_view *)view, NULL);
	print_end();
	return 0;
}

/* check */

static int check(const struct cli_command *cmd, int argc, char **argv)
{
	struct llsock_ruleset *ruleset;
	int ret;

	ret = rules_make(argc, argv, &ruleset);
	if (ret)
		return ret;
	print_begin_object(NULL, NULL);
	/* The text stays a policy that reads back as the same ruleset. */
	if (llsock_ruleset_flavour(ruleset) == LLSOCK_FLAVOUR_PERMISSION)
		print_text("flavour permission\n");
	print_ruleset(ruleset, "");
	print_end();
	llsock_ruleset_free(ruleset);
	return 0;
}

static const struct cli_option check_options[] = {
	FILE_OPTION,
	CLI_FLAVOUR_OPTION,
	CLI_JSON_OPTION("print JSON"),
	{}
};

const struct cli_command cmd_check = {
	.name = "check",
	.summary = "validate rules or a policy file, and print them normalized",
	.usage = "[--json] [--flavour FLAVOUR] [--file POLICY]... [RULE...]",
	.description =
"Validate rules and policy files as `llsock apply` would, without applying\n"
"anything, and print the rules as llsock stores them: a policy that reads\n"
"back as the same ruleset, starting with \"flavour permission\" for that\n"
"flavour. Needs no privilege.\n",
	.options = check_options,
	.footer = CLI_FLAVOUR_HELP
"\n"
"Example: llsock check --flavour permission inet.stream.0 'unix.stream.*'\n",
	.run = check,
};

/* apply */

struct apply_opts {
	bool audit;
};

static struct apply_opts apply_opts;

static int apply(const struct cli_command *cmd, int argc, char **argv)
{
	struct llsock_ruleset *ruleset;
	struct llsock_bind_opts use = {
		.sz = sizeof(use),
		.flags = apply_opts.audit ? LLSOCK_BIND_AUDIT : 0,
	};
	const char *cgroup = argv[0];
	size_t n;
	int fd, ret;

	if (!argc)
		return cli_usage_error(cmd->name, "missing CGROUP");
	ret = rules_make(argc - 1, argv + 1, &ruleset);
	if (ret)
		return ret;
	ret = cli_need_cgroup2("apply a policy");
	if (ret)
		goto out;
	if (!llsock_is_loaded()) {
		ret = cli_fail(-ENOPKG, "apply policy to", cgroup);
		goto out;
	}
	fd = open(cgroup, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		ret = cli_fail(errno == ENOTDIR ? -ENOTDIR : -errno,
			       "apply policy to", cgroup);
		goto out;
	}
	/*
	 * Refused (-EDEADLK) when it would restrict this llsock process,
	 * which manages it, from the middle of its own change on.
	 */
	ret = llsock_bind_cgroup_fd_opts(ruleset, fd, &use);
	close(fd);
	n = llsock_ruleset_size(ruleset);
	if (ret)
		ret = cli_fail_change(ret, "apply policy to", cgroup, &use);
	else
		print_text("%s: %zu rule%s applied%s\n", cgroup, n, plural(n),
			   apply_opts.audit ? " in audit mode: nothing is denied, what would be is reported" : "");
out:
	llsock_ruleset_free(ruleset);
	return ret;
}

static const struct cli_option apply_options[] = {
	FILE_OPTION,
	CLI_FLAVOUR_OPTION,
	{ .name = "audit",
	  .help = "bind the layer in audit mode: it denies nothing, and\n"
		  "each socket it would deny is reported (llsock monitor:\n"
		  "\"audit\" instead of \"denied\"); apply again without\n"
		  "--audit to enforce it",
	  .set = cli_set_true,
	  .offset = offsetof(struct apply_opts, audit) },
	/*
	 * Not apply's, but known to getopt_long as it always was: "--j" is
	 * still reported as "unknown option --json".
	 */
	{ .name = "json" },
	{}
};

const struct cli_command cmd_apply = {
	.name = "apply",
	.summary = "bind a ruleset to a cgroup (replacing its previous one)",
	.usage = "CGROUP [--audit] [--flavour FLAVOUR] [--file POLICY]... [RULE...]",
	.description =
"Bind a ruleset made of the RULEs and POLICY files to CGROUP (a cgroup v2\n"
"directory), replacing the one bound there before, in one step: every task\n"
"in CGROUP and below sees the old policy or the new one, never a mix. Each\n"
"bound ancestor of CGROUP stays a layer of its own: a socket is allowed only\n"
"if every layer allows it. With no rule at all, no socket may be created.\n"
"A CGROUP that contains llsock itself (its own cgroup or an ancestor, such\n"
"as the root) is refused: its policy would restrict the command.\n"
"With --audit, the layer denies nothing: each socket it would deny, when\n"
"no other layer denies it, is reported as an audit event. Applying again\n"
"without --audit switches the cgroup to enforce, in one step.\n",
	.options = apply_options,
	.opts = &apply_opts,
	.footer = CLI_FLAVOUR_HELP
"\n"
"Examples: llsock apply /sys/fs/cgroup/web unix.*.* inet.stream.tcp\n"
"          llsock apply /sys/fs/cgroup/web --flavour permission \\\n"
"                  unix.stream.* unix.dgram.* inet.stream.tcp\n",
	.run = apply,
};

/* clear */

static int clear(const struct cli_command *cmd, int argc, char **argv)
{
	const char *cgroup = argv[0];
	int ret;

	if (argc != 1)
		return cli_usage_error(cmd->name, "expected one CGROUP");
	ret = llsock_unbind_cgroup(cgroup);
	if (ret == -ENOENT && access(cgroup, F_OK) == 0) {
		cli_error("cannot clear %s: no ruleset is bound to it", cgroup);
		return EXIT_USAGE;
	}
	if (ret)
		return cli_fail(ret, "clear", cgroup);
	print_text("%s: policy cleared\n", cgroup);
	return 0;
}

const struct cli_command cmd_clear = {
	.name = "clear",
	.summary = "remove the ruleset bound to a cgroup",
	.usage = "CGROUP",
	.description =
"Remove the ruleset bound to CGROUP. Its tasks keep the layers of CGROUP's\n"
"bound ancestors, if any.\n",
	.options = cli_no_options,
	.run = clear,
};

/* gc */

static int gc(const struct cli_command *cmd, int argc, char **argv)
{
	struct llsock_counters before, after;
	int ret;

	(void)cmd;
	(void)argc;
	(void)argv;
	ret = llsock_get_counters(&before);
	if (!ret)
		ret = llsock_gc();
	if (!ret)
		ret = llsock_get_counters(&after);
	if (ret)
		return cli_fail(ret, "drop the bindings of removed cgroups", NULL);
	print_text("%u binding%s of removed cgroups dropped; %u left\n",
		   before.bindings - after.bindings,
		   before.bindings - after.bindings == 1 ? "" : "s",
		   after.bindings);
	return 0;
}

const struct cli_command cmd_gc = {
	.name = "gc",
	.summary = "drop the bindings of removed cgroups",
	.description =
"Drop the bindings of cgroups that were removed. They enforce nothing (no\n"
"task is left in them) but hold their place under --max-bindings, and\n"
"their rules under --max-rules, until this runs, the OCI hook's poststop\n"
"stage runs, or a change needs the place. Costs one open per binding.\n",
	.options = cli_no_options,
	.no_args = true,
	.run = gc,
};

/* show */

static int show_all(void)
{
	enum binding_view view = BINDING_OWN;
	int ret;

	print_begin_object(NULL, NULL);
	print_begin_list("bindings");
	ret = llsock_foreach_binding(print_binding_object, &view);
	if (ret) {
		print_discard();
		return cli_fail(ret, "list", "policies");
	}
	print_end();
	print_end();
	return 0;
}

static int show_cgroup(const char *cgroup)
{
	struct llsock_binding_info info;
	bool inherited;
	int ret;

	ret = llsock_get_binding(cgroup, &info, &inherited);
	if (ret == -ENOENT && access(cgroup, F_OK) == 0) {
		print_begin_object(NULL, NULL);
		print_string("cgroup", cgroup,
			     "%s: unrestricted (no ruleset bound to it or to an ancestor)\n",
			     cgroup);
		print_begin_list("layers");
		print_end();
		print_end();
		return 0;
	}
	if (ret)
		return cli_fail(ret, "show", cgroup);
	print_begin_object(NULL, NULL);
	print_binding(&info, BINDING_DOMAIN, inherited ? cgroup : NULL);
	print_bool("inherited", inherited, NULL);
	print_end();
	llsock_binding_info_free(&info);
	return 0;
}

static int show(const struct cli_command *cmd, int argc, char **argv)
{
	if (argc > 1)
		return cli_usage_error(cmd->name,
				       "expected at most one CGROUP");
	return argc ? show_cgroup(argv[0]) : show_all();
}

const struct cli_command cmd_show = {
	.name = "show",
	.summary = "print the policies in force",
	.usage = "[--json] [CGROUP]",
	.description =
"Without CGROUP, list every bound cgroup with its own ruleset, and the\n"
"flavour of each layer in force there, root first (the last is its own).\n"
"With CGROUP, print the domain its tasks are in: every layer, root first,\n"
"with its flavour and the cgroup it comes from. JSON gives each layer's\n"
"\"flavour\" (v4 or permission) and its handled mask under its flavour's\n"
"name: handled_access_socket (v4) or handled_permissions.\n",
	.options = cli_json_option,
	.run = show,
};

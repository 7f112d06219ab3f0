// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * llsock: restrict which sockets a cgroup, or one command, may create.
 *
 * Exit status: 0 success, 1 usage error or bad policy, 2 kernel or BPF
 * error. Errors go to stderr, as "llsock: cannot VERB OBJECT: reason",
 * followed by a "Hint:" line when the cause is known; --json output goes to
 * stdout only.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <bpf/libbpf.h>

#include "cli.h"

#ifndef LLSOCK_VERSION
#define LLSOCK_VERSION	"0.1"
#endif

/* libbpf's log (the verifier's, among others) only with LLSOCK_DEBUG set. */
static int libbpf_log(enum libbpf_print_level level, const char *fmt,
		      va_list ap)
{
	static int debug = -1;

	if (debug < 0)
		debug = getenv("LLSOCK_DEBUG") != NULL;
	if (!debug)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

/*
 * getopt's '?' (unknown option) or ':' (missing argument; optstrings start
 * with ':'). A short option is named by optopt, a long one by its word.
 */
static int bad_option(const char *command, int opt, char **argv)
{
	const char *word = argv[optind - 1];
	char name[3] = { '-', (char)optopt, '\0' };

	/* In a bundle such as -xj, argv[optind - 1] is not the option. */
	if (strncmp(word, "--", 2))
		word = name;
	if (opt == ':')
		return cli_usage_error(command, "option %s needs a value", word);
	return cli_usage_error(command, "unknown option %s", word);
}

static const char usage_main[] =
"Usage: llsock COMMAND [OPTIONS] [ARGS]\n"
"\n"
"Restrict which sockets the tasks of a cgroup v2, or one command, may create,\n"
"with the semantics of the proposed Landlock socket rules, on kernels with\n"
"BPF LSM.\n"
"\n"
"Commands:\n"
"  load      attach the BPF program and pin it under /sys/fs/bpf/llsock\n"
"  unload    detach it and drop every policy\n"
"  status    kernel support, whether llsock is loaded, policies in force\n"
"  apply     bind a ruleset to a cgroup (replacing its previous one)\n"
"  show      print the policies in force\n"
"  clear     remove the ruleset bound to a cgroup\n"
"  run       run one command with a ruleset of its own\n"
"  monitor   print denials as they happen\n"
"  check     validate rules or a policy file, and print them normalized\n"
"\n"
"RULE is family.type.protocol, each field a number or a name; type and\n"
"protocol may be * (or -1) for any: unix.*.*, inet.stream.tcp, inet6.dgram.0.\n"
"\n"
"Run 'llsock COMMAND --help' for the options of a command.\n"
"Exit status: 0 ok, 1 usage error or bad policy, 2 kernel or BPF error.\n";

/* Options shared by every command: --help, and --json where it applies. */
enum { OPT_HELP = 'h', OPT_JSON = 'j' };

static int parse_uint(const char *text, unsigned int *value)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(text, &end, 10);
	if (errno || *end || !*text || v > UINT_MAX || text[0] == '-')
		return -EINVAL;
	*value = v;
	return 0;
}

/*
 * Parses the options of a command that takes only --help, and --json
 * where @json is true. Returns -1 to go on, else the exit status.
 */
static int common_options(int argc, char **argv, const char *name,
			  const char *usage, bool json)
{
	static const struct option with_json[] = {
		{ "json", no_argument, NULL, OPT_JSON },
		{ "help", no_argument, NULL, OPT_HELP },
		{}
	};
	int opt;

	while ((opt = getopt_long(argc, argv, json ? ":jh" : ":h",
				  json ? with_json : with_json + 1,
				  NULL)) != -1) {
		switch (opt) {
		case OPT_JSON:
			print_use_json();
			break;
		case OPT_HELP:
			fputs(usage, stdout);
			return 0;
		default:
			return bad_option(name, opt, argv);
		}
	}
	return -1;
}

/* load */

static const char usage_load[] =
"Usage: llsock load [--max-rules N] [--max-bindings N] [--no-guard]\n"
"\n"
"Attach llsock's BPF LSM program and pin it, with its maps, under\n"
"/sys/fs/bpf/llsock, so that policies outlive this command.\n"
"\n"
"  --max-rules N     room for N merged rule entries (default 65536)\n"
"  --max-bindings N  room for N bound cgroups (default 4096)\n"
"  --no-guard        do not attach the hooks that keep restricted tasks\n"
"                    from loosening their policy (bpf(2), bpffs, cgroup\n"
"                    moves, ptrace); for measurements only\n";

static int check_kernel(void)
{
	struct llsock_probe probe;

	llsock_probe(&probe);
	if (!probe.root) {
		cli_error("cannot load llsock: must be root");
		cli_hint("run it with sudo: loading BPF LSM programs needs CAP_BPF and CAP_SYS_ADMIN.");
		return EXIT_KERNEL;
	}
	if (probe.lsm_list_known && !probe.bpf_in_lsm_list) {
		cli_error("cannot load llsock: the kernel's LSM list (%s) lacks bpf",
			  probe.lsm_list);
		cli_hint("add bpf to the lsm= boot parameter, e.g. lsm=%s,bpf",
			 probe.lsm_list);
		return EXIT_KERNEL;
	}
	if (probe.bpf_denied) {
		cli_error("cannot load llsock: bpf(2) is denied to this task");
		cli_hint("a task that llsock restricts cannot load it; otherwise check kernel.unprivileged_bpf_disabled and lockdown.");
		return EXIT_KERNEL;
	}
	if (probe.lsm_progs_refused) {
		cli_error("cannot load llsock: this kernel (%s) refuses BPF LSM programs (EPERM before verification)",
			  probe.kernel_release);
		cli_hint("`make demo` runs llsock in a VM on a Debian kernel that accepts them.");
		return EXIT_KERNEL;
	}
	if (!probe.hooks_fit) {
		cli_error("cannot load llsock: %s", probe.hooks_unfit);
		cli_hint("this kernel (%s) changed a hook llsock attaches to; a program for the new shape is needed (bpf/hook.h; `make hooks-test` checks a kernel's BTF).",
			 probe.kernel_release);
		return EXIT_KERNEL;
	}
	if (!probe.cgroup2) {
		cli_error("cannot load llsock: no cgroup v2 hierarchy is mounted");
		cli_hint("mount it: mount -t cgroup2 none /sys/fs/cgroup");
		return EXIT_KERNEL;
	}
	return 0;
}

static int cmd_load(int argc, char **argv)
{
	static const struct option options[] = {
		{ "max-rules", required_argument, NULL, 'r' },
		{ "max-bindings", required_argument, NULL, 'b' },
		{ "no-guard", no_argument, NULL, 'g' },
		{ "help", no_argument, NULL, OPT_HELP },
		{}
	};
	struct llsock_load_opts opts = { .sz = sizeof(opts) };
	int opt, ret;

	while ((opt = getopt_long(argc, argv, ":h", options, NULL)) != -1) {
		switch (opt) {
		case 'r':
			if (parse_uint(optarg, &opts.max_rules) ||
			    opts.max_rules < 16)
				return cli_usage_error("load",
						       "--max-rules: expected a number of at least 16, got \"%s\"",
						       optarg);
			break;
		case 'b':
			if (parse_uint(optarg, &opts.max_bindings) ||
			    opts.max_bindings < 1)
				return cli_usage_error("load",
						       "--max-bindings: expected a positive number, got \"%s\"",
						       optarg);
			break;
		case 'g':
			opts.no_guard = true;
			break;
		case OPT_HELP:
			fputs(usage_load, stdout);
			return 0;
		default:
			return bad_option("load", opt, argv);
		}
	}
	if (optind != argc)
		return cli_usage_error("load", "unexpected argument \"%s\"",
				       argv[optind]);
	ret = check_kernel();
	if (ret)
		return ret;
	ret = llsock_load(&opts);
	if (ret == -EEXIST) {
		cli_error("cannot load llsock: already loaded");
		cli_hint("`llsock unload` first to load it again.");
		return EXIT_KERNEL;
	}
	if (ret) {
		cli_error("cannot load llsock: %s", strerror(-ret));
		cli_hint("LLSOCK_DEBUG=1 llsock load shows libbpf's log, the verifier's included.");
		return EXIT_KERNEL;
	}
	print_text("llsock loaded, pinned under /sys/fs/bpf/llsock\n");
	return 0;
}

/* unload */

static const char usage_unload[] =
"Usage: llsock unload\n"
"\n"
"Detach llsock and remove its pins: every policy it enforced goes away.\n";

static int cmd_unload(int argc, char **argv)
{
	int ret;

	ret = common_options(argc, argv, "unload", usage_unload, false);
	if (ret >= 0)
		return ret;
	if (optind != argc)
		return cli_usage_error("unload", "unexpected argument \"%s\"",
				       argv[optind]);
	ret = llsock_unload();
	if (ret)
		return cli_fail(ret, "unload", "llsock");
	print_text("llsock unloaded\n");
	return 0;
}

/* Rulesets from the command line, a file or the environment. */

static struct llsock_ruleset *new_ruleset(void)
{
	struct llsock_ruleset_attr attr = {
		.handled_access_socket = LLSOCK_ACCESS_SOCKET_CREATE,
	};
	struct llsock_ruleset *ruleset;
	int ret;

	ret = llsock_create_ruleset(&attr, sizeof(attr), 0, &ruleset);
	if (ret) {
		cli_error("cannot create ruleset: %s", strerror(-ret));
		return NULL;
	}
	return ruleset;
}

static int add_rule_text(struct llsock_ruleset *ruleset, const char *text)
{
	struct llsock_socket_attr rule;
	char err[256];
	int ret;

	ret = llsock_parse_rule(text, &rule, err, sizeof(err));
	if (ret) {
		cli_error("bad rule \"%s\": %s", text, err);
		return EXIT_USAGE;
	}
	ret = llsock_add_rule(ruleset, LLSOCK_RULE_SOCKET, &rule, 0);
	if (ret) {
		cli_error("cannot add rule \"%s\": %s", text, strerror(-ret));
		return EXIT_USAGE;
	}
	return 0;
}

static int add_policy_file(struct llsock_ruleset *ruleset, const char *path)
{
	char err[256];
	struct stat st;
	FILE *file;
	int ret;

	file = strcmp(path, "-") ? fopen(path, "re") : stdin;
	if (!file) {
		cli_error("cannot open policy %s: %s", path, strerror(errno));
		return EXIT_USAGE;
	}
	if (fstat(fileno(file), &st) == 0 && S_ISDIR(st.st_mode)) {
		cli_error("cannot read policy %s: %s", path, strerror(EISDIR));
		fclose(file);
		return EXIT_USAGE;
	}
	ret = llsock_parse_policy(file, ruleset, err, sizeof(err));
	if (file != stdin)
		fclose(file);
	if (ret < 0) {
		cli_error("bad policy %s: %s", path, err);
		return EXIT_USAGE;
	}
	return 0;
}

/*
 * print_ruleset() - the "rules" list of a ruleset
 * @ruleset: the ruleset
 * @indent: what starts each rule's line of text; NULL: no text
 */
static void print_ruleset(const struct llsock_ruleset *ruleset, const char *indent)
{
	const struct llsock_socket_attr *rule;
	char text[96];
	size_t i;

	if (indent && !llsock_ruleset_size(ruleset))
		print_text("%s(no rule: no socket may be created)\n", indent);
	print_begin_list("rules");
	for (i = 0; i < llsock_ruleset_size(ruleset); i++) {
		rule = llsock_ruleset_rule(ruleset, i);
		llsock_format_rule(rule, text, sizeof(text));
		print_begin_object(NULL, NULL);
		print_string("rule", text, indent ? "%s%s\n" : NULL, indent,
			     text);
		print_int("family", rule->family, NULL);
		print_int("type", rule->type, NULL);
		print_int("protocol", rule->protocol, NULL);
		print_end();
	}
	print_end();
}

/*
 * The arguments of the commands that take rules: --file POLICY (any number
 * of times), --help, --json where @json is true, then @nr_positional
 * arguments (stored in @positional), then RULEs. *@ruleset receives the
 * rules of the files, then those of the arguments. Returns -1 to go on,
 * else the exit status.
 */
static int read_rules(int argc, char **argv, const char *name,
		      const char *usage, bool json, int nr_positional,
		      const char **positional, struct llsock_ruleset **ruleset)
{
	static const struct option options[] = {
		{ "file", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, OPT_HELP },
		{ "json", no_argument, NULL, OPT_JSON },
		{}
	};
	const char **files;
	int nr_files = 0, opt, ret = -1, i;

	*ruleset = NULL;
	files = calloc(argc, sizeof(*files));
	if (!files)
		return EXIT_KERNEL;
	while ((opt = getopt_long(argc, argv, json ? ":f:hj" : ":f:h",
				  options, NULL)) != -1) {
		switch (opt) {
		case 'f':
			files[nr_files++] = optarg;
			break;
		case OPT_JSON:
			/* --json is known to getopt_long, not to every command. */
			if (!json) {
				ret = cli_usage_error(name, "unknown option --json");
				goto out;
			}
			print_use_json();
			break;
		case OPT_HELP:
			fputs(usage, stdout);
			ret = 0;
			goto out;
		default:
			ret = bad_option(name, opt, argv);
			goto out;
		}
	}
	if (argc - optind < nr_positional) {
		ret = cli_usage_error(name, "missing CGROUP");
		goto out;
	}
	for (i = 0; i < nr_positional; i++)
		positional[i] = argv[optind++];

	*ruleset = new_ruleset();
	if (!*ruleset) {
		ret = EXIT_KERNEL;
		goto out;
	}
	for (i = 0; i < nr_files && ret < 0; i++)
		if (add_policy_file(*ruleset, files[i]))
			ret = EXIT_USAGE;
	for (i = optind; i < argc && ret < 0; i++)
		if (add_rule_text(*ruleset, argv[i]))
			ret = EXIT_USAGE;
out:
	free(files);
	if (ret >= 0) {
		llsock_ruleset_free(*ruleset);
		*ruleset = NULL;
	}
	return ret;
}

/* check */

static const char usage_check[] =
"Usage: llsock check [--json] [--file POLICY]... [RULE...]\n"
"\n"
"Validate rules and policy files as `llsock apply` would, without applying\n"
"anything, and print the rules as llsock stores them. Needs no privilege.\n"
"\n"
"  -f, --file POLICY  read rules from POLICY (- for stdin): one rule per\n"
"                     line, # starts a comment\n"
"  -j, --json         print JSON\n";

static int cmd_check(int argc, char **argv)
{
	struct llsock_ruleset *ruleset;
	int ret;

	ret = read_rules(argc, argv, "check", usage_check, true, 0, NULL,
			 &ruleset);
	if (ret >= 0)
		return ret;
	print_begin_object(NULL, NULL);
	print_ruleset(ruleset, "");
	print_end();
	llsock_ruleset_free(ruleset);
	return 0;
}

/* apply */

static const char usage_apply[] =
"Usage: llsock apply CGROUP [--file POLICY]... [RULE...]\n"
"\n"
"Bind a ruleset made of the RULEs and POLICY files to CGROUP (a cgroup v2\n"
"directory), replacing the one bound there before, in one step: every task\n"
"in CGROUP and below sees the old policy or the new one, never a mix. Each\n"
"bound ancestor of CGROUP stays a layer of its own: a socket is allowed only\n"
"if every layer allows it. With no rule at all, no socket may be created.\n"
"\n"
"  -f, --file POLICY  read rules from POLICY (- for stdin): one rule per\n"
"                     line, # starts a comment\n"
"\n"
"Example: llsock apply /sys/fs/cgroup/web unix.*.* inet.stream.tcp\n";

static int cmd_apply(int argc, char **argv)
{
	struct llsock_ruleset *ruleset;
	const char *cgroup;
	int ret;

	ret = read_rules(argc, argv, "apply", usage_apply, false, 1, &cgroup,
			 &ruleset);
	if (ret >= 0)
		return ret;
	ret = cli_need_cgroup2("apply a policy");
	if (ret) {
		llsock_ruleset_free(ruleset);
		return ret;
	}
	ret = llsock_bind_cgroup(ruleset, cgroup);
	if (ret)
		ret = cli_fail(ret, "apply policy to", cgroup);
	else
		print_text("%s: %zu rule%s applied\n", cgroup,
			   llsock_ruleset_size(ruleset),
			   plural(llsock_ruleset_size(ruleset)));
	llsock_ruleset_free(ruleset);
	return ret;
}

/* clear */

static const char usage_clear[] =
"Usage: llsock clear CGROUP\n"
"\n"
"Remove the ruleset bound to CGROUP. Its tasks keep the layers of CGROUP's\n"
"bound ancestors, if any.\n";

static int cmd_clear(int argc, char **argv)
{
	int ret;

	ret = common_options(argc, argv, "clear", usage_clear, false);
	if (ret >= 0)
		return ret;
	if (argc - optind != 1)
		return cli_usage_error("clear", "expected one CGROUP");
	ret = llsock_unbind_cgroup(argv[optind]);
	if (ret == -ENOENT && access(argv[optind], F_OK) == 0) {
		cli_error("cannot clear %s: no ruleset is bound to it",
			  argv[optind]);
		return EXIT_USAGE;
	}
	if (ret)
		return cli_fail(ret, "clear", argv[optind]);
	print_text("%s: policy cleared\n", argv[optind]);
	return 0;
}

/* show */

static const char usage_show[] =
"Usage: llsock show [--json] [CGROUP]\n"
"\n"
"Without CGROUP, list every bound cgroup with its own ruleset. With CGROUP,\n"
"print the domain its tasks are in: every layer, root first, and the\n"
"cgroup each comes from.\n"
"\n"
"  -j, --json  print JSON\n";

/*
 * How a bound cgroup reads as text; its JSON is the same in every view:
 * one line (status); a line, then the cgroup's own rules (show); a line,
 * then every layer with its rules (show CGROUP).
 */
enum binding_view {
	BINDING_SUMMARY,
	BINDING_OWN,
	BINDING_DOMAIN,
};

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
		     "  layer %u, bound to %s:\n" : NULL, nr, path);
	print_uint("cgroup_id", layer->cgroup_id, NULL);
	print_uint("handled_access_socket",
		   llsock_ruleset_handled(layer->ruleset), NULL);
	print_ruleset(layer->ruleset, indent);
	print_end();
}

/* The line that heads a bound cgroup in the text of @view. */
static void print_heading(const struct llsock_binding_info *info,
			  enum binding_view view, const char *asked,
			  const char *path)
{
	size_t n = llsock_ruleset_size(info->layers[info->nr_layers - 1].ruleset);
	unsigned int nr = info->nr_layers;

	switch (view) {
	case BINDING_SUMMARY:
		/* "rules" whatever the number, as status has always said. */
		print_string("cgroup", path, "  %s: %zu rules, %u layer%s\n",
			     path, n, nr, plural(nr));
		break;
	case BINDING_OWN:
		print_string("cgroup", path, "%s: %zu rule%s, %u layer%s in force\n",
			     path, n, plural(n), nr, plural(nr));
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

/*
 * print_binding() - the fields of a bound cgroup, with every layer
 * @info: the binding
 * @view: which text
 * @asked: for BINDING_DOMAIN, the cgroup asked about when it inherits
 *	@info from an ancestor; else NULL
 */
static void print_binding(const struct llsock_binding_info *info,
		   enum binding_view view, const char *asked)
{
	char path[PATH_MAX];
	unsigned int i;

	cli_cgroup_name(info->cgroup_id, path, sizeof(path));
	print_heading(info, view, asked, path);
	print_uint("cgroup_id", info->cgroup_id, NULL);
	print_int("level", info->level, NULL);
	print_begin_list("layers");
	for (i = 0; i < info->nr_layers; i++)
		print_layer(&info->layers[i], i + 1, view,
			    i == info->nr_layers - 1);
	print_end();
}

/*
 * print_binding_object() - a bound cgroup as an object of a list, for
 * llsock_foreach_binding()
 * @info: the binding
 * @view: the enum binding_view of the text
 *
 * Return: 0, to go on with the next one.
 */
static int print_binding_object(const struct llsock_binding_info *info, void *view)
{
	print_begin_object(NULL, NULL);
	print_binding(info, *(const enum binding_view *)view, NULL);
	print_end();
	return 0;
}

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

static int cmd_show(int argc, char **argv)
{
	int ret;

	ret = common_options(argc, argv, "show", usage_show, true);
	if (ret >= 0)
		return ret;
	if (argc - optind > 1)
		return cli_usage_error("show", "expected at most one CGROUP");
	if (optind == argc)
		return show_all();
	return show_cgroup(argv[optind]);
}

/* status */

static const char usage_status[] =
"Usage: llsock status [--json]\n"
"\n"
"Show the kernel, its LSM list, whether it accepts BPF LSM programs,\n"
"whether llsock is loaded, and the policies in force.\n"
"\n"
"  -j, --json  print JSON\n";

/* What the kernel offers llsock. */
static void print_probe(const struct llsock_probe *probe)
{
	print_string("kernel", probe->kernel_release, "kernel:     %s\n",
		     probe->kernel_release);
	print_string("lsm_list", probe->lsm_list_known ? probe->lsm_list : NULL,
		     "LSMs:       %s%s\n",
		     probe->lsm_list_known ? probe->lsm_list : "unknown",
		     !probe->lsm_list_known ? "" : probe->bpf_in_lsm_list ?
		     " (bpf: yes)" : " (bpf: no)");
	print_bool("bpf_lsm", probe->bpf_in_lsm_list, NULL);
	print_opt_bool("lsm_programs_refused", probe->root,
		       probe->lsm_progs_refused, "LSM progs:  %s\n",
		       !probe->root ? "unknown (not root)" :
		       probe->bpf_denied ? "unknown (bpf(2) denied to this task)" :
		       probe->lsm_progs_refused ? "refused by this kernel" :
		       "accepted");
	print_bool("hooks_fit", probe->hooks_fit, "hooks:      %s\n",
		   probe->hooks_fit ? "llsock's programs fit this kernel's" :
		   probe->hooks_unfit);
	print_string("cgroup2", probe->cgroup2 ? probe->cgroup2_path : NULL,
		     "cgroup v2:  %s\n",
		     probe->cgroup2 ? probe->cgroup2_path : "not mounted");
}

/*
 * The policies in force and the counters. The text sums the counters up
 * before the list of bound cgroups; JSON has them after it.
 */
static int print_loaded(const struct llsock_counters *counters)
{
	enum binding_view view = BINDING_SUMMARY;
	int ret;

	print_text("policies:   %u bound cgroup%s, %u of %u rule entries used\n",
		   counters->bindings, plural(counters->bindings),
		   counters->rule_entries, counters->max_rules);
	print_text("denials:    %llu (events lost: %llu), escape attempts denied: %llu\n",
		   (unsigned long long)counters->denied,
		   (unsigned long long)counters->events_lost,
		   (unsigned long long)counters->escapes_denied);
	print_begin_list("bindings");
	ret = llsock_foreach_binding(print_binding_object, &view);
	print_end();
	print_uint("rule_entries", counters->rule_entries, NULL);
	print_uint("max_rules", counters->max_rules, NULL);
	print_uint("denied", counters->denied, NULL);
	print_uint("events_lost", counters->events_lost, NULL);
	print_uint("escapes_denied", counters->escapes_denied, NULL);
	return ret;
}

static int cmd_status(int argc, char **argv)
{
	struct llsock_counters counters = {};
	struct llsock_probe probe;
	bool loaded;
	int ret;

	ret = common_options(argc, argv, "status", usage_status, true);
	if (ret >= 0)
		return ret;
	ret = 0;
	if (optind != argc)
		return cli_usage_error("status", "unexpected argument \"%s\"",
				       argv[optind]);
	llsock_probe(&probe);
	loaded = llsock_is_loaded();
	if (loaded)
		ret = llsock_get_counters(&counters);
	if (ret)
		return cli_fail(ret, "read", "llsock's counters");

	print_begin_object(NULL, NULL);
	print_probe(&probe);
	print_bool("loaded", loaded, "llsock:     %s\n", loaded ?
		   "loaded (pinned under /sys/fs/bpf/llsock)" : "not loaded");
	if (loaded)
		ret = print_loaded(&counters);
	print_end();
	/* What could be listed is printed all the same. */
	return ret ? cli_fail(ret, "list", "policies") : 0;
}

/* run */

static const char usage_run[] =
"Usage: llsock run [--allow RULE]... [--file POLICY]... -- CMD [ARG...]\n"
"\n"
"Run CMD in a new child cgroup of the caller's, with a ruleset of its own\n"
"bound to it: CMD and everything it starts may create only the sockets the\n"
"rules allow (and that the caller's own layers allow). When CMD and all its\n"
"children have exited, the cgroup and its policy are removed.\n"
"\n"
"Without --allow or --file, the rules come from LL_SOCKET_CREATE, as in\n"
"the Landlock sandboxer: colon-separated family.type.protocol, numbers\n"
"with -1 for any (names and * work too). An empty LL_SOCKET_CREATE allows\n"
"no socket at all.\n"
"\n"
"  -a, --allow RULE   allow RULE\n"
"  -f, --file POLICY  read rules from POLICY (- for stdin)\n"
"\n"
"Exit status: CMD's, 128+N if signal N killed it, 127 if it could not be\n"
"started, or llsock's own 1 or 2 if the sandbox could not be made.\n"
"\n"
"Example: llsock run --allow unix.*.* --allow inet.stream.tcp -- curl ...\n";

static volatile pid_t run_child;

static void forward_signal(int sig)
{
	if (run_child > 0)
		kill(run_child, sig);
}

static int cmd_run(int argc, char **argv)
{
	static const struct option options[] = {
		{ "allow", required_argument, NULL, 'a' },
		{ "file", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, OPT_HELP },
		{}
	};
	/*
	 * The terminal sends SIGINT and SIGQUIT to CMD itself, which shares
	 * our process group: ignore them. Signals sent to llsock alone are
	 * passed on.
	 */
	static const int forwarded[] = { SIGTERM, SIGHUP };
	struct sigaction ignore = { .sa_handler = SIG_IGN };
	struct llsock_ruleset *ruleset;
	struct sigaction sa = { .sa_handler = forward_signal };
	char path[PATH_MAX], err[256];
	/* Rules in the order given; read after the options, --help first. */
	struct { char kind; const char *text; } *given;
	int nr_given = 0, opt, ret = 0, status, j;
	const char *env;
	unsigned int i;
	pid_t pid;

	given = calloc(argc, sizeof(*given));
	ruleset = new_ruleset();
	if (!ruleset || !given) {
		free(given);
		llsock_ruleset_free(ruleset);
		return EXIT_KERNEL;
	}
	/* "+": options end at CMD, whose own options are not ours. */
	while ((opt = getopt_long(argc, argv, "+:a:f:h", options, NULL)) != -1) {
		switch (opt) {
		case 'a':
		case 'f':
			given[nr_given].kind = opt;
			given[nr_given++].text = optarg;
			break;
		case OPT_HELP:
			fputs(usage_run, stdout);
			goto out;
		default:
			ret = bad_option("run", opt, argv);
			goto out;
		}
	}
	for (j = 0; j < nr_given && !ret; j++)
		ret = given[j].kind == 'a' ?
		      add_rule_text(ruleset, given[j].text) :
		      add_policy_file(ruleset, given[j].text);
	if (ret)
		goto out;
	if (optind == argc) {
		ret = cli_usage_error("run", "missing CMD");
		goto out;
	}
	if (!nr_given) {
		env = getenv("LL_SOCKET_CREATE");
		if (!env) {
			ret = cli_usage_error("run",
					      "no rules: give --allow RULE, --file POLICY, or set LL_SOCKET_CREATE");
			goto out;
		}
		if (llsock_parse_env(env, ruleset, err, sizeof(err)) < 0) {
			cli_error("bad LL_SOCKET_CREATE: %s", err);
			ret = EXIT_USAGE;
			goto out;
		}
	}

	ret = cli_need_cgroup2("create a sandbox");
	if (ret)
		goto out;
	ret = llsock_sandbox_create(ruleset, path, sizeof(path));
	if (ret) {
		ret = cli_fail(ret, "create a sandbox", NULL);
		goto out;
	}
	pid = fork();
	if (pid < 0) {
		ret = cli_fail(-errno, "start", argv[optind]);
		llsock_sandbox_remove(path);
		goto out;
	}
	if (pid == 0) {
		ret = llsock_sandbox_enter(path);
		if (ret) {
			cli_error("cannot enter sandbox %s: %s", path,
				  strerror(-ret));
			_exit(EXIT_KERNEL);
		}
		execvp(argv[optind], argv + optind);
		cli_error("cannot run %s: %s", argv[optind], strerror(errno));
		_exit(127);
	}
	run_child = pid;
	for (i = 0; i < sizeof(forwarded) / sizeof(forwarded[0]); i++)
		sigaction(forwarded[i], &sa, NULL);
	sigaction(SIGINT, &ignore, NULL);
	sigaction(SIGQUIT, &ignore, NULL);
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			status = EXIT_KERNEL << 8;
			break;
		}
	}
	ret = WIFEXITED(status) ? WEXITSTATUS(status) :
	      128 + WTERMSIG(status);
	/* Children that outlive CMD keep the cgroup, and so the policy. */
	llsock_sandbox_remove(path);
out:
	free(given);
	llsock_ruleset_free(ruleset);
	return ret;
}

/* monitor */

static const char usage_monitor[] =
"Usage: llsock monitor [--json] [--count N] [--timeout SECONDS]\n"
"\n"
"Print each denied socket creation as it happens, with the request as the\n"
"kernel's socket_create hook saw it (the fields of Landlock's audit record)\n"
"and what BPF adds: task, cgroup, and which layer denied.\n"
"\n"
"  -n, --count N        stop after N denials\n"
"  -t, --timeout SECS   stop after SECS seconds without a denial\n"
"  -j, --json           one JSON object per line\n";

struct monitor_ctx {
	unsigned int seen;
	unsigned int count;
};

static volatile bool monitor_stop;

static void stop_monitor(int sig)
{
	(void)sig;
	monitor_stop = true;
}

/*
 * A denial: Landlock's audit fields, then what BPF adds. The text is one
 * line in the manner of an audit record, the fields in its own order.
 */
static int print_denial(const struct llsock_event *d, void *data)
{
	struct monitor_ctx *ctx = data;
	char cgroup[PATH_MAX], layer[PATH_MAX];

	cli_cgroup_name(d->cgroup, cgroup, sizeof(cgroup));
	cli_cgroup_name(d->layer_cgroup, layer, sizeof(layer));
	print_begin_object(NULL, "denied blockers=socket.create family=%d sock_type=%d protocol=%d pid=%u comm=\"%s\" uid=%u cgroup=%s layer=%u/%u layer_cgroup=%s\n",
			   d->family, d->type, d->protocol, d->pid, d->comm,
			   d->uid, cgroup, d->layer + 1, d->nr_layers, layer);
	print_string("blockers", "socket.create", NULL);
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
	print_string("layer_cgroup", layer, NULL);
	print_end();
	return ctx->count && ++ctx->seen >= ctx->count;
}

static int cmd_monitor(int argc, char **argv)
{
	static const struct option options[] = {
		{ "count", required_argument, NULL, 'n' },
		{ "timeout", required_argument, NULL, 't' },
		{ "json", no_argument, NULL, OPT_JSON },
		{ "help", no_argument, NULL, OPT_HELP },
		{}
	};
	struct monitor_ctx ctx = {};
	struct sigaction sa = { .sa_handler = stop_monitor };
	unsigned int timeout = 0;
	bool have_timeout = false;
	int opt, ret;

	while ((opt = getopt_long(argc, argv, ":n:t:jh", options, NULL)) != -1) {
		switch (opt) {
		case 'n':
			if (parse_uint(optarg, &ctx.count) || !ctx.count)
				return cli_usage_error("monitor",
						       "--count: expected a positive number, got \"%s\"",
						       optarg);
			break;
		case 't':
			if (parse_uint(optarg, &timeout) || timeout > 86400)
				return cli_usage_error("monitor",
						       "--timeout: expected seconds (0..86400), got \"%s\"",
						       optarg);
			have_timeout = true;
			break;
		case OPT_JSON:
			print_use_json();
			break;
		case OPT_HELP:
			fputs(usage_monitor, stdout);
			return 0;
		default:
			return bad_option("monitor", opt, argv);
		}
	}
	if (optind != argc)
		return cli_usage_error("monitor", "unexpected argument \"%s\"",
				       argv[optind]);
	print_stream();
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	ret = llsock_monitor(print_denial, &ctx,
			     have_timeout ? (int)timeout * 1000 : -1,
			     &monitor_stop);
	if (ret)
		return cli_fail(ret, "monitor", "denials");
	return 0;
}

static const struct command {
	const char *name;
	int (*fn)(int argc, char **argv);
} commands[] = {
	{ "load", cmd_load },
	{ "unload", cmd_unload },
	{ "status", cmd_status },
	{ "apply", cmd_apply },
	{ "show", cmd_show },
	{ "clear", cmd_clear },
	{ "run", cmd_run },
	{ "monitor", cmd_monitor },
	{ "check", cmd_check },
};

int main(int argc, char **argv)
{
	unsigned int i;

	libbpf_set_print(libbpf_log);
	/* Our own messages for bad options, in our own format. */
	opterr = 0;
	if (argc < 2)
		return cli_usage_error(NULL, "missing COMMAND");
	/* "llsock help COMMAND" is "llsock COMMAND --help". */
	char *help[] = { argv[0], argc == 3 ? argv[2] : NULL, "--help", NULL };

	if (!strcmp(argv[1], "help") && argc == 3) {
		argc = 3;
		argv = help;
	} else if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
		   !strcmp(argv[1], "help")) {
		fputs(usage_main, stdout);
		return 0;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("llsock %s\n", LLSOCK_VERSION);
		return 0;
	}
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (strcmp(argv[1], commands[i].name))
			continue;
		/* Each command parses its own options, from argv[1]. */
		return commands[i].fn(argc - 1, argv + 1);
	}
	if (argv[1][0] == '-')
		return cli_usage_error(NULL, "unknown option %s", argv[1]);
	return cli_usage_error(NULL, "unknown command \"%s\"", argv[1]);
}

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
#include <json-c/json.h>

#include "cli.h"

#ifndef LLSOCK_VERSION
#define LLSOCK_VERSION	"0.1"
#endif

static bool json_output;

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

static void print_json(struct json_object *obj)
{
	puts(json_object_to_json_string_ext(obj, JSON_C_TO_STRING_PRETTY |
					     JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(obj);
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
 * where @json is not NULL. Returns -1 to go on, else the exit status.
 */
static int common_options(int argc, char **argv, const char *name,
			  const char *usage, bool *json)
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
			*json = true;
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
	printf("llsock loaded, pinned under /sys/fs/bpf/llsock\n");
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

	ret = common_options(argc, argv, "unload", usage_unload, NULL);
	if (ret >= 0)
		return ret;
	if (optind != argc)
		return cli_usage_error("unload", "unexpected argument \"%s\"",
				       argv[optind]);
	ret = llsock_unload();
	if (ret)
		return cli_fail(ret, "unload", "llsock");
	printf("llsock unloaded\n");
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

static struct json_object *rule_json(const struct llsock_socket_attr *rule)
{
	struct json_object *obj = json_object_new_object();
	char text[96];

	json_object_object_add(obj, "rule", json_object_new_string(
		llsock_format_rule(rule, text, sizeof(text))));
	json_object_object_add(obj, "family", json_object_new_int(rule->family));
	json_object_object_add(obj, "type", json_object_new_int(rule->type));
	json_object_object_add(obj, "protocol",
			       json_object_new_int(rule->protocol));
	return obj;
}

static struct json_object *ruleset_json(const struct llsock_ruleset *ruleset)
{
	struct json_object *rules = json_object_new_array();
	size_t i;

	for (i = 0; i < llsock_ruleset_size(ruleset); i++)
		json_object_array_add(rules,
				      rule_json(llsock_ruleset_rule(ruleset, i)));
	return rules;
}

static void print_rules(const struct llsock_ruleset *ruleset,
			const char *indent)
{
	char text[96];
	size_t i;

	if (!llsock_ruleset_size(ruleset))
		printf("%s(no rule: no socket may be created)\n", indent);
	for (i = 0; i < llsock_ruleset_size(ruleset); i++)
		printf("%s%s\n", indent,
		       llsock_format_rule(llsock_ruleset_rule(ruleset, i),
					  text, sizeof(text)));
}

/*
 * The arguments of the commands that take rules: --file POLICY (any number
 * of times), --help, --json where @json is not NULL, then @nr_positional
 * arguments (stored in @positional), then RULEs. *@ruleset receives the
 * rules of the files, then those of the arguments. Returns -1 to go on,
 * else the exit status.
 */
static int read_rules(int argc, char **argv, const char *name,
		      const char *usage, bool *json, int nr_positional,
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
			*json = true;
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

	ret = read_rules(argc, argv, "check", usage_check, &json_output, 0,
			 NULL, &ruleset);
	if (ret >= 0)
		return ret;
	if (json_output) {
		struct json_object *obj = json_object_new_object();

		json_object_object_add(obj, "rules", ruleset_json(ruleset));
		print_json(obj);
	} else {
		print_rules(ruleset, "");
	}
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

	ret = read_rules(argc, argv, "apply", usage_apply, NULL, 1, &cgroup,
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
		printf("%s: %zu rule%s applied\n", cgroup,
		       llsock_ruleset_size(ruleset),
		       llsock_ruleset_size(ruleset) == 1 ? "" : "s");
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

	ret = common_options(argc, argv, "clear", usage_clear, NULL);
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
	printf("%s: policy cleared\n", argv[optind]);
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

static struct json_object *layer_json(const struct llsock_layer_info *layer)
{
	struct json_object *obj = json_object_new_object();
	char path[PATH_MAX];

	cli_cgroup_name(layer->cgroup_id, path, sizeof(path));
	json_object_object_add(obj, "cgroup", json_object_new_string(path));
	json_object_object_add(obj, "cgroup_id",
			       json_object_new_uint64(layer->cgroup_id));
	json_object_object_add(obj, "handled_access_socket",
			       json_object_new_uint64(
				       llsock_ruleset_handled(layer->ruleset)));
	json_object_object_add(obj, "rules", ruleset_json(layer->ruleset));
	return obj;
}

static struct json_object *binding_json(const struct llsock_binding_info *info)
{
	struct json_object *obj = json_object_new_object();
	struct json_object *layers = json_object_new_array();
	char path[PATH_MAX];
	unsigned int i;

	cli_cgroup_name(info->cgroup_id, path, sizeof(path));
	json_object_object_add(obj, "cgroup", json_object_new_string(path));
	json_object_object_add(obj, "cgroup_id",
			       json_object_new_uint64(info->cgroup_id));
	json_object_object_add(obj, "level", json_object_new_int(info->level));
	for (i = 0; i < info->nr_layers; i++)
		json_object_array_add(layers, layer_json(&info->layers[i]));
	json_object_object_add(obj, "layers", layers);
	return obj;
}

static int show_one(const struct llsock_binding_info *info, void *ctx)
{
	const struct llsock_layer_info *own = &info->layers[info->nr_layers - 1];
	struct json_object *list = ctx;
	char path[PATH_MAX];
	size_t n = llsock_ruleset_size(own->ruleset);

	if (list) {
		json_object_array_add(list, binding_json(info));
		return 0;
	}
	cli_cgroup_name(info->cgroup_id, path, sizeof(path));
	printf("%s: %zu rule%s, %u layer%s in force\n", path, n,
	       n == 1 ? "" : "s", info->nr_layers,
	       info->nr_layers == 1 ? "" : "s");
	print_rules(own->ruleset, "  ");
	return 0;
}

static int cmd_show(int argc, char **argv)
{
	struct llsock_binding_info info;
	struct json_object *list = NULL;
	char path[PATH_MAX];
	bool inherited;
	unsigned int i;
	int ret;

	ret = common_options(argc, argv, "show", usage_show, &json_output);
	if (ret >= 0)
		return ret;
	if (argc - optind > 1)
		return cli_usage_error("show", "expected at most one CGROUP");

	if (optind == argc) {
		if (json_output)
			list = json_object_new_array();
		ret = llsock_foreach_binding(show_one, list);
		if (ret) {
			json_object_put(list);
			return cli_fail(ret, "list", "policies");
		}
		if (list) {
			struct json_object *obj = json_object_new_object();

			json_object_object_add(obj, "bindings", list);
			print_json(obj);
		}
		return 0;
	}

	ret = llsock_get_binding(argv[optind], &info, &inherited);
	if (ret == -ENOENT && access(argv[optind], F_OK) == 0) {
		if (json_output) {
			struct json_object *obj = json_object_new_object();

			json_object_object_add(obj, "cgroup",
					       json_object_new_string(argv[optind]));
			json_object_object_add(obj, "layers",
					       json_object_new_array());
			print_json(obj);
		} else {
			printf("%s: unrestricted (no ruleset bound to it or to an ancestor)\n",
			       argv[optind]);
		}
		return 0;
	}
	if (ret)
		return cli_fail(ret, "show", argv[optind]);
	if (json_output) {
		struct json_object *obj = binding_json(&info);

		json_object_object_add(obj, "inherited",
				       json_object_new_boolean(inherited));
		print_json(obj);
	} else {
		cli_cgroup_name(info.cgroup_id, path, sizeof(path));
		if (inherited)
			printf("%s: domain of %s, %u layer%s\n", argv[optind],
			       path, info.nr_layers,
			       info.nr_layers == 1 ? "" : "s");
		else
			printf("%s: %u layer%s\n", path, info.nr_layers,
			       info.nr_layers == 1 ? "" : "s");
		for (i = 0; i < info.nr_layers; i++) {
			cli_cgroup_name(info.layers[i].cgroup_id, path,
					sizeof(path));
			printf("  layer %u, bound to %s:\n", i + 1, path);
			print_rules(info.layers[i].ruleset, "    ");
		}
	}
	llsock_binding_info_free(&info);
	return 0;
}

/* status */

static const char usage_status[] =
"Usage: llsock status [--json]\n"
"\n"
"Show the kernel, its LSM list, whether it accepts BPF LSM programs,\n"
"whether llsock is loaded, and the policies in force.\n"
"\n"
"  -j, --json  print JSON\n";

static int count_binding(const struct llsock_binding_info *info, void *ctx)
{
	struct json_object *list = ctx;
	char path[PATH_MAX];

	if (list) {
		json_object_array_add(list, binding_json(info));
		return 0;
	}
	cli_cgroup_name(info->cgroup_id, path, sizeof(path));
	printf("  %s: %zu rules, %u layer%s\n", path,
	       llsock_ruleset_size(info->layers[info->nr_layers - 1].ruleset),
	       info->nr_layers, info->nr_layers == 1 ? "" : "s");
	return 0;
}

static int cmd_status(int argc, char **argv)
{
	struct llsock_counters counters = {};
	struct json_object *obj, *list = NULL;
	struct llsock_probe probe;
	bool loaded;
	int ret;

	ret = common_options(argc, argv, "status", usage_status, &json_output);
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

	if (json_output) {
		obj = json_object_new_object();
		json_object_object_add(obj, "kernel",
				       json_object_new_string(probe.kernel_release));
		json_object_object_add(obj, "lsm_list", probe.lsm_list_known ?
				       json_object_new_string(probe.lsm_list) : NULL);
		json_object_object_add(obj, "bpf_lsm",
				       json_object_new_boolean(probe.bpf_in_lsm_list));
		json_object_object_add(obj, "lsm_programs_refused",
				       probe.root ? json_object_new_boolean(
					       probe.lsm_progs_refused) : NULL);
		json_object_object_add(obj, "hooks_fit",
				       json_object_new_boolean(probe.hooks_fit));
		json_object_object_add(obj, "cgroup2", probe.cgroup2 ?
				       json_object_new_string(probe.cgroup2_path) : NULL);
		json_object_object_add(obj, "loaded",
				       json_object_new_boolean(loaded));
		if (loaded) {
			list = json_object_new_array();
			ret = llsock_foreach_binding(count_binding, list);
			json_object_object_add(obj, "bindings", list);
			json_object_object_add(obj, "rule_entries",
					       json_object_new_uint64(counters.rule_entries));
			json_object_object_add(obj, "max_rules",
					       json_object_new_uint64(counters.max_rules));
			json_object_object_add(obj, "denied",
					       json_object_new_uint64(counters.denied));
			json_object_object_add(obj, "events_lost",
					       json_object_new_uint64(counters.events_lost));
			json_object_object_add(obj, "escapes_denied",
					       json_object_new_uint64(counters.escapes_denied));
		}
		print_json(obj);
		return ret ? cli_fail(ret, "list", "policies") : 0;
	}

	printf("kernel:     %s\n", probe.kernel_release);
	printf("LSMs:       %s%s\n",
	       probe.lsm_list_known ? probe.lsm_list : "unknown",
	       probe.lsm_list_known ? (probe.bpf_in_lsm_list ?
				       " (bpf: yes)" : " (bpf: no)") : "");
	printf("LSM progs:  %s\n", !probe.root ? "unknown (not root)" :
	       probe.bpf_denied ? "unknown (bpf(2) denied to this task)" :
	       probe.lsm_progs_refused ? "refused by this kernel" : "accepted");
	printf("hooks:      %s\n", probe.hooks_fit ?
	       "llsock's programs fit this kernel's" : probe.hooks_unfit);
	printf("cgroup v2:  %s\n", probe.cgroup2 ? probe.cgroup2_path :
	       "not mounted");
	printf("llsock:     %s\n", loaded ?
	       "loaded (pinned under /sys/fs/bpf/llsock)" : "not loaded");
	if (!loaded)
		return 0;
	printf("policies:   %u bound cgroup%s, %u of %u rule entries used\n",
	       counters.bindings, counters.bindings == 1 ? "" : "s",
	       counters.rule_entries, counters.max_rules);
	printf("denials:    %llu (events lost: %llu), escape attempts denied: %llu\n",
	       (unsigned long long)counters.denied,
	       (unsigned long long)counters.events_lost,
	       (unsigned long long)counters.escapes_denied);
	ret = llsock_foreach_binding(count_binding, NULL);
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

static int print_denial(const struct llsock_event *d, void *data)
{
	struct monitor_ctx *ctx = data;
	char cgroup[PATH_MAX], layer[PATH_MAX];

	cli_cgroup_name(d->cgroup, cgroup, sizeof(cgroup));
	cli_cgroup_name(d->layer_cgroup, layer, sizeof(layer));
	if (json_output) {
		struct json_object *obj = json_object_new_object();

		json_object_object_add(obj, "blockers",
				       json_object_new_string("socket.create"));
		json_object_object_add(obj, "family", json_object_new_int(d->family));
		json_object_object_add(obj, "sock_type", json_object_new_int(d->type));
		json_object_object_add(obj, "protocol",
				       json_object_new_int(d->protocol));
		json_object_object_add(obj, "pid", json_object_new_int(d->pid));
		json_object_object_add(obj, "tid", json_object_new_int(d->tid));
		json_object_object_add(obj, "uid", json_object_new_int64(d->uid));
		json_object_object_add(obj, "comm", json_object_new_string(d->comm));
		json_object_object_add(obj, "cgroup", json_object_new_string(cgroup));
		json_object_object_add(obj, "layer",
				       json_object_new_int(d->layer + 1));
		json_object_object_add(obj, "layers",
				       json_object_new_int(d->nr_layers));
		json_object_object_add(obj, "layer_cgroup",
				       json_object_new_string(layer));
		puts(json_object_to_json_string_ext(obj,
			JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
		json_object_put(obj);
	} else {
		printf("denied blockers=socket.create family=%d sock_type=%d protocol=%d pid=%u comm=\"%s\" uid=%u cgroup=%s layer=%u/%u layer_cgroup=%s\n",
		       d->family, d->type, d->protocol, d->pid, d->comm, d->uid,
		       cgroup, d->layer + 1, d->nr_layers, layer);
	}
	fflush(stdout);
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
			json_output = true;
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

// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * llsock: restrict which sockets a cgroup, or one command, may create.
 *
 * Exit status: 0 success, 1 usage error or bad policy, 2 kernel or BPF
 * error. Errors go to stderr, as "llsock: cannot VERB OBJECT: reason",
 * followed by a "Hint:" line when the cause is known; --json output goes to
 * stdout only.
 *
 * Each command is described once (struct cli_command, in the file of its
 * group); this file has the table of them and main().
 */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/libbpf.h>

#include "cli.h"

#ifndef LLSOCK_VERSION
#define LLSOCK_VERSION	"0.1"
#endif

/* In the order `llsock --help` lists them. */
static const struct cli_command *const commands[] = {
	&cmd_load,
	&cmd_unload,
	&cmd_status,
	&cmd_apply,
	&cmd_show,
	&cmd_clear,
	&cmd_gc,
	&cmd_run,
	&cmd_monitor,
	&cmd_metrics,
	&cmd_check,
	&cmd_oci_hook,
};

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

/* llsock --help: these, and each command's summary between them. */
static const char usage_head[] =
"Usage: llsock COMMAND [OPTIONS] [ARGS]\n"
"\n"
"Restrict which sockets the tasks of a cgroup v2, or one command, may create,\n"
"with the semantics of the proposed Landlock socket rules, on kernels with\n"
"BPF LSM.\n"
"\n"
"Commands:\n";

static const char usage_tail[] =
"\n"
"RULE is family.type.protocol, each field a number or a name; type and\n"
"protocol may be * (or -1) for any: unix.*.*, inet.stream.tcp, inet6.dgram.0.\n"
"apply, check and run make a v4 ruleset unless --flavour permission (or a\n"
"policy's \"flavour permission\" line) asks for the permission flavour,\n"
"where only the protocol may be *: unix.stream.*, inet.stream.tcp.\n"
"\n"
"Run 'llsock COMMAND --help' for the options of a command.\n"
"Exit status: 0 ok, 1 usage error or bad policy, 2 kernel or BPF error.\n";

static void usage(void)
{
	unsigned int i;

	fputs(usage_head, stdout);
	for (i = 0; i < ARRAY_SIZE(commands); i++)
		printf("  %-10s%s\n", commands[i]->name, commands[i]->summary);
	fputs(usage_tail, stdout);
}

int main(int argc, char **argv)
{
	/* "llsock help COMMAND" is "llsock COMMAND --help". */
	char *help[] = { argv[0], argc == 3 ? argv[2] : NULL, "--help", NULL };
	unsigned int i;
	int ret;

	libbpf_set_print(libbpf_log);
	/* Our own messages for bad options, in our own format. */
	opterr = 0;
	if (argc < 2)
		return cli_usage_error(NULL, "missing COMMAND");
	if (!strcmp(argv[1], "help") && argc == 3) {
		argc = 3;
		argv = help;
	} else if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
		   !strcmp(argv[1], "help")) {
		usage();
		return 0;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("llsock %s\n", LLSOCK_VERSION);
		return 0;
	}
	for (i = 0; i < ARRAY_SIZE(commands); i++) {
		if (strcmp(argv[1], commands[i]->name))
			continue;
		/* Its options from argv[1], the command word. */
		ret = cli_parse(commands[i], argc - 1, argv + 1);
		if (ret >= 0)
			return ret;
		return commands[i]->run(commands[i], argc - 1 - optind,
					argv + 1 + optind);
	}
	if (argv[1][0] == '-')
		return cli_usage_error(NULL, "unknown option %s", argv[1]);
	return cli_usage_error(NULL, "unknown command \"%s\"", argv[1]);
}

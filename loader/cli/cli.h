/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * What the files of the llsock command share: exit statuses and messages,
 * the description of a command (its options and --help), the printer that
 * writes text or JSON, and the pieces that more than one command uses.
 */
#ifndef LLSOCK_CLI_H
#define LLSOCK_CLI_H

#include <stdbool.h>
#include <stddef.h>

#include "libllsock.h"

#define EXIT_USAGE	1	/* usage error or bad policy */
#define EXIT_KERNEL	2	/* kernel or BPF error */

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* "s" for a count other than one: "1 rule", "2 rules". */
static inline const char *plural(unsigned long n)
{
	return n == 1 ? "" : "s";
}

/* Messages: stderr, "llsock: ..." then "Hint: ..." where the cause is known. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void cli_hint(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int cli_usage_error(const char *command, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int cli_fail(int err, const char *what, const char *object);
int cli_fail_change(int err, const char *what, const char *object,
		    const struct llsock_bind_opts *use);
int cli_need_cgroup2(const char *what);
void cli_cgroup_name(__u64 id, char *buf, size_t size);

/**
 * struct cli_option - one option of a command, for getopt_long and --help
 * @name: the long name, without "--"
 * @short_name: the short one, or 0 for none
 * @arg: the argument as --help names it; NULL for an option without one
 * @help: the help text, lines separated by '\n'; NULL leaves it out
 * @set: acts on the option, on the command's @opts: 0, -EINVAL for a bad
 *	argument, or another -errno; NULL for an option that getopt_long
 *	knows but the command refuses
 * @offset: for cli_set_uint() and cli_set_true(), where in @opts
 * @min: for cli_set_uint(), the smallest value allowed
 * @max: for cli_set_uint(), the largest value allowed
 * @expect: what a bad argument should have been, for the usage error
 */
struct cli_option {
	const char *name;
	char short_name;
	const char *arg;
	const char *help;
	int (*set)(const struct cli_option *opt, void *ctx, const char *arg);
	size_t offset;
	unsigned int min;
	unsigned int max;
	const char *expect;
};

/**
 * struct cli_command - one command: what `llsock --help` lists, its --help
 * text, its options and what it does
 * @name: the command word
 * @summary: its line in `llsock --help`
 * @usage: what follows "Usage: llsock NAME", or NULL
 * @description: the paragraphs between the usage line and the options
 * @options: its options, ending with an empty entry (--help is implied)
 * @footer: a last paragraph after the options, or NULL
 * @help_column: where the options' help text starts; 0: two columns past
 *	the longest option
 * @in_order: options end at the first argument (a command to run)
 * @no_args: takes no argument besides its options
 * @opts: what the options' @set functions write to
 * @run: does the work, with the arguments that follow the options; returns
 *	the exit status
 */
struct cli_command {
	const char *name;
	const char *summary;
	const char *usage;
	const char *description;
	const struct cli_option *options;
	const char *footer;
	unsigned int help_column;
	bool in_order;
	bool no_args;
	void *opts;
	int (*run)(const struct cli_command *cmd, int argc, char **argv);
};

extern const struct cli_command cmd_load, cmd_unload, cmd_status, cmd_apply,
	cmd_show, cmd_clear, cmd_gc, cmd_run, cmd_monitor, cmd_metrics,
	cmd_check, cmd_oci_hook;

/* --json, with its help text. */
#define CLI_JSON_OPTION(text) \
	{ .name = "json", .short_name = 'j', .help = text, .set = cli_set_json }

extern const struct cli_option cli_no_options[], cli_json_option[];

int cli_parse(const struct cli_command *cmd, int argc, char **argv);
void cli_help(const struct cli_command *cmd);
int cli_set_uint(const struct cli_option *opt, void *ctx, const char *arg);
int cli_set_true(const struct cli_option *opt, void *ctx, const char *arg);
int cli_set_json(const struct cli_option *opt, void *ctx, const char *arg);

/*
 * The printer: a command describes its output once, as objects, lists and
 * fields; each field has its JSON key and value and, where the text output
 * shows it, a printf format for its text (NULL: JSON only). With --json the
 * calls build one JSON document, printed when the outermost object ends;
 * without, each call prints its text as it comes.
 */
void print_use_json(void);
void print_stream(void);
void print_begin_object(const char *key, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void print_begin_list(const char *key);
void print_end(void);
void print_discard(void);
void print_text(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void print_string(const char *key, const char *value, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void print_int(const char *key, long long value, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void print_uint(const char *key, unsigned long long value,
		const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void print_bool(const char *key, bool value, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void print_opt_bool(const char *key, bool known, bool value,
		    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* --flavour, of every command that takes rules. */
#define CLI_FLAVOUR_OPTION {						\
	.name = "flavour", .arg = "FLAVOUR",				\
	.help = "the ruleset's flavour: v4 (default) or permission;\n"	\
		"else a POLICY's \"flavour NAME\" line says it",		\
	.set = rules_set_flavour, .expect = "v4 or permission",	\
}

/* The paragraph on flavours of the --help of the commands that take rules. */
#define CLI_FLAVOUR_HELP							\
"Flavours: v4 (the RFC v4 interface) lets type and protocol be * (or -1)\n"	\
"for any. permission (the 2026 permission design) stores each rule under\n"	\
"the key the kernel gives the socket (inet.stream.0 is inet.stream.tcp)\n"	\
"and lets only the protocol be *: a type wildcard such as inet.*.* is\n"	\
"refused with the rules it stands for, one per type. A POLICY says its\n"	\
"flavour with a line \"flavour permission\" (or \"flavour v4\") before its\n"	\
"first rule; --flavour and every POLICY that says one must agree.\n"

/*
 * Rules from the command line: --allow RULE and --file POLICY in the order
 * given, then RULE arguments; read once the options are all parsed, so that
 * --help wins over a bad rule before it. The ruleset's flavour is
 * --flavour's, else the first POLICY's that declares one, else v4.
 */
int rules_set_allow(const struct cli_option *opt, void *ctx, const char *arg);
int rules_set_file(const struct cli_option *opt, void *ctx, const char *arg);
int rules_set_flavour(const struct cli_option *opt, void *ctx,
		      const char *arg);
bool rules_given(void);
int rules_make(int argc, char **argv, struct llsock_ruleset **ruleset);
void print_ruleset(const struct llsock_ruleset *ruleset, const char *indent);

/**
 * enum binding_view - how a bound cgroup reads as text; its JSON is the same
 * in every view
 * @BINDING_SUMMARY: one line (status)
 * @BINDING_OWN: a line, then the cgroup's own rules (show)
 * @BINDING_DOMAIN: a line, then every layer with its rules (show CGROUP)
 */
enum binding_view {
	BINDING_SUMMARY,
	BINDING_OWN,
	BINDING_DOMAIN,
};

void print_binding(const struct llsock_binding_info *info,
		   enum binding_view view, const char *asked);
int print_binding_object(const struct llsock_binding_info *info, void *view);

#endif /* LLSOCK_CLI_H */

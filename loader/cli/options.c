// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Options and --help, both from a command's one description (struct
 * cli_command): getopt_long's tables are built from it, and so is the help
 * text, so that the two cannot disagree.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* No command has more; the tables below are sized for it. */
#define CLI_MAX_OPTIONS	8

/* Long options without a short one get a getopt value above any char. */
#define LONG_ONLY	256

enum { OPT_HELP = 'h' };

/* The options of the commands that have only --help, and --json. */
const struct cli_option cli_no_options[] = {
	{}
};

const struct cli_option cli_json_option[] = {
	CLI_JSON_OPTION("print JSON"),
	{}
};

static unsigned int nr_options(const struct cli_command *cmd)
{
	unsigned int n = 0;

	while (cmd->options[n].name)
		n++;
	return n;
}

static int option_value(const struct cli_command *cmd, unsigned int i)
{
	return cmd->options[i].short_name ? cmd->options[i].short_name :
	       LONG_ONLY + (int)i;
}

/*
 * getopt_long's tables for @cmd. Options start with ':' so that a missing
 * value is told apart from an unknown option; run's start with '+' too, so
 * that its options end at CMD, whose own options are not ours.
 */
static void build_tables(const struct cli_command *cmd, struct option *longopts,
			 char *optstring)
{
	const struct cli_option *opt;
	unsigned int i;

	if (cmd->in_order)
		*optstring++ = '+';
	*optstring++ = ':';
	for (i = 0; cmd->options[i].name; i++) {
		opt = &cmd->options[i];
		longopts[i] = (struct option) {
			.name = opt->name,
			.has_arg = opt->arg ? required_argument : no_argument,
			.val = option_value(cmd, i),
		};
		if (!opt->short_name)
			continue;
		*optstring++ = opt->short_name;
		if (opt->arg)
			*optstring++ = ':';
	}
	longopts[i++] = (struct option) { "help", no_argument, NULL, OPT_HELP };
	longopts[i] = (struct option) {};
	strcpy(optstring, "h");
}

static const struct cli_option *find_option(const struct cli_command *cmd,
					    int val)
{
	unsigned int i;

	for (i = 0; cmd->options[i].name; i++)
		if (option_value(cmd, i) == val)
			return &cmd->options[i];
	return NULL;
}

/*
 * getopt's '?' (unknown option) or ':' (missing argument). A short option
 * is named by optopt, a long one by its word.
 */
static int bad_option(const char *command, int val, char **argv)
{
	const char *word = argv[optind - 1];
	char name[3] = { '-', (char)optopt, '\0' };

	/* In a bundle such as -xj, argv[optind - 1] is not the option. */
	if (strncmp(word, "--", 2))
		word = name;
	if (val == ':')
		return cli_usage_error(command, "option %s needs a value",
				       word);
	return cli_usage_error(command, "unknown option %s", word);
}

/**
 * cli_parse() - parse a command's options as its description says
 * @cmd: the command, whose table names its options and their actions
 * @argc: argument count, argv[0] being the command word
 * @argv: the arguments
 *
 * Each option acts as it comes, on @cmd->opts, so that the first bad one is
 * the one reported, and --help wins only over what follows it. On return
 * optind is the first argument that is not an option.
 *
 * Return: -1 to go on, else the exit status: 0 after --help, EXIT_USAGE
 * after a usage error, EXIT_KERNEL when out of memory (reported).
 */
int cli_parse(const struct cli_command *cmd, int argc, char **argv)
{
	struct option longopts[CLI_MAX_OPTIONS + 2];
	char optstring[3 * CLI_MAX_OPTIONS + 4];
	const struct cli_option *opt;
	int val, err;

	/* A table with more is a bug, here rather than past the stack. */
	if (nr_options(cmd) > CLI_MAX_OPTIONS)
		abort();
	build_tables(cmd, longopts, optstring);
	while ((val = getopt_long(argc, argv, optstring, longopts,
				  NULL)) != -1) {
		if (val == OPT_HELP) {
			cli_help(cmd);
			return 0;
		}
		opt = find_option(cmd, val);
		if (!opt)
			return bad_option(cmd->name, val, argv);
		/* Known to getopt_long, so "--j" still reads as "--json". */
		if (!opt->set)
			return cli_usage_error(cmd->name, "unknown option --%s",
					       opt->name);
		err = opt->set(opt, cmd->opts, optarg);
		if (err == -EINVAL)
			return cli_usage_error(cmd->name,
					       "--%s: expected %s, got \"%s\"",
					       opt->name, opt->expect, optarg);
		if (err) {
			cli_error("cannot read --%s: %s", opt->name,
				  strerror(-err));
			return EXIT_KERNEL;
		}
	}
	if (cmd->no_args && optind != argc)
		return cli_usage_error(cmd->name, "unexpected argument \"%s\"",
				       argv[optind]);
	return -1;
}

/* "-c, --name ARG", as --help shows it; returns its length. */
static int option_spec(const struct cli_option *opt, char *buf, size_t size)
{
	int len = 0;

	if (opt->short_name)
		len = snprintf(buf, size, "-%c, ", opt->short_name);
	return len + snprintf(buf + len, size - len, "--%s%s%s", opt->name,
			      opt->arg ? " " : "", opt->arg ? opt->arg : "");
}

static unsigned int help_column(const struct cli_command *cmd)
{
	const struct cli_option *opt;
	unsigned int column = 0;
	char spec[64];
	int len;

	if (cmd->help_column)
		return cmd->help_column;
	for (opt = cmd->options; opt->name; opt++) {
		len = option_spec(opt, spec, sizeof(spec));
		if (opt->help && (unsigned int)len + 2 > column)
			column = len + 2;
	}
	return column;
}

/* "  --name ARG  help", the help's further lines under its first. */
static void print_option_help(const struct cli_option *opt, int column)
{
	const char *line = opt->help, *end;
	char spec[64];

	option_spec(opt, spec, sizeof(spec));
	printf("  %-*s", column, spec);
	for (;;) {
		end = strchrnul(line, '\n');
		printf("%.*s\n", (int)(end - line), line);
		if (!*end)
			break;
		line = end + 1;
		printf("%*s", column + 2, "");
	}
}

/**
 * cli_help() - print a command's --help, made from its description
 * @cmd: the command
 */
void cli_help(const struct cli_command *cmd)
{
	unsigned int column = help_column(cmd);
	const struct cli_option *opt;
	bool listed = false;

	printf("Usage: llsock %s%s%s\n\n%s", cmd->name, cmd->usage ? " " : "",
	       cmd->usage ? cmd->usage : "", cmd->description);
	for (opt = cmd->options; opt->name; opt++) {
		if (!opt->help)
			continue;
		if (!listed)
			putchar('\n');
		listed = true;
		print_option_help(opt, column);
	}
	if (cmd->footer)
		printf("\n%s", cmd->footer);
}

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

/**
 * cli_set_uint() - the @set of a number option
 * @opt: the option: @offset of an unsigned int in @ctx, @min and @max
 * @ctx: the command's options
 * @arg: the option's argument, decimal
 *
 * Return: 0, or -EINVAL when @arg is not a number from @min to @max.
 */
int cli_set_uint(const struct cli_option *opt, void *ctx, const char *arg)
{
	unsigned int value;

	if (parse_uint(arg, &value) || value < opt->min || value > opt->max)
		return -EINVAL;
	*(unsigned int *)((char *)ctx + opt->offset) = value;
	return 0;
}

/**
 * cli_set_true() - the @set of a flag kept as a bool at @opt->offset in @ctx
 * @opt: the option
 * @ctx: the command's options
 * @arg: unused (a flag takes no argument)
 *
 * Return: 0.
 */
int cli_set_true(const struct cli_option *opt, void *ctx, const char *arg)
{
	*(bool *)((char *)ctx + opt->offset) = true;
	return 0;
}

/**
 * cli_set_json() - the @set of --json: the printer writes JSON
 * @opt: the option
 * @ctx: unused: the printer is the whole command's
 * @arg: unused
 *
 * Return: 0.
 */
int cli_set_json(const struct cli_option *opt, void *ctx, const char *arg)
{
	print_use_json();
	return 0;
}

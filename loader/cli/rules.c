// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Rulesets from the command line: RULE arguments, --allow RULE and --file
 * POLICY (apply, check, run); and the one way a ruleset is printed.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"

/* A RULE, or a POLICY file, from the command line. */
struct rule_source {
	bool file;
	const char *text;
};

/* --allow and --file, in the order given; read by rules_make(). */
static struct {
	struct rule_source *v;
	unsigned int nr;
	bool given;
} sources;

static int add_source(bool file, const char *text)
{
	struct rule_source *v;

	v = realloc(sources.v, (sources.nr + 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	v[sources.nr++] = (struct rule_source) { file, text };
	sources.v = v;
	return 0;
}

/**
 * rules_set_allow() - the @set of --allow RULE
 * @opt: the option
 * @ctx: unused: the rules of the command line are kept here
 * @arg: RULE, read by rules_make() with the other rules
 *
 * Return: 0, or -ENOMEM.
 */
int rules_set_allow(const struct cli_option *opt, void *ctx, const char *arg)
{
	sources.given = true;
	return add_source(false, arg);
}

/**
 * rules_set_file() - the @set of --file POLICY
 * @opt: the option
 * @ctx: unused: the rules of the command line are kept here
 * @arg: POLICY, read by rules_make() with the other rules
 *
 * Return: 0, or -ENOMEM.
 */
int rules_set_file(const struct cli_option *opt, void *ctx, const char *arg)
{
	sources.given = true;
	return add_source(true, arg);
}

/**
 * rules_given() - whether --allow or --file was given
 *
 * Return: true if either was, even if what it named has no rule.
 */
bool rules_given(void)
{
	return sources.given;
}

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
	char err[640];
	int ret;

	ret = llsock_add_rule_text(ruleset, text, err, sizeof(err));
	if (ret == -EINVAL) {
		cli_error("bad rule \"%s\": %s", text, err);
		return EXIT_USAGE;
	}
	if (ret) {
		cli_error("%s", err);
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
	/* fopen() opens a directory; reading it would say less than this. */
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

/**
 * rules_make() - the ruleset of the command line
 * @argc: how many RULE arguments follow the options
 * @argv: the RULE arguments
 * @ruleset: receives the ruleset
 *
 * Reads --allow and --file in the order given, then @argv, and stops at the
 * first bad rule or policy.
 *
 * Return: 0, or the exit status (reported): EXIT_USAGE for a bad rule or
 * policy, EXIT_KERNEL when out of memory.
 */
int rules_make(int argc, char **argv, struct llsock_ruleset **ruleset)
{
	unsigned int i;
	int ret = 0;

	*ruleset = new_ruleset();
	if (!*ruleset)
		ret = EXIT_KERNEL;
	for (i = 0; i < sources.nr && !ret; i++)
		ret = sources.v[i].file ?
		      add_policy_file(*ruleset, sources.v[i].text) :
		      add_rule_text(*ruleset, sources.v[i].text);
	for (i = 0; i < (unsigned int)argc && !ret; i++)
		ret = add_rule_text(*ruleset, argv[i]);
	free(sources.v);
	sources.v = NULL;
	sources.nr = 0;
	if (ret) {
		llsock_ruleset_free(*ruleset);
		*ruleset = NULL;
	}
	return ret;
}

/**
 * print_ruleset() - the "rules" list of a ruleset
 * @ruleset: the ruleset
 * @indent: what starts each rule's line of text; NULL: no text
 */
void print_ruleset(const struct llsock_ruleset *ruleset, const char *indent)
{
	const struct llsock_rule_info *rule;
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

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

/*
 * A RULE, or a POLICY file, from the command line. A POLICY is read whole
 * first, so that its flavour line is known before the ruleset is made,
 * from stdin too.
 */
struct rule_source {
	bool file;
	const char *text;
	char *data;
	size_t size;
	/* Its flavour line's number, 0 for none; and what it says. */
	int declared;
	enum llsock_flavour flavour;
};

/* --allow and --file in the order given, and --flavour: for rules_make(). */
static struct {
	struct rule_source *v;
	unsigned int nr;
	bool given;
	bool flavour_given;
	enum llsock_flavour flavour;
} sources;

static int add_source(bool file, const char *text)
{
	struct rule_source *v;

	v = realloc(sources.v, (sources.nr + 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	v[sources.nr++] = (struct rule_source) { .file = file, .text = text };
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
 * rules_set_flavour() - the @set of --flavour FLAVOUR
 * @opt: the option
 * @ctx: unused: the rules of the command line are kept here
 * @arg: "v4" or "permission"
 *
 * Return: 0, or -EINVAL for another @arg.
 */
int rules_set_flavour(const struct cli_option *opt, void *ctx, const char *arg)
{
	if (llsock_flavour_parse(arg, &sources.flavour))
		return -EINVAL;
	sources.flavour_given = true;
	return 0;
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

static struct llsock_ruleset *new_ruleset(enum llsock_flavour flavour)
{
	struct llsock_permission_ruleset_attr permission = {
		.handled_permissions = LLSOCK_PERMISSION_SOCKET_CREATE,
	};
	struct llsock_ruleset_attr v4 = {
		.handled_access_socket = LLSOCK_ACCESS_SOCKET_CREATE,
	};
	struct llsock_ruleset *ruleset;
	int ret;

	if (flavour == LLSOCK_FLAVOUR_PERMISSION)
		ret = llsock_create_permission_ruleset(&permission,
						       sizeof(permission), 0,
						       &ruleset);
	else
		ret = llsock_create_ruleset(&v4, sizeof(v4), 0, &ruleset);
	if (ret) {
		cli_error("cannot create ruleset: %s", strerror(-ret));
		return NULL;
	}
	/*
	 * No more rules than the loaded llsock holds in force: a huge policy
	 * stops being read at its first rule too many.
	 */
	if (llsock_is_loaded()) {
		struct llsock_limits limits;

		if (!llsock_get_limits(&limits))
			llsock_ruleset_set_max_rules(ruleset, limits.max_rules);
	}
	return ruleset;
}

static int add_rule_text(struct llsock_ruleset *ruleset, const char *text)
{
	char err[LLSOCK_ERR_SIZE];
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

/* Reads @file whole into @src: 0 or -errno. */
static int read_whole(FILE *file, struct rule_source *src)
{
	size_t room = 0, n;
	char *data;

	do {
		if (src->size == room) {
			room = room ? 2 * room : 4096;
			data = realloc(src->data, room);
			if (!data)
				return -ENOMEM;
			src->data = data;
		}
		n = fread(src->data + src->size, 1, room - src->size, file);
		src->size += n;
	} while (n);
	return ferror(file) ? -(errno ? errno : EIO) : 0;
}

static int scan_policy(struct rule_source *src, struct llsock_ruleset *ruleset);

/* Reads the POLICY of @src whole, and its flavour line: 0 or the status. */
static int read_policy_file(struct rule_source *src)
{
	struct stat st;
	FILE *file;
	int ret;

	file = strcmp(src->text, "-") ? fopen(src->text, "re") : stdin;
	if (!file) {
		cli_error("cannot open policy %s: %s", src->text,
			  strerror(errno));
		return EXIT_USAGE;
	}
	/* fopen() opens a directory; reading it would say less than this. */
	if (fstat(fileno(file), &st) == 0 && S_ISDIR(st.st_mode))
		ret = -EISDIR;
	else
		ret = read_whole(file, src);
	if (file != stdin)
		fclose(file);
	if (ret) {
		cli_error("cannot read policy %s: %s", src->text,
			  strerror(-ret));
		return ret == -ENOMEM ? EXIT_KERNEL : EXIT_USAGE;
	}
	src->declared = 0;
	return scan_policy(src, NULL);
}

/*
 * Reads the POLICY of @src, in memory, into @ruleset; with no @ruleset,
 * its flavour line only (into @src). 0 or the status.
 */
static int scan_policy(struct rule_source *src, struct llsock_ruleset *ruleset)
{
	char err[LLSOCK_ERR_SIZE];
	FILE *file;
	int ret;

	/* fmemopen() of nothing fails, and nothing holds no rule and no line. */
	if (!src->size)
		return 0;
	file = fmemopen(src->data, src->size, "r");
	if (!file) {
		cli_error("cannot read policy %s: %s", src->text,
			  strerror(errno));
		return EXIT_KERNEL;
	}
	if (ruleset) {
		ret = llsock_parse_policy(file, ruleset, err, sizeof(err));
	} else {
		ret = llsock_policy_flavour(file, &src->flavour, err,
					    sizeof(err));
		src->declared = ret;
	}
	fclose(file);
	if (ret < 0) {
		cli_error("bad policy %s: %s", src->text, err);
		return EXIT_USAGE;
	}
	return 0;
}

/*
 * The flavour of the command line's ruleset: --flavour's, else the first
 * POLICY's that declares one, else v4. Another flavour declared anywhere
 * is an error: 0 or the status.
 */
static int choose_flavour(enum llsock_flavour *flavour)
{
	const struct rule_source *first = NULL, *src;
	unsigned int i;

	*flavour = sources.flavour_given ? sources.flavour : LLSOCK_FLAVOUR_V4;
	for (i = 0; i < sources.nr; i++) {
		src = &sources.v[i];
		if (!src->file || !src->declared)
			continue;
		if (sources.flavour_given && src->flavour != *flavour) {
			cli_error("policy %s is of the %s flavour (line %d), but --flavour %s was given",
				  src->text, llsock_flavour_name(src->flavour),
				  src->declared, llsock_flavour_name(*flavour));
			cli_hint("drop --flavour, or write the policy for the %s flavour.",
				 llsock_flavour_name(*flavour));
			return EXIT_USAGE;
		}
		if (first && src->flavour != first->flavour) {
			cli_error("policy %s is of the %s flavour (line %d), but policy %s is of the %s flavour (line %d)",
				  src->text, llsock_flavour_name(src->flavour),
				  src->declared, first->text,
				  llsock_flavour_name(first->flavour),
				  first->declared);
			cli_hint("a ruleset is of one flavour: give policies of that one only.");
			return EXIT_USAGE;
		}
		if (!first) {
			first = src;
			*flavour = src->flavour;
		}
	}
	return 0;
}

static void free_sources(void)
{
	unsigned int i;

	for (i = 0; i < sources.nr; i++)
		free(sources.v[i].data);
	free(sources.v);
	sources.v = NULL;
	sources.nr = 0;
}

/**
 * rules_make() - the ruleset of the command line
 * @argc: how many RULE arguments follow the options
 * @argv: the RULE arguments
 * @ruleset: receives the ruleset
 *
 * Reads every POLICY for its flavour line, makes a ruleset of the flavour
 * they and --flavour agree on, then reads --allow and --file in the order
 * given, then @argv, and stops at the first bad rule or policy.
 *
 * Return: 0, or the exit status (reported): EXIT_USAGE for a bad rule or
 * policy or flavours that disagree, EXIT_KERNEL when out of memory.
 */
int rules_make(int argc, char **argv, struct llsock_ruleset **ruleset)
{
	enum llsock_flavour flavour;
	unsigned int i;
	int ret = 0;

	*ruleset = NULL;
	for (i = 0; i < sources.nr && !ret; i++)
		if (sources.v[i].file)
			ret = read_policy_file(&sources.v[i]);
	if (!ret)
		ret = choose_flavour(&flavour);
	if (!ret) {
		*ruleset = new_ruleset(flavour);
		if (!*ruleset)
			ret = EXIT_KERNEL;
	}
	for (i = 0; i < sources.nr && !ret; i++)
		ret = sources.v[i].file ?
		      scan_policy(&sources.v[i], *ruleset) :
		      add_rule_text(*ruleset, sources.v[i].text);
	for (i = 0; i < (unsigned int)argc && !ret; i++)
		ret = add_rule_text(*ruleset, argv[i]);
	free_sources();
	if (ret) {
		llsock_ruleset_free(*ruleset);
		*ruleset = NULL;
	}
	return ret;
}

/**
 * print_ruleset() - a ruleset's flavour, handled mask and "rules" list
 * @ruleset: the ruleset
 * @indent: what starts each rule's line of text; NULL: no text
 *
 * The flavour and the handled mask are JSON only; the mask is under the
 * name of its flavour's field: handled_access_socket (v4) or
 * handled_permissions. A permission rule's values are __u32, with its
 * wildcards; a v4 rule says -1 for any.
 */
void print_ruleset(const struct llsock_ruleset *ruleset, const char *indent)
{
	enum llsock_flavour flavour = llsock_ruleset_flavour(ruleset);
	bool permission = flavour == LLSOCK_FLAVOUR_PERMISSION;
	const struct llsock_rule_info *rule;
	char text[96];
	size_t i;

	print_string("flavour", llsock_flavour_name(flavour), NULL);
	print_uint(permission ? "handled_permissions" : "handled_access_socket",
		   llsock_ruleset_handled(ruleset), NULL);
	if (indent && !llsock_ruleset_size(ruleset))
		print_text("%s(no rule: no socket may be created)\n", indent);
	print_begin_list("rules");
	for (i = 0; i < llsock_ruleset_size(ruleset); i++) {
		rule = llsock_ruleset_rule(ruleset, i);
		llsock_format_rule(rule, text, sizeof(text));
		print_begin_object(NULL, NULL);
		print_string("rule", text, indent ? "%s%s\n" : NULL, indent,
			     text);
		if (permission) {
			print_uint("family", (__u32)rule->family, NULL);
			print_uint("type", (__u32)rule->type, NULL);
			print_uint("protocol", (__u32)rule->protocol, NULL);
			print_uint("wildcards", rule->wildcards, NULL);
		} else {
			print_int("family", rule->family, NULL);
			print_int("type", rule->type, NULL);
			print_int("protocol", rule->protocol, NULL);
		}
		print_end();
	}
	print_end();
}

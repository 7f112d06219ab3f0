// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * llsock oci-hook: an OCI runtime hook. At createRuntime, the container's
 * process exists, in its cgroup, and none of the workload has run: the
 * policy its annotations name is bound to that cgroup then. At poststop,
 * the bindings of removed cgroups are dropped.
 *
 * The runtime passes the container's state (JSON) on stdin; a hook that
 * fails makes the runtime refuse to start the container, which is what a
 * bad annotation or a missing policy must do.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "cli.h"

/* Annotations: a policy of the policy directory, rules, audit mode. */
#define ANNOTATION_POLICY	"org.llsock.policy"
#define ANNOTATION_RULES	"org.llsock.rules"
#define ANNOTATION_AUDIT	"org.llsock.audit"
#define ANNOTATION_FLAVOUR	"org.llsock.flavour"

#define DEFAULT_POLICY_DIR	"/etc/llsock/policies"
/* A container's state is a few kilobytes; more is not one. */
#define MAX_STATE		(1 << 20)

struct oci_opts {
	const char *policy_dir;
};

static struct oci_opts oci_opts = { .policy_dir = DEFAULT_POLICY_DIR };

static int set_policy_dir(const struct cli_option *opt, void *ctx,
			  const char *arg)
{
	((struct oci_opts *)ctx)->policy_dir = arg;
	return 0;
}

static const struct cli_option oci_options[] = {
	{ .name = "policy-dir", .arg = "DIR",
	  .help = "where the policies that " ANNOTATION_POLICY " names\n"
		  "are, as NAME.policy (default " DEFAULT_POLICY_DIR ")",
	  .set = set_policy_dir },
	{}
};

/* The state on stdin, parsed: NULL after saying why. */
static struct json_object *read_state(void)
{
	struct json_tokener *tok;
	struct json_object *state;
	char *buf;
	size_t len = 0, n;

	buf = malloc(MAX_STATE + 1);
	if (!buf) {
		cli_error("cannot read the container state: %s", strerror(ENOMEM));
		return NULL;
	}
	while (len < MAX_STATE &&
	       (n = fread(buf + len, 1, MAX_STATE - len, stdin)))
		len += n;
	if (ferror(stdin) || (len == MAX_STATE && fgetc(stdin) != EOF)) {
		cli_error("cannot read the container state on stdin: %s",
			  ferror(stdin) ? strerror(errno) : "more than 1 MiB");
		free(buf);
		return NULL;
	}
	tok = json_tokener_new();
	state = tok ? json_tokener_parse_ex(tok, buf, len) : NULL;
	if (!state || json_tokener_get_error(tok) != json_tokener_success ||
	    !json_object_is_type(state, json_type_object)) {
		cli_error("the container state on stdin is not a JSON object%s%s",
			  tok && json_tokener_get_error(tok) != json_tokener_success ?
				  ": " : "",
			  tok && json_tokener_get_error(tok) != json_tokener_success ?
				  json_tokener_error_desc(json_tokener_get_error(tok)) : "");
		json_object_put(state);
		state = NULL;
	}
	if (tok)
		json_tokener_free(tok);
	free(buf);
	return state;
}

/* A string member of @obj, or NULL when there is none (or not a string). */
static const char *string_member(struct json_object *obj, const char *key)
{
	struct json_object *member;

	if (!obj || !json_object_object_get_ex(obj, key, &member) ||
	    !json_object_is_type(member, json_type_string))
		return NULL;
	return json_object_get_string(member);
}

/* A policy name: letters, digits, '.', '-', '_', not starting with '.'. */
static bool policy_name_ok(const char *name)
{
	const char *p;

	if (!*name || *name == '.' || strlen(name) > NAME_MAX - 8)
		return false;
	for (p = name; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("._-", *p))
			return false;
	return true;
}

/*
 * Splits @rules at blanks and commas, each one a rule source; the sources
 * point into *@copy, which the caller frees after rules_make().
 */
static int add_inline_rules(const char *rules, char **copy)
{
	char *save = NULL, *rule;
	int ret = 0;

	*copy = strdup(rules);
	if (!*copy)
		return -ENOMEM;
	for (rule = strtok_r(*copy, " \t\n,", &save); rule && !ret;
	     rule = strtok_r(NULL, " \t\n,", &save))
		ret = rules_set_allow(NULL, NULL, rule);
	return ret;
}

/*
 * What the annotations ask for, as rule sources (*@none when they ask for
 * nothing): 0, or the exit status after saying why.
 */
static int annotations_to_rules(struct json_object *annotations,
				const char *id, bool *none, bool *audit,
				char **copy)
{
	const char *policy = string_member(annotations, ANNOTATION_POLICY);
	const char *rules = string_member(annotations, ANNOTATION_RULES);
	const char *flavour = string_member(annotations, ANNOTATION_FLAVOUR);
	const char *mode = string_member(annotations, ANNOTATION_AUDIT);
	char path[PATH_MAX];

	*none = !policy && !rules;
	if (*none)
		return 0;
	if (policy && !policy_name_ok(policy)) {
		cli_error("container %s: bad %s \"%s\": a name of %s (letters, digits, '.', '-', '_'), not a path",
			  id, ANNOTATION_POLICY, policy, oci_opts.policy_dir);
		return EXIT_USAGE;
	}
	if (mode && strcmp(mode, "true") && strcmp(mode, "false")) {
		cli_error("container %s: bad %s \"%s\": expected true or false",
			  id, ANNOTATION_AUDIT, mode);
		return EXIT_USAGE;
	}
	*audit = mode && !strcmp(mode, "true");
	if (flavour && rules_set_flavour(NULL, NULL, flavour)) {
		cli_error("container %s: bad %s \"%s\": expected v4 or permission",
			  id, ANNOTATION_FLAVOUR, flavour);
		return EXIT_USAGE;
	}
	if (policy) {
		if ((size_t)snprintf(path, sizeof(path), "%s/%s.policy",
				     oci_opts.policy_dir, policy) >= sizeof(path)) {
			cli_error("container %s: policy %s: %s", id, policy,
				  strerror(ENAMETOOLONG));
			return EXIT_USAGE;
		}
		if (access(path, R_OK)) {
			cli_error("container %s: no policy %s in %s: %s", id,
				  policy, oci_opts.policy_dir, strerror(errno));
			return EXIT_USAGE;
		}
		if (rules_set_file(NULL, NULL, path))
			return EXIT_KERNEL;
	}
	if (rules && add_inline_rules(rules, copy))
		return EXIT_KERNEL;
	return 0;
}

static int bind_container(struct json_object *state, const char *id)
{
	struct llsock_bind_opts use = { .sz = sizeof(use) };
	struct json_object *annotations = NULL, *pid_obj;
	struct llsock_ruleset *ruleset;
	bool audit = false, none = false;
	char cgroup[PATH_MAX], *copy = NULL;
	long pid;
	int fd, ret;

	json_object_object_get_ex(state, "annotations", &annotations);
	ret = annotations_to_rules(annotations, id, &none, &audit, &copy);
	if (ret || none)	/* none: not a container llsock restricts */
		goto out_free;
	if (!json_object_object_get_ex(state, "pid", &pid_obj) ||
	    !json_object_is_type(pid_obj, json_type_int) ||
	    (pid = json_object_get_int64(pid_obj)) <= 0 || pid > INT_MAX) {
		cli_error("container %s: its state has no process id: run llsock oci-hook at createRuntime",
			  id);
		ret = EXIT_USAGE;
		goto out_free;
	}
	ret = rules_make(0, NULL, &ruleset);
	if (ret)
		goto out_free;
	/* Not loaded: fail, so that the container does not start unprotected. */
	if (!llsock_is_loaded()) {
		ret = cli_fail(-ENOPKG, "apply the policy of container", id);
		goto out;
	}
	ret = llsock_pid_cgroup(pid, cgroup, sizeof(cgroup));
	if (ret) {
		ret = cli_fail(ret, "find the cgroup of container", id);
		goto out;
	}
	fd = open(cgroup, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		ret = cli_fail(-errno, "apply policy to", cgroup);
		goto out;
	}
	use.flags = audit ? LLSOCK_BIND_AUDIT : 0;
	ret = llsock_bind_cgroup_fd_opts(ruleset, fd, &use);
	close(fd);
	if (ret)
		ret = cli_fail_change(ret, "apply policy to", cgroup, &use);
out:
	llsock_ruleset_free(ruleset);
out_free:
	free(copy);
	return ret;
}

static int oci_hook(const struct cli_command *cmd, int argc, char **argv)
{
	struct json_object *state;
	const char *id, *status;
	int ret;

	state = read_state();
	if (!state)
		return EXIT_USAGE;
	id = string_member(state, "id");
	if (!id)
		id = "(no id)";
	status = string_member(state, "status");
	if (status && !strcmp(status, "stopped")) {
		/* poststop: the bindings of removed cgroups go. */
		ret = llsock_gc();
		ret = ret && ret != -ENOPKG ?
			      cli_fail(ret, "drop the policy of container", id) : 0;
	} else {
		ret = bind_container(state, id);
	}
	json_object_put(state);
	return ret;
}

const struct cli_command cmd_oci_hook = {
	.name = "oci-hook",
	.summary = "OCI runtime hook: bind the policy a container's annotations name",
	.usage = "[--policy-dir DIR] < STATE",
	.description =
"Run by an OCI runtime (runc, crun, podman, CRI-O) with the container's\n"
"state on stdin. At createRuntime, before any process of the workload runs,\n"
"bind to the container's cgroup the policy its annotations name:\n"
"  " ANNOTATION_POLICY "=NAME    DIR/NAME.policy (a name, not a path)\n"
"  " ANNOTATION_RULES "=RULES     rules, separated by blanks or commas\n"
"  " ANNOTATION_AUDIT "=true      in audit mode (llsock apply --audit)\n"
"  " ANNOTATION_FLAVOUR "=FLAVOUR v4 (default) or permission\n"
"Both a policy and rules: the policy's rules, then the others. A container\n"
"with neither is left alone. A bad annotation, a missing policy or a\n"
"failed binding makes the hook fail, and the runtime refuses to start the\n"
"container. At poststop (state \"stopped\"), drop the bindings of removed\n"
"cgroups.\n",
	.options = oci_options,
	.opts = &oci_opts,
	.no_args = true,
	.run = oci_hook,
};

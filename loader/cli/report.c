// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Messages on stderr: "llsock: cannot VERB OBJECT: reason", a "Hint:" line
 * where the cause is known, and the exit status that goes with them.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

static void message(const char *prefix, const char *fmt, va_list ap)
{
	fputs(prefix, stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

/**
 * cli_error() - print "llsock: " and the message on stderr
 * @fmt: printf style
 */
void cli_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	message("llsock: ", fmt, ap);
	va_end(ap);
}

/**
 * cli_hint() - print "Hint: " and what to do on stderr, after cli_error()
 * @fmt: printf style
 */
void cli_hint(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	message("Hint: ", fmt, ap);
	va_end(ap);
}

/**
 * cli_usage_error() - report a usage error, and where to read the usage
 * @command: the command, or NULL for llsock's own
 * @fmt: printf style
 *
 * Return: EXIT_USAGE.
 */
int cli_usage_error(const char *command, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	message("llsock: ", fmt, ap);
	va_end(ap);
	fprintf(stderr, "Try 'llsock %s%s--help'.\n", command ? command : "",
		command ? " " : "");
	return EXIT_USAGE;
}

/* What an errno from libllsock means here, where strerror() misleads. */
static const char *describe(int err)
{
	switch (-err) {
	case ENOPKG:
		return "llsock is not loaded";
	case ENOTDIR:
		return "not a cgroup v2 directory";
	case E2BIG:
		return "too many layers on one path, or too deep";
	case EXDEV:
		return "outside the cgroup v2 hierarchy's root mount";
	case ENOSPC:
		return "more rule entries than llsock holds";
	case EDQUOT:
		return "more bound cgroups than llsock holds";
	case EDEADLK:
		return "it contains this llsock process, which the policy would restrict";
	default:
		return strerror(-err);
	}
}

/* EPERM and EACCES: whatever keeps this task from using llsock's maps. */
static void hint_denied(void)
{
	struct llsock_probe probe;

	llsock_probe(&probe);
	if (probe.bpf_denied)
		cli_hint("this task may not use bpf(2): a task that llsock restricts cannot change or read policies.");
	else if (probe.lsm_progs_refused)
		cli_hint("this kernel refuses BPF LSM programs; `make demo` runs llsock in a VM on a Debian kernel.");
	else
		cli_hint("is the caller itself restricted by llsock? A restricted task cannot change policies.");
}

/* -ENOSPC and -EDQUOT: the limit, what the change needed, the option. */
static void hint_limit(int err, const struct llsock_bind_opts *use)
{
	bool rules = err == -ENOSPC;
	struct llsock_limits limits;
	unsigned long long max, needed;
	char at_least[64] = "a larger N";

	if (llsock_get_limits(&limits))
		memset(&limits, 0, sizeof(limits));
	max = rules ? limits.max_rules : limits.max_bindings;
	needed = !use ? 0 : rules ? use->rule_entries : use->bindings;
	if (needed > max)
		snprintf(at_least, sizeof(at_least), "N >= %llu", needed);
	if (needed > max && rules)
		cli_hint("the policies in force would hold %llu rule entries (each domain's layers merged, summed over every bound cgroup); llsock was loaded to hold at most %llu.",
			 needed, max);
	else if (needed > max)
		cli_hint("there would be %llu bound cgroups; llsock was loaded to hold at most %llu.",
			 needed, max);
	else
		cli_hint("llsock was loaded to hold at most %llu %s.", max,
			 rules ? "rule entries in force (each domain's layers merged, summed over every bound cgroup)" :
			 max == 1 ? "bound cgroup" : "bound cgroups");
	cli_hint("`llsock unload`, then `llsock load %s N` with %s.",
		 rules ? "--max-rules" : "--max-bindings", at_least);
}

/**
 * cli_fail_change() - report a failed change of a binding
 * @err: its negative errno
 * @what: what could not be done ("apply policy to")
 * @object: what to, or NULL
 * @use: what the change would have left in force, or NULL when unknown
 *
 * Return: as cli_fail().
 */
int cli_fail_change(int err, const char *what, const char *object,
		    const struct llsock_bind_opts *use)
{
	switch (-err) {
	case ENOSPC:
	case EDQUOT:
		cli_error("cannot %s%s%s: %s", what, object ? " " : "",
			  object ? object : "", describe(err));
		hint_limit(err, use);
		return EXIT_USAGE;
	case EDEADLK:
		cli_error("refusing to %s%s%s: %s", what, object ? " " : "",
			  object ? object : "", describe(err));
		cli_hint("apply it to a cgroup that llsock does not run in, or run llsock from a cgroup outside %s.",
			 object ? object : "it");
		return EXIT_USAGE;
	default:
		return cli_fail(err, what, object);
	}
}

/**
 * cli_fail() - report a failed libllsock call
 * @err: its negative errno
 * @what: what could not be done ("apply policy to")
 * @object: what to, or NULL
 *
 * Return: the exit status: EXIT_USAGE for errors that the user's input
 * explains, EXIT_KERNEL for the rest.
 */
int cli_fail(int err, const char *what, const char *object)
{
	cli_error("cannot %s%s%s: %s", what, object ? " " : "",
		  object ? object : "", describe(err));
	if (geteuid() != 0 && (err == -ENOPKG || err == -EPERM ||
			       err == -EACCES)) {
		cli_hint("run llsock as root: it needs CAP_BPF, CAP_SYS_ADMIN and write access to the cgroup tree.");
		return EXIT_KERNEL;
	}
	switch (-err) {
	case ENOPKG:
		cli_hint("llsock is not loaded: run `llsock load` first.");
		return EXIT_KERNEL;
	case ENOTDIR:
		cli_hint("give a directory of the cgroup v2 hierarchy (see `llsock status`).");
		return EXIT_USAGE;
	case ENOENT:
		return EXIT_USAGE;
	case E2BIG:
		cli_hint("a cgroup can be under at most %d bound cgroups (itself included), and at most %d levels deep.",
			 LLSOCK_MAX_LAYERS, LLSOCK_MAX_LEVEL);
		return EXIT_USAGE;
	case EXDEV:
		cli_hint("llsock needs the whole cgroup v2 hierarchy mounted, not a cgroup namespace's view of it.");
		return EXIT_KERNEL;
	case ENOSPC:
	case EDQUOT:
	case EDEADLK:
		return cli_fail_change(err, what, object, NULL);
	case EPERM:
	case EACCES:
		hint_denied();
		return EXIT_KERNEL;
	default:
		return EXIT_KERNEL;
	}
}

/**
 * cli_need_cgroup2() - say so when the cgroup v2 hierarchy is missing
 * @what: what cannot be done without it
 *
 * Return: 0 when it is mounted, else EXIT_KERNEL (reported).
 */
int cli_need_cgroup2(const char *what)
{
	char mount[PATH_MAX];

	if (!llsock_cgroup2_mount(mount, sizeof(mount)))
		return 0;
	cli_error("cannot %s: no cgroup v2 hierarchy is mounted", what);
	cli_hint("mount it: mount -t cgroup2 none /sys/fs/cgroup");
	return EXIT_KERNEL;
}

/**
 * cli_cgroup_name() - the path of a cgroup, or what it was
 * @id: the cgroup's id
 * @buf: receives the path, or "(removed cgroup ID)"
 * @size: the size of @buf
 */
void cli_cgroup_name(__u64 id, char *buf, size_t size)
{
	if (llsock_cgroup_path(id, buf, size))
		snprintf(buf, size, "(removed cgroup %llu)",
			 (unsigned long long)id);
}

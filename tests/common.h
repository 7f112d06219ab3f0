/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Helpers of the llsock test suites (kselftest harness).
 *
 * The suites speak Landlock's language: a test builds rulesets and
 * restricts itself with them, one layer at a time. With llsock, each
 * restriction is a new child cgroup of the test's current one, with the
 * ruleset bound to it, which the test process then enters. Each test starts
 * in a cgroup of its own, which the harness's parent process removes, with
 * everything below it, once the test is over.
 */
#ifndef LLSOCK_TESTS_COMMON_H
#define LLSOCK_TESTS_COMMON_H

#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "libllsock.h"

#ifndef __maybe_unused
#define __maybe_unused __attribute__((__unused__))
#endif

#define CGROUP_ROOT	"/sys/fs/cgroup"
#define TEST_CGROUPS	CGROUP_ROOT "/llsock-tests"

/* Creates a ruleset handling socket creation, with no rule yet. */
static inline struct llsock_ruleset *new_ruleset(void)
{
	struct llsock_ruleset_attr attr = {
		.handled_access_socket = LLSOCK_ACCESS_SOCKET_CREATE,
	};
	struct llsock_ruleset *ruleset = NULL;

	if (llsock_create_ruleset(&attr, sizeof(attr), 0, &ruleset))
		return NULL;
	return ruleset;
}

static inline int add_rule(struct llsock_ruleset *ruleset, int family,
			   int type, int protocol)
{
	struct llsock_socket_attr rule = {
		.allowed_access = LLSOCK_ACCESS_SOCKET_CREATE,
		.family = family,
		.type = type,
		.protocol = protocol,
	};

	return llsock_add_rule(ruleset, LLSOCK_RULE_SOCKET, &rule, 0);
}

/* Adds a layer to the calling process, as landlock_restrict_self() does. */
static inline int restrict_self(struct llsock_ruleset *ruleset)
{
	return llsock_restrict_self(ruleset, 0, NULL, 0);
}

/*
 * Builds a ruleset from "family.type.protocol" strings (NULL-terminated)
 * and restricts the caller with it; returns 0 or -errno.
 */
static inline int restrict_rules(const char *first, ...)
{
	struct llsock_socket_attr rule;
	struct llsock_ruleset *ruleset;
	const char *text;
	va_list ap;
	int ret = 0;

	ruleset = new_ruleset();
	if (!ruleset)
		return -ENOMEM;
	va_start(ap, first);
	for (text = first; text && !ret; text = va_arg(ap, const char *)) {
		ret = llsock_parse_rule(text, &rule, NULL, 0);
		if (!ret)
			ret = llsock_add_rule(ruleset, LLSOCK_RULE_SOCKET,
					      &rule, 0);
	}
	va_end(ap);
	if (!ret)
		ret = restrict_self(ruleset);
	llsock_ruleset_free(ruleset);
	return ret;
}

/* A layer that allows nothing. */
static inline int restrict_none(void)
{
	return restrict_rules(NULL);
}

/* Returns 0 if socket(2) succeeds (and closes it), else errno. */
static inline int try_socket(int family, int type, int protocol)
{
	int fd = socket(family, type, protocol);

	if (fd < 0)
		return errno;
	close(fd);
	return 0;
}

static inline int write_file(const char *path, const char *text)
{
	int fd, ret = 0;
	ssize_t len = strlen(text);

	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (write(fd, text, len) != len)
		ret = -errno;
	close(fd);
	return ret;
}

/* Moves the calling process into the cgroup directory @path. */
static inline int enter_cgroup(const char *path)
{
	char procs[PATH_MAX], pid[32];

	snprintf(procs, sizeof(procs), "%s/cgroup.procs", path);
	snprintf(pid, sizeof(pid), "%d", getpid());
	return write_file(procs, pid);
}

/*
 * Removes the cgroup @path and everything below it, deepest first.
 * Cgroups of tasks that just exited can stay busy for a moment: retry.
 */
static inline int remove_cgroup_tree(const char *path)
{
	struct dirent *entry;
	char child[PATH_MAX];
	int ret = 0, tries;
	DIR *dir;

	dir = opendir(path);
	if (!dir)
		return errno == ENOENT ? 0 : -errno;
	while ((entry = readdir(dir))) {
		if (entry->d_type != DT_DIR || entry->d_name[0] == '.')
			continue;
		snprintf(child, sizeof(child), "%s/%s", path, entry->d_name);
		if (remove_cgroup_tree(child))
			ret = -EBUSY;
	}
	closedir(dir);
	for (tries = 0; tries < 100; tries++) {
		if (!rmdir(path) || errno == ENOENT)
			return ret;
		if (errno != EBUSY)
			return -errno;
		usleep(10000);
	}
	return -EBUSY;
}

/*
 * The cgroup a test starts in: made in the test process, which then enters
 * it, and removed by the harness's parent process after the test.
 */
struct test_cgroup {
	char path[PATH_MAX];
};

static inline int test_cgroup_enter(struct test_cgroup *cg, const char *name)
{
	int ret;

	if (mkdir(TEST_CGROUPS, 0755) && errno != EEXIST)
		return -errno;
	snprintf(cg->path, sizeof(cg->path), "%s/%s-%d", TEST_CGROUPS, name,
		 getpid());
	if (mkdir(cg->path, 0755))
		return -errno;
	ret = enter_cgroup(cg->path);
	return ret;
}

static inline void test_cgroup_remove(struct test_cgroup *cg)
{
	if (!cg->path[0])
		return;
	remove_cgroup_tree(cg->path);
	/* Drop the bindings of the removed cgroups. */
	llsock_gc();
}

/* Runs @fn in a child process and returns its exit status (or 128+sig). */
static inline int run_child(int (*fn)(void *), void *arg)
{
	int status;
	pid_t pid;

	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0)
		_exit(fn(arg));
	if (waitpid(pid, &status, 0) != pid)
		return -errno;
	return WIFEXITED(status) ? WEXITSTATUS(status) :
	       128 + WTERMSIG(status);
}

#endif /* LLSOCK_TESTS_COMMON_H */

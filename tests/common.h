/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Helpers of the llsock test suites (kselftest harness).
 *
 * A test of llsock starts in a cgroup of its own, which the harness's
 * parent process removes, with everything below it, once the test is
 * over; the semantics suites build their layers in it through stack.h
 * (on native Landlock, they need no cgroup).
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

#include <bpf/bpf.h>

#include "kselftest_harness.h"
#include "libllsock.h"
#include "cgroups.h"

#define CGROUP_ROOT	"/sys/fs/cgroup"
#define TEST_CGROUPS	CGROUP_ROOT "/llsock-tests"

/*
 * The value of @name= on the kernel's command line (the VM runner's
 * --append, which make passes on), or NULL: @buf holds the command line.
 */
static inline const char *cmdline_value(const char *name, char *buf,
					size_t size)
{
	char *at, *end;
	ssize_t n = -1;
	int fd;

	fd = open("/proc/cmdline", O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		n = read(fd, buf, size - 1);
		close(fd);
	}
	buf[n < 0 ? 0 : n] = '\0';
	for (at = buf; (at = strstr(at, name)); at++) {
		if ((at == buf || at[-1] == ' ') && at[strlen(name)] == '=') {
			at += strlen(name) + 1;
			end = strpbrk(at, " \n");
			if (end)
				*end = '\0';
			return at;
		}
	}
	return NULL;
}

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

/* Returns 0 if socket(2) succeeds (and closes it), else errno. */
static inline int try_socket(int family, int type, int protocol)
{
	int fd = socket(family, type, protocol);

	if (fd < 0)
		return errno;
	close(fd);
	return 0;
}

/*
 * The cgroup a test starts in: made in the test process, which then enters
 * it, and removed by the harness's parent process after the test. @top is
 * the deepest layer of the llsock stack built in it so far (stack.h).
 */
struct test_cgroup {
	char path[PATH_MAX];
	char top[PATH_MAX];
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
	snprintf(cg->top, sizeof(cg->top), "%s", cg->path);
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

/* Creates a ruleset of the permission flavour, with no rule yet. */
static inline struct llsock_ruleset *new_permission_ruleset(void)
{
	struct llsock_permission_ruleset_attr attr = {
		.handled_permissions = LLSOCK_PERMISSION_SOCKET_CREATE,
	};
	struct llsock_ruleset *ruleset = NULL;

	if (llsock_create_permission_ruleset(&attr, sizeof(attr), 0,
					     &ruleset))
		return NULL;
	return ruleset;
}

/*
 * Binds to @cgroup a ruleset of @flavour made of "family.type.protocol"
 * rules, the NULL-terminated list @first, @ap. Returns 0 or -errno.
 */
static inline int bind_flavour_rules_v(const char *cgroup,
				       enum llsock_flavour flavour,
				       const char *first, va_list ap)
{
	struct llsock_ruleset *ruleset;
	const char *text;
	int ret = 0;

	ruleset = flavour == LLSOCK_FLAVOUR_PERMISSION ?
			  new_permission_ruleset() : new_ruleset();
	if (!ruleset)
		return -ENOMEM;
	for (text = first; text && !ret; text = va_arg(ap, const char *))
		ret = llsock_add_rule_text(ruleset, text, NULL, 0);
	if (!ret)
		ret = llsock_bind_cgroup(ruleset, cgroup);
	llsock_ruleset_free(ruleset);
	return ret;
}

static inline int bind_rules_v(const char *cgroup, const char *first,
			       va_list ap)
{
	return bind_flavour_rules_v(cgroup, LLSOCK_FLAVOUR_V4, first, ap);
}

static inline int bind_rules(const char *cgroup, const char *first, ...)
{
	va_list ap;
	int ret;

	va_start(ap, first);
	ret = bind_rules_v(cgroup, first, ap);
	va_end(ap);
	return ret;
}

/* The llsock command: $LLSOCK (tests/suites.sh sets it), or from PATH. */
static inline const char *llsock_bin(void)
{
	const char *bin = getenv("LLSOCK");

	return bin ? bin : "llsock";
}

/* Whether a BPF program whose name starts with @prefix is loaded. */
static inline bool program_loaded(const char *prefix)
{
	struct bpf_prog_info info;
	__u32 id = 0, len;
	bool found = false;
	int fd;

	while (!found && !bpf_prog_get_next_id(id, &id)) {
		fd = bpf_prog_get_fd_by_id(id);
		if (fd < 0)
			continue;
		memset(&info, 0, sizeof(info));
		len = sizeof(info);
		if (!bpf_obj_get_info_by_fd(fd, &info, &len) &&
		    !strncmp(info.name, prefix, strlen(prefix)))
			found = true;
		close(fd);
	}
	return found;
}

/*
 * How many BPF links the kernel has whose program's name starts with
 * @prefix: the programs attached, whatever pinned them.
 */
static inline int programs_attached(const char *prefix)
{
	struct bpf_prog_info prog;
	struct bpf_link_info link;
	__u32 id = 0, len;
	int fd, prog_fd, n = 0;

	while (!bpf_link_get_next_id(id, &id)) {
		fd = bpf_link_get_fd_by_id(id);
		if (fd < 0)
			continue;
		memset(&link, 0, sizeof(link));
		len = sizeof(link);
		prog_fd = -1;
		if (!bpf_obj_get_info_by_fd(fd, &link, &len))
			prog_fd = bpf_prog_get_fd_by_id(link.prog_id);
		close(fd);
		if (prog_fd < 0)
			continue;
		memset(&prog, 0, sizeof(prog));
		len = sizeof(prog);
		if (!bpf_obj_get_info_by_fd(prog_fd, &prog, &len) &&
		    !strncmp(prog.name, prefix, strlen(prefix)))
			n++;
		close(prog_fd);
	}
	return n;
}

/*
 * programs_attached(@prefix), once it is @want or after about 5 s: a link
 * unpinned is released by a work item, after the unpin returns.
 */
static inline int programs_attached_settled(const char *prefix, int want)
{
	int tries, n = -1;

	for (tries = 0; tries < 500; tries++) {
		n = programs_attached(prefix);
		if (n == want)
			break;
		usleep(10000);
	}
	return n;
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

/*
 * The suites' main(): the harness, except that "--try-socket F T P" exits
 * with the errno of socket(F, T, P), so that tests can check what a
 * program they exec (or have llsock run) may do.
 */
#define LLSOCK_TEST_MAIN						\
	int main(int argc, char **argv)					\
	{								\
		if (argc == 5 && !strcmp(argv[1], "--try-socket"))	\
			return try_socket(atoi(argv[2]), atoi(argv[3]),	\
					  atoi(argv[4]));		\
		return test_harness_run(argc, argv);			\
	}

/* A child that enters something first (a cgroup, a stack), then runs @fn. */
struct entered_child {
	int (*enter)(const void *where);
	const void *where;
	int (*fn)(void *);
	void *arg;
};

static inline int run_entered_child(void *arg)
{
	const struct entered_child *child = arg;

	if (child->enter(child->where))
		return 255;
	return child->fn(child->arg);
}

/* Runs @fn in a child process that calls @enter(@where) first. */
static inline int run_entered(int (*enter)(const void *where),
			      const void *where, int (*fn)(void *), void *arg)
{
	struct entered_child child = { enter, where, fn, arg };

	return run_child(run_entered_child, &child);
}

static inline int enter_cgroup_at(const void *cgroup)
{
	return enter_cgroup(cgroup);
}

/* Runs @fn in a child process in the cgroup @cgroup. */
static inline int run_in(const char *cgroup, int (*fn)(void *), void *arg)
{
	return run_entered(enter_cgroup_at, cgroup, fn, arg);
}

struct socket_request {
	int family, type, protocol;
};

static inline int try_request(void *arg)
{
	const struct socket_request *r = arg;

	return try_socket(r->family, r->type, r->protocol);
}

/* socket(2)'s errno for a task in the cgroup @cgroup. */
static inline int errno_in(const char *cgroup, int family, int type,
			   int protocol)
{
	struct socket_request r = { family, type, protocol };

	return run_in(cgroup, try_request, &r);
}

#define MODPROBE_PATH	"/proc/sys/kernel/modprobe"

/*
 * Empties the kernel's module-loading helper path, keeping the old one in
 * @saved (empty when it could not be read): a request for a family or
 * protocol the kernel lacks then fails at once instead of running a
 * helper for each socket() of a long sweep.
 */
static inline void modprobe_off(char *saved, size_t size)
{
	FILE *file = fopen(MODPROBE_PATH, "r");

	saved[0] = '\0';
	if (file) {
		if (!fgets(saved, size, file))
			saved[0] = '\0';
		fclose(file);
		file = fopen(MODPROBE_PATH, "w");
	}
	if (file) {
		fputs("\n", file);
		fclose(file);
	}
}

/* Puts back the path modprobe_off() saved. */
static inline void modprobe_restore(const char *saved)
{
	FILE *file;

	if (!saved[0])
		return;
	file = fopen(MODPROBE_PATH, "w");
	if (file) {
		fputs(saved, file);
		fclose(file);
	}
}

#endif /* LLSOCK_TESTS_COMMON_H */

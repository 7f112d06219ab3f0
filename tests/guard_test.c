// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * A restricted task cannot loosen its own llsock policy (SPEC section 6):
 * not through bpf(2), the pinned objects, its cgroup, clone3() or ptrace.
 * Native Landlock needs none of this (a domain cannot be left), so these
 * tests are llsock's own. Runs as root in the VM, with llsock loaded.
 */
#include "stack.h"
#include "llsock.h"

#include <linux/sched.h>
#include <sys/mount.h>
#include <sys/syscall.h>

FIXTURE(guard)
{
	struct stack stack;
};

FIXTURE_SETUP(guard)
{
	STACK_SETUP(&self->stack, "guard");
}

FIXTURE_TEARDOWN_PARENT(guard)
{
	stack_fini(&self->stack);
}

static void own_cgroup(char *path, size_t size)
{
	char line[PATH_MAX];
	FILE *file = fopen("/proc/self/cgroup", "r");

	path[0] = '\0';
	if (!file)
		return;
	while (fgets(line, sizeof(line), file)) {
		if (!strncmp(line, "0::", 3)) {
			line[strcspn(line, "\n")] = '\0';
			snprintf(path, size, "%s%s", CGROUP_ROOT, line + 3);
		}
	}
	fclose(file);
}


TEST_F(guard, cannot_rebind_own_cgroup)
{
	struct llsock_ruleset *ruleset = new_ruleset();
	char cgroup[PATH_MAX];

	ASSERT_NE(NULL, ruleset);
	ASSERT_EQ(0, add_rule(ruleset, AF_INET, -1, -1));
	ASSERT_EQ(0, push_layer(&self->stack, "unix.dgram.0", NULL));
	ASSERT_EQ(0, enter_stack(&self->stack));
	own_cgroup(cgroup, sizeof(cgroup));
	ASSERT_NE('\0', cgroup[0]);
	ASSERT_EQ(-EPERM, llsock_bind_cgroup(ruleset, cgroup));
	ASSERT_EQ(-EPERM, llsock_unbind_cgroup(cgroup));
	ASSERT_EQ(-EPERM, llsock_bind_cgroup(ruleset, self->stack.cg.path));
	ASSERT_EQ(EACCES, try_socket(AF_INET, SOCK_STREAM, 0));
	llsock_ruleset_free(ruleset);
}

TEST_F(guard, cannot_unload)
{
	ASSERT_EQ(0, push_layer(&self->stack, NULL));
	ASSERT_EQ(0, enter_stack(&self->stack));
	ASSERT_EQ(-EPERM, llsock_unload());
	ASSERT_TRUE(llsock_is_loaded());
	ASSERT_EQ(-1, rename(LLSOCK_PIN_DIR "/link_socket_create",
			     LLSOCK_PIN_DIR "/moved"));
	ASSERT_EQ(EPERM, errno);
	ASSERT_EQ(-1, unlink(LLSOCK_PIN_DIR "/rules"));
	ASSERT_EQ(EPERM, errno);
	ASSERT_EQ(-1, umount2("/sys/fs/bpf", MNT_DETACH));
	ASSERT_EQ(EPERM, errno);
	ASSERT_EQ(EACCES, try_socket(AF_UNIX, SOCK_DGRAM, 0));
}

TEST_F(guard, cannot_use_bpf)
{
	struct llsock_probe probe;

	ASSERT_EQ(0, push_layer(&self->stack, NULL));
	ASSERT_EQ(0, enter_stack(&self->stack));
	ASSERT_EQ(0, llsock_probe(&probe));
	ASSERT_TRUE(probe.bpf_denied);
	ASSERT_EQ(-1, syscall(__NR_bpf, 0 /* BPF_MAP_CREATE */, NULL, 0));
	ASSERT_EQ(EPERM, errno);
}

TEST_F(guard, cannot_leave_cgroup)
{
	char cgroup[PATH_MAX], child[PATH_MAX];

	ASSERT_EQ(0, push_layer(&self->stack, "unix.dgram.0", NULL));
	ASSERT_EQ(0, enter_stack(&self->stack));
	ASSERT_EQ(-EPERM, enter_cgroup(CGROUP_ROOT));
	ASSERT_EQ(-EPERM, enter_cgroup(self->stack.cg.path));
	ASSERT_EQ(EACCES, try_socket(AF_INET, SOCK_STREAM, 0));

	/* Going deeper is fine, and keeps the domain. */
	own_cgroup(cgroup, sizeof(cgroup));
	snprintf(child, sizeof(child), "%s/deeper", cgroup);
	ASSERT_EQ(0, mkdir(child, 0755));
	ASSERT_EQ(0, enter_cgroup(child));
	ASSERT_EQ(0, try_socket(AF_UNIX, SOCK_DGRAM, 0));
	ASSERT_EQ(EACCES, try_socket(AF_INET, SOCK_STREAM, 0));
	ASSERT_EQ(-EPERM, enter_cgroup(self->stack.cg.path));
}

TEST_F(guard, cannot_clone_into_cgroup)
{
	struct clone_args args = {
		.flags = CLONE_INTO_CGROUP,
		.exit_signal = SIGCHLD,
	};
	int fd, status;
	long pid;

	fd = open(CGROUP_ROOT, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ASSERT_LE(0, fd);
	args.cgroup = fd;
	ASSERT_EQ(0, push_layer(&self->stack, NULL));
	ASSERT_EQ(0, enter_stack(&self->stack));
	pid = syscall(__NR_clone3, &args, sizeof(args));
	if (pid == 0)
		_exit(try_socket(AF_UNIX, SOCK_DGRAM, 0));
	if (pid > 0) {
		waitpid(pid, &status, 0);
		TH_LOG("clone3 into the root cgroup succeeded");
	}
	ASSERT_EQ(-1, pid);
	ASSERT_EQ(EPERM, errno);
	close(fd);
}

/* Reading another task's environ needs ptrace read access to it. */
static int read_environ(pid_t pid)
{
	char path[64], buf[16];
	int fd, ret = 0;

	snprintf(path, sizeof(path), "/proc/%d/environ", pid);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return errno;
	if (read(fd, buf, sizeof(buf)) < 0)
		ret = errno;
	close(fd);
	return ret;
}

static int sleep_forever(void *arg)
{
	pause();
	return 0;
}

TEST_F(guard, cannot_ptrace_outside)
{
	pid_t outside = getppid(), inside;

	ASSERT_EQ(0, read_environ(outside));
	ASSERT_EQ(0, push_layer(&self->stack, NULL));
	ASSERT_EQ(0, enter_stack(&self->stack));
	ASSERT_EQ(EACCES, read_environ(outside));

	/* A task in the same domain stays reachable. */
	inside = fork();
	ASSERT_LE(0, inside);
	if (inside == 0)
		_exit(sleep_forever(NULL));
	ASSERT_EQ(0, read_environ(inside));
	kill(inside, SIGKILL);
	waitpid(inside, NULL, 0);
}

LLSOCK_TEST_MAIN

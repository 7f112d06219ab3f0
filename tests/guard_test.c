// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * A restricted task cannot loosen its own llsock policy (SEMANTICS 6):
 * not through bpf(2), the pinned objects, its cgroup, clone3() or ptrace.
 * Native Landlock needs none of this (a domain cannot be left), so these
 * tests are llsock's own. Runs as root in the VM, with llsock loaded.
 */
#include "stack.h"
#include "internal.h"
#include "llsock.h"

#include <linux/kexec.h>
#include <linux/sched.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/uio.h>

FIXTURE(guard)
{
	struct stack stack;
	/* Cgroups a test made beside the stack's, removed after it. */
	char extra[3][PATH_MAX];
};

FIXTURE_SETUP(guard)
{
	STACK_SETUP(&self->stack, "guard");
}

FIXTURE_TEARDOWN_PARENT(guard)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(self->extra); i++) {
		if (!self->extra[i][0])
			continue;
		llsock_unbind_cgroup(self->extra[i]);
		rmdir(self->extra[i]);
	}
	stack_fini(&self->stack);
}

/*
 * libllsock refuses a layer over its caller (-EDEADLK) before it reads the
 * store; what keeps a restricted task from changing any binding, through
 * any code, is the guard (-EPERM).
 */
TEST_F(guard, cannot_rebind_own_cgroup)
{
	struct llsock_ruleset *ruleset = new_ruleset();
	char cgroup[PATH_MAX], *other = self->extra[0];

	ASSERT_NE(NULL, ruleset);
	ASSERT_EQ(0, add_rule(ruleset, AF_INET, -1, -1));
	ASSERT_EQ(0, push_layer(&self->stack, "unix.dgram.0", NULL));
	snprintf(other, PATH_MAX, "%s-other", self->stack.cg.path);
	ASSERT_EQ(0, mkdir(other, 0755));
	ASSERT_EQ(0, enter_stack(&self->stack));
	ASSERT_EQ(0, llsock_own_cgroup(cgroup, sizeof(cgroup)));
	ASSERT_EQ(-EDEADLK, llsock_bind_cgroup(ruleset, cgroup));
	ASSERT_EQ(-EPERM, llsock_unbind_cgroup(cgroup));
	ASSERT_EQ(-EPERM, llsock_bind_cgroup(ruleset, other));
	ASSERT_EQ(-EPERM, llsock_unbind_cgroup(other));
	ASSERT_EQ(EACCES, try_socket(AF_INET, SOCK_STREAM, 0));
	llsock_ruleset_free(ruleset);
}

/*
 * Removing a bound cgroup drops its binding: made again, it is unbound. A
 * restricted task may remove neither a bound cgroup (in its domain's
 * subtree or not) nor any cgroup outside that subtree; an unbound one of
 * its own, it may.
 */
TEST_F(guard, cannot_remove_bound_cgroup)
{
	char *other = self->extra[0], *plain = self->extra[1];
	char *bound = self->extra[2], mine[PATH_MAX];

	ASSERT_EQ(0, push_layer(&self->stack, "unix.dgram.0", NULL));
	/* Beside the stack's cgroup: bound, and not. */
	snprintf(other, PATH_MAX, "%s-other", self->stack.cg.path);
	snprintf(plain, PATH_MAX, "%s-plain", self->stack.cg.path);
	/* In the domain's subtree: bound, and not. */
	snprintf(bound, PATH_MAX, "%s/bound", self->stack.cg.top);
	snprintf(mine, sizeof(mine), "%s/mine", self->stack.cg.top);
	ASSERT_EQ(0, mkdir(other, 0755));
	ASSERT_EQ(0, mkdir(plain, 0755));
	ASSERT_EQ(0, mkdir(bound, 0755));
	ASSERT_EQ(0, mkdir(mine, 0755));
	ASSERT_EQ(0, bind_rules(other, "inet.stream.tcp", NULL));
	ASSERT_EQ(0, bind_rules(bound, "inet.stream.tcp", NULL));

	ASSERT_EQ(0, enter_stack(&self->stack));
	ASSERT_EQ(-1, rmdir(other));
	ASSERT_EQ(EPERM, errno);
	ASSERT_EQ(-1, rmdir(plain));
	ASSERT_EQ(EPERM, errno);
	ASSERT_EQ(-1, rmdir(bound));
	ASSERT_EQ(EPERM, errno);
	ASSERT_EQ(0, rmdir(mine));
	ASSERT_EQ(EACCES, try_socket(AF_INET, SOCK_STREAM, 0));
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

/*
 * The admin's llsock locks the pin directory for each change, and unload
 * removes it when empty: a restricted task may not hold a lock there (not
 * even through a descriptor opened before it was restricted), open
 * anything in bpffs, or add entries to the pin directory.
 */
TEST_F(guard, cannot_block_the_admin)
{
	int before;

	before = open(LLSOCK_PIN_DIR, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ASSERT_LE(0, before);
	ASSERT_EQ(0, push_layer(&self->stack, NULL));
	ASSERT_EQ(0, enter_stack(&self->stack));
	ASSERT_EQ(-1, flock(before, LOCK_EX | LOCK_NB));
	ASSERT_EQ(EPERM, errno);
	ASSERT_EQ(-1, flock(before, LOCK_SH | LOCK_NB));
	ASSERT_EQ(EPERM, errno);
	close(before);
	ASSERT_EQ(-1, open(LLSOCK_PIN_DIR, O_RDONLY | O_DIRECTORY));
	ASSERT_EQ(EPERM, errno);
	ASSERT_EQ(-1, open("/sys/fs/bpf", O_RDONLY | O_DIRECTORY));
	ASSERT_EQ(EPERM, errno);
	ASSERT_EQ(-1, mkdir(LLSOCK_PIN_DIR "/mine", 0700));
	ASSERT_EQ(EPERM, errno);
	ASSERT_EQ(-1, symlink("rules", LLSOCK_PIN_DIR "/mine"));
	ASSERT_EQ(EPERM, errno);
	ASSERT_EQ(-1, link(LLSOCK_PIN_DIR "/link_socket_create",
			   LLSOCK_PIN_DIR "/mine"));
	ASSERT_EQ(EPERM, errno);
	ASSERT_EQ(-1, rmdir(LLSOCK_PIN_DIR));
	ASSERT_EQ(EPERM, errno);
	ASSERT_TRUE(llsock_is_loaded());
}

/* 0 when @path opens for writing (closed at once, nothing written), or errno. */
static int open_for_writing(const char *path)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);

	if (fd < 0)
		return errno;
	close(fd);
	return 0;
}

/*
 * Programs the kernel runs on its own, as root in the root cgroup, outside
 * every policy: a restricted task may not name one (the core dump pipe,
 * the module loader, the power-off command, the uevent helper).
 */
TEST_F(guard, cannot_name_a_kernel_helper)
{
	static const char *const helpers[] = {
		"/proc/sys/kernel/core_pattern",
		"/proc/sys/kernel/modprobe",
		"/proc/sys/kernel/poweroff_cmd",
		"/proc/sys/kernel/hotplug",
		"/sys/kernel/uevent_helper",
	};
	bool present[ARRAY_SIZE(helpers)];
	unsigned int i, n = 0;
	int fd;

	/*
	 * Those this kernel has open for root, as they should (the patched
	 * kernels have no modules, and 6.12's no core dumps).
	 */
	for (i = 0; i < ARRAY_SIZE(helpers); i++) {
		present[i] = !open_for_writing(helpers[i]);
		n += present[i];
		if (!present[i])
			TH_LOG("not in this kernel: %s", helpers[i]);
	}
	/* The power-off command is in every kernel (kernel/reboot.c). */
	ASSERT_TRUE(present[2]);

	ASSERT_EQ(0, push_layer(&self->stack, NULL));
	ASSERT_EQ(0, enter_stack(&self->stack));
	for (i = 0; i < ARRAY_SIZE(helpers); i++) {
		if (!present[i])
			continue;
		EXPECT_EQ(EPERM, open_for_writing(helpers[i]))
		{
			TH_LOG("%s opened for writing", helpers[i]);
		}
	}
	TH_LOG("%u of the %zu helpers in this kernel", n, ARRAY_SIZE(helpers));
	/* Reading them, and writing other sysctls, is not the guard's. */
	fd = open(helpers[2], O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, fd);
	close(fd);
	ASSERT_EQ(0, open_for_writing("/proc/sys/kernel/domainname"));
}

struct v1_mount {
	const char *name;	/* of the named hierarchy */
	bool agent_option;	/* release_agent= when mounting, or its file */
};

/*
 * In a mount namespace of its own, a cgroup v1 named hierarchy with a
 * release agent: set by the mount option, or (mounted without it) by
 * opening its release_agent file for writing. 0, the errno of that step,
 * or 1000 + the errno of a step before it.
 */
static int v1_release_agent(void *arg)
{
	char dir[] = "/tmp/llsock-v1-XXXXXX", opts[96], file[64];
	const struct v1_mount *v1 = arg;
	int err;

	if (unshare(CLONE_NEWNS) ||
	    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) || !mkdtemp(dir))
		return 1000 + errno;
	snprintf(opts, sizeof(opts), "none,name=%s%s", v1->name,
		 v1->agent_option ? ",release_agent=/bin/true" : "");
	if (mount("cgroup", dir, "cgroup", 0, opts))
		return v1->agent_option ? errno : 1000 + errno;
	if (v1->agent_option) {
		umount2(dir, 0);
		return 0;
	}
	snprintf(file, sizeof(file), "%s/release_agent", dir);
	err = open_for_writing(file);
	umount2(dir, 0);
	return err;
}

/* A cgroup v1 hierarchy's release agent, by mount option or by its file. */
TEST_F(guard, cannot_set_a_release_agent)
{
	struct v1_mount v1[] = {
		{ "llsock-out-option", true }, { "llsock-out-file", false },
		{ "llsock-in-option", true }, { "llsock-in-file", false },
	};
	int ret;

	ret = run_child(v1_release_agent, &v1[1]);
	if (ret == 1000 + ENODEV || ret == 1000 + EINVAL)
		SKIP(return, "this kernel has no cgroup v1 named hierarchies (mount: %s)",
		     strerror(ret - 1000));
	ASSERT_EQ(0, ret);
	ASSERT_EQ(0, run_child(v1_release_agent, &v1[0]));
	ASSERT_EQ(0, push_layer(&self->stack, NULL));
	ASSERT_EQ(0, enter_stack(&self->stack));
	ASSERT_EQ(EPERM, run_child(v1_release_agent, &v1[2]));
	ASSERT_EQ(EPERM, run_child(v1_release_agent, &v1[3]));
}

/*
 * Code of its own in the kernel, or a new kernel: init_module(),
 * finit_module(), kexec_load(), kexec_file_load(). Unrestricted, each
 * fails for its input (none is a module or a kernel) or, kexec_load()
 * with no segment, unloads nothing; restricted, each is refused first.
 */
static void kernel_code_errnos(int errs[4])
{
	static const char junk[64] = "not a module";
	int fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);

	errs[0] = syscall(SYS_init_module, junk, sizeof(junk), "") ? errno : 0;
	errs[1] = syscall(SYS_finit_module, fd, "", 0) ? errno : 0;
	errs[2] = syscall(SYS_kexec_load, 0, 0, NULL, 0) ? errno : 0;
	errs[3] = syscall(SYS_kexec_file_load, fd, -1, 1, "",
			  KEXEC_FILE_NO_INITRAMFS) ? errno : 0;
	close(fd);
}

TEST_F(guard, cannot_load_kernel_code)
{
	static const char *const calls[] = {
		"init_module", "finit_module", "kexec_load", "kexec_file_load",
	};
	int before[4], after[4];
	unsigned int i, n = 0;

	kernel_code_errnos(before);
	for (i = 0; i < ARRAY_SIZE(calls); i++)
		n += before[i] != ENOSYS;
	if (!n)
		SKIP(return, "this kernel loads neither modules nor kexec kernels (ENOSYS)");
	for (i = 0; i < ARRAY_SIZE(calls); i++) {
		TH_LOG("unrestricted %s: %s", calls[i],
		       before[i] ? strerror(before[i]) : "success");
		ASSERT_NE(EPERM, before[i]);
	}
	ASSERT_EQ(0, push_layer(&self->stack, NULL));
	ASSERT_EQ(0, enter_stack(&self->stack));
	kernel_code_errnos(after);
	for (i = 0; i < ARRAY_SIZE(calls); i++) {
		if (before[i] == ENOSYS)
			continue;
		EXPECT_EQ(EPERM, after[i])
		{
			TH_LOG("restricted %s: %s", calls[i],
			       after[i] ? strerror(after[i]) : "success");
		}
	}
}

/* Sends the descriptors @fds (@n of them) in one SCM_RIGHTS message. */
static int send_fds(int sock, const int *fds, unsigned int n)
{
	char data = 'x', control[CMSG_SPACE(4 * sizeof(int))] = {};
	struct iovec iov = { &data, 1 };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = control,
		.msg_controllen = CMSG_SPACE(n * sizeof(int)),
	};
	struct cmsghdr *cmsg = CMSG_FIRSTHDR(&msg);

	cmsg->cmsg_level = SOL_SOCKET;
	cmsg->cmsg_type = SCM_RIGHTS;
	cmsg->cmsg_len = CMSG_LEN(n * sizeof(int));
	memcpy(CMSG_DATA(cmsg), fds, n * sizeof(int));
	return sendmsg(sock, &msg, 0) == 1 ? 0 : -errno;
}

/* Receives one message: the number of descriptors that came (closed). */
static int recv_fds(int sock)
{
	char data, control[CMSG_SPACE(4 * sizeof(int))];
	struct iovec iov = { &data, 1 };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = control, .msg_controllen = sizeof(control),
	};
	struct cmsghdr *cmsg;
	int n = 0, i, fd;

	if (recvmsg(sock, &msg, MSG_CMSG_CLOEXEC) != 1)
		return -errno;
	for (cmsg = CMSG_FIRSTHDR(&msg); cmsg; cmsg = CMSG_NXTHDR(&msg, cmsg)) {
		if (cmsg->cmsg_type != SCM_RIGHTS)
			continue;
		for (i = 0; i * sizeof(int) < cmsg->cmsg_len - CMSG_LEN(0); i++) {
			memcpy(&fd, CMSG_DATA(cmsg) + i * sizeof(int),
			       sizeof(fd));
			close(fd);
			n++;
		}
	}
	return n;
}

/*
 * A descriptor open for writing that would let a restricted task out
 * (the root cgroup's cgroup.procs, a helper's sysctl), passed to it by a
 * task outside its policy: refused when it arrives. Others still arrive.
 */
TEST_F(guard, cannot_receive_a_way_out)
{
	int pair[2], fds[2], harmless;

	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_DGRAM, 0, pair));
	harmless = open("/dev/null", O_WRONLY | O_CLOEXEC);
	fds[0] = open(CGROUP_ROOT "/cgroup.procs", O_WRONLY | O_CLOEXEC);
	fds[1] = open("/proc/sys/kernel/poweroff_cmd", O_WRONLY | O_CLOEXEC);
	ASSERT_LE(0, harmless);
	ASSERT_LE(0, fds[0]);
	ASSERT_LE(0, fds[1]);
	/* Queued now, received (and checked) once restricted. */
	ASSERT_EQ(0, send_fds(pair[1], &harmless, 1));
	ASSERT_EQ(0, send_fds(pair[1], &fds[0], 1));
	ASSERT_EQ(0, send_fds(pair[1], &fds[1], 1));
	close(harmless);
	close(fds[0]);
	close(fds[1]);

	ASSERT_EQ(0, push_layer(&self->stack, NULL));
	ASSERT_EQ(0, enter_stack(&self->stack));
	ASSERT_EQ(1, recv_fds(pair[0]));
	ASSERT_EQ(0, recv_fds(pair[0]));
	ASSERT_EQ(0, recv_fds(pair[0]));
	ASSERT_EQ(EACCES, try_socket(AF_INET, SOCK_STREAM, 0));
	close(pair[0]);
	close(pair[1]);
}

/* In a mount namespace of its own: a tmpfs mounted and unmounted, or errno. */
static int mount_in_own_namespace(void *arg)
{
	char dir[] = "/tmp/llsock-mnt-XXXXXX";

	if (unshare(CLONE_NEWNS) ||
	    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) ||
	    !mkdtemp(dir) || mount("none", dir, "tmpfs", 0, NULL) ||
	    umount2(dir, 0))
		return errno;
	return rmdir(dir) ? errno : 0;
}

/*
 * bpffs, taken away indirectly: a restricted task may neither unmount a
 * mount above the pins (lazily or not) nor mount anything over them or
 * above them, with either mount API, in llsock's mount namespace. In a
 * namespace of its own (a container's), its mounts are its business.
 */
TEST_F(guard, cannot_change_llsock_mounts)
{
	int fs, mnt;

	ASSERT_EQ(0, push_layer(&self->stack, NULL));
	ASSERT_EQ(0, enter_stack(&self->stack));
	ASSERT_EQ(-1, umount2("/sys", MNT_DETACH));
	ASSERT_EQ(EPERM, errno);
	ASSERT_EQ(-1, umount2("/sys", 0));
	ASSERT_EQ(EPERM, errno);
	ASSERT_EQ(-1, mount("none", "/sys/fs/bpf", "tmpfs", 0, NULL));
	ASSERT_EQ(EPERM, errno);
	ASSERT_EQ(-1, mount("/tmp", LLSOCK_PIN_DIR, NULL, MS_BIND, NULL));
	ASSERT_EQ(EPERM, errno);
	ASSERT_EQ(-1, mount("none", "/sys", "tmpfs", 0, NULL));
	ASSERT_EQ(EPERM, errno);

	/* fsmount() makes a detached mount; move_mount() would place it. */
	fs = syscall(SYS_fsopen, "tmpfs", 0);
	ASSERT_LE(0, fs);
	ASSERT_EQ(0, syscall(SYS_fsconfig, fs, FSCONFIG_CMD_CREATE, NULL,
			     NULL, 0));
	mnt = syscall(SYS_fsmount, fs, 0, 0);
	ASSERT_LE(0, mnt);
	ASSERT_EQ(-1, syscall(SYS_move_mount, mnt, "", AT_FDCWD,
			      "/sys/fs/bpf", MOVE_MOUNT_F_EMPTY_PATH));
	ASSERT_EQ(EPERM, errno);
	close(mnt);
	close(fs);

	ASSERT_TRUE(llsock_is_loaded());
	ASSERT_EQ(0, run_child(mount_in_own_namespace, NULL));
	ASSERT_EQ(EACCES, try_socket(AF_INET, SOCK_STREAM, 0));
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
	ASSERT_EQ(0, llsock_own_cgroup(cgroup, sizeof(cgroup)));
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

/*
 * Ptrace access to a task outside the domain. What the guard must stop is
 * control: attaching, reading or writing its memory, taking its
 * descriptors. Every one of these asks for PTRACE_MODE_ATTACH, and its
 * denial by the LSM stands on every kernel.
 *
 * Read access (PTRACE_MODE_READ: /proc/PID/environ, auxv, maps,
 * process_madvise()'s hints) is the kernel's to grant: since Linux 7.x,
 * mm_access() lets a caller with CAP_PERFMON or CAP_SYS_ADMIN read another
 * task's memory map even when an LSM refused the ptrace access (kernel/fork.c,
 * may_access_mm()), for native Landlock as for llsock. So the expected
 * answer of each read comes from the kernel itself: what a task in a native
 * Landlock domain gets for the same read.
 */

static int read_proc(pid_t pid, const char *file)
{
	char path[64], buf[16];
	int fd, ret = 0;

	snprintf(path, sizeof(path), "/proc/%d/%s", pid, file);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return errno;
	if (read(fd, buf, sizeof(buf)) < 0)
		ret = errno;
	close(fd);
	return ret;
}

/* A hint on a page of @pid's: only the ptrace read check is asked for. */
static int madvise_other(pid_t pid)
{
	static char page[4096] __attribute__((aligned(4096)));
	struct iovec iov = { page, sizeof(page) };
	int pidfd, ret = 0;

	pidfd = syscall(SYS_pidfd_open, pid, 0);
	if (pidfd < 0)
		return errno;
	if (syscall(SYS_process_madvise, pidfd, &iov, 1, MADV_COLD, 0) < 0)
		ret = errno;
	close(pidfd);
	return ret;
}

enum read_kind { READ_ENVIRON, READ_AUXV, READ_MAPS, READ_MADVISE, NR_READS };

static const char *const read_names[NR_READS] = {
	"/proc/PID/environ", "/proc/PID/auxv", "/proc/PID/maps",
	"process_madvise(MADV_COLD)",
};

static int read_other(pid_t pid, enum read_kind kind)
{
	switch (kind) {
	case READ_ENVIRON:
		return read_proc(pid, "environ");
	case READ_AUXV:
		return read_proc(pid, "auxv");
	case READ_MAPS:
		return read_proc(pid, "maps");
	default:
		return madvise_other(pid);
	}
}

static int sleep_forever(void *arg)
{
	pause();
	return 0;
}

enum control_kind {
	CONTROL_ATTACH, CONTROL_SEIZE, CONTROL_GETFD, CONTROL_VM_READ,
	CONTROL_VM_WRITE, CONTROL_MEM, NR_CONTROLS
};

static const struct {
	const char *name;
	int denied;	/* errno when the LSM refuses */
} controls[NR_CONTROLS] = {
	[CONTROL_ATTACH] = { "PTRACE_ATTACH", EPERM },
	[CONTROL_SEIZE] = { "PTRACE_SEIZE", EPERM },
	[CONTROL_GETFD] = { "pidfd_getfd()", EPERM },
	[CONTROL_VM_READ] = { "process_vm_readv()", EPERM },
	[CONTROL_VM_WRITE] = { "process_vm_writev()", EPERM },
	[CONTROL_MEM] = { "open(/proc/PID/mem, O_RDWR)", EACCES },
};

/* Stops tracing @pid, which is in a ptrace stop once waited for. */
static int untrace(pid_t pid)
{
	int status;

	if (waitpid(pid, &status, __WALL) != pid)
		return errno;
	return ptrace(PTRACE_DETACH, pid, NULL, NULL) ? errno : 0;
}

/* 0 when the caller got control of @pid this way, else the errno. */
static int control_other(pid_t pid, int pidfd, enum control_kind kind)
{
	static char byte;
	struct iovec local = { &byte, 1 }, remote = { &byte, 1 };
	int fd;

	/* @pid is a fork of this process: &byte is valid there too. */
	switch (kind) {
	case CONTROL_ATTACH:
		if (ptrace(PTRACE_ATTACH, pid, NULL, NULL))
			return errno;
		return untrace(pid);
	case CONTROL_SEIZE:
		if (ptrace(PTRACE_SEIZE, pid, NULL, NULL))
			return errno;
		if (ptrace(PTRACE_INTERRUPT, pid, NULL, NULL))
			return errno;
		return untrace(pid);
	case CONTROL_GETFD:
		fd = syscall(SYS_pidfd_getfd, pidfd, 0, 0);
		break;
	case CONTROL_VM_READ:
		return process_vm_readv(pid, &local, 1, &remote, 1, 0) == 1 ?
		       0 : errno;
	case CONTROL_VM_WRITE:
		return process_vm_writev(pid, &local, 1, &remote, 1, 0) == 1 ?
		       0 : errno;
	default: {
		char path[64];

		snprintf(path, sizeof(path), "/proc/%d/mem", pid);
		fd = open(path, O_RDWR);
		break;
	}
	}
	if (fd < 0)
		return errno;
	close(fd);
	return 0;
}

struct other {
	pid_t pid;
	int pidfd;
	int kind;
};

static int control_other_child(void *arg)
{
	const struct other *o = arg;

	return control_other(o->pid, o->pidfd, o->kind);
}

/* In a native Landlock domain of its own, which @pid is outside. */
static int native_read_other(void *arg)
{
	const struct other *o = arg;
	struct native_ruleset_attr attr = {
		.handled_access_fs = NATIVE_ACCESS_FS_EXECUTE,
	};
	int fd;

	/* The first 8 bytes: Landlock's ABI 1 attribute. */
	fd = native_create_ruleset(&attr, sizeof(attr.handled_access_fs), 0);
	if (fd < 0 || native_enter(&fd, 1))
		return 255;
	return read_other(o->pid, o->kind);
}

TEST_F(guard, cannot_ptrace_outside)
{
	int native[NR_READS], kind, pidfd, err;
	pid_t outside, inside;
	bool have_native;

	/* Forked before the restriction: it stays outside the domain. */
	outside = fork();
	ASSERT_LE(0, outside);
	if (outside == 0)
		_exit(sleep_forever(NULL));
	pidfd = syscall(SYS_pidfd_open, outside, 0);
	ASSERT_LE(0, pidfd);

	/* Unrestricted, root has every one of these. */
	for (kind = 0; kind < NR_CONTROLS; kind++) {
		struct other o = { outside, pidfd, kind };

		err = run_child(control_other_child, &o);
		if (err)
			TH_LOG("unrestricted %s: %s", controls[kind].name,
			       strerror(err));
		ASSERT_EQ(0, err);
	}
	have_native = native_abi() > 0;
	for (kind = 0; kind < NR_READS; kind++) {
		struct other o = { outside, pidfd, kind };

		ASSERT_EQ(0, read_other(outside, kind));
		native[kind] = have_native ? run_child(native_read_other, &o) : 0;
		ASSERT_NE(255, native[kind]);
	}

	ASSERT_EQ(0, push_layer(&self->stack, NULL));
	ASSERT_EQ(0, enter_stack(&self->stack));

	/* Control: refused on every kernel. */
	for (kind = 0; kind < NR_CONTROLS; kind++) {
		err = control_other(outside, pidfd, kind);
		if (err != controls[kind].denied)
			TH_LOG("restricted %s: expected %s, got %s",
			       controls[kind].name,
			       strerror(controls[kind].denied),
			       err ? strerror(err) : "success");
		EXPECT_EQ(controls[kind].denied, err);
	}

	/* A task in the same domain stays reachable. */
	inside = fork();
	ASSERT_LE(0, inside);
	if (inside == 0)
		_exit(sleep_forever(NULL));
	EXPECT_EQ(0, read_other(inside, READ_ENVIRON));
	EXPECT_EQ(0, control_other(inside, -1, CONTROL_VM_READ));
	kill(inside, SIGKILL);
	waitpid(inside, NULL, 0);

	/* Read access: what native Landlock gets on this kernel. */
	for (kind = 0; have_native && kind < NR_READS; kind++) {
		err = read_other(outside, kind);
		if (err != native[kind])
			TH_LOG("restricted %s: expected %s (as natively), got %s",
			       read_names[kind], strerror(native[kind]),
			       err ? strerror(err) : "success");
		else if (!err)
			TH_LOG("%s is granted here, natively too: this kernel's mm_access() grants read access to CAP_PERFMON",
			       read_names[kind]);
		EXPECT_EQ(native[kind], err);
	}
	close(pidfd);
	kill(outside, SIGKILL);
	waitpid(outside, NULL, 0);
	if (!have_native)
		SKIP(return, "read access not compared: this kernel has no Landlock to tell what it grants");
}

LLSOCK_TEST_MAIN

// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Containers under real runtimes: Debian's runc and crun (in the VM as
 * /test/runc and /test/crun) run a busybox container from an OCI bundle
 * whose config.json has llsock's hook at createRuntime and poststop, and
 * the annotations that name its policy. The workload is
 * tests/in_container.c. Runs as root in the VM, with llsock loaded.
 */
#include "common.h"

#define CGROUP_PARENT	"llsock-runc"

FIXTURE(runc)
{
	char bundle[PATH_MAX];
	char out[8192];
	char err[8192];
};

/* The runtime a variant runs its containers under. */
FIXTURE_VARIANT(runc)
{
	const char *runtime;	/* the binary, in the VM */
	const char *state;	/* its --root */
	/*
	 * The VM's root is its initramfs, which pivot_root(2) cannot move:
	 * --no-pivot has either runtime chroot(2) instead.
	 */
	const char *run_flags;
	/*
	 * crun drops its hooks' stderr unless the run.oci.hooks.stderr
	 * annotation names a file for it; runc passes it on as its own.
	 */
	bool hook_stderr_annotation;
};

/*
 * runc's variant has no name, so its tests keep the names the README's
 * threat model and make container-churn use: runc.first_socket_is_judged,
 * and runc.crun.first_socket_is_judged for crun.
 */
FIXTURE_VARIANT_ADD(runc, )
{
	.runtime = "/test/runc",
	.state = "/tmp/runc-state",
	.run_flags = "--no-pivot",
};

FIXTURE_VARIANT_ADD(runc, crun)
{
	.runtime = "/test/crun",
	.state = "/tmp/crun-state",
	.run_flags = "--no-pivot",
	.hook_stderr_annotation = true,
};

/* cp @from @to, mode 0755. */
static int copy_file(const char *from, const char *to)
{
	char buf[65536];
	ssize_t n;
	int in, out, ret = 0;

	in = open(from, O_RDONLY);
	if (in < 0)
		return -errno;
	out = open(to, O_WRONLY | O_CREAT | O_TRUNC, 0755);
	if (out < 0) {
		close(in);
		return -errno;
	}
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, n) != n) {
			ret = -EIO;
			break;
		}
	if (n < 0)
		ret = -errno;
	close(in);
	close(out);
	return ret;
}

FIXTURE_SETUP(runc)
{
	char path[PATH_MAX];

	if (access(variant->runtime, X_OK))
		SKIP(return, "no %s in the VM (tests/deps vm installs Debian's)",
		     variant->runtime);
	snprintf(self->bundle, sizeof(self->bundle), "/tmp/bundle-%d",
		 getpid());
	ASSERT_EQ(0, mkdir(self->bundle, 0755));
	snprintf(path, sizeof(path), "%s/rootfs", self->bundle);
	ASSERT_EQ(0, mkdir(path, 0755));
	snprintf(path, sizeof(path), "%s/rootfs/bin", self->bundle);
	ASSERT_EQ(0, mkdir(path, 0755));
	/* runc makes it when it is missing; crun wants it there. */
	snprintf(path, sizeof(path), "%s/rootfs/dev", self->bundle);
	ASSERT_EQ(0, mkdir(path, 0755));
	snprintf(path, sizeof(path), "%s/rootfs/bin/busybox", self->bundle);
	ASSERT_EQ(0, copy_file("/bin/busybox", path));
	snprintf(path, sizeof(path), "%s/rootfs/bin/sh", self->bundle);
	ASSERT_EQ(0, symlink("busybox", path));
	snprintf(path, sizeof(path), "%s/rootfs/bin/in_container", self->bundle);
	ASSERT_EQ(0, copy_file("/test/in_container", path));
	mkdir(variant->state, 0700);
}

FIXTURE_TEARDOWN(runc)
{
	char cmd[PATH_MAX + 16];

	if (!self->bundle[0])
		return;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", self->bundle);
	system(cmd);
}

/* A container's config: what varies between the tests. */
struct container {
	const char *name;
	const char *args;		/* JSON strings, comma-separated */
	const char *annotations;	/* JSON members, or "" */
	bool privileged;		/* every capability, the host's cgroups */
};

static const char hooks[] =
"\"hooks\": {"
" \"createRuntime\": [{\"path\": \"/test/llsock\", \"args\": [\"llsock\", \"oci-hook\", \"--policy-dir\", \"/test/policies\"]}],"
" \"poststop\": [{\"path\": \"/test/llsock\", \"args\": [\"llsock\", \"oci-hook\"]}]}";

static const char all_caps[] =
"\"CAP_CHOWN\", \"CAP_DAC_OVERRIDE\", \"CAP_FOWNER\", \"CAP_KILL\","
" \"CAP_SETGID\", \"CAP_SETUID\", \"CAP_NET_ADMIN\", \"CAP_NET_RAW\","
" \"CAP_SYS_ADMIN\", \"CAP_SYS_PTRACE\", \"CAP_SYS_MODULE\", \"CAP_BPF\","
" \"CAP_PERFMON\"";

/* @hook_err: where crun writes the hooks' stderr, or NULL. */
static int write_config(const char *bundle, const struct container *c,
			const char *hook_err)
{
	char path[PATH_MAX], annotations[PATH_MAX + 512];
	const char *caps = c->privileged ? all_caps : "\"CAP_KILL\"";
	FILE *f;

	snprintf(annotations, sizeof(annotations), "%s%s%s%s%s", c->annotations,
		 hook_err && c->annotations[0] ? ", " : "",
		 hook_err ? "\"run.oci.hooks.stderr\": \"" : "",
		 hook_err ?: "", hook_err ? "\"" : "");
	snprintf(path, sizeof(path), "%s/config.json", bundle);
	f = fopen(path, "w");
	if (!f)
		return -errno;
	fprintf(f,
"{\"ociVersion\": \"1.0.2\",\n"
" \"process\": {\"terminal\": false, \"user\": {\"uid\": 0, \"gid\": 0},\n"
"  \"args\": [%s], \"env\": [\"PATH=/bin\"], \"cwd\": \"/\",\n"
"  \"capabilities\": {\"bounding\": [%s], \"effective\": [%s], \"permitted\": [%s]},\n"
"  \"noNewPrivileges\": true},\n"
" \"root\": {\"path\": \"rootfs\", \"readonly\": false},\n"
" \"hostname\": \"c\",\n"
" \"mounts\": [{\"destination\": \"/proc\", \"type\": \"proc\", \"source\": \"proc\"}%s],\n"
" \"annotations\": {%s},\n"
" %s,\n"
" \"linux\": {\"cgroupsPath\": \"/" CGROUP_PARENT "/%s\",\n"
"  \"namespaces\": [{\"type\": \"pid\"}, {\"type\": \"ipc\"}, {\"type\": \"uts\"},\n"
"   {\"type\": \"mount\"}, {\"type\": \"network\"}%s]}}\n",
		c->args, caps, caps, caps,
		c->privileged ? ", {\"destination\": \"/sys/fs/cgroup\", \"type\": \"bind\", \"source\": \"/sys/fs/cgroup\", \"options\": [\"rbind\", \"rw\"]}" : "",
		annotations, hooks, c->name,
		c->privileged ? "" : ", {\"type\": \"cgroup\"}");
	return fclose(f) ? -errno : 0;
}

/* Reads @path into @buf (NUL-terminated). */
static void slurp(const char *path, char *buf, size_t size)
{
	ssize_t n = -1;
	int fd = open(path, O_RDONLY);

	if (fd >= 0) {
		n = read(fd, buf, size - 1);
		close(fd);
	}
	buf[n < 0 ? 0 : n] = '\0';
}

/*
 * <runtime> run: the container's exit status, or the runtime's; its
 * output in self, the hooks' stderr included.
 */
static int run_container(struct _test_data_runc *self,
			 const FIXTURE_VARIANT(runc) *variant,
			 const struct container *c)
{
	char cmd[PATH_MAX * 4], out[PATH_MAX], err[PATH_MAX], hook_err[PATH_MAX];
	size_t len;
	int status;

	snprintf(hook_err, sizeof(hook_err), "%s/hook-err", self->bundle);
	unlink(hook_err);
	if (write_config(self->bundle, c,
			 variant->hook_stderr_annotation ? hook_err : NULL))
		return -1;
	snprintf(out, sizeof(out), "%s/out", self->bundle);
	snprintf(err, sizeof(err), "%s/err", self->bundle);
	snprintf(cmd, sizeof(cmd),
		 "%s --root %s run %s --bundle %s %s >%s 2>%s </dev/null",
		 variant->runtime, variant->state, variant->run_flags,
		 self->bundle, c->name, out, err);
	status = system(cmd);
	slurp(out, self->out, sizeof(self->out));
	slurp(err, self->err, sizeof(self->err));
	len = strlen(self->err);
	slurp(hook_err, self->err + len, sizeof(self->err) - len);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

#define WEB	"\"org.llsock.policy\": \"web\""

/* The workload's very first system call is judged by the policy. */
TEST_F(runc, first_socket_is_judged)
{
	struct container c = { "first", "\"/bin/in_container\", \"socket\", \"2\", \"2\", \"17\"",
			       WEB };

	ASSERT_EQ(EACCES, run_container(self, variant, &c)) TH_LOG("%s", self->err);
	ASSERT_NE(NULL, strstr(self->out, "socket: 13"));
}

TEST_F(runc, policy_allows_and_denies)
{
	struct container c = { "mixed",
		"\"/bin/sh\", \"-c\", \"in_container socket 2 1 6 && in_container socket 10 1 0 && in_container socket 1 2 0 || exit 1;"
		" in_container socket 2 2 0; [ $? = 13 ] || exit 2; in_container socket 10 2 17; [ $? = 13 ] || exit 3\"",
		WEB };

	ASSERT_EQ(0, run_container(self, variant, &c)) TH_LOG("%s%s", self->out, self->err);
}

TEST_F(runc, container_without_annotation_is_free)
{
	struct container c = { "free", "\"/bin/in_container\", \"socket\", \"2\", \"2\", \"17\"",
			       "\"other.annotation\": \"x\"" };

	ASSERT_EQ(0, run_container(self, variant, &c)) TH_LOG("%s", self->err);
	ASSERT_NE(NULL, strstr(self->out, "socket: 0"));
}

/*
 * Root in the container, with every capability and the host's cgroup
 * tree mounted read-write: no bpf(2), no way out of its cgroup, and its
 * policy holds after both tries.
 */
TEST_F(runc, root_cannot_loosen_its_policy)
{
	struct container c = { "root",
		"\"/bin/sh\", \"-c\", \"in_container bpf; b=$?; in_container leave /sys/fs/cgroup/cgroup.procs; l=$?;"
		" in_container socket 2 2 17; s=$?; echo result $b $l $s\"",
		WEB, true };

	ASSERT_EQ(0, run_container(self, variant, &c)) TH_LOG("%s", self->err);
	ASSERT_NE(NULL, strstr(self->out, "result 1 1 13")) TH_LOG("%s", self->out);
}

/* The runtime refuses a container whose hook fails: its workload never runs. */
TEST_F(runc, bad_annotation_stops_the_container)
{
	const char *bad[] = {
		"\"org.llsock.policy\": \"../../etc/passwd\"",
		"\"org.llsock.policy\": \"no-such-preset\"",
		"\"org.llsock.rules\": \"inet.*.99999\"",
	};
	struct container c = { "bad", "\"/bin/in_container\", \"socket\", \"2\", \"2\", \"17\"" };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		c.annotations = bad[i];
		ASSERT_NE(0, run_container(self, variant, &c));
		ASSERT_EQ(NULL, strstr(self->out, "socket:")) TH_LOG("%s", bad[i]);
		ASSERT_NE(NULL, strstr(self->err, "llsock: ")) TH_LOG("%s", self->err);
	}
}

/* llsock.runc_churn=N on the kernel's command line, else @fallback. */
static int churn_count(int fallback)
{
	char cmdline[4096];
	const char *value;

	value = cmdline_value("llsock.runc_churn", cmdline, sizeof(cmdline));
	return value ? atoi(value) : fallback;
}

/*
 * Containers started and stopped one after the other (20 here; make
 * container-churn runs 1,000): each judged, and none leaves a binding, a
 * rule entry or a cgroup behind.
 */
TEST_F_TIMEOUT(runc, starts_and_stops_leave_nothing, 7200)
{
	struct llsock_counters before, after;
	char name[32], dir[PATH_MAX];
	int i, n = churn_count(20);
	struct container c = { name, "\"/bin/in_container\", \"socket\", \"2\", \"2\", \"17\"",
			       WEB };

	if (strcmp(variant->runtime, "/test/runc"))
		SKIP(return, "the churn runs under runc only; the hook does the same work under crun");
	/* What the earlier tests left for the next change to drop, dropped. */
	ASSERT_EQ(0, llsock_gc());
	ASSERT_EQ(0, llsock_get_counters(&before));
	for (i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "churn-%d", i);
		ASSERT_EQ(EACCES, run_container(self, variant, &c))
			TH_LOG("container %d: %s", i, self->err);
	}
	ASSERT_EQ(0, llsock_get_counters(&after));
	ASSERT_EQ(before.bindings, after.bindings);
	ASSERT_EQ(before.rule_entries, after.rule_entries);
	snprintf(dir, sizeof(dir), "%s/%s/churn-0", CGROUP_ROOT, CGROUP_PARENT);
	ASSERT_NE(0, access(dir, F_OK));
	TH_LOG("%d containers started and stopped: %u bindings, %u rule entries, before and after",
	       n, after.bindings, after.rule_entries);
}

TEST_HARNESS_MAIN

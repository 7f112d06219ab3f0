// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Loading and unloading llsock: unload removes every program, pin and
 * policy; full maps fail a change cleanly; the guard hooks are what keep
 * restricted tasks away from bpf(2). Runs last in the VM: each test leaves
 * llsock loaded with its defaults, but with no policy.
 */
#include "common.h"

#include <bpf/bpf.h>
#include <pthread.h>
#include <sched.h>
#include <sys/stat.h>
#include "llsock.h"
#include "reader.skel.h"

FIXTURE(lifecycle)
{
	struct test_cgroup cg;
	char a[PATH_MAX];
	char b[PATH_MAX];
};

FIXTURE_SETUP(lifecycle)
{
	if (!llsock_is_loaded())
		ASSERT_EQ(0, llsock_load(NULL));
	ASSERT_EQ(0, test_cgroup_enter(&self->cg, "lifecycle"));
	snprintf(self->a, sizeof(self->a), "%s/a", self->cg.path);
	snprintf(self->b, sizeof(self->b), "%s/b", self->cg.path);
	ASSERT_EQ(0, mkdir(self->a, 0755));
	ASSERT_EQ(0, mkdir(self->b, 0755));
}

FIXTURE_TEARDOWN_PARENT(lifecycle)
{
	test_cgroup_remove(&self->cg);
	/* Back to the defaults for whatever runs next. */
	if (!llsock_is_loaded())
		llsock_load(NULL);
}

static int reload(const struct llsock_load_opts *opts)
{
	int ret = llsock_unload();

	return ret ? ret : llsock_load(opts);
}

/*
 * Runs "llsock ARGS" with its stderr in @err (NUL-terminated, truncated to
 * @size): its exit status, or -1.
 */
static int llsock_err(const char *args, char *err, size_t size)
{
	char path[] = "/tmp/llsock-err-XXXXXX", cmd[PATH_MAX * 3];
	ssize_t len;
	int fd, status;

	fd = mkstemp(path);
	if (fd < 0)
		return -1;
	snprintf(cmd, sizeof(cmd), "%s %s 2>%s", llsock_bin(), args, path);
	status = system(cmd);
	len = read(fd, err, size - 1);
	err[len < 0 ? 0 : len] = '\0';
	close(fd);
	unlink(path);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

TEST_F(lifecycle, load_twice)
{
	ASSERT_TRUE(llsock_is_loaded());
	ASSERT_EQ(-EEXIST, llsock_load(NULL));
	ASSERT_TRUE(llsock_is_loaded());
}

TEST_F(lifecycle, unload_removes_everything)
{
	struct llsock_counters counters;
	struct stat st;

	ASSERT_EQ(0, bind_rules(self->a, "unix.*.*", NULL));
	ASSERT_EQ(EACCES, errno_in(self->a, AF_INET, SOCK_STREAM, 0));
	ASSERT_TRUE(program_loaded("llsock_socket"));

	ASSERT_EQ(0, llsock_unload());
	ASSERT_FALSE(llsock_is_loaded());
	ASSERT_EQ(-1, stat(LLSOCK_PIN_DIR, &st));
	ASSERT_EQ(ENOENT, errno);
	ASSERT_EQ(0, errno_in(self->a, AF_INET, SOCK_STREAM, 0));
	/* Freed once the last pin and descriptor are gone. */
	ASSERT_FALSE(program_loaded("llsock_"));
	ASSERT_EQ(-ENOPKG, llsock_unload());
	ASSERT_EQ(-ENOPKG, bind_rules(self->a, "unix.*.*", NULL));
	ASSERT_EQ(-ENOPKG, llsock_get_counters(&counters));

	/* A new load starts with no policy. */
	ASSERT_EQ(0, llsock_load(NULL));
	ASSERT_EQ(0, llsock_get_counters(&counters));
	ASSERT_EQ(0, counters.bindings);
	ASSERT_EQ(0, counters.rule_entries);
	ASSERT_EQ(0, errno_in(self->a, AF_INET, SOCK_STREAM, 0));
}

static void pin_to_cpu(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	sched_setaffinity(0, sizeof(set), &set);
}

/* On CPU 1: the socket() request that the slow reader (reader.bpf.c) takes. */
static void *slow_read(void *arg)
{
	int fd;

	pin_to_cpu(1);
	fd = socket(AF_UNIX, SOCK_DGRAM, *(int *)arg);
	if (fd >= 0)
		close(fd);
	return NULL;
}

/*
 * A change republishes the domains of a bound cgroup and of its bound
 * children, one map update each. The BPF memory allocator hands a freed
 * hash element out again at once, without waiting for an RCU grace
 * period: an update may reuse the element of a domain replaced by the one
 * before it, which a program may still be reading. A reader slowed down
 * inside its program (reader.bpf.c, on CPU 1) must see the domain it
 * looked up unchanged while llsock republishes it and its siblings (from
 * CPU 0, whose free list the updates share).
 */
TEST_F(lifecycle, publish_changes_no_domain_under_a_reader)
{
	char x[PATH_MAX], y[PATH_MAX], pin[PATH_MAX];
	struct reader_bpf *skel;
	struct timespec t0, t1;
	int protocol = 77, fd;
	pthread_t reader;
	struct stat st;

	snprintf(x, sizeof(x), "%s/x", self->a);
	snprintf(y, sizeof(y), "%s/y", self->a);
	ASSERT_EQ(0, mkdir(x, 0755));
	ASSERT_EQ(0, mkdir(y, 0755));
	ASSERT_EQ(0, bind_rules(self->a, "unix.*.*", NULL));
	ASSERT_EQ(0, bind_rules(x, "inet.stream.tcp", NULL));
	ASSERT_EQ(0, bind_rules(y, "inet.dgram.udp", NULL));
	ASSERT_EQ(0, stat(x, &st));

	skel = reader_bpf__open();
	ASSERT_NE(NULL, skel);
	skel->rodata->target_tgid = getpid();
	skel->rodata->target_protocol = protocol;
	skel->rodata->target_cgroup = st.st_ino;
	skel->rodata->spin_ns = 2000000000ULL;
	snprintf(pin, sizeof(pin), LLSOCK_PIN_DIR "/domains");
	fd = bpf_obj_get(pin);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, bpf_map__reuse_fd(skel->maps.llsock_domains, fd));
	close(fd);
	ASSERT_EQ(0, reader_bpf__load(skel));
	ASSERT_EQ(0, reader_bpf__attach(skel));

	pin_to_cpu(0);
	ASSERT_EQ(0, pthread_create(&reader, NULL, slow_read, &protocol));
	while (!__atomic_load_n(&skel->bss->spinning, __ATOMIC_ACQUIRE))
		sched_yield();
	clock_gettime(CLOCK_MONOTONIC, &t0);
	ASSERT_EQ(0, bind_rules(self->a, "unix.*.*", "inet.stream.0", NULL));
	clock_gettime(CLOCK_MONOTONIC, &t1);
	pthread_join(reader, NULL);

	TH_LOG("the reader spun %llu ms; the change took %ld ms",
	       (unsigned long long)skel->bss->spun_ns / 1000000,
	       (t1.tv_sec - t0.tv_sec) * 1000 +
	       (t1.tv_nsec - t0.tv_nsec) / 1000000);
	ASSERT_EQ(1, skel->bss->reads);
	ASSERT_EQ(0, skel->bss->changes);
	reader_bpf__destroy(skel);
}

TEST_F(lifecycle, full_maps_leave_policy)
{
	struct llsock_load_opts opts = { .sz = sizeof(opts), .max_rules = 64 };
	struct llsock_counters before, after;
	struct llsock_ruleset *ruleset;
	int i;

	ASSERT_EQ(0, reload(&opts));
	ASSERT_EQ(0, bind_rules(self->a, "unix.*.*", NULL));
	ASSERT_EQ(0, llsock_get_counters(&before));
	ASSERT_EQ(64, before.max_rules);

	ruleset = new_ruleset();
	ASSERT_NE(NULL, ruleset);
	for (i = 0; i < 100; i++)
		ASSERT_EQ(0, add_rule(ruleset, AF_INET, SOCK_STREAM, i));
	ASSERT_EQ(-ENOSPC, llsock_bind_cgroup(ruleset, self->b));
	/* Replacing a's policy fails the same way, and leaves it. */
	ASSERT_EQ(-ENOSPC, llsock_bind_cgroup(ruleset, self->a));
	llsock_ruleset_free(ruleset);

	ASSERT_EQ(0, llsock_get_counters(&after));
	ASSERT_EQ(before.bindings, after.bindings);
	ASSERT_EQ(before.rule_entries, after.rule_entries);
	ASSERT_EQ(0, errno_in(self->a, AF_UNIX, SOCK_STREAM, 0));
	ASSERT_EQ(EACCES, errno_in(self->a, AF_INET, SOCK_STREAM, 5));
	ASSERT_EQ(0, errno_in(self->b, AF_INET, SOCK_STREAM, 0));
	ASSERT_EQ(0, reload(NULL));
}

/* A v4 ruleset of @n rules: family, type, and protocols 1 to @n. */
static struct llsock_ruleset *protocols_ruleset(int family, int type, int n)
{
	struct llsock_ruleset *ruleset = new_ruleset();
	int i;

	for (i = 1; ruleset && i <= n; i++)
		if (add_rule(ruleset, family, type, i)) {
			llsock_ruleset_free(ruleset);
			return NULL;
		}
	return ruleset;
}

/*
 * A policy as large as the limit replaces another as large: the maps hold
 * the old tables and the new ones while the change is published. One
 * rule over the limit is refused before anything is merged or written.
 */
TEST_F(lifecycle, largest_policy_replaces_largest)
{
	struct llsock_load_opts opts = { .sz = sizeof(opts), .max_rules = 64 };
	struct llsock_bind_opts use = { .sz = sizeof(use) };
	struct llsock_ruleset *stream, *dgram, *over;
	struct llsock_counters counters;
	struct llsock_limits limits;
	char args[PATH_MAX * 2], err[2048];
	int fd;

	ASSERT_EQ(0, reload(&opts));
	stream = protocols_ruleset(AF_INET, SOCK_STREAM, 64);
	dgram = protocols_ruleset(AF_INET, SOCK_DGRAM, 64);
	over = protocols_ruleset(AF_INET, SOCK_DGRAM, 65);
	ASSERT_NE(NULL, stream);
	ASSERT_NE(NULL, dgram);
	ASSERT_NE(NULL, over);

	ASSERT_EQ(0, llsock_bind_cgroup(stream, self->a));
	ASSERT_EQ(0, errno_in(self->a, AF_INET, SOCK_STREAM, IPPROTO_TCP));
	ASSERT_EQ(0, llsock_bind_cgroup(dgram, self->a));
	ASSERT_EQ(EACCES, errno_in(self->a, AF_INET, SOCK_STREAM, IPPROTO_TCP));
	ASSERT_EQ(0, errno_in(self->a, AF_INET, SOCK_DGRAM, 17));
	ASSERT_EQ(0, llsock_bind_cgroup(stream, self->a));
	ASSERT_EQ(0, errno_in(self->a, AF_INET, SOCK_STREAM, 6));

	ASSERT_EQ(-ENOSPC, llsock_bind_cgroup(over, self->a));
	ASSERT_EQ(-ENOSPC, llsock_bind_cgroup(over, self->b));
	/* What the refused change would have left in force: a's and b's. */
	fd = open(self->b, O_RDONLY | O_DIRECTORY);
	ASSERT_LE(0, fd);
	ASSERT_EQ(-ENOSPC, llsock_bind_cgroup_fd_opts(over, fd, &use));
	close(fd);
	ASSERT_EQ(64 + 65, use.rule_entries);
	ASSERT_EQ(2, use.bindings);
	ASSERT_EQ(0, errno_in(self->a, AF_INET, SOCK_STREAM, 6));
	ASSERT_EQ(0, errno_in(self->b, AF_INET, SOCK_DGRAM, 17));
	ASSERT_EQ(0, llsock_get_counters(&counters));
	ASSERT_EQ(1, counters.bindings);
	ASSERT_EQ(64, counters.max_rules);
	ASSERT_EQ(0, llsock_get_limits(&limits));
	ASSERT_EQ(64, limits.max_rules);
	ASSERT_EQ(counters.max_bindings, limits.max_bindings);

	/* The command says so, and what to load llsock with instead. */
	snprintf(args, sizeof(args), "apply %s 'inet.dgram.*' 'inet.stream.*'",
		 self->b);
	ASSERT_EQ(1, llsock_err(args, err, sizeof(err)));
	/* a's 64, and b's 2. */
	ASSERT_NE(NULL, strstr(err, "would hold 66 rule entries"))
		TH_LOG("%s", err);
	ASSERT_NE(NULL, strstr(err, "at most 64."));
	ASSERT_NE(NULL, strstr(err, "`llsock load --max-rules N` with N >= 66."));
	ASSERT_EQ(0, errno_in(self->b, AF_INET, SOCK_STREAM, 6));

	llsock_ruleset_free(stream);
	llsock_ruleset_free(dgram);
	llsock_ruleset_free(over);
	ASSERT_EQ(0, reload(NULL));
}

/*
 * The rules of a policy that a loaded llsock could never hold in force
 * stop it being read, at the first rule too many, with the limit and the
 * option that raises it (so that a huge file is not read into a huge
 * ruleset); one at the limit applies.
 */
TEST_F(lifecycle, policy_over_the_limit_stops_being_read)
{
	struct llsock_load_opts opts = { .sz = sizeof(opts), .max_rules = 16 };
	char policy[] = "/tmp/llsock-limit-XXXXXX", args[PATH_MAX * 2];
	struct llsock_ruleset *ruleset;
	char err[2048];
	int fd, i;

	/* The library: a limit on distinct rules; merging is no new rule. */
	ruleset = new_ruleset();
	ASSERT_NE(NULL, ruleset);
	llsock_ruleset_set_max_rules(ruleset, 2);
	ASSERT_EQ(0, add_rule(ruleset, AF_INET, SOCK_STREAM, 1));
	ASSERT_EQ(0, add_rule(ruleset, AF_INET, SOCK_STREAM, 2));
	ASSERT_EQ(0, add_rule(ruleset, AF_INET, SOCK_STREAM, 2));
	ASSERT_EQ(-E2BIG, add_rule(ruleset, AF_INET, SOCK_STREAM, 3));
	llsock_ruleset_free(ruleset);

	ASSERT_EQ(0, reload(&opts));
	fd = mkstemp(policy);
	ASSERT_LE(0, fd);
	for (i = 1; i <= 17; i++)
		ASSERT_LT(0, dprintf(fd, "inet.stream.%d\n", i));
	close(fd);
	snprintf(args, sizeof(args), "apply %s --file %s", self->a, policy);
	ASSERT_EQ(1, llsock_err(args, err, sizeof(err)));
	ASSERT_NE(NULL, strstr(err, "line 17: cannot add rule inet.stream.17: more than 16 rules"))
		TH_LOG("%s", err);
	ASSERT_NE(NULL, strstr(err, "--max-rules"));
	ASSERT_EQ(0, errno_in(self->a, AF_INET, SOCK_STREAM, IPPROTO_TCP));

	/* Sixteen apply. */
	ASSERT_EQ(0, truncate(policy, 0));
	fd = open(policy, O_WRONLY);
	ASSERT_LE(0, fd);
	for (i = 1; i <= 16; i++)
		ASSERT_LT(0, dprintf(fd, "inet.stream.%d\n", i));
	close(fd);
	ASSERT_EQ(0, llsock_err(args, err, sizeof(err)));
	ASSERT_EQ(0, errno_in(self->a, AF_INET, SOCK_STREAM, IPPROTO_TCP));
	ASSERT_EQ(EACCES, errno_in(self->a, AF_INET, SOCK_DGRAM, 0));
	unlink(policy);
	ASSERT_EQ(0, reload(NULL));
}

/* The bound cgroups a load allows, and no more: refused before any write. */
TEST_F(lifecycle, bindings_limit)
{
	struct llsock_load_opts opts = { .sz = sizeof(opts), .max_bindings = 2 };
	char c[PATH_MAX], args[PATH_MAX * 2], err[2048];
	struct llsock_counters counters;

	snprintf(c, sizeof(c), "%s/c", self->cg.path);
	ASSERT_EQ(0, mkdir(c, 0755));
	ASSERT_EQ(0, reload(&opts));
	ASSERT_EQ(0, bind_rules(self->a, "unix.*.*", NULL));
	ASSERT_EQ(0, bind_rules(self->b, "unix.*.*", NULL));
	/* Replacing one is no new binding. */
	ASSERT_EQ(0, bind_rules(self->b, "unix.*.*", "inet.*.*", NULL));
	ASSERT_EQ(-EDQUOT, bind_rules(c, "unix.*.*", NULL));
	ASSERT_EQ(0, errno_in(c, AF_INET, SOCK_STREAM, 0));
	ASSERT_EQ(0, llsock_get_counters(&counters));
	ASSERT_EQ(2, counters.bindings);
	snprintf(args, sizeof(args), "apply %s unix.stream.0", c);
	ASSERT_EQ(1, llsock_err(args, err, sizeof(err)));
	ASSERT_NE(NULL, strstr(err, "there would be 3 bound cgroups; llsock was loaded to hold at most 2."))
		TH_LOG("%s", err);
	ASSERT_NE(NULL, strstr(err, "`llsock load --max-bindings N` with N >= 3."));
	ASSERT_EQ(0, errno_in(c, AF_INET, SOCK_STREAM, 0));
	ASSERT_EQ(0, reload(NULL));
}

static int bpf_allowed(void *arg)
{
	struct llsock_probe probe;

	llsock_probe(&probe);
	return probe.bpf_denied ? EPERM : 0;
}

TEST_F(lifecycle, guard_is_what_denies_bpf)
{
	struct llsock_load_opts opts = { .sz = sizeof(opts), .no_guard = true };

	ASSERT_EQ(0, bind_rules(self->a, "unix.*.*", NULL));
	ASSERT_EQ(EPERM, run_in(self->a, bpf_allowed, NULL));

	ASSERT_EQ(0, reload(&opts));
	ASSERT_FALSE(program_loaded("llsock_bpf"));
	ASSERT_EQ(0, bind_rules(self->a, "unix.*.*", NULL));
	ASSERT_EQ(0, run_in(self->a, bpf_allowed, NULL));
	/* Without the guard, socket rules still hold. */
	ASSERT_EQ(EACCES, errno_in(self->a, AF_INET, SOCK_STREAM, 0));
	ASSERT_EQ(0, reload(NULL));
}

TEST_HARNESS_MAIN

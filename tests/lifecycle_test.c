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
#include <sys/mman.h>
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

	/*
	 * The binding of a removed cgroup holds its place until a change
	 * drops it; one that needs the place drops it first.
	 */
	ASSERT_EQ(0, llsock_unbind_cgroup(self->a));
	ASSERT_EQ(0, bind_rules(self->a, "unix.*.*", NULL));
	ASSERT_EQ(0, rmdir(self->a));
	ASSERT_EQ(0, bind_rules(c, "unix.*.*", NULL));
	ASSERT_EQ(EACCES, errno_in(c, AF_INET, SOCK_STREAM, 0));
	ASSERT_EQ(0, llsock_get_counters(&counters));
	ASSERT_EQ(2, counters.bindings);
	ASSERT_EQ(0, reload(NULL));
}

/*
 * What the store holds: every domain, every ruleset's id and refs, the
 * entries of every other map, and the counts llsock_state keeps for the
 * limits.
 */
#define STORE_MAX	64
struct store_print {
	size_t nr_domains, nr_rulesets;
	struct {
		__u64 cgroup;
		struct llsock_domain domain;
	} domains[STORE_MAX];
	struct {
		__u32 id, refs;
	} rulesets[STORE_MAX];
	size_t rules, protocols, ruleset_rules, cgroup_stats;
	__u64 nr_bindings, rule_entries;
};

static int pin_fd(const char *name)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), LLSOCK_PIN_DIR "/%s", name);
	return bpf_obj_get(path);
}

/* Entries of the map pinned as @name, in key order of the kernel's walk. */
static size_t map_entries(const char *name)
{
	char key[64], next[64];
	int fd = pin_fd(name);
	size_t n = 0;
	void *prev = NULL;

	while (fd >= 0 && !bpf_map_get_next_key(fd, prev, next)) {
		memcpy(key, next, sizeof(key));
		prev = key;
		n++;
	}
	close(fd);
	return fd < 0 ? (size_t)-1 : n;
}

static struct llsock_state *map_state(void)
{
	struct llsock_state *state;
	int fd = pin_fd("state");

	if (fd < 0)
		return NULL;
	state = mmap(NULL, sizeof(*state), PROT_READ | PROT_WRITE,
		     MAP_SHARED, fd, 0);
	close(fd);
	return state == MAP_FAILED ? NULL : state;
}

static int compare_first_u64(const void *a, const void *b)
{
	__u64 x = *(const __u64 *)a, y = *(const __u64 *)b;

	return x < y ? -1 : x > y;
}

static int compare_first_u32(const void *a, const void *b)
{
	__u32 x = *(const __u32 *)a, y = *(const __u32 *)b;

	return x < y ? -1 : x > y;
}

static int read_store(struct store_print *p)
{
	int domains = pin_fd("domains"), rulesets = pin_fd("rulesets");
	struct llsock_ruleset_info info;
	struct llsock_state *state;
	__u64 cgroup, *prev = NULL;
	__u32 id, *prev_id = NULL;
	int ret = -1;

	memset(p, 0, sizeof(*p));
	if (domains < 0 || rulesets < 0)
		goto out;
	while (!bpf_map_get_next_key(domains, prev, &cgroup)) {
		if (p->nr_domains == STORE_MAX)
			goto out;
		p->domains[p->nr_domains].cgroup = cgroup;
		if (bpf_map_lookup_elem(domains, &cgroup,
					&p->domains[p->nr_domains].domain))
			goto out;
		prev = &p->domains[p->nr_domains++].cgroup;
	}
	while (!bpf_map_get_next_key(rulesets, prev_id, &id)) {
		if (p->nr_rulesets == STORE_MAX ||
		    bpf_map_lookup_elem(rulesets, &id, &info))
			goto out;
		p->rulesets[p->nr_rulesets].id = id;
		p->rulesets[p->nr_rulesets].refs = info.refs;
		prev_id = &p->rulesets[p->nr_rulesets++].id;
	}
	qsort(p->domains, p->nr_domains, sizeof(p->domains[0]),
	      compare_first_u64);
	qsort(p->rulesets, p->nr_rulesets, sizeof(p->rulesets[0]),
	      compare_first_u32);
	p->rules = map_entries("rules");
	p->protocols = map_entries("protocol_rules");
	p->ruleset_rules = map_entries("ruleset_rules");
	p->cgroup_stats = map_entries("cgroup_stats");
	state = map_state();
	if (!state)
		goto out;
	p->nr_bindings = state->nr_bindings;
	p->rule_entries = state->rule_entries;
	munmap(state, sizeof(*state));
	ret = 0;
out:
	close(domains);
	close(rulesets);
	return ret;
}

/*
 * A change costs what it changes: it cleans up the tables and rulesets it
 * replaced by their keys and refs, and keeps the counts for the limits.
 * Checked against the whole-store pass that a change makes after one that
 * died half-way (llsock_state's changing set): it deletes whatever no
 * domain refers to, sets every ruleset's refs from the domains, and counts
 * everything again. Left as a change left it, it must find nothing to do.
 */
static void expect_whole_pass_agrees(struct __test_metadata *_metadata,
				     const char *step)
{
	struct store_print before, after;
	struct llsock_state *state;

	ASSERT_EQ(0, read_store(&before));
	state = map_state();
	ASSERT_NE(NULL, state);
	ASSERT_EQ(0, state->changing);
	state->changing = 1;
	ASSERT_EQ(0, llsock_gc());
	ASSERT_EQ(0, state->changing);
	munmap(state, sizeof(*state));
	ASSERT_EQ(0, read_store(&after));
	ASSERT_EQ(after.nr_domains, before.nr_domains) TH_LOG("after %s", step);
	ASSERT_EQ(after.nr_rulesets, before.nr_rulesets) TH_LOG("after %s", step);
	ASSERT_EQ(after.rules, before.rules) TH_LOG("after %s", step);
	ASSERT_EQ(after.protocols, before.protocols) TH_LOG("after %s", step);
	ASSERT_EQ(after.ruleset_rules, before.ruleset_rules)
		TH_LOG("after %s", step);
	ASSERT_EQ(after.cgroup_stats, before.cgroup_stats)
		TH_LOG("after %s", step);
	ASSERT_EQ(after.nr_bindings, before.nr_bindings) TH_LOG("after %s", step);
	ASSERT_EQ(after.rule_entries, before.rule_entries)
		TH_LOG("after %s", step);
	ASSERT_EQ(0, memcmp(after.domains, before.domains,
			    sizeof(before.domains))) TH_LOG("after %s", step);
	ASSERT_EQ(0, memcmp(after.rulesets, before.rulesets,
			    sizeof(before.rulesets))) TH_LOG("after %s", step);
	ASSERT_EQ(before.nr_domains, before.nr_bindings);
}

TEST_F(lifecycle, local_changes_leave_what_a_whole_pass_would)
{
	char x[PATH_MAX];

	snprintf(x, sizeof(x), "%s/x", self->b);
	ASSERT_EQ(0, mkdir(x, 0755));
	/* Bindings of cgroups earlier tests removed: dropped now. */
	ASSERT_EQ(0, llsock_gc());
	expect_whole_pass_agrees(_metadata, "nothing");

	/* More than the inline protocols: llsock_protocol_rules too. */
	ASSERT_EQ(0, bind_rules(x, "unix.*.*", "inet.raw.1", "inet.raw.2",
				"inet.raw.3", "inet.raw.4", "inet.raw.5",
				"inet.raw.6", "inet.raw.7", "inet.raw.8", NULL));
	expect_whole_pass_agrees(_metadata, "binding b/x");
	ASSERT_EQ(0, bind_rules(self->b, "unix.*.*", "inet.stream.tcp", NULL));
	expect_whole_pass_agrees(_metadata, "binding b above b/x");
	ASSERT_EQ(EACCES, errno_in(x, AF_INET, SOCK_STREAM, IPPROTO_TCP));
	ASSERT_EQ(0, errno_in(x, AF_UNIX, SOCK_STREAM, 0));
	ASSERT_EQ(0, bind_rules(self->b, "inet.*.*", "unix.dgram.0", NULL));
	expect_whole_pass_agrees(_metadata, "replacing b");
	ASSERT_EQ(EACCES, errno_in(x, AF_UNIX, SOCK_STREAM, 0));
	ASSERT_EQ(0, bind_rules(self->a, "unix.stream.0", NULL));
	expect_whole_pass_agrees(_metadata, "binding a");
	ASSERT_EQ(0, llsock_unbind_cgroup(self->b));
	expect_whole_pass_agrees(_metadata, "unbinding b");
	ASSERT_EQ(0, errno_in(x, AF_UNIX, SOCK_STREAM, 0));
	ASSERT_EQ(0, bind_rules(x, "unix.dgram.0", NULL));
	expect_whole_pass_agrees(_metadata, "replacing b/x");
	ASSERT_EQ(0, bind_rules(self->b, "unix.*.*", NULL));
	expect_whole_pass_agrees(_metadata, "binding b again");
	ASSERT_EQ(0, rmdir(x));
	ASSERT_EQ(0, llsock_gc());
	expect_whole_pass_agrees(_metadata, "dropping removed b/x");
	ASSERT_EQ(0, llsock_unbind_cgroup(self->a));
	ASSERT_EQ(0, llsock_unbind_cgroup(self->b));
	expect_whole_pass_agrees(_metadata, "unbinding a and b");
}

static int bpf_allowed(void *arg);

/* How many guard programs llsock pinned at load. */
static int guards_pinned(void)
{
	struct dirent *entry;
	int n = 0;
	DIR *dir;

	dir = opendir(LLSOCK_PIN_DIR);
	if (!dir)
		return -1;
	while ((entry = readdir(dir)))
		n += !strncmp(entry->d_name, "prog_", 5);
	closedir(dir);
	return n;
}

/*
 * The guards only ever refuse a restricted task: they are attached while
 * some cgroup is bound, and with nothing bound only the socket hook is,
 * so that open(), unlink(), fork() and ptrace() cost nothing on a host
 * without a policy.
 */
TEST_F(lifecycle, guards_attached_only_while_bound)
{
	struct llsock_load_opts opts = { .sz = sizeof(opts), .max_rules = 2 };
	int guards = guards_pinned();

	/* Every hook of the threat model has its guard pinned. */
	ASSERT_LE(15, guards);
	ASSERT_EQ(1, programs_attached_settled("llsock_", 1));
	ASSERT_TRUE(program_loaded("llsock_file_ope"));

	ASSERT_EQ(0, bind_rules(self->a, "unix.*.*", NULL));
	ASSERT_EQ(1 + guards, programs_attached("llsock_"));
	ASSERT_EQ(0, bind_rules(self->b, "unix.*.*", NULL));
	ASSERT_EQ(0, llsock_unbind_cgroup(self->a));
	/* b is still bound. */
	ASSERT_EQ(1 + guards, programs_attached("llsock_"));
	ASSERT_EQ(EPERM, run_in(self->b, bpf_allowed, NULL));

	/* A removed cgroup's binding keeps them until it is dropped. */
	ASSERT_EQ(0, rmdir(self->b));
	ASSERT_EQ(1 + guards, programs_attached("llsock_"));
	ASSERT_EQ(0, llsock_gc());
	ASSERT_EQ(1, programs_attached_settled("llsock_", 1));

	/* Again with the last binding unbound, and bound again after. */
	ASSERT_EQ(0, bind_rules(self->a, "unix.*.*", NULL));
	ASSERT_EQ(1 + guards, programs_attached("llsock_"));
	ASSERT_EQ(EPERM, run_in(self->a, bpf_allowed, NULL));
	ASSERT_EQ(0, llsock_unbind_cgroup(self->a));
	ASSERT_EQ(1, programs_attached_settled("llsock_", 1));
	ASSERT_EQ(0, bind_rules(self->a, "unix.*.*", NULL));
	ASSERT_EQ(EPERM, run_in(self->a, bpf_allowed, NULL));
	ASSERT_EQ(0, llsock_unbind_cgroup(self->a));

	/* A change that fails with nothing bound leaves none attached. */
	ASSERT_EQ(0, reload(&opts));
	ASSERT_EQ(1, programs_attached_settled("llsock_", 1));
	ASSERT_GT(0, bind_rules(self->a, "unix.*.*", "inet.*.*", "inet6.*.*",
				NULL));
	ASSERT_EQ(1, programs_attached_settled("llsock_", 1));
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

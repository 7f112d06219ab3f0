// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Policy management, seen from outside the sandbox: binding rulesets to
 * cgroups, replacing them atomically under concurrent socket() calls,
 * descendants following their ancestors, policies outliving the llsock
 * command, failed changes leaving the old policy in force, `llsock run`,
 * and denial events. Runs as root in the VM, with llsock loaded.
 */
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>

#include "common.h"

/* The test process stays in cg; t, a and b are for policies. */
FIXTURE(policy)
{
	struct test_cgroup cg;
	char t[PATH_MAX];	/* a child of cg */
	char a[PATH_MAX];	/* a child of t */
	char b[PATH_MAX];	/* a child of a */
};

FIXTURE_SETUP(policy)
{
	ASSERT_TRUE(llsock_is_loaded())
	{
		TH_LOG("llsock is not loaded: run `llsock load` first");
	}
	ASSERT_EQ(0, test_cgroup_enter(&self->cg, "policy"));
	snprintf(self->t, sizeof(self->t), "%s/t", self->cg.path);
	snprintf(self->a, sizeof(self->a), "%s/a", self->t);
	snprintf(self->b, sizeof(self->b), "%s/b", self->a);
	ASSERT_EQ(0, mkdir(self->t, 0755));
	ASSERT_EQ(0, mkdir(self->a, 0755));
	ASSERT_EQ(0, mkdir(self->b, 0755));
}

FIXTURE_TEARDOWN_PARENT(policy)
{
	test_cgroup_remove(&self->cg);
}

TEST_F(policy, bind_applies_to_cgroup_and_below)
{
	ASSERT_EQ(0, errno_in(self->a, AF_INET, SOCK_STREAM, 0));
	ASSERT_EQ(0, bind_rules(self->a, "unix.*.*", NULL));
	ASSERT_EQ(0, errno_in(self->a, AF_UNIX, SOCK_DGRAM, 0));
	ASSERT_EQ(EACCES, errno_in(self->a, AF_INET, SOCK_STREAM, 0));
	ASSERT_EQ(EACCES, errno_in(self->b, AF_INET, SOCK_STREAM, 0));
	ASSERT_EQ(0, errno_in(self->t, AF_INET, SOCK_STREAM, 0));
}

TEST_F(policy, rebind_replaces)
{
	ASSERT_EQ(0, bind_rules(self->a, "unix.*.*", NULL));
	ASSERT_EQ(0, bind_rules(self->a, "inet.stream.0", NULL));
	ASSERT_EQ(EACCES, errno_in(self->a, AF_UNIX, SOCK_DGRAM, 0));
	ASSERT_EQ(0, errno_in(self->a, AF_INET, SOCK_STREAM, 0));
}

TEST_F(policy, clear)
{
	ASSERT_EQ(0, bind_rules(self->t, "unix.*.*", "inet.*.*", NULL));
	ASSERT_EQ(0, bind_rules(self->a, "unix.*.*", NULL));
	ASSERT_EQ(EACCES, errno_in(self->b, AF_INET, SOCK_STREAM, 0));
	ASSERT_EQ(0, llsock_unbind_cgroup(self->a));
	/* The ancestor's layer stays. */
	ASSERT_EQ(0, errno_in(self->b, AF_INET, SOCK_STREAM, 0));
	ASSERT_EQ(EACCES, errno_in(self->b, AF_INET6, SOCK_STREAM, 0));
	ASSERT_EQ(-ENOENT, llsock_unbind_cgroup(self->a));
	ASSERT_EQ(0, llsock_unbind_cgroup(self->t));
	ASSERT_EQ(0, errno_in(self->b, AF_INET6, SOCK_STREAM, 0));
}

TEST_F(policy, descendants_follow_ancestor)
{
	ASSERT_EQ(0, bind_rules(self->b, "inet.stream.*", NULL));
	ASSERT_EQ(0, errno_in(self->b, AF_INET, SOCK_STREAM, 0));

	/* Binding above an already bound cgroup adds a layer below. */
	ASSERT_EQ(0, bind_rules(self->t, "unix.*.*", NULL));
	ASSERT_EQ(EACCES, errno_in(self->b, AF_INET, SOCK_STREAM, 0));
	ASSERT_EQ(EACCES, errno_in(self->b, AF_UNIX, SOCK_STREAM, 0));

	ASSERT_EQ(0, bind_rules(self->t, "inet.*.*", NULL));
	ASSERT_EQ(0, errno_in(self->b, AF_INET, SOCK_STREAM, 0));
	ASSERT_EQ(EACCES, errno_in(self->b, AF_INET, SOCK_DGRAM, 0));

	ASSERT_EQ(0, llsock_unbind_cgroup(self->t));
	ASSERT_EQ(0, errno_in(self->b, AF_INET, SOCK_STREAM, 0));
	ASSERT_EQ(EACCES, errno_in(self->b, AF_INET, SOCK_DGRAM, 0));
}

TEST_F(policy, show_layers)
{
	struct llsock_binding_info info;
	bool inherited;
	char path[PATH_MAX];

	ASSERT_EQ(-ENOENT, llsock_get_binding(self->b, &info, &inherited));
	ASSERT_EQ(0, bind_rules(self->t, "unix.*.*", "inet.*.*", NULL));
	ASSERT_EQ(0, bind_rules(self->a, "inet.stream.tcp", NULL));
	ASSERT_EQ(0, llsock_get_binding(self->b, &info, &inherited));
	ASSERT_TRUE(inherited);
	ASSERT_EQ(2, info.nr_layers);
	ASSERT_EQ(2, llsock_ruleset_size(info.layers[0].ruleset));
	ASSERT_EQ(1, llsock_ruleset_size(info.layers[1].ruleset));
	ASSERT_EQ(IPPROTO_TCP,
		  llsock_ruleset_rule(info.layers[1].ruleset, 0)->protocol);
	ASSERT_EQ(0, llsock_cgroup_path(info.layers[1].cgroup_id, path,
					sizeof(path)));
	ASSERT_STREQ(self->a, path);
	llsock_binding_info_free(&info);
}

TEST_F(policy, removed_cgroup_binding_dropped)
{
	struct llsock_counters before, after;

	ASSERT_EQ(0, llsock_get_counters(&before));
	ASSERT_EQ(0, bind_rules(self->b, "unix.*.*", NULL));
	ASSERT_EQ(0, llsock_get_counters(&after));
	ASSERT_EQ(before.bindings + 1, after.bindings);
	ASSERT_EQ(0, rmdir(self->b));
	ASSERT_EQ(0, llsock_gc());
	ASSERT_EQ(0, llsock_get_counters(&after));
	ASSERT_EQ(before.bindings, after.bindings);
	ASSERT_EQ(before.rule_entries, after.rule_entries);
}

/* Failed changes leave the policy in force as it was. */

TEST_F(policy, too_many_layers_leaves_policy)
{
	char path[PATH_MAX];
	int i;

	/* t, a, b, then 13 more below b: 16 bound cgroups on one path. */
	ASSERT_EQ(0, bind_rules(self->t, "unix.*.*", NULL));
	ASSERT_EQ(0, bind_rules(self->a, "unix.*.*", NULL));
	ASSERT_EQ(0, bind_rules(self->b, "unix.*.*", NULL));
	snprintf(path, sizeof(path), "%s", self->b);
	for (i = 0; i < LLSOCK_MAX_LAYERS - 3; i++) {
		strcat(path, "/d");
		ASSERT_EQ(0, mkdir(path, 0755));
		ASSERT_EQ(0, bind_rules(path, "unix.*.*", NULL));
	}
	strcat(path, "/d");
	ASSERT_EQ(0, mkdir(path, 0755));
	ASSERT_EQ(-E2BIG, bind_rules(path, "inet.*.*", NULL));
	ASSERT_EQ(EACCES, errno_in(path, AF_INET, SOCK_STREAM, 0));
	ASSERT_EQ(0, errno_in(path, AF_UNIX, SOCK_DGRAM, 0));

	/* Inserting a layer above a full path fails the same way. */
	ASSERT_EQ(0, llsock_unbind_cgroup(self->a));
	ASSERT_EQ(0, bind_rules(self->a, "unix.*.*", NULL));
	ASSERT_EQ(0, llsock_unbind_cgroup(self->a));
	ASSERT_EQ(0, bind_rules(path, "unix.*.*", NULL));
	ASSERT_EQ(-E2BIG, bind_rules(self->a, "inet.*.*", NULL));
	ASSERT_EQ(-ENOENT, llsock_unbind_cgroup(self->a));
	ASSERT_EQ(0, errno_in(path, AF_UNIX, SOCK_DGRAM, 0));
}

TEST_F(policy, not_a_cgroup)
{
	struct llsock_ruleset *ruleset = new_ruleset();

	ASSERT_NE(NULL, ruleset);
	ASSERT_EQ(-ENOTDIR, llsock_bind_cgroup(ruleset, "/tmp"));
	ASSERT_EQ(-ENOENT, llsock_bind_cgroup(ruleset, "/sys/fs/cgroup/nope"));
	ASSERT_EQ(-ENOTDIR, llsock_bind_cgroup(ruleset,
					       "/sys/fs/cgroup/cgroup.procs"));
	llsock_ruleset_free(ruleset);
}

/*
 * Atomic replacement: while the policy of the cgroup (and of its parent)
 * flips between two rulesets that both allow unix.dgram.0 and both deny
 * inet6.dgram.0, a task calling socket() in a loop must never see the
 * first denied or the second allowed.
 */
struct hammer {
	volatile int stop;
	volatile int ready;
	volatile unsigned long calls;
	volatile unsigned long wrong;
};

static int hammer(void *arg)
{
	struct hammer *h = arg;

	h->ready = 1;
	while (!h->stop) {
		if (try_socket(AF_UNIX, SOCK_DGRAM, 0))
			h->wrong++;
		if (try_socket(AF_INET6, SOCK_DGRAM, 0) != EACCES)
			h->wrong++;
		h->calls++;
	}
	return 0;
}

static int bind_filler(const char *cgroup, int variant)
{
	struct llsock_ruleset *ruleset = new_ruleset();
	int i, ret;

	if (!ruleset)
		return -ENOMEM;
	ret = add_rule(ruleset, AF_UNIX, SOCK_DGRAM, 0);
	/* Many other rules, different in each variant. */
	for (i = 0; !ret && i < 300 + 200 * variant; i++)
		ret = add_rule(ruleset, variant ? AF_INET : AF_PACKET,
			       i % 11, 1000 + i);
	if (!ret)
		ret = llsock_bind_cgroup(ruleset, cgroup);
	llsock_ruleset_free(ruleset);
	return ret;
}

TEST_F(policy, atomic_rebind_under_load)
{
	struct hammer *h;
	int i, status;
	pid_t pid;

	h = mmap(NULL, sizeof(*h), PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, h);
	ASSERT_EQ(0, bind_filler(self->a, 0));
	ASSERT_EQ(0, bind_rules(self->b, "unix.dgram.0", "inet.*.*", NULL));

	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0)
		_exit(run_in(self->b, hammer, h));
	while (!h->ready)
		usleep(1000);
	for (i = 0; i < 40; i++) {
		/* The cgroup's own layer, then its parent's. */
		ASSERT_EQ(0, i % 2 ?
			  bind_rules(self->b, "unix.dgram.0", "inet.*.*", NULL) :
			  bind_rules(self->b, "unix.*.*", "inet6.stream.*",
				     NULL));
		ASSERT_EQ(0, bind_filler(self->a, (i + 1) % 2));
	}
	h->stop = 1;
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	ASSERT_EQ(0, WEXITSTATUS(status));
	TH_LOG("%lu calls during 80 replacements", h->calls);
	ASSERT_EQ(0, h->wrong);
	ASSERT_LT(100, h->calls);
	munmap(h, sizeof(*h));
}

/* The llsock command. */

/* Runs llsock with @args (NULL-terminated); returns its exit status. */
static int run_llsock(char *const *args, const char *env)
{
	int status;
	pid_t pid;

	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		char *argv[16];
		int i;

		argv[0] = "llsock";
		for (i = 0; args[i] && i < 14; i++)
			argv[i + 1] = args[i];
		argv[i + 1] = NULL;
		if (env)
			putenv((char *)env);
		else
			unsetenv("LL_SOCKET_CREATE");
		/* Quiet: the expected errors would clutter the TAP output. */
		if (!getenv("LLSOCK_TEST_VERBOSE")) {
			int null = open("/dev/null", O_WRONLY);

			dup2(null, 1);
			dup2(null, 2);
		}
		execvp(llsock_bin(), argv);
		_exit(126);
	}
	if (waitpid(pid, &status, 0) != pid)
		return -errno;
	return WIFEXITED(status) ? WEXITSTATUS(status) :
	       128 + WTERMSIG(status);
}

#define LLSOCK(...) run_llsock((char *[]){ __VA_ARGS__, NULL }, NULL)

/* A request, and whether a preset allows it. */
struct preset_case {
	int family, type, protocol;
	bool allowed;
};

#define ALLOW(f, t, p)	{ f, t, p, true }
#define DENY(f, t, p)	{ f, t, p, false }

static const struct preset_case container_default[] = {
	ALLOW(AF_UNIX, SOCK_STREAM, 0), ALLOW(AF_UNIX, SOCK_DGRAM, 0),
	ALLOW(AF_INET, SOCK_STREAM, 0), ALLOW(AF_INET, SOCK_STREAM, IPPROTO_TCP),
	ALLOW(AF_INET, SOCK_DGRAM, IPPROTO_UDP), ALLOW(AF_INET, SOCK_DGRAM, IPPROTO_ICMP),
	ALLOW(AF_INET6, SOCK_STREAM, IPPROTO_TCP), ALLOW(AF_INET6, SOCK_DGRAM, 0),
	ALLOW(AF_NETLINK, SOCK_RAW, 0 /* NETLINK_ROUTE */),
	DENY(AF_ALG, SOCK_SEQPACKET, 0), DENY(AF_RDS, SOCK_SEQPACKET, 0),
	DENY(AF_KEY, SOCK_RAW, 2 /* PF_KEY_V2 */), DENY(AF_VSOCK, SOCK_STREAM, 0),
	DENY(AF_INET, SOCK_RAW, IPPROTO_ICMP), DENY(AF_INET6, SOCK_RAW, IPPROTO_RAW),
	DENY(AF_PACKET, SOCK_RAW, 0x0300 /* htons(ETH_P_ALL) */),
	DENY(AF_NETLINK, SOCK_RAW, 6 /* NETLINK_XFRM */),
	DENY(AF_NETLINK, SOCK_RAW, 12 /* NETLINK_NETFILTER */),
	DENY(AF_NETLINK, SOCK_RAW, 4 /* NETLINK_SOCK_DIAG */),
	DENY(AF_TIPC, SOCK_RDM, 0),
};

static const struct preset_case web[] = {
	ALLOW(AF_UNIX, SOCK_STREAM, 0), ALLOW(AF_UNIX, SOCK_DGRAM, 0),
	ALLOW(AF_INET, SOCK_STREAM, 0), ALLOW(AF_INET, SOCK_STREAM, IPPROTO_TCP),
	ALLOW(AF_INET6, SOCK_STREAM, 0), ALLOW(AF_INET6, SOCK_STREAM, IPPROTO_TCP),
	DENY(AF_INET, SOCK_DGRAM, 0), DENY(AF_INET6, SOCK_DGRAM, IPPROTO_UDP),
	DENY(AF_INET, SOCK_STREAM, IPPROTO_SCTP), DENY(AF_NETLINK, SOCK_RAW, 0),
	DENY(AF_ALG, SOCK_SEQPACKET, 0), DENY(AF_PACKET, SOCK_DGRAM, 0),
};

static const struct preset_case none[] = {
	DENY(AF_UNIX, SOCK_STREAM, 0), DENY(AF_UNIX, SOCK_DGRAM, 0),
	DENY(AF_INET, SOCK_STREAM, 0), DENY(AF_INET6, SOCK_DGRAM, 0),
	DENY(AF_NETLINK, SOCK_RAW, 0),
};

/*
 * The presets in policies/ (in the VM: /test/policies) allow and deny
 * what their comments say, applied with the command as an operator would.
 */
TEST_F(policy, presets_do_what_they_say)
{
	static const struct {
		const char *name;
		const struct preset_case *cases;
		size_t n;
	} presets[] = {
		{ "container-default", container_default, ARRAY_SIZE(container_default) },
		{ "web", web, ARRAY_SIZE(web) },
		{ "none", none, ARRAY_SIZE(none) },
	};
	static const char ping_range[] = "/proc/sys/net/ipv4/ping_group_range";
	char file[PATH_MAX], saved[64] = "";
	unsigned int p;
	size_t i;
	FILE *f;

	/*
	 * ICMP echo sockets: the kernel's own EACCES unless the caller's
	 * group is in ping_group_range. Let every group in, for this test.
	 */
	f = fopen(ping_range, "r");
	ASSERT_NE(NULL, f);
	ASSERT_NE(NULL, fgets(saved, sizeof(saved), f));
	fclose(f);
	f = fopen(ping_range, "w");
	ASSERT_NE(NULL, f);
	ASSERT_LT(0, fprintf(f, "0 2147483647\n"));
	ASSERT_EQ(0, fclose(f));
	for (p = 0; p < ARRAY_SIZE(presets); p++) {
		snprintf(file, sizeof(file), "/test/policies/%s.policy",
			 presets[p].name);
		ASSERT_EQ(0, LLSOCK("apply", self->a, "--file", file));
		for (i = 0; i < presets[p].n; i++) {
			const struct preset_case *c = &presets[p].cases[i];
			int err = errno_in(self->a, c->family, c->type,
					   c->protocol);

			EXPECT_EQ(c->allowed, err != EACCES)
			{
				TH_LOG("%s: socket(%d, %d, %d): %s", presets[p].name,
				       c->family, c->type, c->protocol,
				       strerror(err));
			}
		}
	}
	f = fopen(ping_range, "w");
	ASSERT_NE(NULL, f);
	fputs(saved, f);
	fclose(f);
	ASSERT_EQ(0, LLSOCK("clear", self->a));
}

TEST_F(policy, cli_apply_outlives_command)
{
	ASSERT_EQ(0, LLSOCK("apply", self->a, "unix.dgram.0", "inet.stream.tcp"));
	/* llsock has exited; its policy is in force. */
	ASSERT_EQ(0, errno_in(self->a, AF_UNIX, SOCK_DGRAM, 0));
	ASSERT_EQ(0, errno_in(self->a, AF_INET, SOCK_STREAM, IPPROTO_TCP));
	ASSERT_EQ(EACCES, errno_in(self->a, AF_INET, SOCK_STREAM, 0));
	ASSERT_EQ(0, LLSOCK("clear", self->a));
	ASSERT_EQ(0, errno_in(self->a, AF_INET, SOCK_STREAM, 0));
}

TEST_F(policy, cli_bad_rule_leaves_policy)
{
	ASSERT_EQ(0, LLSOCK("apply", self->a, "unix.dgram.0"));
	ASSERT_EQ(1, LLSOCK("apply", self->a, "inet.stream.tcp", "inet.*.99999"));
	ASSERT_EQ(1, LLSOCK("apply", self->a, "inet.stream.tcp", "*.stream.0"));
	ASSERT_EQ(1, LLSOCK("apply", self->a, "inet.stream.tcp", "nosuch.*.*"));
	ASSERT_EQ(1, LLSOCK("apply", self->a, "--file", "/nonexistent"));
	ASSERT_EQ(0, errno_in(self->a, AF_UNIX, SOCK_DGRAM, 0));
	ASSERT_EQ(EACCES, errno_in(self->a, AF_INET, SOCK_STREAM, IPPROTO_TCP));
}

TEST_F(policy, cli_errors)
{
	ASSERT_EQ(1, LLSOCK("apply", "/sys/fs/cgroup/no-such-cgroup", "unix.*.*"));
	ASSERT_EQ(1, LLSOCK("apply", "/tmp", "unix.*.*"));
	ASSERT_EQ(1, LLSOCK("apply"));
	ASSERT_EQ(1, LLSOCK("clear", self->b));
	ASSERT_EQ(1, LLSOCK("show", "/sys/fs/cgroup/no-such-cgroup"));
	ASSERT_EQ(1, LLSOCK("frobnicate"));
	ASSERT_EQ(1, LLSOCK("apply", "--bogus", self->a));
	ASSERT_EQ(2, LLSOCK("load"));	/* already loaded */
	ASSERT_EQ(0, LLSOCK("show", "--json"));
	ASSERT_EQ(0, LLSOCK("status", "--json"));
	ASSERT_EQ(0, LLSOCK("show", self->b));
}

/* Whether a ruleset is bound to @cgroup itself (not inherited). */
static bool bound_here(const char *cgroup)
{
	struct llsock_binding_info info;
	bool inherited, bound;

	if (llsock_get_binding(cgroup, &info, &inherited))
		return false;
	bound = !inherited;
	llsock_binding_info_free(&info);
	return bound;
}

/*
 * `llsock apply` to a cgroup that contains llsock itself (its own, an
 * ancestor, the root) is refused before anything changes: the policy would
 * restrict the command in the middle of its own change. The command runs
 * in this test's cgroup.
 */
TEST_F(policy, cli_refuses_own_cgroup)
{
	char *const targets[] = { self->cg.path, TEST_CGROUPS,
					CGROUP_ROOT, "" };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(targets); i++) {
		ASSERT_EQ(1, LLSOCK("apply", targets[i], "unix.dgram.0"))
		{
			TH_LOG("llsock apply '%s' unix.dgram.0", targets[i]);
		}
		ASSERT_FALSE(targets[i][0] && bound_here(targets[i]));
		ASSERT_EQ(0, try_socket(AF_INET, SOCK_STREAM, 0));
		ASSERT_EQ(0, errno_in(self->b, AF_INET, SOCK_STREAM, 0));
	}
	/* Below its own cgroup, llsock applies as always. */
	ASSERT_EQ(0, LLSOCK("apply", self->t, "unix.dgram.0"));
	ASSERT_TRUE(bound_here(self->t));
	ASSERT_EQ(EACCES, errno_in(self->b, AF_INET, SOCK_STREAM, 0));
	ASSERT_EQ(0, try_socket(AF_INET, SOCK_STREAM, 0));
}

/*
 * libllsock refuses a layer over its caller the same way, before any write,
 * and binds below it.
 */
TEST_F(policy, library_refuses_own_cgroup)
{
	const char *const targets[] = { self->cg.path, TEST_CGROUPS,
					CGROUP_ROOT };
	struct llsock_ruleset *ruleset = new_ruleset();
	struct llsock_counters before, after;
	unsigned int i;

	ASSERT_NE(NULL, ruleset);
	ASSERT_EQ(0, add_rule(ruleset, AF_UNIX, SOCK_DGRAM, 0));
	ASSERT_EQ(0, llsock_get_counters(&before));
	for (i = 0; i < ARRAY_SIZE(targets); i++) {
		ASSERT_EQ(1, llsock_cgroup_contains_self(targets[i]));
		ASSERT_EQ(-EDEADLK, llsock_bind_cgroup(ruleset, targets[i]))
			TH_LOG("binding %s", targets[i]);
		ASSERT_FALSE(bound_here(targets[i]));
		ASSERT_EQ(0, try_socket(AF_INET, SOCK_STREAM, 0));
	}
	ASSERT_EQ(0, llsock_get_counters(&after));
	ASSERT_EQ(before.bindings, after.bindings);
	ASSERT_EQ(before.rule_entries, after.rule_entries);
	ASSERT_EQ(0, llsock_cgroup_contains_self(self->t));
	ASSERT_EQ(0, llsock_bind_cgroup(ruleset, self->t));
	ASSERT_TRUE(bound_here(self->t));
	ASSERT_EQ(EACCES, errno_in(self->t, AF_INET, SOCK_STREAM, 0));
	ASSERT_EQ(0, try_socket(AF_INET, SOCK_STREAM, 0));
	llsock_ruleset_free(ruleset);
}

/*
 * A descriptor CMD would inherit and could leave its policy with (the
 * root cgroup's cgroup.procs, a kernel helper's sysctl): llsock run
 * refuses to start, and starts once it is closed.
 */
TEST_F(policy, cli_run_refuses_ways_out)
{
	static const char *const files[] = {
		CGROUP_ROOT "/cgroup.procs", "/proc/sys/kernel/poweroff_cmd",
	};
	unsigned int i;
	int fd;

	for (i = 0; i < ARRAY_SIZE(files); i++) {
		/* Not O_CLOEXEC: llsock inherits it. */
		fd = open(files[i], O_WRONLY);
		ASSERT_LE(0, fd);
		ASSERT_EQ(1, LLSOCK("run", "--allow", "unix.*.*", "--", "true"))
		{
			TH_LOG("llsock run with %s open for writing", files[i]);
		}
		close(fd);
	}
	fd = open(files[1], O_RDONLY);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, LLSOCK("run", "--allow", "unix.*.*", "--", "true"));
	close(fd);
}

TEST_F(policy, cli_run)
{
	char script[PATH_MAX];
	ssize_t len;

	/*
	 * This test binary, by its path: the sandbox may not look at
	 * /proc/PID/exe of a task outside it.
	 */
	len = readlink("/proc/self/exe", script, sizeof(script) - 1);
	ASSERT_LT(0, len);
	script[len] = '\0';

	/* Exit status of the command, sandbox in force, then removed. */
	ASSERT_EQ(0, LLSOCK("run", "--allow", "unix.*.*", "--", "true"));
	ASSERT_EQ(3, LLSOCK("run", "--allow", "unix.*.*", "--", "sh", "-c",
			    "exit 3"));
	ASSERT_EQ(127, LLSOCK("run", "--allow", "unix.*.*", "--",
			      "/no/such/program"));
	ASSERT_EQ(1, LLSOCK("run", "--", "true"));
	ASSERT_EQ(1, LLSOCK("run", "--allow", "inet.*.70000", "--", "true"));

	/* The sandboxed command itself runs this test binary's probe. */
	ASSERT_EQ(EACCES, LLSOCK("run", "--allow", "unix.*.*", "--", script,
				 "--try-socket", "2", "1", "0"));
	ASSERT_EQ(0, LLSOCK("run", "--allow", "inet.stream.0", "--", script,
			    "--try-socket", "2", "1", "0"));
	ASSERT_EQ(EACCES, run_llsock((char *[]){ "run", "--", script,
						 "--try-socket", "2", "1", "0",
						 NULL },
				     "LL_SOCKET_CREATE=1.-1.-1:2.2.0"));
	ASSERT_EQ(0, run_llsock((char *[]){ "run", "--", script,
					    "--try-socket", "2", "2", "0",
					    NULL },
				"LL_SOCKET_CREATE=1.-1.-1:2.2.0"));
	/* An empty LL_SOCKET_CREATE allows nothing. */
	ASSERT_EQ(EACCES, run_llsock((char *[]){ "run", "--", script,
						 "--try-socket", "1", "1", "0",
						 NULL },
				     "LL_SOCKET_CREATE="));
	ASSERT_EQ(1, run_llsock((char *[]){ "run", "--", "true", NULL },
				"LL_SOCKET_CREATE=2.1"));
}

/* Cgroups `llsock run` made in @cgroup and left there. */
static int count_run_cgroups(const char *cgroup)
{
	struct dirent *entry;
	int n = 0;
	DIR *dir;

	dir = opendir(cgroup);
	if (!dir)
		return -errno;
	while ((entry = readdir(dir)))
		if (!strncmp(entry->d_name, "llsock-", 7))
			n++;
	closedir(dir);
	return n;
}

TEST_F(policy, cli_run_cleans_up)
{
	struct llsock_counters before, after;

	ASSERT_EQ(0, llsock_get_counters(&before));
	ASSERT_EQ(0, LLSOCK("run", "--allow", "unix.*.*", "--", "true"));
	ASSERT_EQ(2, LLSOCK("run", "--allow", "unix.*.*", "--", "sh", "-c",
			    "exit 2"));
	ASSERT_EQ(0, llsock_get_counters(&after));
	ASSERT_EQ(before.bindings, after.bindings);
	ASSERT_EQ(before.rule_entries, after.rule_entries);
	ASSERT_EQ(0, count_run_cgroups(self->cg.path));
}

/* A child that outlives the command keeps the sandbox and its policy. */
TEST_F(policy, cli_run_leftover_child_stays_restricted)
{
	struct llsock_counters before, after;

	ASSERT_EQ(0, llsock_get_counters(&before));
	ASSERT_EQ(0, LLSOCK("run", "--allow", "unix.*.*", "--", "sh", "-c",
			    "sleep 2 & exit 0"));
	ASSERT_EQ(0, llsock_get_counters(&after));
	ASSERT_EQ(before.bindings + 1, after.bindings);
	ASSERT_EQ(1, count_run_cgroups(self->cg.path));
}

/* Denial events carry the request and who made it. */

struct denial_wait {
	pid_t pid;
	struct llsock_event found;
	bool seen;
};

static int match_denial(const struct llsock_event *d, void *ctx)
{
	struct denial_wait *w = ctx;

	if ((pid_t)d->pid != w->pid)
		return 0;
	w->found = *d;
	w->seen = true;
	return 1;
}

static int deny_once(void *arg)
{
	const char *cgroup = arg;

	if (enter_cgroup(cgroup))
		return 255;
	prctl(PR_SET_NAME, "llsock-denied");
	return try_socket(AF_INET6, SOCK_DGRAM, IPPROTO_UDP);
}

TEST_F(policy, denial_event)
{
	struct denial_wait w = {};
	struct stat st;
	int status;

	ASSERT_EQ(0, bind_rules(self->t, "unix.*.*", "inet6.*.*", NULL));
	ASSERT_EQ(0, bind_rules(self->a, "unix.*.*", NULL));
	/* Drop the events of earlier tests, which may fill the buffer. */
	ASSERT_EQ(0, llsock_monitor(match_denial, &w, 0, NULL));
	w.pid = fork();
	ASSERT_LE(0, w.pid);
	if (w.pid == 0)
		_exit(deny_once(self->b));
	ASSERT_EQ(w.pid, waitpid(w.pid, &status, 0));
	ASSERT_EQ(EACCES, WEXITSTATUS(status));

	ASSERT_EQ(0, llsock_monitor(match_denial, &w, 2000, NULL));
	ASSERT_TRUE(w.seen);
	ASSERT_EQ(AF_INET6, w.found.family);
	ASSERT_EQ(SOCK_DGRAM, w.found.type);
	ASSERT_EQ(IPPROTO_UDP, w.found.protocol);
	ASSERT_EQ(2, w.found.nr_layers);
	/* Layer 1 (t) allows inet6; layer 2 (a) denies. */
	ASSERT_EQ(1, w.found.layer);
	ASSERT_STREQ("llsock-denied", w.found.comm);
	/* A cgroup's id is its directory's inode number. */
	ASSERT_EQ(0, stat(self->a, &st));
	ASSERT_EQ(st.st_ino, w.found.layer_cgroup);
}

/* socket(@family, @type, @protocol) once, in @cgroup: its errno. */
struct request_in {
	const char *cgroup;
	int family, type, protocol;
};

static int request_once(void *arg)
{
	const struct request_in *r = arg;

	if (enter_cgroup(r->cgroup))
		return 255;
	prctl(PR_SET_NAME, "llsock-audit");
	return try_socket(r->family, r->type, r->protocol);
}

/*
 * Runs @r in a child and waits for the event it caused (@w->seen), if
 * any within a second: the child's errno.
 */
static int request_event(struct request_in *r, struct denial_wait *w)
{
	int status;

	memset(w, 0, sizeof(*w));
	/* Drop the events of earlier requests. */
	llsock_monitor(match_denial, w, 0, NULL);
	w->pid = fork();
	if (w->pid < 0)
		return -1;
	if (w->pid == 0)
		_exit(request_once(r));
	if (waitpid(w->pid, &status, 0) != w->pid || !WIFEXITED(status))
		return -1;
	llsock_monitor(match_denial, w, 1000, NULL);
	return WEXITSTATUS(status);
}

/* EPERM when the guard keeps this task from bpf(2), else 0. */
static int bpf_refused(void *arg)
{
	struct llsock_probe probe;

	llsock_probe(&probe);
	return probe.bpf_denied ? EPERM : 0;
}

/*
 * A layer applied with --audit denies nothing and reports what it would
 * deny, when no enforcing layer denies it first; applying it again
 * without --audit enforces it.
 */
TEST_F(policy, audit_layer_reports_and_denies_nothing)
{
	struct request_in tcp = { self->a, AF_INET, SOCK_STREAM, IPPROTO_TCP };
	struct request_in udp = { self->a, AF_INET, SOCK_DGRAM, IPPROTO_UDP };
	struct llsock_counters before, after;
	struct llsock_binding_info info;
	struct denial_wait w;
	char alone[PATH_MAX];
	bool inherited;

	/* t enforces unix and TCP; a audits unix only. */
	ASSERT_EQ(0, bind_rules(self->t, "unix.*.*", "inet.stream.*", NULL));
	ASSERT_EQ(0, LLSOCK("apply", self->a, "--audit", "unix.*.*"));
	ASSERT_EQ(0, llsock_get_binding(self->a, &info, &inherited));
	ASSERT_EQ(2, info.nr_layers);
	ASSERT_FALSE(info.layers[0].audit);
	ASSERT_TRUE(info.layers[1].audit);
	llsock_binding_info_free(&info);
	ASSERT_EQ(0, llsock_get_counters(&before));

	/* Only the audit layer would deny TCP: allowed, reported. */
	ASSERT_EQ(0, request_event(&tcp, &w));
	ASSERT_TRUE(w.seen);
	ASSERT_EQ(1, w.found.audit);
	ASSERT_EQ(1, w.found.layer);
	ASSERT_EQ(AF_INET, w.found.family);
	ASSERT_EQ(IPPROTO_TCP, w.found.protocol);
	ASSERT_STREQ("llsock-audit", w.found.comm);

	/* t denies UDP: a denial of layer 1, and no audit event. */
	ASSERT_EQ(EACCES, request_event(&udp, &w));
	ASSERT_TRUE(w.seen);
	ASSERT_EQ(0, w.found.audit);
	ASSERT_EQ(0, w.found.layer);

	/* What both allow: no event at all. */
	tcp.family = AF_UNIX;
	tcp.protocol = 0;
	ASSERT_EQ(0, request_event(&tcp, &w));
	ASSERT_FALSE(w.seen);

	ASSERT_EQ(0, llsock_get_counters(&after));
	ASSERT_EQ(before.audited + 1, after.audited);
	ASSERT_EQ(before.denied + 1, after.denied);

	/* An audit layer alone: nothing denied, the guards in force. */
	snprintf(alone, sizeof(alone), "%s/alone", self->cg.path);
	ASSERT_EQ(0, mkdir(alone, 0755));
	ASSERT_EQ(0, LLSOCK("apply", alone, "--audit"));
	ASSERT_EQ(0, errno_in(alone, AF_INET, SOCK_STREAM, IPPROTO_TCP));
	ASSERT_EQ(0, errno_in(alone, AF_UNIX, SOCK_DGRAM, 0));
	ASSERT_EQ(EPERM, run_in(alone, bpf_refused, NULL));

	/* Enforced: the same rules now deny TCP, in a and below. */
	ASSERT_EQ(0, LLSOCK("apply", self->a, "unix.*.*"));
	ASSERT_EQ(0, llsock_get_binding(self->a, &info, &inherited));
	ASSERT_FALSE(info.layers[1].audit);
	llsock_binding_info_free(&info);
	ASSERT_EQ(EACCES, errno_in(self->a, AF_INET, SOCK_STREAM, IPPROTO_TCP));
	ASSERT_EQ(EACCES, errno_in(self->b, AF_INET, SOCK_STREAM, IPPROTO_TCP));
	ASSERT_EQ(0, errno_in(self->b, AF_UNIX, SOCK_STREAM, 0));
}

/*
 * The command's flavours: --flavour and a policy's flavour line make a
 * permission ruleset (canonical keys: protocol 0 and IPPROTO_TCP are one
 * rule), show says each layer's flavour, monitor the denying one's.
 */

/* Runs `llsock ARGS` (shell words); its stdout in @buf, its exit status. */
static int llsock_output(const char *args, char *buf, size_t size)
{
	char cmd[PATH_MAX * 3];
	size_t len = 0, n;
	FILE *out;
	int status;

	snprintf(cmd, sizeof(cmd), "'%s' %s 2>/dev/null", llsock_bin(), args);
	out = popen(cmd, "r");
	if (!out)
		return -errno;
	while (len + 1 < size && (n = fread(buf + len, 1, size - 1 - len, out)))
		len += n;
	buf[len] = '\0';
	status = pclose(out);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

/*
 * A removed cgroup's binding stays until `llsock gc` (or a change that
 * needs its place) drops it; no other change pays for finding it.
 */
TEST_F(policy, cli_gc_drops_removed_cgroups)
{
	struct llsock_counters before, after;
	char out[256], expect[128];

	ASSERT_EQ(0, llsock_gc());
	ASSERT_EQ(0, llsock_get_counters(&before));
	ASSERT_EQ(0, bind_rules(self->b, "unix.*.*", NULL));
	ASSERT_EQ(0, rmdir(self->b));
	ASSERT_EQ(0, bind_rules(self->a, "unix.*.*", NULL));
	ASSERT_EQ(0, llsock_get_counters(&after));
	ASSERT_EQ(before.bindings + 2, after.bindings);
	ASSERT_EQ(0, llsock_output("gc", out, sizeof(out)));
	snprintf(expect, sizeof(expect),
		 "1 binding of removed cgroups dropped; %u left\n",
		 before.bindings + 1);
	ASSERT_STREQ(expect, out);
	ASSERT_EQ(0, llsock_get_counters(&after));
	ASSERT_EQ(before.bindings + 1, after.bindings);
	ASSERT_EQ(0, llsock_output("gc", out, sizeof(out)));
	ASSERT_NE(NULL, strstr(out, "0 bindings of removed cgroups dropped"));
	ASSERT_EQ(EACCES, errno_in(self->a, AF_INET, SOCK_STREAM, 0));
}

TEST_F(policy, cli_flavours)
{
	char policy[] = "/tmp/llsock-flavour-XXXXXX", args[PATH_MAX * 2];
	static char out[1 << 16];
	struct denial_wait w = {};
	int fd;

	ASSERT_EQ(0, LLSOCK("apply", self->t, "unix.*.*", "inet.*.*"));
	ASSERT_EQ(0, LLSOCK("apply", self->a, "--flavour", "permission",
			    "inet.stream.0", "unix.stream.*"));
	ASSERT_EQ(0, errno_in(self->b, AF_INET, SOCK_STREAM, IPPROTO_TCP));
	ASSERT_EQ(0, errno_in(self->b, AF_INET, SOCK_STREAM, 0));
	ASSERT_EQ(0, errno_in(self->b, AF_UNIX, SOCK_STREAM, 0));
	ASSERT_EQ(EACCES, errno_in(self->b, AF_UNIX, SOCK_DGRAM, 0));
	/* Refused: nothing changes. */
	ASSERT_EQ(1, LLSOCK("apply", self->a, "--flavour", "permission",
			    "inet.*.*"));
	ASSERT_EQ(0, errno_in(self->b, AF_UNIX, SOCK_STREAM, 0));

	/* A policy's flavour line, and --flavour disagreeing with it. */
	fd = mkstemp(policy);
	ASSERT_LE(0, fd);
	ASSERT_LT(0, dprintf(fd, "flavour permission\ninet.dgram.0\n"));
	close(fd);
	ASSERT_EQ(1, LLSOCK("apply", self->a, "--flavour", "v4", "--file",
			    policy));
	ASSERT_EQ(0, errno_in(self->b, AF_UNIX, SOCK_STREAM, 0));
	ASSERT_EQ(0, LLSOCK("apply", self->a, "--file", policy));
	unlink(policy);
	ASSERT_EQ(0, errno_in(self->b, AF_INET, SOCK_DGRAM, IPPROTO_UDP));
	ASSERT_EQ(EACCES, errno_in(self->b, AF_UNIX, SOCK_STREAM, 0));

	snprintf(args, sizeof(args), "show --json '%s'", self->b);
	ASSERT_EQ(0, llsock_output(args, out, sizeof(out)));
	ASSERT_NE(NULL, strstr(out, "\"flavour\":\"v4\",\n      \"handled_access_socket\":1"))
	{
		TH_LOG("got %s", out);
	}
	ASSERT_NE(NULL, strstr(out, "\"flavour\":\"permission\",\n      \"handled_permissions\":4"));
	ASSERT_NE(NULL, strstr(out, "\"rule\":\"inet.dgram.udp\""));
	snprintf(args, sizeof(args), "show '%s'", self->b);
	ASSERT_EQ(0, llsock_output(args, out, sizeof(out)));
	ASSERT_NE(NULL, strstr(out, "  layer 1 (v4), bound to "))
	{
		TH_LOG("got %s", out);
	}
	ASSERT_NE(NULL, strstr(out, "  layer 2 (permission), bound to "));
	ASSERT_EQ(0, llsock_output("show", out, sizeof(out)));
	ASSERT_NE(NULL, strstr(out, "1 rule, 2 layers in force (v4, permission)\n"))
	{
		TH_LOG("got %s", out);
	}

	/* Denials by each layer, read by `llsock monitor` afterwards. */
	ASSERT_EQ(0, llsock_monitor(match_denial, &w, 0, NULL));
	ASSERT_EQ(EACCES, errno_in(self->b, AF_INET, SOCK_RAW, IPPROTO_ICMP));
	ASSERT_EQ(EACCES, errno_in(self->b, AF_NETLINK, SOCK_RAW, 0));
	ASSERT_EQ(0, llsock_output("monitor --count 2 --timeout 2", out,
				   sizeof(out)));
	ASSERT_NE(NULL, strstr(out, "denied blockers=perm.socket_create family=2 sock_type=3 protocol=1 "))
	{
		TH_LOG("got %s", out);
	}
	ASSERT_NE(NULL, strstr(out, " layer=2/2 flavour=permission "));
	ASSERT_NE(NULL, strstr(out, "denied blockers=socket.create family=16 sock_type=3 protocol=0 "));
	ASSERT_NE(NULL, strstr(out, " layer=1/2 flavour=v4 "));
}

/*
 * llsock metrics: the totals, and per bound cgroup what its own layer
 * denied first (or would have, in audit mode); status --json the same.
 */
TEST_F(policy, metrics_count_per_cgroup)
{
	static char out[1 << 16];
	char line[PATH_MAX + 64];
	struct llsock_counters before;
	int i;

	ASSERT_EQ(0, LLSOCK("apply", self->t, "unix.*.*", "inet.stream.*"));
	ASSERT_EQ(0, LLSOCK("apply", self->a, "--audit", "unix.*.*"));
	ASSERT_EQ(0, llsock_get_counters(&before));
	/* Three denials by t's layer, in b; two audits by a's. */
	for (i = 0; i < 3; i++)
		ASSERT_EQ(EACCES, errno_in(self->b, AF_INET, SOCK_DGRAM, 0));
	for (i = 0; i < 2; i++)
		ASSERT_EQ(0, errno_in(self->b, AF_INET, SOCK_STREAM, 0));
	ASSERT_EQ(0, errno_in(self->b, AF_UNIX, SOCK_STREAM, 0));

	ASSERT_EQ(0, llsock_output("metrics", out, sizeof(out)));
	snprintf(line, sizeof(line), "\nllsock_cgroup_denied_total{cgroup=\"%s\"} 3\n",
		 self->t);
	ASSERT_NE(NULL, strstr(out, line)) TH_LOG("%s", out);
	snprintf(line, sizeof(line), "\nllsock_cgroup_denied_total{cgroup=\"%s\"} 0\n",
		 self->a);
	ASSERT_NE(NULL, strstr(out, line));
	snprintf(line, sizeof(line), "\nllsock_cgroup_audited_total{cgroup=\"%s\"} 2\n",
		 self->a);
	ASSERT_NE(NULL, strstr(out, line));
	snprintf(line, sizeof(line), "\nllsock_denied_total %llu\n",
		 (unsigned long long)before.denied + 3);
	ASSERT_NE(NULL, strstr(out, line));
	snprintf(line, sizeof(line), "\nllsock_audited_total %llu\n",
		 (unsigned long long)before.audited + 2);
	ASSERT_NE(NULL, strstr(out, line));
	ASSERT_NE(NULL, strstr(out, "# TYPE llsock_cgroup_denied_total counter\n"));
	ASSERT_NE(NULL, strstr(out, "\nllsock_loaded 1\n"));

	ASSERT_EQ(0, llsock_output("status --json", out, sizeof(out)));
	ASSERT_NE(NULL, strstr(out, "\"denied\":3")) TH_LOG("%s", out);
	ASSERT_NE(NULL, strstr(out, "\"audited\":2"));
	ASSERT_NE(NULL, strstr(out, "\"max_bindings\":"));

	/* Bound again: counted from zero, as a new binding. */
	ASSERT_EQ(0, LLSOCK("clear", self->t));
	ASSERT_EQ(0, LLSOCK("apply", self->t, "unix.*.*"));
	ASSERT_EQ(0, llsock_output("metrics", out, sizeof(out)));
	snprintf(line, sizeof(line), "\nllsock_cgroup_denied_total{cgroup=\"%s\"} 0\n",
		 self->t);
	ASSERT_NE(NULL, strstr(out, line)) TH_LOG("%s", out);
}

/* llsock oci-hook, with @state on its stdin: its exit status. */
static int oci_hook(const char *state)
{
	char cmd[PATH_MAX];
	FILE *in;
	int status;

	snprintf(cmd, sizeof(cmd), "'%s' oci-hook --policy-dir /test/policies",
		 llsock_bin());
	in = popen(cmd, "w");
	if (!in)
		return -errno;
	fputs(state, in);
	status = pclose(in);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

static bool cgroup_has_procs(const char *cgroup)
{
	char path[PATH_MAX], buf[16];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/cgroup.procs", cgroup);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return false;
	n = read(fd, buf, sizeof(buf));
	close(fd);
	return n > 0;
}

/* A container's first process: in @cgroup, waiting to be killed. */
static pid_t start_container(const char *cgroup)
{
	pid_t pid = fork();

	if (pid == 0) {
		if (enter_cgroup(cgroup))
			_exit(1);
		pause();
		_exit(0);
	}
	return pid;
}

/*
 * The OCI hook at createRuntime binds what the annotations name to the
 * cgroup of the container's process; a container without them is left
 * alone; a bad annotation or a missing policy fails the hook (the runtime
 * then refuses the container) and binds nothing; at poststop, the binding
 * of the removed cgroup goes.
 */
TEST_F(policy, oci_hook_binds_the_container)
{
	const char *bad[] = {
		"\"org.llsock.policy\":\"../../etc/passwd\"",
		"\"org.llsock.policy\":\"no-such-preset\"",
		"\"org.llsock.rules\":\"inet.stream.tcp inet.*.99999\"",
		"\"org.llsock.rules\":\"unix.*.*\",\"org.llsock.audit\":\"yes\"",
	};
	char ctr[PATH_MAX], state[PATH_MAX * 2];
	struct llsock_counters before, after;
	unsigned int i;
	int status;
	pid_t pid;

	snprintf(ctr, sizeof(ctr), "%s/ctr", self->cg.path);
	ASSERT_EQ(0, mkdir(ctr, 0755));
	pid = start_container(ctr);
	ASSERT_LT(0, pid);
	/* Its process is in its cgroup before any hook runs. */
	for (i = 0; i < 5000 && !cgroup_has_procs(ctr); i++)
		usleep(1000);
	ASSERT_TRUE(cgroup_has_procs(ctr));

	/* No annotation: nothing bound. */
	snprintf(state, sizeof(state),
		 "{\"ociVersion\":\"1.0.2\",\"id\":\"plain\",\"status\":\"created\",\"pid\":%d,\"bundle\":\"/b\",\"annotations\":{\"other\":\"x\"}}",
		 pid);
	ASSERT_EQ(0, oci_hook(state));
	ASSERT_FALSE(bound_here(ctr));
	ASSERT_EQ(0, errno_in(ctr, AF_INET, SOCK_DGRAM, 0));

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		snprintf(state, sizeof(state),
			 "{\"id\":\"bad\",\"status\":\"created\",\"pid\":%d,\"annotations\":{%s}}",
			 pid, bad[i]);
		ASSERT_EQ(1, oci_hook(state)) TH_LOG("%s", bad[i]);
		ASSERT_FALSE(bound_here(ctr));
	}

	snprintf(state, sizeof(state),
		 "{\"id\":\"web\",\"status\":\"created\",\"pid\":%d,\"annotations\":{\"org.llsock.policy\":\"web\",\"org.llsock.rules\":\"inet.dgram.udp\"}}",
		 pid);
	ASSERT_EQ(0, oci_hook(state));
	ASSERT_TRUE(bound_here(ctr));
	ASSERT_EQ(0, errno_in(ctr, AF_INET, SOCK_STREAM, IPPROTO_TCP));
	ASSERT_EQ(0, errno_in(ctr, AF_INET, SOCK_DGRAM, IPPROTO_UDP));
	ASSERT_EQ(EACCES, errno_in(ctr, AF_INET6, SOCK_DGRAM, 0));
	ASSERT_EQ(EACCES, errno_in(ctr, AF_PACKET, SOCK_RAW, 0));

	/* Stopped and its cgroup removed: the poststop hook drops it. */
	ASSERT_EQ(0, kill(pid, SIGKILL));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_EQ(0, llsock_get_counters(&before));
	ASSERT_EQ(0, rmdir(ctr));
	ASSERT_EQ(0, oci_hook("{\"id\":\"web\",\"status\":\"stopped\",\"pid\":0}"));
	ASSERT_EQ(0, llsock_get_counters(&after));
	ASSERT_EQ(before.bindings - 1, after.bindings);
}

LLSOCK_TEST_MAIN

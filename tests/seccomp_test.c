// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The seccomp backend on this machine's own kernel, which refuses BPF LSM
 * programs: `llsock run --backend seccomp` (and the auto choice) restricts
 * a command, refuses what a filter cannot judge, lets the kernel's own
 * errors through, stacks layers; libllsock's filters stay within the
 * kernel's limits for 10,000 rules and a layer too large for them is
 * refused whole. The programs run: build/llsock (or $LLSOCK), and
 * build/static/tests/sockprobe and socketcall32, found next to this one.
 */
/* llsock-suite: host */
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <pthread.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

#include "common.h"
#include "internal.h"

static char bin_dir[PATH_MAX];

/* build/, from this program's build/tests/seccomp_test. */
static const char *build_dir(void)
{
	char *slash;
	ssize_t len;

	if (bin_dir[0])
		return bin_dir;
	len = readlink("/proc/self/exe", bin_dir, sizeof(bin_dir) - 1);
	if (len < 0)
		return ".";
	bin_dir[len] = '\0';
	slash = strrchr(bin_dir, '/');
	if (slash)
		*slash = '\0';
	slash = strrchr(bin_dir, '/');
	if (slash)
		*slash = '\0';
	return bin_dir;
}

static void program(char *buf, size_t size, const char *name)
{
	if (!strcmp(name, "llsock") && getenv("LLSOCK"))
		snprintf(buf, size, "%s", getenv("LLSOCK"));
	else if (!strcmp(name, "llsock"))
		snprintf(buf, size, "%s/llsock", build_dir());
	else
		snprintf(buf, size, "%s/static/tests/%s", build_dir(), name);
}

#define MAX_ARGS	64

/*
 * Runs argv (a NULL-terminated list; "llsock", "sockprobe" and
 * "socketcall32" are found as said above) with stdout and stderr to
 * /dev/null; returns its exit status, 128+N for signal N, -errno.
 */
static int run_argv(const char *const *argv)
{
	char paths[MAX_ARGS][PATH_MAX];
	char *args[MAX_ARGS + 1];
	int i, status, null;
	pid_t pid;

	for (i = 0; argv[i] && i < MAX_ARGS; i++) {
		if (!strcmp(argv[i], "llsock") || !strcmp(argv[i], "sockprobe") ||
		    !strcmp(argv[i], "socketcall32")) {
			program(paths[i], sizeof(paths[i]), argv[i]);
			args[i] = paths[i];
		} else {
			args[i] = (char *)argv[i];
		}
	}
	args[i] = NULL;
	pid = fork();
	if (pid < 0)
		return -errno;
	if (!pid) {
		null = open("/dev/null", O_WRONLY);
		dup2(null, 1);
		dup2(null, 2);
		execv(args[0], args);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) != pid)
		return -errno;
	return WIFEXITED(status) ? WEXITSTATUS(status) :
	       128 + WTERMSIG(status);
}

#define RUN(...) run_argv((const char *const[]){ __VA_ARGS__, NULL })
/* sockprobe under `llsock run --backend seccomp --allow unix.*.*`. */
#define UNIX_ONLY(...) RUN("llsock", "run", "--backend", "seccomp", \
			   "--allow", "unix.*.*", "--", "sockprobe", __VA_ARGS__)

static bool have_program(const char *name)
{
	char path[PATH_MAX];

	program(path, sizeof(path), name);
	return !access(path, X_OK);
}

FIXTURE(run) {};

FIXTURE_SETUP(run)
{
	int err = llsock_seccomp_usable();

	if (err)
		SKIP(return, "this kernel has no seccomp filters: %s",
		     strerror(-err));
	ASSERT_TRUE(have_program("llsock"));
	ASSERT_TRUE(have_program("sockprobe"));
}

FIXTURE_TEARDOWN(run) {}

/* The acceptance: AF_INET refused with EACCES, AF_UNIX created. */
TEST_F(run, unix_allowed_inet_denied)
{
	/* Unsandboxed, both work: the denials below are the filter's. */
	ASSERT_EQ(0, RUN("sockprobe", "socket", "2", "1", "0"));
	ASSERT_EQ(0, RUN("sockprobe", "socket", "1", "1", "0"));

	EXPECT_EQ(EACCES, UNIX_ONLY("socket", "2", "1", "0"));
	EXPECT_EQ(EACCES, UNIX_ONLY("socket", "10", "2", "0"));
	EXPECT_EQ(EACCES, UNIX_ONLY("socketpair", "2", "1", "0"));
	EXPECT_EQ(0, UNIX_ONLY("socket", "1", "1", "0"));
	EXPECT_EQ(0, UNIX_ONLY("socket", "1", "2", "0"));
	EXPECT_EQ(0, UNIX_ONLY("socketpair", "1", "1", "0"));
	/* Flags are not part of the key. */
	EXPECT_EQ(0, UNIX_ONLY("socket", "1", "526337", "0"));
	EXPECT_EQ(EACCES, UNIX_ONLY("socket", "2", "526337", "0"));
}

/* What the auto choice does here, where llsock is not loaded. */
TEST_F(run, auto_backend_is_seccomp_here)
{
	if (llsock_is_loaded())
		SKIP(return, "llsock is loaded here: auto picks the BPF backend");
	EXPECT_EQ(EACCES, RUN("llsock", "run", "--allow", "unix.*.*", "--",
			      "sockprobe", "socket", "2", "1", "0"));
	EXPECT_EQ(0, RUN("llsock", "run", "--allow", "unix.*.*", "--",
			 "sockprobe", "socket", "1", "2", "0"));
}

/* io_uring: refused as a whole, whatever the rules. */
TEST_F(run, io_uring_refused)
{
	int plain = RUN("sockprobe", "uring", "1", "1", "0");

	if (plain == ENOSYS || plain == EPERM)
		SKIP(return, "io_uring is off on this kernel (%d)", plain);
	ASSERT_EQ(0, plain);
	EXPECT_EQ(EACCES, UNIX_ONLY("uring", "1", "1", "0"));
	EXPECT_EQ(EACCES, UNIX_ONLY("uring", "2", "1", "0"));
}

/*
 * The i386 entry, from this 64-bit program: socket(2) judged as on
 * x86-64. x32: refused, whether or not this kernel runs it.
 */
TEST_F(run, compat_entries)
{
	int plain = RUN("sockprobe", "int80", "1", "1", "0");

	EXPECT_EQ(EACCES, UNIX_ONLY("x32", "1", "1", "0"));
	if (plain == ENOSYS)
		SKIP(return, "this kernel has no i386 entry");
	ASSERT_EQ(0, plain);
	ASSERT_EQ(0, RUN("sockprobe", "int80", "2", "1", "0"));
	EXPECT_EQ(0, UNIX_ONLY("int80", "1", "1", "0"));
	EXPECT_EQ(EACCES, UNIX_ONLY("int80", "2", "1", "0"));
}

/*
 * A 32-bit program runs: its socket(2) is judged, its socketcall(2)
 * (arguments in memory, out of a filter's sight) refused.
 */
TEST_F(run, socketcall32)
{
	int plain;

	if (!have_program("socketcall32"))
		SKIP(return, "socketcall32 was not built");
	plain = RUN("socketcall32", "socketcall", "1", "1", "0");
	if (plain == 127 || plain >= 128)
		SKIP(return, "this kernel does not run 32-bit programs (%d)",
		     plain);
	ASSERT_EQ(0, plain);
	ASSERT_EQ(0, RUN("socketcall32", "socket", "2", "1", "0"));
	EXPECT_EQ(EACCES, RUN("llsock", "run", "--backend", "seccomp",
			      "--allow", "unix.*.*", "--", "socketcall32",
			      "socketcall", "1", "1", "0"));
	EXPECT_EQ(0, RUN("llsock", "run", "--backend", "seccomp",
			 "--allow", "unix.*.*", "--", "socketcall32",
			 "socket", "1", "1", "0"));
	EXPECT_EQ(EACCES, RUN("llsock", "run", "--backend", "seccomp",
			      "--allow", "unix.*.*", "--", "socketcall32",
			      "socket", "2", "1", "0"));
}

/* SCTP's peeloff creates a socket: refused unless SCTP is allowed. */
TEST_F(run, sctp_peeloff)
{
	/* On an AF_UNIX socket the kernel's own answer is EOPNOTSUPP. */
	int plain = RUN("sockprobe", "peeloff");

	ASSERT_NE(0, plain);
	ASSERT_NE(EACCES, plain);
	EXPECT_EQ(EACCES, UNIX_ONLY("peeloff"));
	EXPECT_EQ(plain, RUN("llsock", "run", "--backend", "seccomp",
			     "--allow", "unix.*.*", "--allow",
			     "inet.seqpacket.sctp", "--allow",
			     "inet6.seqpacket.sctp", "--", "sockprobe",
			     "peeloff"));
	/* One family is not enough: the filter cannot see the socket's. */
	EXPECT_EQ(EACCES, RUN("llsock", "run", "--backend", "seccomp",
			      "--allow", "unix.*.*", "--allow",
			      "inet.seqpacket.sctp", "--", "sockprobe",
			      "peeloff"));
}

/* What the kernel refuses before its hook keeps the kernel's errno. */
TEST_F(run, kernel_errors_pass_through)
{
	/* A family past NPROTO, a type past SOCK_MAX, an unknown flag. */
	EXPECT_EQ(EAFNOSUPPORT, UNIX_ONLY("socket", "250", "1", "0"));
	EXPECT_EQ(EAFNOSUPPORT, UNIX_ONLY("socket", "-1", "1", "0"));
	EXPECT_EQ(EINVAL, UNIX_ONLY("socket", "2", "15", "0"));
	EXPECT_EQ(EINVAL, UNIX_ONLY("socket", "2", "257", "0"));
	/* In range but unknown here: denied before the kernel would say so. */
	EXPECT_EQ(EACCES, UNIX_ONLY("socket", "44", "1", "0"));
}

/* A run inside a run adds a layer: both must allow. */
TEST_F(run, layers_stack)
{
	EXPECT_EQ(EACCES, RUN("llsock", "run", "--backend", "seccomp",
			      "--allow", "unix.*.*", "--allow", "inet.*.*",
			      "--", "llsock", "run", "--backend", "seccomp",
			      "--allow", "inet.*.*", "--", "sockprobe",
			      "socket", "1", "1", "0"));
	EXPECT_EQ(0, RUN("llsock", "run", "--backend", "seccomp",
			 "--allow", "unix.*.*", "--allow", "inet.*.*",
			 "--", "llsock", "run", "--backend", "seccomp",
			 "--allow", "inet.*.*", "--", "sockprobe",
			 "socket", "2", "2", "0"));
	/* The inner layer cannot allow what the outer one denies. */
	EXPECT_EQ(EACCES, RUN("llsock", "run", "--backend", "seccomp",
			      "--allow", "unix.*.*", "--", "llsock", "run",
			      "--backend", "seccomp", "--allow", "inet.*.*",
			      "--", "sockprobe", "socket", "2", "2", "0"));
}

/* The permission flavour's canonical keys: inet.stream.0 is TCP. */
TEST_F(run, permission_flavour)
{
	EXPECT_EQ(0, RUN("llsock", "run", "--backend", "seccomp",
			 "--flavour", "permission", "--allow",
			 "inet.stream.tcp", "--", "sockprobe", "socket", "2",
			 "1", "0"));
	EXPECT_EQ(0, RUN("llsock", "run", "--backend", "seccomp",
			 "--flavour", "permission", "--allow",
			 "inet.stream.tcp", "--", "sockprobe", "socket", "2",
			 "1", "6"));
	EXPECT_EQ(EACCES, RUN("llsock", "run", "--backend", "seccomp",
			      "--flavour", "permission", "--allow",
			      "inet.stream.tcp", "--", "sockprobe", "socket",
			      "2", "2", "0"));
	/* v4: protocol 0 and IPPROTO_TCP are different keys. */
	EXPECT_EQ(EACCES, RUN("llsock", "run", "--backend", "seccomp",
			      "--allow", "inet.stream.tcp", "--", "sockprobe",
			      "socket", "2", "1", "0"));
}

TEST_F(run, bad_backend_is_a_usage_error)
{
	EXPECT_EQ(1, RUN("llsock", "run", "--backend", "both", "--allow",
			 "unix.*.*", "--", "sockprobe", "socket", "1", "1",
			 "0"));
}

/* A v4 ruleset of @n rules like the benchmark's: inet, 4 types. */
static struct llsock_ruleset *big_ruleset(int n, int base)
{
	static const int types[] = { SOCK_STREAM, SOCK_DGRAM, SOCK_RAW,
				     SOCK_SEQPACKET };
	struct llsock_ruleset *ruleset = new_ruleset();
	int i;

	if (!ruleset)
		return NULL;
	for (i = 0; i < n; i++) {
		if (add_rule(ruleset, AF_INET, types[i % 4], base + i)) {
			llsock_ruleset_free(ruleset);
			return NULL;
		}
	}
	return ruleset;
}

static int seccomp_filters(void)
{
	char line[256];
	int n = -1;
	FILE *f = fopen("/proc/self/status", "re");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "Seccomp_filters: %d", &n) == 1)
			break;
	fclose(f);
	return n;
}

FIXTURE(lib) {
	int nproto;
};

FIXTURE_SETUP(lib)
{
	int err = llsock_seccomp_usable();

	if (err)
		SKIP(return, "this kernel has no seccomp filters: %s",
		     strerror(-err));
	self->nproto = llsock_seccomp_nproto();
	ASSERT_GT(self->nproto, AF_MCTP);
}

FIXTURE_TEARDOWN(lib) {}

static int child_restrict(void *arg)
{
	const struct llsock_ruleset *ruleset = arg;
	int ret = llsock_seccomp_restrict_self(ruleset, 0);

	if (ret)
		return 100;
	/* Rules 1000 + i: every fourth protocol per type. */
	/* Allowed: the kernel's own answer (EINVAL, past IPPROTO_MAX). */
	if (try_socket(AF_INET, SOCK_STREAM, 1000) == EACCES)
		return 101;
	if (try_socket(AF_INET, SOCK_STREAM, 1001) != EACCES)
		return 102;
	if (try_socket(AF_INET, SOCK_DGRAM, 1001 + 4 * 2000) == EACCES)
		return 103;
	if (try_socket(AF_INET, SOCK_DGRAM, 1000 + 4 * 2000) != EACCES)
		return 104;
	if (try_socket(AF_INET, SOCK_STREAM, 1000 + 10000) != EACCES)
		return 105;
	if (try_socket(AF_UNIX, SOCK_STREAM, 0) != EACCES)
		return 106;
	return 0;
}

/* 10,000 rules: several filters, each within BPF_MAXINSNS, still exact. */
TEST_F(lib, ten_thousand_rules)
{
	struct llsock_ruleset *ruleset = big_ruleset(10000, 1000);
	struct llsock_seccomp *filters;
	size_t i, total = 0, n;

	ASSERT_NE(NULL, ruleset);
	ASSERT_EQ(0, llsock_seccomp_build(ruleset, self->nproto, &filters));
	n = llsock_seccomp_nr_filters(filters);
	EXPECT_GT(n, 1);
	for (i = 0; i < n; i++) {
		const struct sock_fprog *prog =
			llsock_seccomp_filter(filters, i);

		ASSERT_NE(NULL, prog);
		EXPECT_LE(prog->len, BPF_MAXINSNS);
		total += prog->len + 4;
	}
	TH_LOG("10,000 rules: %zu filters, %zu instructions in all", n,
	       total);
	/* The kernel's limit for all of a task's filters. */
	EXPECT_LE(total, 32768);
	llsock_seccomp_free(filters);
	EXPECT_EQ(0, run_child(child_restrict, ruleset));
	llsock_ruleset_free(ruleset);
}

struct too_much {
	const struct llsock_ruleset *ruleset;
	int filters_per_layer;
};

static int child_too_much(void *arg)
{
	const struct too_much *t = arg;
	int before = seccomp_filters(), i, ret = 0, after_last = before;

	/* Layer after layer, until the kernel's limit refuses one. */
	for (i = 0; i < 16; i++) {
		ret = llsock_seccomp_restrict_self(t->ruleset, 0);
		if (ret)
			break;
		after_last = seccomp_filters();
	}
	if (!ret)
		return 100;
	if (ret != -ENOMEM && ret != -E2BIG)
		return 101;
	/* Whole layers only: the refused one added no filter. */
	if (seccomp_filters() != after_last)
		return 102;
	if (after_last - before != i * t->filters_per_layer)
		return 103;
	return 0;
}

/* A layer past the kernel's limit is refused whole, none of it applied. */
TEST_F(lib, too_large_refused_whole)
{
	struct llsock_ruleset *ruleset = big_ruleset(10000, 1000);
	struct llsock_seccomp *filters;
	struct too_much t;

	ASSERT_NE(NULL, ruleset);
	ASSERT_EQ(0, llsock_seccomp_build(ruleset, self->nproto, &filters));
	t.ruleset = ruleset;
	t.filters_per_layer = llsock_seccomp_nr_filters(filters);
	llsock_seccomp_free(filters);
	ASSERT_GT(t.filters_per_layer, 1);
	EXPECT_EQ(0, run_child(child_too_much, &t));
	llsock_ruleset_free(ruleset);
}

/* A thread with a filter of its own: -EBUSY, and no filter on the caller. */
static void *own_filter_thread(void *arg)
{
	struct sock_filter allow = BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	struct sock_fprog prog = { .len = 1, .filter = &allow };
	int *ready = arg;

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) ||
	    syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog))
		*ready = -1;
	else
		*ready = 1;
	pause();
	return NULL;
}

static int child_diverged_threads(void *arg)
{
	const struct llsock_ruleset *ruleset = arg;
	volatile int ready = 0;
	pthread_t thread;
	int ret;

	if (pthread_create(&thread, NULL, own_filter_thread, (void *)&ready))
		return 100;
	while (!ready)
		usleep(1000);
	if (ready < 0)
		return 101;
	ret = llsock_seccomp_restrict_self(ruleset, 0);
	if (ret != -EBUSY)
		return 102;
	/* The caller's thread has no filter: it may still create inet. */
	if (try_socket(AF_INET, SOCK_DGRAM, 0) == EACCES)
		return 103;
	return 0;
}

TEST_F(lib, diverged_threads_refused_whole)
{
	struct llsock_ruleset *ruleset = new_ruleset();

	ASSERT_NE(NULL, ruleset);
	ASSERT_EQ(0, add_rule(ruleset, AF_UNIX, -1, -1));
	EXPECT_EQ(0, run_child(child_diverged_threads, ruleset));
	llsock_ruleset_free(ruleset);
}

/* Bad calls: flags, no ruleset. */
TEST_F(lib, bad_calls)
{
	struct llsock_ruleset *ruleset = new_ruleset();

	ASSERT_NE(NULL, ruleset);
	EXPECT_EQ(-EINVAL, llsock_seccomp_restrict_self(ruleset, 1U << 7));
	EXPECT_EQ(-EBADF, llsock_seccomp_restrict_self(NULL, 0));
	EXPECT_EQ(-EINVAL, llsock_seccomp_build(ruleset, 0, NULL));
	llsock_ruleset_free(ruleset);
}

/*
 * Large random layers, cut across several filters: every request's
 * verdict against a plain scan of the ruleset's stored rules (the hook's
 * key: flags dropped, the AF_INET + SOCK_PACKET alias; canonical for the
 * permission flavour), with the kernel running the filters.
 */
static __u64 rng_state;

static __u32 rng(void)
{
	__u64 z = (rng_state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return (__u32)((z ^ (z >> 31)) >> 16);
}

static const int families[] = { AF_UNIX, AF_INET, AF_INET6, AF_NETLINK,
				AF_PACKET, AF_KEY, AF_VSOCK };

static bool scan_allows(const struct llsock_ruleset *ruleset, int family,
			int type, int protocol)
{
	bool permission = llsock_ruleset_flavour(ruleset) ==
			  LLSOCK_FLAVOUR_PERMISSION;
	size_t i;

	type &= 0xf;
	if (family == AF_INET && type == SOCK_PACKET)
		family = AF_PACKET;
	if (permission)
		llsock_canonical_key(&family, &type, &protocol);
	for (i = 0; i < llsock_ruleset_size(ruleset); i++) {
		const struct llsock_rule_info *r =
			llsock_ruleset_rule(ruleset, i);

		if (r->family != family)
			continue;
		if (permission ?
		    r->type == type && (r->wildcards || r->protocol == protocol) :
		    (r->type == type || r->type == LLSOCK_ANY) &&
		    (r->protocol == protocol || r->protocol == LLSOCK_ANY))
			return true;
	}
	return false;
}

static struct llsock_ruleset *random_big(bool permission, int n)
{
	struct llsock_ruleset *ruleset = permission ?
		new_permission_ruleset() : new_ruleset();
	int i, ret = 0;

	for (i = 0; ruleset && i < n && !ret; i++) {
		int family = families[rng() % 7], type = rng() % 12;
		int protocol = rng() % 4 ? (int)(rng() % 3000) :
			       (int)(rng() % 40000);

		if (permission) {
			struct llsock_permission_socket_attr a = {
				.permissions = LLSOCK_PERMISSION_SOCKET_CREATE,
				.family = family, .type = type,
				.protocol = protocol,
			};

			if (!(rng() % 500)) {
				a.wildcards = LLSOCK_SOCKET_WILDCARD_PROTOCOL;
				a.protocol = 0;
			}
			ret = llsock_add_rule(ruleset,
					      LLSOCK_RULE_SOCKET_PERMISSION,
					      &a, 0);
		} else {
			if (!(rng() % 200))
				type = LLSOCK_ANY;
			if (!(rng() % 1000))
				protocol = LLSOCK_ANY;
			ret = add_rule(ruleset, family, type, protocol);
		}
	}
	if (ret) {
		llsock_ruleset_free(ruleset);
		return NULL;
	}
	return ruleset;
}

static int child_compare(void *arg)
{
	const struct llsock_ruleset *ruleset = arg;
	int i, bad = 0, checked = 0;

	if (llsock_seccomp_restrict_self(ruleset, 0))
		return 200;
	for (i = 0; i < 5000 && bad < 5; i++) {
		int family = rng() % 8 ? families[rng() % 7] : (int)(rng() % 50);
		int type = rng() % 12 | (rng() % 8 ? 0 : SOCK_CLOEXEC);
		int protocol = rng() % 4 ? (int)(rng() % 3000) :
			       (int)(rng() % 40000);
		int got;
		bool allowed;

		/* Half of them next to a rule: where the intervals end. */
		if (rng() % 2) {
			const struct llsock_rule_info *r = llsock_ruleset_rule(
				ruleset, rng() % llsock_ruleset_size(ruleset));

			family = r->family;
			if (r->type != LLSOCK_ANY)
				type = r->type;
			if (r->protocol != LLSOCK_ANY)
				protocol = r->protocol + (int)(rng() % 3) - 1;
		}
		got = try_socket(family, type, protocol);
		allowed = scan_allows(ruleset, family, type, protocol);

		/* The kernel's own refusals before the hook. */
		if ((type & 0xf) >= 11 || family >= 46)
			continue;
		checked++;
		if ((got == EACCES) == !allowed)
			continue;
		fprintf(stderr, "socket(%d, %#x, %d): errno %d, the rules %s it\n",
			family, type, protocol, got,
			allowed ? "allow" : "deny");
		bad++;
	}
	return bad ? 1 : checked < 2500 ? 2 : 0;
}

TEST_F(lib, large_layers_exact)
{
	int round;

	for (round = 0; round < 5; round++) {
		bool permission = round & 1;
		struct llsock_ruleset *ruleset;
		struct llsock_seccomp *filters;
		size_t n;

		rng_state = 0x5eed + round;
		/* Last, one pair of 10,000 intervals: cut across filters. */
		ruleset = round < 4 ? random_big(permission, 10000) :
				      big_ruleset(20000, 1000);
		ASSERT_NE(NULL, ruleset);
		ASSERT_EQ(0, llsock_seccomp_build(ruleset, self->nproto,
						  &filters));
		n = llsock_seccomp_nr_filters(filters);
		llsock_seccomp_free(filters);
		TH_LOG("round %d (%s): %zu rules, %zu filters", round,
		       permission ? "permission" : "v4",
		       llsock_ruleset_size(ruleset), n);
		EXPECT_GT(n, 1);
		EXPECT_EQ(0, run_child(child_compare, ruleset));
		llsock_ruleset_free(ruleset);
	}
}

LLSOCK_TEST_MAIN

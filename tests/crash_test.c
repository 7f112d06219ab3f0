// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * A change killed at every point where it is about to write the store:
 * llsock-faulty (llsock built with LLSOCK_FAULT_INJECTION) kills itself
 * at the Nth such point of `llsock apply` or `llsock clear`
 * (LLSOCK_KILL_AT=N), for N = 1, 2, ... until the change runs to its end.
 * After each kill, every cgroup has its old policy or its new one, checked
 * with real sockets; after the next change (llsock_gc(), as any llsock
 * command that changes the store runs it), every cgroup has the policy of
 * the changed cgroup's domain in force: the old one everywhere, or the new
 * one everywhere. `llsock unload` and `llsock load` are killed at each pin
 * they remove or add the same way. Runs as root in the VM, with llsock
 * loaded, and leaves it loaded.
 */
#include <dirent.h>
#include <signal.h>

#include "common.h"

#define NR_CHILDREN	6
#define NR_GRANDCHILDREN 3
#define NR_CGROUPS	(1 + NR_CHILDREN + NR_GRANDCHILDREN)

FIXTURE(crash)
{
	struct test_cgroup cg;
	/* The changed cgroup, its bound children, and some of theirs. */
	char paths[NR_CGROUPS][PATH_MAX];
};

FIXTURE_SETUP(crash)
{
	int i;

	ASSERT_TRUE(llsock_is_loaded());
	ASSERT_EQ(0, test_cgroup_enter(&self->cg, "crash"));
	snprintf(self->paths[0], PATH_MAX, "%s/top", self->cg.path);
	for (i = 0; i < NR_CHILDREN; i++)
		snprintf(self->paths[1 + i], PATH_MAX, "%s/c%d",
			 self->paths[0], i);
	for (i = 0; i < NR_GRANDCHILDREN; i++)
		snprintf(self->paths[1 + NR_CHILDREN + i], PATH_MAX, "%s/g%d",
			 self->paths[1 + i], i);
	for (i = 0; i < NR_CGROUPS; i++)
		ASSERT_EQ(0, mkdir(self->paths[i], 0755));
}

FIXTURE_TEARDOWN_PARENT(crash)
{
	test_cgroup_remove(&self->cg);
	/* Loaded, as the suites after this one need, even after a failure. */
	if (!llsock_is_loaded())
		llsock_load(NULL);
}

/*
 * Until the socket hook's program is gone (at most 10 s): a link whose pin
 * was removed is released by a kernel worker, after unlink() returns.
 */
static bool socket_program_gone(void)
{
	int i;

	for (i = 0; i < 1000; i++) {
		if (!program_loaded("llsock_socket_c"))
			return true;
		usleep(10000);
	}
	return false;
}

/* The old policy lets TCP through and not UDP, the new one the reverse. */
#define OLD_RULE	"inet.stream.tcp"
#define NEW_RULE	"inet.dgram.udp"

/* NONE: no policy (what clear leaves), both allowed. */
enum verdict { OLD, NEW, NONE, MIXED };

static const char *const verdict_names[] = { "old", "new", "no", "mixed" };

static enum verdict verdict_in(const char *cgroup)
{
	int tcp = errno_in(cgroup, AF_INET, SOCK_STREAM, IPPROTO_TCP);
	int udp = errno_in(cgroup, AF_INET, SOCK_DGRAM, IPPROTO_UDP);

	if (!tcp && udp == EACCES)
		return OLD;
	if (tcp == EACCES && !udp)
		return NEW;
	if (!tcp && !udp)
		return NONE;
	return MIXED;
}

/*
 * llsock-faulty ARGS (up to 4), killed at point @at: its wait status.
 * Its output goes to /dev/null.
 */
static int faulty_llsock(long at, const char *a1, const char *a2,
			 const char *a3, const char *a4)
{
	char kill_at[32];
	int status;
	pid_t pid;

	snprintf(kill_at, sizeof(kill_at), "%ld", at);
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);

		dup2(null, 1);
		dup2(null, 2);
		setenv("LLSOCK_KILL_AT", kill_at, 1);
		execl("/test/llsock-faulty", "llsock", a1, a2, a3, a4,
		      (char *)NULL);
		_exit(126);
	}
	if (waitpid(pid, &status, 0) != pid)
		return -errno;
	return status;
}

/* The old policy, made whole by a complete change. */
static int bind_old(char paths[][PATH_MAX])
{
	int i, ret;

	ret = bind_rules(paths[0], "unix.*.*", OLD_RULE, NULL);
	for (i = 1; !ret && i < NR_CGROUPS; i++)
		ret = bind_rules(paths[i], "unix.*.*", "inet.*.*", NULL);
	return ret;
}

/*
 * llsock-faulty CMD on the top cgroup (with @rule, if any), killed at each
 * point in turn until it ends: the top cgroup's domain goes from the old
 * policy to @to.
 */
static void kill_change_at_every_point(struct __test_metadata *_metadata,
				       char paths[][PATH_MAX], const char *cmd,
				       const char *rule, enum verdict to)
{
	unsigned int killed = 0, old_after = 0, new_after = 0;
	struct llsock_counters counters;
	long at;
	int i;

	for (at = 1; at < 1000; at++) {
		enum verdict top, v;
		int status;

		ASSERT_EQ(0, bind_old(paths));
		for (i = 0; i < NR_CGROUPS; i++)
			ASSERT_EQ(OLD, verdict_in(paths[i]));

		status = faulty_llsock(at, cmd, paths[0],
				       rule ? "unix.*.*" : NULL, rule);
		ASSERT_LE(0, status);
		if (WIFEXITED(status)) {
			/* No point left to kill at: the change is done. */
			ASSERT_EQ(0, WEXITSTATUS(status));
			for (i = 0; i < NR_CGROUPS; i++)
				ASSERT_EQ(to, verdict_in(paths[i]));
			break;
		}
		ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
		killed++;

		/* Each cgroup: its old policy or its new one, no mix. */
		for (i = 0; i < NR_CGROUPS; i++) {
			v = verdict_in(paths[i]);
			ASSERT_TRUE(v == OLD || v == to)
			{
				TH_LOG("%s killed at point %ld: %s has the %s policy",
				       cmd, at, paths[i], verdict_names[v]);
			}
		}

		/* The next change finishes or undoes it, everywhere alike. */
		ASSERT_EQ(0, llsock_gc());
		top = verdict_in(paths[0]);
		ASSERT_TRUE(top == OLD || top == to);
		for (i = 1; i < NR_CGROUPS; i++)
			ASSERT_EQ(top, verdict_in(paths[i]))
			{
				TH_LOG("%s killed at point %ld, then repaired: %s has the %s policy, the top cgroup the %s one",
				       cmd, at, paths[i],
				       verdict_names[verdict_in(paths[i])],
				       verdict_names[top]);
			}
		old_after += top == OLD;
		new_after += top == to;
		ASSERT_EQ(0, llsock_get_counters(&counters));
		ASSERT_EQ(NR_CGROUPS - (to == NONE && top == NONE),
			  counters.bindings);
	}
	TH_LOG("%s killed at %u points: %u left the old policy, %u the new one",
	       cmd, killed, old_after, new_after);
	ASSERT_LT(at, 1000);
	/* The change has points before its publish and after. */
	ASSERT_LT(0, old_after);
	ASSERT_LT(0, new_after);
}

/* About 40 kills, each with a dozen changes and 60 sockets checked. */
TEST_F_TIMEOUT(crash, apply_killed_at_every_point, 600)
{
	kill_change_at_every_point(_metadata, self->paths, "apply", NEW_RULE,
				   NEW);
}

/* The top cgroup's layer goes: every cgroup below keeps its own. */
TEST_F_TIMEOUT(crash, clear_killed_at_every_point, 600)
{
	kill_change_at_every_point(_metadata, self->paths, "clear", NULL,
				   NONE);
}

/* How many pins llsock has whose name starts with @prefix. */
static int pinned(const char *prefix)
{
	struct dirent *entry;
	int n = 0;
	DIR *dir;

	dir = opendir(LLSOCK_PIN_DIR);
	if (!dir)
		return 0;
	while ((entry = readdir(dir)))
		n += !strncmp(entry->d_name, prefix, strlen(prefix));
	closedir(dir);
	return n;
}

/* Links: the socket hook's, and the guards' while some cgroup is bound. */
static int pinned_links(void)
{
	return pinned("link_");
}

/*
 * The first binding attaches the guards before it publishes its domain:
 * killed at any point, the cgroup is unbound, or bound with every guard
 * attached; the next change, an unbind, leaves none attached.
 */
TEST_F_TIMEOUT(crash, first_binding_killed_at_every_point, 300)
{
	int guards = pinned("prog_"), status;
	unsigned int killed = 0, bound = 0;
	enum verdict v;
	long at;

	ASSERT_LT(10, guards);
	for (at = 1; at < 1000; at++) {
		ASSERT_EQ(1, pinned_links());
		status = faulty_llsock(at, "apply", self->paths[0], "unix.*.*",
				       OLD_RULE);
		ASSERT_LE(0, status);
		v = verdict_in(self->paths[0]);
		ASSERT_TRUE(v == NONE || v == OLD);
		if (v == OLD) {
			ASSERT_EQ(1 + guards, pinned_links())
				TH_LOG("first binding killed at point %ld", at);
			bound++;
		}
		if (WIFEXITED(status)) {
			ASSERT_EQ(0, WEXITSTATUS(status));
			ASSERT_EQ(OLD, v);
			break;
		}
		ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
		killed++;
		/* Undone by the next change: an unbind, or any when unbound. */
		ASSERT_EQ(0, v == OLD ? llsock_unbind_cgroup(self->paths[0]) :
					llsock_gc());
		ASSERT_EQ(NONE, verdict_in(self->paths[0]));
	}
	ASSERT_LT(at, 1000);
	/* Killed at each guard attached, at least; bound when it ended. */
	ASSERT_LT(guards, killed);
	ASSERT_LE(1, bound);
	ASSERT_EQ(0, llsock_unbind_cgroup(self->paths[0]));
	ASSERT_EQ(1, pinned_links());
	TH_LOG("first binding killed at %u points, %u of them bound", killed,
	       bound);
}

/*
 * The points of load and unload to kill at: every one, unless the kernel's
 * command line says llsock.crash_points=STEP/FIRST (make check, on all
 * its kernels but one: each point costs a whole load, 6 s in QEMU, and
 * each kernel is given a different FIRST): the first point, and those
 * from FIRST on, STEP apart.
 */
struct points {
	long step, first;
};

static struct points points_of_cmdline(void)
{
	struct points p = { .step = 1, .first = 1 };
	char cmdline[4096];
	const char *value;

	value = cmdline_value("llsock.crash_points", cmdline, sizeof(cmdline));
	if (value && (sscanf(value, "%ld/%ld", &p.step, &p.first) != 2 ||
		      p.step < 1 || p.first < 1)) {
		p.step = 1;
		p.first = 1;
	}
	return p;
}

static bool kill_here(const struct points *p, long at)
{
	return at == 1 || (at >= p->first && (at - p->first) % p->step == 0);
}

/*
 * An unload killed at each pin it removes leaves every policy and every
 * guard in force, or no policy at all; the next unload removes whatever
 * is left (0, or -ENOPKG when nothing was). A load killed at each pin it
 * adds leaves llsock not loaded, and an unload removes what it left; the
 * load after it (the next point's) must not find anything in its way.
 */
TEST_F_TIMEOUT(crash, load_and_unload_killed_at_every_point, 1200)
{
	unsigned int unload_kills = 0, load_kills = 0, whole = 0;
	struct points p = points_of_cmdline();
	int links, i, ret, status;
	long at;

	/* Loaded, nothing bound: the socket hook alone is attached. */
	ASSERT_EQ(1, pinned_links());
	ASSERT_EQ(0, bind_rules(self->paths[0], "unix.*.*", NULL));
	links = pinned_links();
	ASSERT_LT(1, links);
	ASSERT_EQ(links - 1, pinned("prog_"));
	for (at = 1; at < 1000; at++) {
		if (!kill_here(&p, at))
			continue;
		if (!llsock_is_loaded())
			ASSERT_EQ(0, llsock_load(NULL));
		/* The program is the same for all: two cgroups tell enough. */
		ASSERT_EQ(0, bind_rules(self->paths[0], "unix.*.*", OLD_RULE,
					NULL));
		ASSERT_EQ(0, bind_rules(self->paths[1], "unix.*.*", "inet.*.*",
					NULL));
		status = faulty_llsock(at, "unload", NULL, NULL, NULL);
		ASSERT_LE(0, status);
		if (WIFEXITED(status)) {
			ASSERT_EQ(0, WEXITSTATUS(status));
			ASSERT_FALSE(llsock_is_loaded());
			ASSERT_EQ(-1, access(LLSOCK_PIN_DIR, F_OK));
			break;
		}
		ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
		unload_kills++;
		if (llsock_is_loaded()) {
			/* Nothing removed yet: every guard still there. */
			ASSERT_EQ(links, pinned_links());
			whole++;
		} else {
			/* The old policy, whole, until the program goes. */
			ASSERT_TRUE(socket_program_gone());
		}
		for (i = 0; i < 2; i++)
			ASSERT_EQ(llsock_is_loaded() ? OLD : NONE,
				  verdict_in(self->paths[i]))
				TH_LOG("unload killed at point %ld: %s", at,
				       self->paths[i]);
		ret = llsock_unload();
		ASSERT_TRUE(!ret || ret == -ENOPKG);
		ASSERT_EQ(-1, access(LLSOCK_PIN_DIR, F_OK));
		ASSERT_EQ(NONE, verdict_in(self->paths[0]));
	}
	ASSERT_LT(at, 1000);
	ASSERT_LT(0, whole);
	ASSERT_LT(whole, unload_kills);

	for (at = 1; at < 1000; at++) {
		if (!kill_here(&p, at))
			continue;
		status = faulty_llsock(at, "load", NULL, NULL, NULL);
		ASSERT_LE(0, status);
		if (WIFEXITED(status)) {
			ASSERT_EQ(0, WEXITSTATUS(status));
			ASSERT_TRUE(llsock_is_loaded());
			ASSERT_EQ(1, pinned_links());
			ASSERT_EQ(links - 1, pinned("prog_"));
			break;
		}
		ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
		load_kills++;
		/* Loaded only once every guard is; unload removes the rest. */
		ASSERT_FALSE(llsock_is_loaded())
			TH_LOG("load killed at point %ld", at);
		/* Once (it costs a whole load): so does the next load. */
		if (load_kills == 1) {
			ASSERT_EQ(0, llsock_load(NULL));
			ASSERT_EQ(links - 1, pinned("prog_"));
		}
		ret = llsock_unload();
		ASSERT_TRUE(!ret || ret == -ENOPKG);
		ASSERT_EQ(-1, access(LLSOCK_PIN_DIR, F_OK));
	}
	ASSERT_LT(at, 1000);
	TH_LOG("unload killed at %u points (%u with every policy left), load at %u; points 1 and %ld, %ld, ...",
	       unload_kills, whole, load_kills, p.first, p.first + p.step);
}

TEST_HARNESS_MAIN

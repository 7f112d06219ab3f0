// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * A change killed at every point where it is about to write the store:
 * llsock-faulty (llsock built with LLSOCK_FAULT_INJECTION) kills itself
 * at the Nth such point of `llsock apply` (LLSOCK_KILL_AT=N), for N = 1,
 * 2, ... until the change runs to its end. After each kill, every cgroup
 * has its old policy or its new one, checked with real sockets; after the
 * next change (llsock_gc(), as any llsock command that changes the store
 * runs it), every cgroup has the policy of the changed cgroup's domain in
 * force: the old one everywhere, or the new one everywhere. Runs as root
 * in the VM, with llsock loaded.
 */
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
}

/* The old policy lets TCP through and not UDP, the new one the reverse. */
#define OLD_RULE	"inet.stream.tcp"
#define NEW_RULE	"inet.dgram.udp"

enum verdict { OLD, NEW, MIXED };

static enum verdict verdict_in(const char *cgroup)
{
	int tcp = errno_in(cgroup, AF_INET, SOCK_STREAM, IPPROTO_TCP);
	int udp = errno_in(cgroup, AF_INET, SOCK_DGRAM, IPPROTO_UDP);

	if (!tcp && udp == EACCES)
		return OLD;
	if (tcp == EACCES && !udp)
		return NEW;
	return MIXED;
}

/* llsock-faulty apply CGROUP RULES, killed at point @at: its wait status. */
static int faulty_apply(const char *cgroup, long at)
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
		execl("/test/llsock-faulty", "llsock", "apply", cgroup,
		      "unix.*.*", NEW_RULE, (char *)NULL);
		_exit(126);
	}
	if (waitpid(pid, &status, 0) != pid)
		return -errno;
	return status;
}

/* About 40 kills, each with a dozen changes and 60 sockets checked. */
TEST_F_TIMEOUT(crash, apply_killed_at_every_point, 600)
{
	unsigned int killed = 0, old_after = 0, new_after = 0;
	struct llsock_counters counters;
	long at;
	int i;

	for (at = 1; at < 1000; at++) {
		enum verdict top, v;
		int status;

		/* The old policy, made whole by a complete change. */
		ASSERT_EQ(0, bind_rules(self->paths[0], "unix.*.*", OLD_RULE,
					NULL));
		for (i = 1; i < NR_CGROUPS; i++)
			ASSERT_EQ(0, bind_rules(self->paths[i], "unix.*.*",
						"inet.*.*", NULL));
		for (i = 0; i < NR_CGROUPS; i++)
			ASSERT_EQ(OLD, verdict_in(self->paths[i]));

		status = faulty_apply(self->paths[0], at);
		ASSERT_LE(0, status);
		if (WIFEXITED(status)) {
			/* No point left to kill at: the change is done. */
			ASSERT_EQ(0, WEXITSTATUS(status));
			for (i = 0; i < NR_CGROUPS; i++)
				ASSERT_EQ(NEW, verdict_in(self->paths[i]));
			break;
		}
		ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
		killed++;

		/* Each cgroup: its old policy or its new one, no mix. */
		for (i = 0; i < NR_CGROUPS; i++) {
			v = verdict_in(self->paths[i]);
			ASSERT_NE(MIXED, v)
			{
				TH_LOG("killed at point %ld: %s has neither policy",
				       at, self->paths[i]);
			}
		}

		/* The next change finishes or undoes it, everywhere alike. */
		ASSERT_EQ(0, llsock_gc());
		top = verdict_in(self->paths[0]);
		ASSERT_NE(MIXED, top);
		for (i = 1; i < NR_CGROUPS; i++)
			ASSERT_EQ(top, verdict_in(self->paths[i]))
			{
				TH_LOG("killed at point %ld, then repaired: %s has the %s policy, the top cgroup the %s one",
				       at, self->paths[i],
				       top == OLD ? "new" : "old",
				       top == OLD ? "old" : "new");
			}
		old_after += top == OLD;
		new_after += top == NEW;
		ASSERT_EQ(0, llsock_get_counters(&counters));
		ASSERT_EQ(NR_CGROUPS, counters.bindings);
	}
	TH_LOG("killed at %u points: %u left the old policy, %u the new one",
	       killed, old_after, new_after);
	ASSERT_LT(at, 1000);
	/* The change has points before its publish and after. */
	ASSERT_LT(0, old_after);
	ASSERT_LT(0, new_after);
}

TEST_HARNESS_MAIN

// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The canonicalisation table (bpf/canon.h) against the kernel itself: for
 * every family below AF_MAX, every type from 1 to 10 and a set of
 * protocols (0 to 300, which holds every protocol number Linux defines
 * for the families with small ones, IPPROTO_MPTCP included; the
 * ethertypes packet sockets take; values nobody defines), create the
 * socket unsandboxed and compare what getsockopt(SO_DOMAIN, SO_TYPE,
 * SO_PROTOCOL) reports with the table's answer. Triples the kernel
 * refuses cannot be asked: the table alone decides for them
 * (kernel/SEMANTICS.md section 5). Runs as root in the VM, on every
 * kernel of the matrix, with the families' modules loaded beforehand.
 */
#include "common.h"
#include "canon.h"

#include <linux/if_ether.h>

static const struct llsock_canon_rule canon_rules[] = LLSOCK_CANON_RULES;
#define NR_CANON_RULES	((int)(sizeof(canon_rules) / sizeof(canon_rules[0])))


FIXTURE(canon)
{
	char modprobe[PATH_MAX];
};

/*
 * A request for a family or protocol the kernel lacks asks for a module
 * first; with no modprobe path it fails at once instead of running a
 * helper 140,000 times. The modules the suites need are loaded already.
 */
FIXTURE_SETUP(canon)
{
	modprobe_off(self->modprobe, sizeof(self->modprobe));
}

FIXTURE_TEARDOWN(canon)
{
	modprobe_restore(self->modprobe);
}

struct canon_counts {
	int created;
	int rewritten;
	int mismatches;
};

/* Creates (@f, @t, @p) and compares the socket with the table. */
static void check_triple(struct __test_metadata *_metadata, int f, int t,
			 int p, struct canon_counts *counts)
{
	int fd, domain, type, protocol, err = 0;
	__s32 cf = f, ct = t, cp = p;
	socklen_t len;

	fd = socket(f, t, p);
	if (fd < 0)
		return;
	counts->created++;
	len = sizeof(int);
	err |= getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &len);
	len = sizeof(int);
	err |= getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len);
	len = sizeof(int);
	err |= getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &protocol, &len);
	close(fd);
	ASSERT_EQ(0, err) {
		TH_LOG("socket(%d, %d, %d): getsockopt: %s", f, t, p,
		       strerror(errno));
	}
	llsock_canonical(canon_rules, NR_CANON_RULES, &cf, &ct, &cp);
	if (domain != f || type != t || protocol != p)
		counts->rewritten++;
	if (domain == cf && type == ct && protocol == cp)
		return;
	counts->mismatches++;
	TH_LOG("socket(%d, %d, %d): the kernel made (%d, %d, %d), the table says (%d, %d, %d)",
	       f, t, p, domain, type, protocol, cf, ct, cp);
}

TEST_F(canon, table_matches_the_kernel)
{
	const int more_protocols[] = {
		/* Ethertypes, as packet sockets take them. */
		htons(ETH_P_ALL), htons(ETH_P_IP), htons(ETH_P_ARP),
		htons(ETH_P_IPV6),
		/* Defined by nobody, or out of every range. */
		1000, 4096, 65534, 65535, 65536, 70000,
	};
	struct canon_counts counts = {};
	int f, t, p, i;

	for (f = 0; f < AF_MAX; f++) {
		for (t = 1; t <= 10; t++) {
			for (p = 0; p <= 300; p++)
				check_triple(_metadata, f, t, p, &counts);
			for (i = 0; i < (int)(sizeof(more_protocols) /
					      sizeof(more_protocols[0])); i++)
				check_triple(_metadata, f, t, more_protocols[i],
					     &counts);
		}
	}
	TH_LOG("%d sockets created, %d of them rewritten by the kernel, %d against the table",
	       counts.created, counts.rewritten, counts.mismatches);
	/* Without sockets there was nothing to compare: AF_UNIX always exists. */
	ASSERT_LT(0, counts.created);
	ASSERT_LT(0, counts.rewritten);
	ASSERT_EQ(0, counts.mismatches);
}

TEST_HARNESS_MAIN

// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Which address families this kernel has: for every family below AF_MAX,
 * socket(family, type, 0) for every type from 1 to 10. A family the
 * kernel has answers at least one of them with something other than
 * EAFNOSUPPORT (a socket, or the family's own refusal: ESOCKTNOSUPPORT,
 * EPROTONOSUPPORT, EPERM...); one it lacks answers EAFNOSUPPORT to all.
 *
 * The patched kernels of kernel/ build in every family they can, so that
 * the socket tests reach each one. Their VM runs bring /test/absent-families
 * (made from kernel/README.md, "Address families": one line a family the
 * kernel cannot have, its number, then why), and then:
 * - a family not listed there must be reached: failure otherwise;
 * - a family listed there must not be: failure otherwise, the list is stale.
 * Without that file (Debian's kernels, whose families are modules the run
 * may not load, or not built at all), a family that is not reached skips,
 * with the reason.
 *
 * Runs as root, in the initial network namespace: some families (X.25,
 * ATM, LLC, IEEE 802.15.4...) exist there only.
 */
#include "common.h"

#define ABSENT_FAMILIES	"/test/absent-families"
/* AF_MAX of Linux 6.12 and 7.3 (include/linux/socket.h). */
#define FAMILIES	46

FIXTURE(family)
{
	char modprobe[PATH_MAX];
};

FIXTURE_VARIANT(family)
{
	int family;
};

/*
 * Numbers, not the libc's AF_* macros, which glibc 2.36 lacks for the
 * newest families: Linux's, the same on every architecture. The variant
 * names are the AF_* names (the ## of FIXTURE_VARIANT_ADD keeps them
 * from expanding).
 */
FIXTURE_VARIANT_ADD(family, AF_UNSPEC) { .family = 0 };
FIXTURE_VARIANT_ADD(family, AF_UNIX) { .family = 1 };
FIXTURE_VARIANT_ADD(family, AF_INET) { .family = 2 };
FIXTURE_VARIANT_ADD(family, AF_AX25) { .family = 3 };
FIXTURE_VARIANT_ADD(family, AF_IPX) { .family = 4 };
FIXTURE_VARIANT_ADD(family, AF_APPLETALK) { .family = 5 };
FIXTURE_VARIANT_ADD(family, AF_NETROM) { .family = 6 };
FIXTURE_VARIANT_ADD(family, AF_BRIDGE) { .family = 7 };
FIXTURE_VARIANT_ADD(family, AF_ATMPVC) { .family = 8 };
FIXTURE_VARIANT_ADD(family, AF_X25) { .family = 9 };
FIXTURE_VARIANT_ADD(family, AF_INET6) { .family = 10 };
FIXTURE_VARIANT_ADD(family, AF_ROSE) { .family = 11 };
FIXTURE_VARIANT_ADD(family, AF_DECnet) { .family = 12 };
FIXTURE_VARIANT_ADD(family, AF_NETBEUI) { .family = 13 };
FIXTURE_VARIANT_ADD(family, AF_SECURITY) { .family = 14 };
FIXTURE_VARIANT_ADD(family, AF_KEY) { .family = 15 };
FIXTURE_VARIANT_ADD(family, AF_NETLINK) { .family = 16 };
FIXTURE_VARIANT_ADD(family, AF_PACKET) { .family = 17 };
FIXTURE_VARIANT_ADD(family, AF_ASH) { .family = 18 };
FIXTURE_VARIANT_ADD(family, AF_ECONET) { .family = 19 };
FIXTURE_VARIANT_ADD(family, AF_ATMSVC) { .family = 20 };
FIXTURE_VARIANT_ADD(family, AF_RDS) { .family = 21 };
FIXTURE_VARIANT_ADD(family, AF_SNA) { .family = 22 };
FIXTURE_VARIANT_ADD(family, AF_IRDA) { .family = 23 };
FIXTURE_VARIANT_ADD(family, AF_PPPOX) { .family = 24 };
FIXTURE_VARIANT_ADD(family, AF_WANPIPE) { .family = 25 };
FIXTURE_VARIANT_ADD(family, AF_LLC) { .family = 26 };
FIXTURE_VARIANT_ADD(family, AF_IB) { .family = 27 };
FIXTURE_VARIANT_ADD(family, AF_MPLS) { .family = 28 };
FIXTURE_VARIANT_ADD(family, AF_CAN) { .family = 29 };
FIXTURE_VARIANT_ADD(family, AF_TIPC) { .family = 30 };
FIXTURE_VARIANT_ADD(family, AF_BLUETOOTH) { .family = 31 };
FIXTURE_VARIANT_ADD(family, AF_IUCV) { .family = 32 };
FIXTURE_VARIANT_ADD(family, AF_RXRPC) { .family = 33 };
FIXTURE_VARIANT_ADD(family, AF_ISDN) { .family = 34 };
FIXTURE_VARIANT_ADD(family, AF_PHONET) { .family = 35 };
FIXTURE_VARIANT_ADD(family, AF_IEEE802154) { .family = 36 };
FIXTURE_VARIANT_ADD(family, AF_CAIF) { .family = 37 };
FIXTURE_VARIANT_ADD(family, AF_ALG) { .family = 38 };
FIXTURE_VARIANT_ADD(family, AF_NFC) { .family = 39 };
FIXTURE_VARIANT_ADD(family, AF_VSOCK) { .family = 40 };
FIXTURE_VARIANT_ADD(family, AF_KCM) { .family = 41 };
FIXTURE_VARIANT_ADD(family, AF_QIPCRTR) { .family = 42 };
FIXTURE_VARIANT_ADD(family, AF_SMC) { .family = 43 };
FIXTURE_VARIANT_ADD(family, AF_XDP) { .family = 44 };
FIXTURE_VARIANT_ADD(family, AF_MCTP) { .family = 45 };

/*
 * A request for a family the kernel lacks asks for its module first; with
 * no modprobe path it fails at once, and loads nothing behind the run's
 * back (the runner loads the modules the suites need beforehand).
 */
FIXTURE_SETUP(family)
{
	modprobe_off(self->modprobe, sizeof(self->modprobe));
}

FIXTURE_TEARDOWN(family)
{
	modprobe_restore(self->modprobe);
}

/*
 * Whether ABSENT_FAMILIES is there (the run is on a patched kernel), and
 * if so whether it lists @family, with the reason in @why.
 */
static bool read_absent(struct __test_metadata *_metadata, int family,
			bool *listed, char *why, size_t size)
{
	char line[512];
	FILE *file;
	int number, n = 0;

	*listed = false;
	file = fopen(ABSENT_FAMILIES, "r");
	if (!file) {
		ASSERT_EQ(ENOENT, errno);
		return false;
	}
	while (fgets(line, sizeof(line), file)) {
		line[strcspn(line, "\n")] = '\0';
		ASSERT_EQ(1, sscanf(line, "%d %n", &number, &n)) {
			TH_LOG("%s: not a family number and a reason: '%s'",
			       ABSENT_FAMILIES, line);
		}
		ASSERT_LE(0, number);
		ASSERT_GT(FAMILIES, number);
		if (number != family)
			continue;
		*listed = true;
		snprintf(why, size, "%s", line + n);
	}
	fclose(file);
	return true;
}

TEST_F(family, reached_unless_listed)
{
	const int family = variant->family;
	char answers[256] = "", why[400] = "";
	bool reached = false, listed;
	int type, fd;

	for (type = 1; type <= 10; type++) {
		char answer[32];
		int err;

		fd = socket(family, type, 0);
		err = fd < 0 ? errno : 0;
		if (fd >= 0)
			close(fd);
		snprintf(answer, sizeof(answer), " %d:%s", type,
			 err ? strerrorname_np(err) ?: "?" : "socket");
		strncat(answers, answer, sizeof(answers) - strlen(answers) - 1);
		if (err != EAFNOSUPPORT)
			reached = true;
	}
	TH_LOG("family %d, type:answer for protocol 0:%s", family, answers);

	if (!read_absent(_metadata, family, &listed, why, sizeof(why))) {
		if (!reached)
			SKIP(return,
			     "EAFNOSUPPORT for every type: not in this kernel, or in a module this run did not load");
		return;
	}
	if (listed) {
		ASSERT_FALSE(reached) {
			TH_LOG("family %d is listed as not buildable (%s), but this kernel has it: remove it from kernel/README.md, \"Address families\"",
			       family, why);
		}
		TH_LOG("family %d: not in this kernel, as kernel/README.md says: %s",
		       family, why);
		return;
	}
	ASSERT_TRUE(reached) {
		TH_LOG("family %d: EAFNOSUPPORT for every type, and kernel/README.md (\"Address families\") does not say this kernel cannot have it: build it in (kernel/config), or list it with why",
		       family);
	}
}

TEST_HARNESS_MAIN

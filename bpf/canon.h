/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The canonical key of a socket request, for the permission flavour
 * (kernel/SEMANTICS.md section 5): the (family, type, protocol) the kernel
 * itself gives the socket, as getsockopt(SO_DOMAIN, SO_TYPE, SO_PROTOCOL)
 * reports it after an unsandboxed socket() with the same arguments.
 *
 * One table of rewrites, the same data for the BPF program and for user
 * space (plain C, no libc, no vmlinux.h types). It is static: the same
 * whether or not a family's module is loaded, and it decides alone where
 * the kernel refuses the request and so cannot be asked. tests/canon_test.c
 * checks it against the kernel for every triple the kernel creates, on
 * every kernel of the test matrix.
 *
 * Measured with that test on Debian's 6.1, 6.12 and 7.3: the same rewrites
 * on all three, but for DCCP, which Linux 7.x no longer has (its rewrite
 * stays in the table; no kernel of 7.x can contradict it). AF_CAN, which
 * Debian's cloud kernels lack, was measured on the patched 6.12 kernel
 * (CAN_RAW, CAN_BCM); CAN_ISOTP and CAN_J1939 are read from the source
 * (net/can/: only j1939 sets sk_protocol). AX.25, AppleTalk, ATM, PPPoX,
 * LLC, RxRPC, Phonet, IEEE 802.15.4 and QRTR, which the patched kernels
 * build in and Debian's cloud kernels do not load in the VM, were
 * measured on the patched 6.12 and 7.3 kernels.
 */
#ifndef LLSOCK_CANON_H
#define LLSOCK_CANON_H

#ifndef __BPF__
#include <stdbool.h>
#include <linux/types.h>
#endif

/* Matches any value; as a target, keeps the value. */
#define LLSOCK_CANON_ANY	(-1)

/**
 * struct llsock_canon_rule - one rewrite the kernel makes
 * @family: the family it applies to
 * @type: the type it applies to, or LLSOCK_CANON_ANY
 * @protocol: the protocol it applies to, or LLSOCK_CANON_ANY
 * @to_family: the socket's family, or LLSOCK_CANON_ANY (unchanged)
 * @to_type: the socket's type, or LLSOCK_CANON_ANY (unchanged)
 * @to_protocol: the socket's protocol, or LLSOCK_CANON_ANY (unchanged)
 */
struct llsock_canon_rule {
	__s32 family;
	__s32 type;
	__s32 protocol;
	__s32 to_family;
	__s32 to_type;
	__s32 to_protocol;
};

#define LLSOCK_CANON_A	LLSOCK_CANON_ANY

/*
 * Applied in this order, each to the result of those before it. Sorted by
 * family, and no rewrite lowers a family, so a lookup stops at the first
 * rule of a higher family (tests/unit_test.c checks both). The numbers are
 * Linux's (AF_*, SOCK_*, IPPROTO_*, PF_*), the same on every architecture
 * for these families.
 */
#define LLSOCK_CANON_RULES {						\
	/* AF_UNIX: SOCK_RAW is SOCK_DGRAM; PF_UNIX as protocol is 0. */	\
	{ 1, 3, LLSOCK_CANON_A, LLSOCK_CANON_A, 2, LLSOCK_CANON_A },	\
	{ 1, LLSOCK_CANON_A, 1, LLSOCK_CANON_A, LLSOCK_CANON_A, 0 },	\
	/* AF_INET + SOCK_PACKET is a packet socket, before any LSM. */	\
	{ 2, 10, LLSOCK_CANON_A, 17, LLSOCK_CANON_A, LLSOCK_CANON_A },	\
	/* AF_INET, AF_INET6: protocol 0 is the type's default. */	\
	{ 2, 1, 0, LLSOCK_CANON_A, LLSOCK_CANON_A, 6 },	/* TCP */	\
	{ 2, 2, 0, LLSOCK_CANON_A, LLSOCK_CANON_A, 17 },	/* UDP */	\
	{ 2, 5, 0, LLSOCK_CANON_A, LLSOCK_CANON_A, 132 },	/* SCTP */	\
	{ 2, 6, 0, LLSOCK_CANON_A, LLSOCK_CANON_A, 33 },	/* DCCP */	\
	/*								\
	 * AF_AX25 (up to 6.x): datagram and seqpacket sockets asked	\
	 * for protocol 0 or PF_AX25 (3) speak AX25_P_TEXT (0xf0).	\
	 */								\
	{ 3, 2, 0, LLSOCK_CANON_A, LLSOCK_CANON_A, 240 },		\
	{ 3, 2, 3, LLSOCK_CANON_A, LLSOCK_CANON_A, 240 },		\
	{ 3, 5, 0, LLSOCK_CANON_A, LLSOCK_CANON_A, 240 },		\
	{ 3, 5, 3, LLSOCK_CANON_A, LLSOCK_CANON_A, 240 },		\
	/*								\
	 * Families that take any protocol and keep none, whatever the	\
	 * type (the types they refuse make no socket, so mapping them	\
	 * too lets no rule for a socket that exists allow a refused	\
	 * request): AppleTalk (up to 6.x), ATM PVC and SVC.		\
	 */								\
	{ 5, LLSOCK_CANON_A, LLSOCK_CANON_A, LLSOCK_CANON_A,		\
	  LLSOCK_CANON_A, 0 },						\
	{ 8, LLSOCK_CANON_A, LLSOCK_CANON_A, LLSOCK_CANON_A,		\
	  LLSOCK_CANON_A, 0 },						\
	{ 10, 1, 0, LLSOCK_CANON_A, LLSOCK_CANON_A, 6 },		\
	{ 10, 2, 0, LLSOCK_CANON_A, LLSOCK_CANON_A, 17 },		\
	{ 10, 5, 0, LLSOCK_CANON_A, LLSOCK_CANON_A, 132 },		\
	{ 10, 6, 0, LLSOCK_CANON_A, LLSOCK_CANON_A, 33 },		\
	/* AF_KEY: PF_KEY_V2 as protocol is 0. */			\
	{ 15, LLSOCK_CANON_A, 2, LLSOCK_CANON_A, LLSOCK_CANON_A, 0 },	\
	/*								\
	 * AF_PACKET keeps its protocol (an ethertype) for itself, not	\
	 * in sk_protocol: SO_PROTOCOL says 0, whatever was asked.	\
	 */								\
	{ 17, LLSOCK_CANON_A, LLSOCK_CANON_A, LLSOCK_CANON_A,		\
	  LLSOCK_CANON_A, 0 },						\
	{ 20, LLSOCK_CANON_A, LLSOCK_CANON_A, LLSOCK_CANON_A,		\
	  LLSOCK_CANON_A, 0 },						\
	/*								\
	 * AF_PPPOX: PPPoE, PPPoL2TP and PPTP (protocols 0 to 2) make	\
	 * stream sockets whatever type was asked for; the kernel	\
	 * refuses every other protocol, so every request is a stream	\
	 * one (a type rewrite that does not depend on the protocol).	\
	 */								\
	{ 24, LLSOCK_CANON_A, LLSOCK_CANON_A, LLSOCK_CANON_A, 1,	\
	  LLSOCK_CANON_A },						\
	/* LLC: any protocol, none kept. */				\
	{ 26, LLSOCK_CANON_A, LLSOCK_CANON_A, LLSOCK_CANON_A,		\
	  LLSOCK_CANON_A, 0 },						\
	/*								\
	 * AF_CAN: CAN_RAW, CAN_BCM and CAN_ISOTP sockets do not keep	\
	 * their protocol in sk_protocol either; CAN_J1939 (7) does.	\
	 */								\
	{ 29, LLSOCK_CANON_A, 1, LLSOCK_CANON_A, LLSOCK_CANON_A, 0 },	\
	{ 29, LLSOCK_CANON_A, 2, LLSOCK_CANON_A, LLSOCK_CANON_A, 0 },	\
	{ 29, LLSOCK_CANON_A, 6, LLSOCK_CANON_A, LLSOCK_CANON_A, 0 },	\
	/*								\
	 * RxRPC: any protocol, none kept (with CONFIG_AF_RXRPC_IPV6,	\
	 * only PF_INET and PF_INET6 make a socket; the others, refused, \
	 * map to 0 too).						\
	 */								\
	{ 33, LLSOCK_CANON_A, LLSOCK_CANON_A, LLSOCK_CANON_A,		\
	  LLSOCK_CANON_A, 0 },						\
	/* AF_PHONET: protocol 0 is PN_PROTO_PHONET or PN_PROTO_PIPE. */	\
	{ 35, 2, 0, LLSOCK_CANON_A, LLSOCK_CANON_A, 1 },		\
	{ 35, 5, 0, LLSOCK_CANON_A, LLSOCK_CANON_A, 2 },		\
	/* IEEE 802.15.4: any protocol, none kept. */			\
	{ 36, LLSOCK_CANON_A, LLSOCK_CANON_A, LLSOCK_CANON_A,		\
	  LLSOCK_CANON_A, 0 },						\
	/* AF_VSOCK: PF_VSOCK as protocol is 0. */			\
	{ 40, LLSOCK_CANON_A, 40, LLSOCK_CANON_A, LLSOCK_CANON_A, 0 },	\
	/* QRTR: any protocol, none kept. */				\
	{ 42, LLSOCK_CANON_A, LLSOCK_CANON_A, LLSOCK_CANON_A,		\
	  LLSOCK_CANON_A, 0 },						\
}

static inline __attribute__((always_inline)) bool
llsock_canon_matches(__s32 want, __s32 value)
{
	return want == LLSOCK_CANON_ANY || want == value;
}

static inline __attribute__((always_inline)) __s32
llsock_canon_to(__s32 to, __s32 value)
{
	return to == LLSOCK_CANON_ANY ? value : to;
}

/*
 * Applies the table to (@family, @type, @protocol); with @any_protocol, to
 * a rule for any protocol: only the rewrites that hold whatever the
 * protocol, and @protocol left alone.
 */
static inline __attribute__((always_inline)) void
llsock_canon_apply(const struct llsock_canon_rule *rules, int nr_rules,
		   __s32 *family, __s32 *type, __s32 *protocol,
		   bool any_protocol)
{
	int i;

	for (i = 0; i < nr_rules; i++) {
		const struct llsock_canon_rule *rule = &rules[i];

		/* Sorted by family: no rule further on applies. */
		if (rule->family > *family)
			break;
		if (rule->family != *family ||
		    !llsock_canon_matches(rule->type, *type))
			continue;
		if (any_protocol ? rule->protocol != LLSOCK_CANON_ANY :
				   !llsock_canon_matches(rule->protocol,
							 *protocol))
			continue;
		*family = llsock_canon_to(rule->to_family, *family);
		*type = llsock_canon_to(rule->to_type, *type);
		if (!any_protocol)
			*protocol = llsock_canon_to(rule->to_protocol,
						    *protocol);
	}
}

/*
 * Turns (@family, @type, @protocol), as the socket_create hook sees them,
 * into the socket's canonical key, in place. @rules is the table, an array
 * initialised with LLSOCK_CANON_RULES, of @nr_rules entries.
 */
static inline __attribute__((always_inline)) void
llsock_canonical(const struct llsock_canon_rule *rules, int nr_rules,
		 __s32 *family, __s32 *type, __s32 *protocol)
{
	llsock_canon_apply(rules, nr_rules, family, type, protocol, false);
}

/*
 * The canonical (@family, @type) of a rule for any protocol: the rewrites
 * that apply whatever the protocol, without their protocol part. The
 * table's family and type rewrites never depend on the protocol
 * (tests/unit_test.c checks it), so a request matches such a rule exactly
 * when its canonical family and type are these.
 */
static inline __attribute__((always_inline)) void
llsock_canonical_any_protocol(const struct llsock_canon_rule *rules,
			      int nr_rules, __s32 *family, __s32 *type)
{
	__s32 unused = 0;

	llsock_canon_apply(rules, nr_rules, family, type, &unused, true);
}

#endif /* LLSOCK_CANON_H */

// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Enforcement of the permission flavour (SEMANTICS 5) on real sockets:
 * canonical keys, the protocol wildcard, unknown values, each rewrite of
 * the canonicalisation table the kernel can be asked about, and (llsock
 * only: no kernel has both) stacks that mix both flavours, each layer
 * judged by its own. On either backend of stack.h: llsock (permission_test,
 * every kernel) or the patched 7.3 kernel's Landlock
 * (permission_native_test, skipped elsewhere with the reason). Runs as
 * root in the VM; llsock must be loaded.
 */
/* llsock-suite: vm native */
#include "stack.h"

#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <netinet/in.h>

/* The last family below AF_MAX (46), AF_MCTP: absent from some kernels. */
#define AF_MAX_TESTED 45

#ifndef IPPROTO_MPTCP
#define IPPROTO_MPTCP 262
#endif

FIXTURE(permission)
{
	struct stack stack;
};

FIXTURE_SETUP(permission)
{
	STACK_SETUP_FLAVOUR(&self->stack, "permission",
			    LLSOCK_FLAVOUR_PERMISSION);
}

FIXTURE_TEARDOWN_PARENT(permission)
{
	stack_fini(&self->stack);
}

/* Protocol 0 and the type's default protocol are one rule, both ways. */
TEST_F(permission, canonical_twins)
{
	ASSERT_EQ(0, push_layer(&self->stack, "inet.stream.0", "inet6.dgram.udp",
				NULL));
	EXPECT_EQ(0, try_in_stack(&self->stack, AF_INET, SOCK_STREAM, 0));
	EXPECT_EQ(0, try_in_stack(&self->stack, AF_INET, SOCK_STREAM,
				  IPPROTO_TCP));
	EXPECT_EQ(0, try_in_stack(&self->stack, AF_INET6, SOCK_DGRAM, 0));
	EXPECT_EQ(0, try_in_stack(&self->stack, AF_INET6, SOCK_DGRAM,
				  IPPROTO_UDP));
	/* Another protocol of the same type is another socket. */
	EXPECT_EQ(EACCES, try_in_stack(&self->stack, AF_INET, SOCK_STREAM,
				       IPPROTO_MPTCP));
	EXPECT_EQ(EACCES, try_in_stack(&self->stack, AF_INET6, SOCK_STREAM,
				       0));
	EXPECT_EQ(EACCES, try_in_stack(&self->stack, AF_INET, SOCK_DGRAM, 0));
}

TEST_F(permission, protocol_wildcard)
{
	ASSERT_EQ(0, push_layer(&self->stack, "inet.raw.*", NULL));
	EXPECT_EQ(0, try_in_stack(&self->stack, AF_INET, SOCK_RAW,
				  IPPROTO_ICMP));
	EXPECT_EQ(0, try_in_stack(&self->stack, AF_INET, SOCK_RAW,
				  IPPROTO_UDP));
	EXPECT_EQ(EACCES, try_in_stack(&self->stack, AF_INET6, SOCK_RAW,
				       IPPROTO_ICMPV6));
	EXPECT_EQ(EACCES, try_in_stack(&self->stack, AF_INET, SOCK_STREAM, 0));
}

/* The family-wide allow-list of v4 is refused: one rule per type. */
TEST_F(permission, no_type_wildcard)
{
	char err[640];
	struct llsock_ruleset *ruleset = new_permission_ruleset();

	ASSERT_NE(NULL, ruleset);
	EXPECT_EQ(-EINVAL, llsock_add_rule_text(ruleset, "inet.*.*", err,
						sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "inet.stream.* inet.dgram.*"))
	{
		TH_LOG("%s", err);
	}
	llsock_ruleset_free(ruleset);
	EXPECT_EQ(-EINVAL, push_layer(&self->stack, "unix.*.0", NULL));
	EXPECT_EQ(0, self->stack.layers);
}

/* AF_UNIX: SOCK_RAW is a datagram socket, PF_UNIX as protocol is 0. */
TEST_F(permission, unix_rewrites)
{
	int sv[2];

	ASSERT_EQ(0, push_layer(&self->stack, "unix.dgram.0", "unix.stream.1",
				NULL));
	EXPECT_EQ(0, try_in_stack(&self->stack, AF_UNIX, SOCK_RAW, 0));
	EXPECT_EQ(0, try_in_stack(&self->stack, AF_UNIX, SOCK_DGRAM,
				  PF_UNIX));
	EXPECT_EQ(0, try_in_stack(&self->stack, AF_UNIX, SOCK_STREAM, 0));
	EXPECT_EQ(EACCES, try_in_stack(&self->stack, AF_UNIX, SOCK_SEQPACKET,
				       0));
	/* socketpair(2) goes through the same hook. */
	ASSERT_EQ(0, enter_stack(&self->stack));
	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM, PF_UNIX, sv));
	close(sv[0]);
	close(sv[1]);
	ASSERT_EQ(-1, socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv));
	ASSERT_EQ(EACCES, errno);
}

/*
 * AF_PACKET sockets report protocol 0 whatever was asked, and
 * AF_INET + SOCK_PACKET is one of them.
 */
TEST_F(permission, packet_rewrites)
{
	ASSERT_EQ(0, push_layer(&self->stack, "inet.packet.3", "packet.raw.0",
				NULL));
	EXPECT_EQ(0, try_in_stack(&self->stack, AF_INET, SOCK_PACKET,
				  htons(ETH_P_ALL)));
	EXPECT_EQ(0, try_in_stack(&self->stack, AF_PACKET, SOCK_PACKET,
				  htons(ETH_P_IP)));
	EXPECT_EQ(0, try_in_stack(&self->stack, AF_PACKET, SOCK_RAW,
				  htons(ETH_P_ARP)));
	EXPECT_EQ(EACCES, try_in_stack(&self->stack, AF_PACKET, SOCK_DGRAM,
				       htons(ETH_P_ALL)));
}

/*
 * An in-range request no rule allows is EACCES, even where the kernel
 * would refuse it; a rule for it lets the kernel's own error through.
 */
TEST_F(permission, unknown_values)
{
	/* Whatever this kernel says to an unknown family: it comes through. */
	int no_family = try_socket(AF_MAX_TESTED, SOCK_STREAM, 0);
	int bad_protocol = try_socket(AF_INET, SOCK_DGRAM, -1);

	ASSERT_NE(0, no_family);
	ASSERT_NE(0, bad_protocol);
	ASSERT_EQ(0, push_layer(&self->stack, "inet.stream.99", "45.1.0",
				"4294967295.1.0", "inet.dgram.4294967295",
				NULL));
	EXPECT_EQ(EPROTONOSUPPORT, try_in_stack(&self->stack, AF_INET,
						SOCK_STREAM, 99));
	EXPECT_EQ(EACCES, try_in_stack(&self->stack, AF_INET, SOCK_STREAM,
				       98));
	EXPECT_EQ(no_family, try_in_stack(&self->stack, AF_MAX_TESTED,
					  SOCK_STREAM, 0));
	EXPECT_EQ(EACCES, try_in_stack(&self->stack, AF_MAX_TESTED, SOCK_DGRAM,
				       0));
	/* A __u32 protocol is the int the hook sees, bit for bit. */
	EXPECT_EQ(bad_protocol, try_in_stack(&self->stack, AF_INET,
					     SOCK_DGRAM, -1));
	EXPECT_EQ(EACCES, try_in_stack(&self->stack, AF_INET, SOCK_DGRAM, -2));
}

/* More protocol rules than an entry holds inline. */
TEST_F(permission, many_protocols)
{
	ASSERT_EQ(0, push_layer(&self->stack, "inet.raw.1", "inet.raw.2",
				"inet.raw.4", "inet.raw.17", "inet.raw.41",
				"inet.raw.47", "inet.raw.50", "inet.raw.103",
				NULL));
	EXPECT_EQ(0, try_in_stack(&self->stack, AF_INET, SOCK_RAW, 1));
	EXPECT_EQ(0, try_in_stack(&self->stack, AF_INET, SOCK_RAW, 103));
	EXPECT_EQ(EACCES, try_in_stack(&self->stack, AF_INET, SOCK_RAW, 6));
	EXPECT_EQ(EACCES, try_in_stack(&self->stack, AF_INET, SOCK_RAW, 255));
}

#if !STACK_NATIVE
/* Layers of both flavours: each judged by its own rules, all must allow. */
TEST_F(permission, mixed_stack)
{
	self->stack.flavour = LLSOCK_FLAVOUR_V4;
	ASSERT_EQ(0, push_layer(&self->stack, "inet.stream.0", "unix.*.*",
				NULL));
	self->stack.flavour = LLSOCK_FLAVOUR_PERMISSION;
	ASSERT_EQ(0, push_layer(&self->stack, "inet.stream.tcp",
				"unix.stream.*", NULL));
	/* v4 allows protocol 0 only; the permission layer both twins. */
	EXPECT_EQ(0, try_in_stack(&self->stack, AF_INET, SOCK_STREAM, 0));
	EXPECT_EQ(EACCES, try_in_stack(&self->stack, AF_INET, SOCK_STREAM,
				       IPPROTO_TCP));
	EXPECT_EQ(0, try_in_stack(&self->stack, AF_UNIX, SOCK_STREAM, 0));
	EXPECT_EQ(EACCES, try_in_stack(&self->stack, AF_UNIX, SOCK_DGRAM, 0));
	/* A v4 layer on top narrows it further, by raw key. */
	self->stack.flavour = LLSOCK_FLAVOUR_V4;
	ASSERT_EQ(0, push_layer(&self->stack, "unix.stream.1", NULL));
	EXPECT_EQ(EACCES, try_in_stack(&self->stack, AF_UNIX, SOCK_STREAM, 0));
	EXPECT_EQ(0, try_in_stack(&self->stack, AF_UNIX, SOCK_STREAM, 1));
	EXPECT_EQ(EACCES, try_in_stack(&self->stack, AF_INET, SOCK_STREAM, 0));
}

/* What a policy reads back: canonical keys, and the flavour of each layer. */
TEST_F(permission, stored_canonical)
{
	struct llsock_binding_info info;
	const struct llsock_rule_info *rule;
	bool inherited;

	ASSERT_EQ(0, push_layer(&self->stack, "inet6.stream.0", "unix.raw.*",
				NULL));
	ASSERT_EQ(0, llsock_get_binding(self->stack.cg.top, &info,
					&inherited));
	ASSERT_EQ(1, info.nr_layers);
	ASSERT_EQ(LLSOCK_FLAVOUR_PERMISSION,
		  llsock_ruleset_flavour(info.layers[0].ruleset));
	ASSERT_EQ(2, llsock_ruleset_size(info.layers[0].ruleset));
	rule = llsock_ruleset_rule(info.layers[0].ruleset, 0);
	EXPECT_EQ(AF_UNIX, rule->family);
	EXPECT_EQ(SOCK_DGRAM, rule->type);
	EXPECT_EQ(LLSOCK_SOCKET_WILDCARD_PROTOCOL, rule->wildcards);
	rule = llsock_ruleset_rule(info.layers[0].ruleset, 1);
	EXPECT_EQ(AF_INET6, rule->family);
	EXPECT_EQ(IPPROTO_TCP, rule->protocol);
	llsock_binding_info_free(&info);
}
#endif

LLSOCK_TEST_MAIN

// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Ruleset and rule validation (SPEC section 2): the errno of every check,
 * in order, and every boundary of the key range table. Needs no kernel
 * support: it runs on the host and in the VM.
 */
#include "common.h"

TEST(ruleset_unknown_handled_bits)
{
	struct llsock_ruleset_attr attr = {
		.handled_access_socket = LLSOCK_ACCESS_SOCKET_CREATE << 1,
	};
	struct llsock_ruleset *ruleset;

	ASSERT_EQ(-EINVAL, llsock_create_ruleset(&attr, sizeof(attr), 0,
						 &ruleset));
	attr.handled_access_socket = ~0ULL;
	ASSERT_EQ(-EINVAL, llsock_create_ruleset(&attr, sizeof(attr), 0,
						 &ruleset));
	ASSERT_EQ(NULL, ruleset);
}

TEST(ruleset_empty)
{
	struct llsock_ruleset_attr attr = {};
	struct llsock_ruleset *ruleset;

	ASSERT_EQ(-ENOMSG, llsock_create_ruleset(&attr, sizeof(attr), 0,
						 &ruleset));
}

TEST(ruleset_flags_size_and_fault)
{
	struct llsock_ruleset_attr attr = {
		.handled_access_socket = LLSOCK_ACCESS_SOCKET_CREATE,
	};
	struct {
		struct llsock_ruleset_attr attr;
		__u64 more;
	} big = { .attr = attr };
	struct llsock_ruleset *ruleset;

	ASSERT_EQ(-EINVAL, llsock_create_ruleset(&attr, sizeof(attr), 1,
						 &ruleset));
	ASSERT_EQ(-EFAULT, llsock_create_ruleset(NULL, sizeof(attr), 0,
						 &ruleset));
	ASSERT_EQ(-EINVAL, llsock_create_ruleset(&attr, sizeof(attr) - 1, 0,
						 &ruleset));
	/* A bigger attribute is fine when its tail is zero. */
	ASSERT_EQ(0, llsock_create_ruleset(&big.attr, sizeof(big), 0,
					   &ruleset));
	llsock_ruleset_free(ruleset);
	big.more = 1;
	ASSERT_EQ(-E2BIG, llsock_create_ruleset(&big.attr, sizeof(big), 0,
						&ruleset));
}

FIXTURE(rule)
{
	struct llsock_ruleset *ruleset;
};

FIXTURE_SETUP(rule)
{
	self->ruleset = new_ruleset();
	ASSERT_NE(NULL, self->ruleset);
}

FIXTURE_TEARDOWN(rule)
{
	llsock_ruleset_free(self->ruleset);
}

TEST_F(rule, check_order)
{
	struct llsock_socket_attr rule = {
		.allowed_access = 0,
		.family = -1,
	};

	/* Every check fails here: the first one in SPEC's order wins. */
	ASSERT_EQ(-EINVAL, llsock_add_rule(self->ruleset, LLSOCK_RULE_SOCKET,
					   &rule, 1));
	ASSERT_EQ(-EBADF, llsock_add_rule(NULL, LLSOCK_RULE_SOCKET, &rule, 0));
	ASSERT_EQ(-EINVAL, llsock_add_rule(self->ruleset, 2, &rule, 0));
	ASSERT_EQ(-EFAULT, llsock_add_rule(self->ruleset, LLSOCK_RULE_SOCKET,
					   NULL, 0));
	ASSERT_EQ(-ENOMSG, llsock_add_rule(self->ruleset, LLSOCK_RULE_SOCKET,
					   &rule, 0));
	rule.allowed_access = 1ULL << 1;
	ASSERT_EQ(-EINVAL, llsock_add_rule(self->ruleset, LLSOCK_RULE_SOCKET,
					   &rule, 0));
	rule.allowed_access = LLSOCK_ACCESS_SOCKET_CREATE;
	ASSERT_EQ(-EINVAL, llsock_add_rule(self->ruleset, LLSOCK_RULE_SOCKET,
					   &rule, 0));
	rule.family = AF_INET;
	ASSERT_EQ(0, llsock_add_rule(self->ruleset, LLSOCK_RULE_SOCKET, &rule,
				     0));
	ASSERT_EQ(1, llsock_ruleset_size(self->ruleset));
}

TEST_F(rule, unhandled_access)
{
	struct llsock_socket_attr rule = {
		.allowed_access = LLSOCK_ACCESS_SOCKET_CREATE | (1ULL << 63),
		.family = AF_UNIX,
		.type = SOCK_STREAM,
	};

	ASSERT_EQ(-EINVAL, llsock_add_rule(self->ruleset, LLSOCK_RULE_SOCKET,
					   &rule, 0));
	ASSERT_EQ(0, llsock_ruleset_size(self->ruleset));
}

/* One row of SPEC's key range table. */
FIXTURE(key)
{
	struct llsock_ruleset *ruleset;
};

FIXTURE_SETUP(key)
{
	self->ruleset = new_ruleset();
	ASSERT_NE(NULL, self->ruleset);
}

FIXTURE_TEARDOWN(key)
{
	llsock_ruleset_free(self->ruleset);
}

FIXTURE_VARIANT(key)
{
	int family;
	int type;
	int protocol;
	int expected;
};

#define KEY(name, f, t, p, err)					\
	FIXTURE_VARIANT_ADD(key, name) {				\
		.family = f, .type = t, .protocol = p, .expected = err	\
	}

KEY(family_0, 0, 1, 0, 0);
KEY(family_254, 254, 1, 0, 0);
KEY(family_255, 255, 1, 0, -EINVAL);
KEY(family_minus_1, -1, 1, 0, -EINVAL);
KEY(family_minus_2, -2, 1, 0, -EINVAL);
KEY(family_int_max, 0x7fffffff, 1, 0, -EINVAL);
KEY(type_0, 2, 0, 0, 0);
KEY(type_254, 2, 254, 0, 0);
KEY(type_255, 2, 255, 0, -EINVAL);
KEY(type_any, 2, -1, 0, 0);
KEY(type_minus_2, 2, -2, 0, -EINVAL);
KEY(type_int_min, 2, (int)0x80000000, 0, -EINVAL);
KEY(protocol_0, 2, 1, 0, 0);
KEY(protocol_65534, 2, 1, 65534, 0);
KEY(protocol_65535, 2, 1, 65535, -EINVAL);
KEY(protocol_any, 2, 1, -1, 0);
KEY(protocol_minus_2, 2, 1, -2, -EINVAL);
KEY(all_wildcards, 2, -1, -1, 0);
KEY(family_any_refused, -1, -1, -1, -EINVAL);

TEST_F(key, range)
{
	struct llsock_socket_attr rule = {
		.allowed_access = LLSOCK_ACCESS_SOCKET_CREATE,
		.family = variant->family,
		.type = variant->type,
		.protocol = variant->protocol,
	};

	ASSERT_EQ(variant->expected,
		  llsock_add_rule(self->ruleset, LLSOCK_RULE_SOCKET, &rule, 0));
	ASSERT_EQ(variant->expected ? 0 : 1,
		  llsock_ruleset_size(self->ruleset));
}

TEST_F(rule, inet_packet_alias)
{
	const struct llsock_socket_attr *stored;

	ASSERT_EQ(0, add_rule(self->ruleset, AF_INET, SOCK_PACKET, 3));
	ASSERT_EQ(0, add_rule(self->ruleset, AF_INET, -1, 3));
	ASSERT_EQ(0, add_rule(self->ruleset, AF_INET6, SOCK_PACKET, 3));
	stored = llsock_ruleset_rule(self->ruleset, 0);
	ASSERT_EQ(AF_PACKET, stored->family);
	ASSERT_EQ(SOCK_PACKET, stored->type);
	ASSERT_EQ(3, stored->protocol);
	/* Only the exact pair is rewritten, as the kernel does. */
	ASSERT_EQ(AF_INET, llsock_ruleset_rule(self->ruleset, 1)->family);
	ASSERT_EQ(AF_INET6, llsock_ruleset_rule(self->ruleset, 2)->family);
}

TEST_HARNESS_MAIN

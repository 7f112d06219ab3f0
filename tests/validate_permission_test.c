// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Ruleset and rule validation of the permission flavour (SEMANTICS 5): the
 * errno of every check of landlock_create_ruleset() and landlock_add_rule()
 * for handled_permissions and LANDLOCK_RULE_SOCKET, in order, on
 * libllsock's mirror of the interface (host and VM).
 */
/* llsock-suite: host vm */
#include "common.h"

#define PERM LLSOCK_PERMISSION_SOCKET_CREATE
#define WILD LLSOCK_SOCKET_WILDCARD_PROTOCOL
#define RULE LLSOCK_RULE_SOCKET_PERMISSION

static int create(__u64 handled, struct llsock_ruleset **ruleset)
{
	struct llsock_permission_ruleset_attr attr = {
		.handled_permissions = handled,
	};

	return llsock_create_permission_ruleset(&attr, sizeof(attr), 0,
						ruleset);
}

FIXTURE(rule)
{
	struct llsock_ruleset *ruleset;
};

FIXTURE_SETUP(rule)
{
	ASSERT_EQ(0, create(PERM, &self->ruleset));
}

FIXTURE_TEARDOWN(rule)
{
	llsock_ruleset_free(self->ruleset);
}

TEST(create_ruleset)
{
	struct llsock_ruleset *ruleset = NULL;

	ASSERT_EQ(-ENOMSG, create(0, &ruleset));
	/* Upstream's namespace (bit 0) and capability (bit 1) permissions. */
	ASSERT_EQ(-EINVAL, create(1, &ruleset));
	ASSERT_EQ(-EINVAL, create(2, &ruleset));
	ASSERT_EQ(-EINVAL, create(PERM | 1, &ruleset));
	ASSERT_EQ(-EINVAL, create(PERM << 1, &ruleset));
	ASSERT_EQ(-EINVAL, create(~0ULL, &ruleset));
	ASSERT_EQ(NULL, ruleset);
	ASSERT_EQ(0, create(PERM, &ruleset));
	ASSERT_EQ(LLSOCK_FLAVOUR_PERMISSION, llsock_ruleset_flavour(ruleset));
	ASSERT_EQ(PERM, llsock_ruleset_handled(ruleset));
	llsock_ruleset_free(ruleset);
}

/* The attribute's size, as copy_min_struct_from_user() takes it. */
TEST(create_ruleset_size)
{
	struct {
		struct llsock_permission_ruleset_attr attr;
		__u64 more;
	} big = { .attr.handled_permissions = PERM };
	struct llsock_ruleset *ruleset;

	ASSERT_EQ(-EINVAL, llsock_create_permission_ruleset(&big.attr,
							    sizeof(big.attr),
							    1, &ruleset));
	ASSERT_EQ(-EFAULT, llsock_create_permission_ruleset(NULL,
							    sizeof(big.attr),
							    0, &ruleset));
	ASSERT_EQ(-EINVAL, llsock_create_permission_ruleset(&big.attr, 7, 0,
							    &ruleset));
	/* Up to handled_access_fs only: nothing handled. */
	ASSERT_EQ(-ENOMSG, llsock_create_permission_ruleset(&big.attr, 8, 0,
							    &ruleset));
	/* Short of handled_permissions: it reads as zero. */
	ASSERT_EQ(-ENOMSG, llsock_create_permission_ruleset(&big.attr, 48, 0,
							    &ruleset));
	ASSERT_EQ(0, llsock_create_permission_ruleset(&big.attr, sizeof(big),
						      0, &ruleset));
	llsock_ruleset_free(ruleset);
	big.more = 1;
	ASSERT_EQ(-E2BIG, llsock_create_permission_ruleset(&big.attr,
							   sizeof(big), 0,
							   &ruleset));
}

/* What llsock does not enforce, it refuses rather than ignores. */
TEST(create_ruleset_other_rights)
{
	struct llsock_permission_ruleset_attr attr = {
		.handled_permissions = PERM,
	};
	__u64 *fields[] = {
		&attr.handled_access_fs, &attr.handled_access_net,
		&attr.scoped, &attr.quiet_access_fs, &attr.quiet_access_net,
		&attr.quiet_scoped,
	};
	struct llsock_ruleset *ruleset;
	unsigned int i;

	for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		*fields[i] = 1;
		EXPECT_EQ(-EINVAL, llsock_create_permission_ruleset(
					   &attr, sizeof(attr), 0, &ruleset));
		*fields[i] = 0;
	}
}

/* Each check of landlock_add_rule(), each time with every later one failing. */
TEST_F(rule, check_order)
{
	struct llsock_permission_socket_attr bad = {
		.permissions = 0,
		.wildcards = 2,
		.protocol = 1,
	};

	EXPECT_EQ(-EINVAL, llsock_add_rule(self->ruleset, RULE, &bad, 1));
	EXPECT_EQ(-EBADF, llsock_add_rule(NULL, RULE, &bad, 0));
	/* 3 (v4's socket rule here), 4: unknown rule types. */
	EXPECT_EQ(-EINVAL, llsock_add_rule(self->ruleset, LLSOCK_RULE_SOCKET,
					   &bad, 0));
	EXPECT_EQ(-EINVAL, llsock_add_rule(self->ruleset, 4, &bad, 0));
	EXPECT_EQ(-EFAULT, llsock_add_rule(self->ruleset, RULE, NULL, 0));
	EXPECT_EQ(-ENOMSG, llsock_add_rule(self->ruleset, RULE, &bad, 0));
	bad.permissions = 1;
	EXPECT_EQ(-EINVAL, llsock_add_rule(self->ruleset, RULE, &bad, 0));
	bad.permissions = PERM;
	EXPECT_EQ(-EINVAL, llsock_add_rule(self->ruleset, RULE, &bad, 0));
	bad.wildcards = WILD;
	EXPECT_EQ(-EINVAL, llsock_add_rule(self->ruleset, RULE, &bad, 0));
	bad.protocol = 0;
	EXPECT_EQ(0, llsock_add_rule(self->ruleset, RULE, &bad, 0));
	EXPECT_EQ(1, llsock_ruleset_size(self->ruleset));
}

/* A permission that is not a socket one, even with the socket one. */
TEST_F(rule, not_a_socket_permission)
{
	struct llsock_permission_socket_attr rule = {
		.permissions = PERM | (PERM << 1),
	};

	EXPECT_EQ(-EINVAL, llsock_add_rule(self->ruleset, RULE, &rule, 0));
	rule.permissions = PERM | 1;
	EXPECT_EQ(-EINVAL, llsock_add_rule(self->ruleset, RULE, &rule, 0));
	EXPECT_EQ(0, llsock_ruleset_size(self->ruleset));
}

/* Every value is accepted (forward compatibility) and kept as given. */
TEST_F(rule, any_value)
{
	static const __u32 values[] = { 0, 1, 254, 255, 256, 65535, 65536,
					0x7fffffff, 0x80000000, 0xffffffff };
	unsigned int i;

	for (i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
		struct llsock_permission_socket_attr rule = {
			.permissions = PERM,
			.family = 200,
			.type = 99,
			.protocol = values[i],
		};

		ASSERT_EQ(0, llsock_add_rule(self->ruleset, RULE, &rule, 0));
		rule.family = values[i];
		rule.protocol = 7;
		ASSERT_EQ(0, llsock_add_rule(self->ruleset, RULE, &rule, 0));
		rule.family = 201;
		rule.type = values[i];
		ASSERT_EQ(0, llsock_add_rule(self->ruleset, RULE, &rule, 0));
	}
	ASSERT_EQ(3 * (sizeof(values) / sizeof(values[0])),
		  llsock_ruleset_size(self->ruleset));
}

/* Two rules naming the same socket are one rule: it merges, 0. */
TEST_F(rule, canonical_merge)
{
	struct llsock_permission_socket_attr rule = {
		.permissions = PERM,
		.family = AF_INET,
		.type = SOCK_STREAM,
		.protocol = 0,
	};
	const struct llsock_rule_info *stored;

	ASSERT_EQ(0, llsock_add_rule(self->ruleset, RULE, &rule, 0));
	rule.protocol = IPPROTO_TCP;
	ASSERT_EQ(0, llsock_add_rule(self->ruleset, RULE, &rule, 0));
	ASSERT_EQ(1, llsock_ruleset_size(self->ruleset));
	stored = llsock_ruleset_rule(self->ruleset, 0);
	EXPECT_EQ(IPPROTO_TCP, stored->protocol);
	EXPECT_EQ(0, stored->wildcards);

	/* (AF_INET, SOCK_PACKET, any) is AF_PACKET's. */
	rule.type = SOCK_PACKET;
	rule.protocol = 0;
	rule.wildcards = WILD;
	ASSERT_EQ(0, llsock_add_rule(self->ruleset, RULE, &rule, 0));
	rule.family = AF_PACKET;
	ASSERT_EQ(0, llsock_add_rule(self->ruleset, RULE, &rule, 0));
	ASSERT_EQ(2, llsock_ruleset_size(self->ruleset));
	stored = llsock_ruleset_rule(self->ruleset, 1);
	EXPECT_EQ(AF_PACKET, stored->family);
	EXPECT_EQ(WILD, stored->wildcards);
	/* The wildcard and protocol 0 are two rules. */
	rule.wildcards = 0;
	ASSERT_EQ(0, llsock_add_rule(self->ruleset, RULE, &rule, 0));
	ASSERT_EQ(3, llsock_ruleset_size(self->ruleset));
}

TEST_HARNESS_MAIN

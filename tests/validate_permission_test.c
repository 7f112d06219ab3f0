// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Ruleset and rule validation of the permission flavour (SEMANTICS 5): the
 * errno of every check of landlock_create_ruleset() and landlock_add_rule()
 * for handled_permissions and LANDLOCK_RULE_SOCKET, in order. Built twice,
 * like validate_test: on libllsock's mirror of the interface (host and VM),
 * and as validate_permission_native_test on the patched 7.3 kernel's
 * Landlock (skipped elsewhere with the reason). What only libllsock shows
 * (the rules it stored) is checked in the first only.
 */
/* llsock-suite: host vm native */
#include "stack.h"

#define PERM LLSOCK_PERMISSION_SOCKET_CREATE
#define WILD LLSOCK_SOCKET_WILDCARD_PROTOCOL
#define RULE LLSOCK_RULE_SOCKET_PERMISSION

/* The attribute layouts are one (stack.h). */
static int create_attr(const struct llsock_permission_ruleset_attr *attr,
		       size_t size, __u32 flags, struct ruleset *ruleset)
{
	ruleset_init(ruleset);
	if (!STACK_NATIVE)
		return llsock_create_permission_ruleset(attr, size, flags,
							&ruleset->llsock);
	ruleset->fd = native_create_permission_ruleset(
		(const struct native_permission_ruleset_attr *)attr, size,
		flags);
	return ruleset->fd < 0 ? -errno : 0;
}

static int create(__u64 handled, struct ruleset *ruleset)
{
	struct llsock_permission_ruleset_attr attr = {
		.handled_permissions = handled,
	};

	return create_attr(&attr, sizeof(attr), 0, ruleset);
}

/* landlock_add_rule() on @ruleset, or on no ruleset at all (EBADF). */
static int add(const struct ruleset *ruleset, int type, const void *attr,
	       __u32 flags)
{
	if (!STACK_NATIVE)
		return llsock_add_rule(ruleset ? ruleset->llsock : NULL, type,
				       attr, flags);
	return native_add_rule(ruleset ? ruleset->fd : -1, type, attr,
			       flags) ? -errno : 0;
}

/* The rules libllsock stored; native Landlock does not tell. */
#define EXPECT_STORED(_ruleset, _n)					\
	do {								\
		if (!STACK_NATIVE)					\
			EXPECT_EQ(_n, llsock_ruleset_size((_ruleset)->llsock)); \
	} while (0)

FIXTURE(rule)
{
	struct ruleset ruleset;
};

FIXTURE_SETUP(rule)
{
	ruleset_init(&self->ruleset);
	BACKEND_SETUP(LLSOCK_FLAVOUR_PERMISSION);
	ASSERT_EQ(0, create(PERM, &self->ruleset));
}

FIXTURE_TEARDOWN(rule)
{
	free_ruleset(&self->ruleset);
}

FIXTURE(create)
{
	struct ruleset ruleset;
};

FIXTURE_SETUP(create)
{
	ruleset_init(&self->ruleset);
	BACKEND_SETUP(LLSOCK_FLAVOUR_PERMISSION);
}

FIXTURE_TEARDOWN(create)
{
	free_ruleset(&self->ruleset);
}

TEST_F(create, handled_permissions)
{
	struct ruleset *ruleset = &self->ruleset;

	ASSERT_EQ(-ENOMSG, create(0, ruleset));
	/* Upstream's namespace (bit 0) and capability (bit 1) permissions. */
	ASSERT_EQ(-EINVAL, create(1, ruleset));
	ASSERT_EQ(-EINVAL, create(2, ruleset));
	ASSERT_EQ(-EINVAL, create(PERM | 1, ruleset));
	ASSERT_EQ(-EINVAL, create(PERM << 1, ruleset));
	ASSERT_EQ(-EINVAL, create(~0ULL, ruleset));
	ASSERT_EQ(NULL, ruleset->llsock);
	ASSERT_EQ(-1, ruleset->fd);
	ASSERT_EQ(0, create(PERM, ruleset));
	if (!STACK_NATIVE) {
		ASSERT_EQ(LLSOCK_FLAVOUR_PERMISSION,
			  llsock_ruleset_flavour(ruleset->llsock));
		ASSERT_EQ(PERM, llsock_ruleset_handled(ruleset->llsock));
	}
}

/* The attribute's size, as copy_min_struct_from_user() takes it. */
TEST_F(create, size)
{
	struct {
		struct llsock_permission_ruleset_attr attr;
		__u64 more;
	} big = { .attr.handled_permissions = PERM };
	struct ruleset *ruleset = &self->ruleset;

	ASSERT_EQ(-EINVAL, create_attr(&big.attr, sizeof(big.attr), 1,
				       ruleset));
	ASSERT_EQ(-EFAULT, create_attr(NULL, sizeof(big.attr), 0, ruleset));
	ASSERT_EQ(-EINVAL, create_attr(&big.attr, 7, 0, ruleset));
	/* Up to handled_access_fs only: nothing handled. */
	ASSERT_EQ(-ENOMSG, create_attr(&big.attr, 8, 0, ruleset));
	/* Short of handled_permissions: it reads as zero. */
	ASSERT_EQ(-ENOMSG, create_attr(&big.attr, 48, 0, ruleset));
	ASSERT_EQ(0, create_attr(&big.attr, sizeof(big), 0, ruleset));
	free_ruleset(ruleset);
	big.more = 1;
	ASSERT_EQ(-E2BIG, create_attr(&big.attr, sizeof(big), 0, ruleset));
}

#if !STACK_NATIVE
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
#endif

/* Each check of landlock_add_rule(), each time with every later one failing. */
TEST_F(rule, check_order)
{
	struct llsock_permission_socket_attr bad = {
		.permissions = 0,
		.wildcards = 2,
		.protocol = 1,
	};

	EXPECT_EQ(-EINVAL, add(&self->ruleset, RULE, &bad, 1));
	EXPECT_EQ(-EBADF, add(NULL, RULE, &bad, 0));
	/* 3 (v4's socket rule here), 4: unknown rule types. */
	EXPECT_EQ(-EINVAL, add(&self->ruleset, LLSOCK_RULE_SOCKET,
					   &bad, 0));
	EXPECT_EQ(-EINVAL, add(&self->ruleset, 4, &bad, 0));
	EXPECT_EQ(-EFAULT, add(&self->ruleset, RULE, NULL, 0));
	EXPECT_EQ(-ENOMSG, add(&self->ruleset, RULE, &bad, 0));
	bad.permissions = 1;
	EXPECT_EQ(-EINVAL, add(&self->ruleset, RULE, &bad, 0));
	bad.permissions = PERM;
	EXPECT_EQ(-EINVAL, add(&self->ruleset, RULE, &bad, 0));
	bad.wildcards = WILD;
	EXPECT_EQ(-EINVAL, add(&self->ruleset, RULE, &bad, 0));
	bad.protocol = 0;
	EXPECT_EQ(0, add(&self->ruleset, RULE, &bad, 0));
	EXPECT_STORED(&self->ruleset, 1);
}

/* A permission that is not a socket one, even with the socket one. */
TEST_F(rule, not_a_socket_permission)
{
	struct llsock_permission_socket_attr rule = {
		.permissions = PERM | (PERM << 1),
	};

	EXPECT_EQ(-EINVAL, add(&self->ruleset, RULE, &rule, 0));
	rule.permissions = PERM | 1;
	EXPECT_EQ(-EINVAL, add(&self->ruleset, RULE, &rule, 0));
	EXPECT_STORED(&self->ruleset, 0);
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

		ASSERT_EQ(0, add(&self->ruleset, RULE, &rule, 0));
		rule.family = values[i];
		rule.protocol = 7;
		ASSERT_EQ(0, add(&self->ruleset, RULE, &rule, 0));
		rule.family = 201;
		rule.type = values[i];
		ASSERT_EQ(0, add(&self->ruleset, RULE, &rule, 0));
	}
	EXPECT_STORED(&self->ruleset, 3 * (sizeof(values) / sizeof(values[0])));
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

	ASSERT_EQ(0, add(&self->ruleset, RULE, &rule, 0));
	rule.protocol = IPPROTO_TCP;
	ASSERT_EQ(0, add(&self->ruleset, RULE, &rule, 0));
	EXPECT_STORED(&self->ruleset, 1);
	if (!STACK_NATIVE) {
		stored = llsock_ruleset_rule(self->ruleset.llsock, 0);
		EXPECT_EQ(IPPROTO_TCP, stored->protocol);
		EXPECT_EQ(0, stored->wildcards);
	}

	/* (AF_INET, SOCK_PACKET, any) is AF_PACKET's. */
	rule.type = SOCK_PACKET;
	rule.protocol = 0;
	rule.wildcards = WILD;
	ASSERT_EQ(0, add(&self->ruleset, RULE, &rule, 0));
	rule.family = AF_PACKET;
	ASSERT_EQ(0, add(&self->ruleset, RULE, &rule, 0));
	EXPECT_STORED(&self->ruleset, 2);
	if (!STACK_NATIVE) {
		stored = llsock_ruleset_rule(self->ruleset.llsock, 1);
		EXPECT_EQ(AF_PACKET, stored->family);
		EXPECT_EQ(WILD, stored->wildcards);
	}
	/* The wildcard and protocol 0 are two rules. */
	rule.wildcards = 0;
	ASSERT_EQ(0, add(&self->ruleset, RULE, &rule, 0));
	EXPECT_STORED(&self->ruleset, 3);
}

TEST_HARNESS_MAIN

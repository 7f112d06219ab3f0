// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Ruleset and rule validation (SEMANTICS 2): the errno of every check,
 * in order, and every boundary of the key range table. Built twice, like
 * socket_test: validate_test checks libllsock (no kernel support needed:
 * it runs on the host and in the VM), validate_native_test the same table
 * against native Landlock (patched kernel; skipped elsewhere with the
 * reason). The tests of libllsock's own interface (attribute sizes, its
 * view of the stored rules) are in the first only.
 */
/* llsock-suite: host vm native */
#include "stack.h"

#define ALLOW LLSOCK_ACCESS_SOCKET_CREATE

static int create_ruleset(__u64 handled, struct ruleset *ruleset)
{
	struct native_ruleset_attr native = {
		.handled_access_socket = handled,
	};
	struct llsock_ruleset_attr attr = {
		.handled_access_socket = handled,
	};

	ruleset_init(ruleset);
	if (!STACK_NATIVE)
		return llsock_create_ruleset(&attr, sizeof(attr), 0,
					     &ruleset->llsock);
	ruleset->fd = native_create_ruleset(&native, sizeof(native), 0);
	return ruleset->fd < 0 ? -errno : 0;
}

/* One attribute layout for both (stack.h). */
static int add_socket_rule(struct ruleset *ruleset,
			   const struct llsock_socket_attr *rule, __u32 flags)
{
	if (!STACK_NATIVE)
		return llsock_add_rule(ruleset->llsock, LLSOCK_RULE_SOCKET,
				       rule, flags);
	return native_add_rule(ruleset->fd, NATIVE_RULE_SOCKET, rule,
			       flags) ? -errno : 0;
}

FIXTURE(ruleset)
{
	struct ruleset ruleset;
};

FIXTURE_SETUP(ruleset)
{
	ruleset_init(&self->ruleset);
	BACKEND_SETUP(LLSOCK_FLAVOUR_V4);
}

FIXTURE_TEARDOWN(ruleset)
{
	free_ruleset(&self->ruleset);
}

TEST_F(ruleset, unknown_handled_bits)
{
	ASSERT_EQ(-EINVAL, create_ruleset(ALLOW << 1, &self->ruleset));
	ASSERT_EQ(-EINVAL, create_ruleset(~0ULL, &self->ruleset));
	ASSERT_EQ(NULL, self->ruleset.llsock);
	ASSERT_EQ(-1, self->ruleset.fd);
}

TEST_F(ruleset, empty)
{
	ASSERT_EQ(-ENOMSG, create_ruleset(0, &self->ruleset));
}

#if STACK_NATIVE
/* SEMANTICS 2 check 3: a ruleset handling no socket right takes no socket rule. */
TEST_F(ruleset, no_socket_right_handled)
{
	struct native_ruleset_attr attr = {
		.handled_access_fs = NATIVE_ACCESS_FS_EXECUTE,
	};
	struct llsock_socket_attr rule = {
		.allowed_access = ALLOW,
		.family = AF_UNIX,
		.type = -1,
		.protocol = -1,
	};

	self->ruleset.fd = native_create_ruleset(&attr, sizeof(attr), 0);
	ASSERT_LE(0, self->ruleset.fd);
	ASSERT_EQ(-EINVAL, add_socket_rule(&self->ruleset, &rule, 0));
}
#else
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
#endif

FIXTURE(rule)
{
	struct ruleset ruleset;
};

FIXTURE_SETUP(rule)
{
	ruleset_init(&self->ruleset);
	BACKEND_SETUP(LLSOCK_FLAVOUR_V4);
	ASSERT_EQ(0, create_ruleset(ALLOW, &self->ruleset));
}

FIXTURE_TEARDOWN(rule)
{
	free_ruleset(&self->ruleset);
}

TEST_F(rule, check_order)
{
	struct llsock_socket_attr rule = {
		.allowed_access = 0,
		.family = -1,
	};
	struct ruleset *ruleset = &self->ruleset;
	struct ruleset none = { NULL, -1 };

	/* Every check fails here: the first one in SEMANTICS 2's order wins. */
	ASSERT_EQ(-EINVAL, add_socket_rule(ruleset, &rule, 1));
	ASSERT_EQ(-EBADF, add_socket_rule(&none, &rule, 0));
#if !STACK_NATIVE
	/* Rule types: libllsock knows only the socket one. */
	ASSERT_EQ(-EINVAL, llsock_add_rule(ruleset->llsock, 2, &rule, 0));
#endif
	ASSERT_EQ(-EFAULT, add_socket_rule(ruleset, NULL, 0));
	ASSERT_EQ(-ENOMSG, add_socket_rule(ruleset, &rule, 0));
	rule.allowed_access = 1ULL << 1;
	ASSERT_EQ(-EINVAL, add_socket_rule(ruleset, &rule, 0));
	rule.allowed_access = LLSOCK_ACCESS_SOCKET_CREATE;
	ASSERT_EQ(-EINVAL, add_socket_rule(ruleset, &rule, 0));
	rule.family = AF_INET;
	ASSERT_EQ(0, add_socket_rule(ruleset, &rule, 0));
#if !STACK_NATIVE
	ASSERT_EQ(1, llsock_ruleset_size(ruleset->llsock));
#endif
}

TEST_F(rule, unhandled_access)
{
	struct llsock_socket_attr rule = {
		.allowed_access = LLSOCK_ACCESS_SOCKET_CREATE | (1ULL << 63),
		.family = AF_UNIX,
		.type = SOCK_STREAM,
	};

	ASSERT_EQ(-EINVAL, add_socket_rule(&self->ruleset, &rule, 0));
#if !STACK_NATIVE
	ASSERT_EQ(0, llsock_ruleset_size(self->ruleset.llsock));
#endif
}

/* One row of SEMANTICS 2's key range table. */
FIXTURE(key)
{
	struct ruleset ruleset;
};

FIXTURE_SETUP(key)
{
	ruleset_init(&self->ruleset);
	BACKEND_SETUP(LLSOCK_FLAVOUR_V4);
	ASSERT_EQ(0, create_ruleset(ALLOW, &self->ruleset));
}

FIXTURE_TEARDOWN(key)
{
	free_ruleset(&self->ruleset);
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
		  add_socket_rule(&self->ruleset, &rule, 0));
#if !STACK_NATIVE
	ASSERT_EQ(variant->expected ? 0 : 1,
		  llsock_ruleset_size(self->ruleset.llsock));
#endif
}

#if !STACK_NATIVE
/* What libllsock stores; socket_test checks what both backends enforce. */
TEST_F(rule, inet_packet_alias)
{
	struct llsock_ruleset *ruleset = self->ruleset.llsock;
	const struct llsock_rule_info *stored;

	ASSERT_EQ(0, add_rule(ruleset, AF_INET, SOCK_PACKET, 3));
	ASSERT_EQ(0, add_rule(ruleset, AF_INET, -1, 3));
	ASSERT_EQ(0, add_rule(ruleset, AF_INET6, SOCK_PACKET, 3));
	stored = llsock_ruleset_rule(ruleset, 0);
	ASSERT_EQ(AF_PACKET, stored->family);
	ASSERT_EQ(SOCK_PACKET, stored->type);
	ASSERT_EQ(3, stored->protocol);
	/* Only the exact pair is rewritten, as the kernel does. */
	ASSERT_EQ(AF_INET, llsock_ruleset_rule(ruleset, 1)->family);
	ASSERT_EQ(AF_INET6, llsock_ruleset_rule(ruleset, 2)->family);
}
#endif

TEST_HARNESS_MAIN

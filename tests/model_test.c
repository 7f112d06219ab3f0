// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Host unit tests of the reference model (tests/model.c), the third oracle
 * of the differential test: SEMANTICS 2 and 3 case by case, then the
 * model against libllsock's own validation on every combination of edge
 * values.
 */
/* llsock-suite: host */
#include "common.h"
#include "model.h"

#define ALLOW MODEL_ACCESS_SOCKET_CREATE
#define ANY MODEL_ANY

static struct model_rule dummy;

static int add(struct model_layer *layer, int family, int type, int protocol)
{
	struct model_rule *rule = &layer->rules[layer->nr_rules];
	int ret;

	/* The attribute pointer only has to be readable. */
	ret = model_add_rule(layer->handled, 0, &dummy, ALLOW, family, type,
			     protocol, rule);
	if (!ret)
		layer->nr_rules++;
	return ret;
}

static void init_layer(struct model_layer *layer)
{
	layer->flavour = MODEL_V4;
	layer->handled = ALLOW;
	layer->nr_rules = 0;
}

TEST(create_ruleset)
{
	ASSERT_EQ(0, model_create_ruleset(ALLOW));
	ASSERT_EQ(-ENOMSG, model_create_ruleset(0));
	ASSERT_EQ(-EINVAL, model_create_ruleset(ALLOW << 1));
	ASSERT_EQ(-EINVAL, model_create_ruleset(~0ULL));
}

/* SEMANTICS 2: flags, then the attribute, then allowed_access, then the key. */
TEST(add_rule_check_order)
{
	ASSERT_EQ(-EINVAL, model_add_rule(ALLOW, 1, NULL, 0, -5, -5, -5,
					  &dummy));
	ASSERT_EQ(-EFAULT, model_add_rule(ALLOW, 0, NULL, 0, -5, -5, -5,
					  &dummy));
	ASSERT_EQ(-ENOMSG, model_add_rule(ALLOW, 0, &dummy, 0, -5, -5, -5,
					  &dummy));
	ASSERT_EQ(-EINVAL, model_add_rule(0, 0, &dummy, ALLOW, 1, 1, 0,
					  &dummy));
	ASSERT_EQ(-EINVAL, model_add_rule(ALLOW, 0, &dummy, ALLOW | 2, 1, 1,
					  0, &dummy));
	ASSERT_EQ(-EINVAL, model_add_rule(ALLOW, 0, &dummy, ALLOW, -1, 1, 0,
					  &dummy));
	ASSERT_EQ(0, model_add_rule(ALLOW, 0, &dummy, ALLOW, 1, 1, 0,
				    &dummy));
}

/* SEMANTICS 2's range table, each boundary. */
TEST(add_rule_ranges)
{
	static const struct {
		int family, type, protocol, expected;
	} cases[] = {
		{ 0, 0, 0, 0 },
		{ 254, 254, 65534, 0 },
		{ 255, 1, 0, -EINVAL },
		{ -1, 1, 0, -EINVAL },
		{ 1, -1, 0, 0 },
		{ 1, -2, 0, -EINVAL },
		{ 1, 255, 0, -EINVAL },
		{ 1, 1, -1, 0 },
		{ 1, 1, -2, -EINVAL },
		{ 1, 1, 65535, -EINVAL },
		{ 1, -1, -1, 0 },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		EXPECT_EQ(cases[i].expected,
			  model_add_rule(ALLOW, 0, &dummy, ALLOW,
					 cases[i].family, cases[i].type,
					 cases[i].protocol, &dummy))
		{
			TH_LOG("%d.%d.%d", cases[i].family, cases[i].type,
			       cases[i].protocol);
		}
}

TEST(add_rule_inet_packet_alias)
{
	struct model_rule stored;

	ASSERT_EQ(0, model_add_rule(ALLOW, 0, &stored, ALLOW, AF_INET,
				    SOCK_PACKET, 768, &stored));
	ASSERT_EQ(AF_PACKET, stored.family);
	ASSERT_EQ(SOCK_PACKET, stored.type);
	ASSERT_EQ(768, stored.protocol);
	/* Only that pair: a wildcard type is not SOCK_PACKET. */
	ASSERT_EQ(0, model_add_rule(ALLOW, 0, &stored, ALLOW, AF_INET, ANY,
				    768, &stored));
	ASSERT_EQ(AF_INET, stored.family);
}

/* SEMANTICS 3's own examples of layers. */
TEST(verdict_narrowing_layers)
{
	struct model_layer layers[3];

	init_layer(&layers[0]);
	ASSERT_EQ(0, add(&layers[0], AF_INET, ANY, ANY));
	init_layer(&layers[1]);
	ASSERT_EQ(0, add(&layers[1], AF_INET, SOCK_STREAM, ANY));
	init_layer(&layers[2]);
	ASSERT_EQ(0, add(&layers[2], AF_INET, SOCK_STREAM, 0));

	ASSERT_EQ(0, model_verdict(layers, 1, AF_INET, SOCK_DGRAM, 17));
	ASSERT_EQ(EACCES, model_verdict(layers, 2, AF_INET, SOCK_DGRAM, 17));
	ASSERT_EQ(0, model_verdict(layers, 2, AF_INET, SOCK_STREAM, 132));
	ASSERT_EQ(EACCES, model_verdict(layers, 3, AF_INET, SOCK_STREAM, 132));
	ASSERT_EQ(0, model_verdict(layers, 3, AF_INET, SOCK_STREAM, 0));
	ASSERT_EQ(EACCES, model_verdict(layers, 3, AF_INET, SOCK_STREAM, 6));
}

TEST(verdict_empty_layer_wins)
{
	struct model_layer layers[3];

	init_layer(&layers[0]);
	ASSERT_EQ(0, add(&layers[0], AF_UNIX, ANY, ANY));
	init_layer(&layers[1]);
	init_layer(&layers[2]);
	ASSERT_EQ(0, add(&layers[2], AF_UNIX, ANY, ANY));
	ASSERT_EQ(0, model_verdict(layers, 0, AF_UNIX, SOCK_STREAM, 0));
	ASSERT_EQ(0, model_verdict(layers, 1, AF_UNIX, SOCK_STREAM, 0));
	ASSERT_EQ(EACCES, model_verdict(layers, 2, AF_UNIX, SOCK_STREAM, 0));
	ASSERT_EQ(EACCES, model_verdict(layers, 3, AF_UNIX, SOCK_STREAM, 0));
}

TEST(verdict_unhandled_layer_ignored)
{
	struct model_layer layers[2];

	init_layer(&layers[0]);
	ASSERT_EQ(0, add(&layers[0], AF_UNIX, SOCK_DGRAM, 0));
	layers[1].handled = 0;
	layers[1].nr_rules = 0;
	ASSERT_EQ(0, model_verdict(layers, 2, AF_UNIX, SOCK_DGRAM, 0));
	ASSERT_EQ(EACCES, model_verdict(layers, 2, AF_UNIX, SOCK_STREAM, 0));
}

/* Each of the four keys alone allows; nothing else does. */
TEST(verdict_four_keys)
{
	static const int keys[4][2] = {
		{ SOCK_DGRAM, 17 }, { ANY, 17 }, { SOCK_DGRAM, ANY },
		{ ANY, ANY },
	};
	struct model_layer layer;
	int i;

	for (i = 0; i < 4; i++) {
		init_layer(&layer);
		ASSERT_EQ(0, add(&layer, AF_INET, keys[i][0], keys[i][1]));
		EXPECT_EQ(0, model_verdict(&layer, 1, AF_INET, SOCK_DGRAM, 17));
		EXPECT_EQ(EACCES, model_verdict(&layer, 1, AF_INET6,
						SOCK_DGRAM, 17));
	}
	init_layer(&layer);
	ASSERT_EQ(0, add(&layer, AF_INET, SOCK_DGRAM, 0));
	ASSERT_EQ(0, add(&layer, AF_INET, SOCK_STREAM, 17));
	ASSERT_EQ(EACCES, model_verdict(&layer, 1, AF_INET, SOCK_DGRAM, 17));
}

TEST(verdict_no_protocol_aliasing)
{
	struct model_layer layer;

	init_layer(&layer);
	ASSERT_EQ(0, add(&layer, AF_INET, SOCK_STREAM, 0));
	ASSERT_EQ(0, model_verdict(&layer, 1, AF_INET, SOCK_STREAM, 0));
	ASSERT_EQ(EACCES, model_verdict(&layer, 1, AF_INET, SOCK_STREAM, 6));
	init_layer(&layer);
	ASSERT_EQ(0, add(&layer, AF_INET, SOCK_STREAM, 6));
	ASSERT_EQ(EACCES, model_verdict(&layer, 1, AF_INET, SOCK_STREAM, 0));
}

/* The whole path: the kernel's checks first, then the hook, then its own. */
TEST(socket_path)
{
	struct model_layer layer;
	enum model_stage stage;

	init_layer(&layer);
	ASSERT_EQ(0, add(&layer, AF_UNIX, SOCK_DGRAM, 0));
	ASSERT_EQ(0, add(&layer, AF_INET, SOCK_PACKET, 768));
	ASSERT_EQ(0, add(&layer, 12, ANY, ANY));

	/* Flags are dropped; any other bit above the type is refused. */
	ASSERT_EQ(0, model_socket(&layer, 1, AF_UNIX, SOCK_DGRAM |
				  SOCK_NONBLOCK | SOCK_CLOEXEC, 0, 0, &stage));
	ASSERT_EQ(MODEL_PAST_HOOK, stage);
	ASSERT_EQ(EINVAL, model_socket(&layer, 1, AF_UNIX, SOCK_DGRAM | 0x10,
				       0, 0, &stage));
	ASSERT_EQ(MODEL_BEFORE_HOOK, stage);
	/* Ranges the kernel refuses before the hook, denied or not. */
	ASSERT_EQ(EAFNOSUPPORT, model_socket(&layer, 1, MODEL_NPROTO,
					     SOCK_STREAM, 0, EAFNOSUPPORT,
					     &stage));
	ASSERT_EQ(MODEL_BEFORE_HOOK, stage);
	ASSERT_EQ(EAFNOSUPPORT, model_socket(&layer, 1, -1, SOCK_STREAM, 0,
					     EAFNOSUPPORT, NULL));
	ASSERT_EQ(EINVAL, model_socket(&layer, 1, AF_UNIX, MODEL_SOCK_MAX, 0,
				       EINVAL, NULL));
	ASSERT_EQ(EINVAL, model_socket(&layer, 1, AF_UNIX, -1, 0, EINVAL,
				       NULL));
	/* The hook sees AF_PACKET for AF_INET + SOCK_PACKET. */
	ASSERT_EQ(0, model_socket(&layer, 1, AF_INET, SOCK_PACKET, 768, 0,
				  NULL));
	ASSERT_EQ(0, model_socket(&layer, 1, AF_PACKET, SOCK_PACKET, 768, 0,
				  NULL));
	/* Denied: EACCES, whatever the kernel would have said. */
	ASSERT_EQ(EACCES, model_socket(&layer, 1, 13, SOCK_STREAM, 0,
				       EAFNOSUPPORT, &stage));
	ASSERT_EQ(MODEL_HOOK_DENIED, stage);
	/* Allowed: the kernel's own answer. */
	ASSERT_EQ(EAFNOSUPPORT, model_socket(&layer, 1, 12, SOCK_STREAM, 0,
					     EAFNOSUPPORT, &stage));
	ASSERT_EQ(MODEL_PAST_HOOK, stage);
}

/*
 * The model and libllsock agree on every add_rule() over the cross product
 * of edge values: allowed_access, flags, handled rights and the key.
 */
TEST(add_rule_agrees_with_libllsock)
{
	static const __u64 alloweds[] = { 0, 1, 2, 3, ~0ULL };
	static const __u32 flagses[] = { 0, 1, 0x80000000 };
	static const int families[] = { -2, -1, 0, 1, 2, 17, 254, 255, 256,
					INT_MIN, INT_MAX };
	static const int types[] = { -3, -2, -1, 0, 1, 10, 254, 255, 256,
				     INT_MIN, INT_MAX };
	static const int protocols[] = { -3, -2, -1, 0, 6, 255, 65534, 65535,
					 65536, INT_MIN, INT_MAX };
	size_t a, fl, f, t, p, checked = 0;
	struct llsock_ruleset *ruleset = new_ruleset();

	ASSERT_NE(NULL, ruleset);
	for (a = 0; a < sizeof(alloweds) / sizeof(alloweds[0]); a++)
	for (fl = 0; fl < sizeof(flagses) / sizeof(flagses[0]); fl++)
	for (f = 0; f < sizeof(families) / sizeof(families[0]); f++)
	for (t = 0; t < sizeof(types) / sizeof(types[0]); t++)
	for (p = 0; p < sizeof(protocols) / sizeof(protocols[0]); p++) {
		struct llsock_socket_attr attr = {
			.allowed_access = alloweds[a],
			.family = families[f],
			.type = types[t],
			.protocol = protocols[p],
		};
		int expected = model_add_rule(ALLOW, flagses[fl], &attr,
					      alloweds[a], families[f],
					      types[t], protocols[p], &dummy);

		ASSERT_EQ(expected, llsock_add_rule(ruleset,
						    LLSOCK_RULE_SOCKET, &attr,
						    flagses[fl]))
		{
			TH_LOG("allowed %#llx flags %#x key %d.%d.%d",
			       (unsigned long long)alloweds[a], flagses[fl],
			       families[f], types[t], protocols[p]);
		}
		checked++;
	}
	ASSERT_EQ(5 * 3 * 11 * 11 * 11, checked);
	llsock_ruleset_free(ruleset);
}

/* SEMANTICS 5. */
#define PERM MODEL_PERMISSION_SOCKET_CREATE
#define WILD MODEL_WILDCARD_PROTOCOL

static void init_permission_layer(struct model_layer *layer)
{
	layer->flavour = MODEL_PERMISSION;
	layer->handled = PERM;
	layer->nr_rules = 0;
}

static int add_permission(struct model_layer *layer, __u32 wildcards,
			  __u32 family, __u32 type, __u32 protocol)
{
	struct model_rule *rule = &layer->rules[layer->nr_rules];
	int ret;

	ret = model_add_permission_rule(layer->handled, 0, &dummy, PERM,
					wildcards, family, type, protocol,
					rule);
	if (!ret)
		layer->nr_rules++;
	return ret;
}

TEST(permission_create_ruleset)
{
	ASSERT_EQ(0, model_create_permission_ruleset(PERM));
	ASSERT_EQ(-ENOMSG, model_create_permission_ruleset(0));
	/* Upstream's namespace and capability permissions: unknown here. */
	ASSERT_EQ(-EINVAL, model_create_permission_ruleset(1));
	ASSERT_EQ(-EINVAL, model_create_permission_ruleset(2));
	ASSERT_EQ(-EINVAL, model_create_permission_ruleset(PERM << 1));
}

/* Each check of landlock_add_rule(), and the order between them. */
TEST(permission_add_rule_order)
{
	struct model_rule stored;

	ASSERT_EQ(-EINVAL, model_add_permission_rule(PERM, 1, NULL, 0, 9,
						     0, 0, 1, &stored));
	ASSERT_EQ(-EFAULT, model_add_permission_rule(PERM, 0, NULL, 0, 9, 0,
						     0, 1, &stored));
	ASSERT_EQ(-ENOMSG, model_add_permission_rule(PERM, 0, &dummy, 0, 9,
						     0, 0, 1, &stored));
	ASSERT_EQ(-EINVAL, model_add_permission_rule(PERM, 0, &dummy, 1, 0,
						     2, 1, 0, &stored));
	ASSERT_EQ(-EINVAL, model_add_permission_rule(PERM, 0, &dummy,
						     PERM | 1, 0, 2, 1, 0,
						     &stored));
	ASSERT_EQ(-EINVAL, model_add_permission_rule(PERM, 0, &dummy, PERM,
						     2, 2, 1, 0, &stored));
	ASSERT_EQ(-EINVAL, model_add_permission_rule(PERM, 0, &dummy, PERM,
						     WILD, 2, 1, 6, &stored));
	/* Any value is accepted, even one no kernel has. */
	ASSERT_EQ(0, model_add_permission_rule(PERM, 0, &dummy, PERM, 0,
					       0xffffffff, 0xffffffff,
					       0xffffffff, &stored));
	ASSERT_EQ(-1, stored.family);
	ASSERT_EQ(0, model_add_permission_rule(PERM, 0, &dummy, PERM, WILD,
					       1, SOCK_RAW, 0, &stored));
	/* A rule for any protocol takes its family's and type's rewrites. */
	ASSERT_EQ(SOCK_DGRAM, stored.type);
	ASSERT_EQ(0, stored.protocol);
}

/* Protocol 0 and the type's default are one key, both ways. */
TEST(permission_canonical_twins)
{
	struct model_layer layers[2];

	init_permission_layer(&layers[0]);
	ASSERT_EQ(0, add_permission(&layers[0], 0, AF_INET, SOCK_STREAM, 0));
	ASSERT_EQ(0, model_verdict(layers, 1, AF_INET, SOCK_STREAM, 0));
	ASSERT_EQ(0, model_verdict(layers, 1, AF_INET, SOCK_STREAM,
				   IPPROTO_TCP));
	ASSERT_EQ(EACCES, model_verdict(layers, 1, AF_INET, SOCK_STREAM,
					IPPROTO_MPTCP));
	ASSERT_EQ(EACCES, model_verdict(layers, 1, AF_INET6, SOCK_STREAM, 0));

	init_permission_layer(&layers[1]);
	ASSERT_EQ(0, add_permission(&layers[1], 0, AF_INET, SOCK_STREAM,
				    IPPROTO_TCP));
	ASSERT_EQ(0, model_verdict(layers, 2, AF_INET, SOCK_STREAM, 0));
	/* The v4 flavour keeps them apart: the same rule in a v4 layer. */
	init_layer(&layers[1]);
	ASSERT_EQ(0, add(&layers[1], AF_INET, SOCK_STREAM, IPPROTO_TCP));
	ASSERT_EQ(EACCES, model_verdict(layers, 2, AF_INET, SOCK_STREAM, 0));
	ASSERT_EQ(0, model_verdict(layers, 2, AF_INET, SOCK_STREAM,
				   IPPROTO_TCP));
}

TEST(permission_wildcard_and_unknown_values)
{
	struct model_layer layer;

	init_permission_layer(&layer);
	ASSERT_EQ(0, add_permission(&layer, WILD, AF_UNIX, SOCK_DGRAM, 0));
	ASSERT_EQ(0, add_permission(&layer, 0, 200, 7, 9));
	ASSERT_EQ(0, model_verdict(&layer, 1, AF_UNIX, SOCK_DGRAM, 0));
	/* SOCK_RAW is a datagram socket for AF_UNIX. */
	ASSERT_EQ(0, model_verdict(&layer, 1, AF_UNIX, SOCK_RAW, 0));
	ASSERT_EQ(0, model_verdict(&layer, 1, AF_UNIX, SOCK_DGRAM, 77));
	ASSERT_EQ(EACCES, model_verdict(&layer, 1, AF_UNIX, SOCK_STREAM, 0));
	/* A rule for what no kernel has lets it through to the kernel. */
	ASSERT_EQ(0, model_verdict(&layer, 1, 200, 7, 9));
	ASSERT_EQ(EACCES, model_verdict(&layer, 1, 200, 7, 10));
	/* A layer of the other flavour's right handles nothing here. */
	layer.handled = ALLOW;
	ASSERT_EQ(0, model_verdict(&layer, 1, AF_INET, SOCK_STREAM, 0));
}

TEST_HARNESS_MAIN

// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Host unit tests: the RULE syntax, names, policy files, LL_SOCKET_CREATE,
 * and the merged rule table the BPF program reads, checked against the
 * reference model of SEMANTICS 3 on random layer stacks.
 */
/* llsock-suite: host */
#include "common.h"
#include "internal.h"
#include "model.h"
#include "canon.h"

FIXTURE(good_rule)
{
	struct llsock_socket_attr rule;
	char err[256];
};

FIXTURE_SETUP(good_rule)
{
	self->err[0] = '\0';
}

FIXTURE_TEARDOWN(good_rule)
{
}

/* A text, and the key it must give. */
FIXTURE_VARIANT(good_rule)
{
	const char *text;
	int family;
	int type;
	int protocol;
};

#define GOOD(name, t, f, ty, p)						\
	FIXTURE_VARIANT_ADD(good_rule, name) {				\
		.text = t, .family = f, .type = ty, .protocol = p	\
	}

GOOD(names, "inet.stream.tcp", AF_INET, SOCK_STREAM, IPPROTO_TCP);
GOOD(numbers, "2.1.6", 2, 1, 6);
GOOD(wildcards, "unix.*.*", AF_UNIX, -1, -1);
GOOD(minus_one, "10.-1.-1", AF_INET6, -1, -1);
GOOD(prefixed_names, "AF_INET6.SOCK_DGRAM.IPPROTO_UDP", 10, 2, 17);
GOOD(pf_prefix, "PF_PACKET.raw.all", AF_PACKET, SOCK_RAW, 0x0300);
GOOD(mixed_case, "Inet.Stream.MPTCP", AF_INET, SOCK_STREAM, 262);
GOOD(netlink, "netlink.raw.route", AF_NETLINK, SOCK_RAW, 0);
GOOD(netlink_generic, "netlink.dgram.generic", AF_NETLINK, SOCK_DGRAM, 16);
GOOD(vsock, "vsock.stream.0", 40, SOCK_STREAM, 0);
GOOD(smc, "smc.stream.smc6", 43, SOCK_STREAM, 1);
GOOD(sctp, "inet6.seqpacket.sctp", AF_INET6, SOCK_SEQPACKET, 132);
GOOD(bounds, "254.254.65534", 254, 254, 65534);
GOOD(zero, "0.0.0", 0, 0, 0);

TEST_F(good_rule, parse)
{
	memset(&self->rule, 0xff, sizeof(self->rule));
	ASSERT_EQ(0, llsock_parse_rule(variant->text, &self->rule, self->err,
				       sizeof(self->err)))
	{
		TH_LOG("\"%s\": %s", variant->text, self->err);
	}
	ASSERT_EQ(LLSOCK_ACCESS_SOCKET_CREATE, self->rule.allowed_access);
	ASSERT_EQ(variant->family, self->rule.family);
	ASSERT_EQ(variant->type, self->rule.type);
	ASSERT_EQ(variant->protocol, self->rule.protocol);
}

/* Printing then parsing a rule gives the same key. */
TEST_F(good_rule, format_round_trip)
{
	struct llsock_socket_attr again;
	struct llsock_rule_info info;
	char text[96];

	ASSERT_EQ(0, llsock_parse_rule(variant->text, &self->rule, NULL, 0));
	info = (struct llsock_rule_info){
		.allowed = self->rule.allowed_access,
		.family = self->rule.family,
		.type = self->rule.type,
		.protocol = self->rule.protocol,
	};
	llsock_format_rule(&info, text, sizeof(text));
	ASSERT_EQ(0, llsock_parse_rule(text, &again, self->err,
				       sizeof(self->err)))
	{
		TH_LOG("\"%s\" printed as \"%s\": %s", variant->text, text,
		       self->err);
	}
	ASSERT_EQ(self->rule.family, again.family);
	ASSERT_EQ(self->rule.type, again.type);
	ASSERT_EQ(self->rule.protocol, again.protocol);
}

FIXTURE(bad_rule)
{
	char err[256];
};

FIXTURE_SETUP(bad_rule)
{
	self->err[0] = '\0';
}

FIXTURE_TEARDOWN(bad_rule)
{
}

/* A text, and a piece of the error message it must give. */
FIXTURE_VARIANT(bad_rule)
{
	const char *text;
	const char *error;
};

#define BAD(name, t, why)						\
	FIXTURE_VARIANT_ADD(bad_rule, name) { .text = t, .error = why }

BAD(family_wildcard, "*.stream.tcp", "family cannot be a wildcard");
BAD(family_minus_one, "-1.stream.0", "family -1 out of range");
BAD(family_255, "255.1.0", "family 255 out of range");
BAD(type_255, "inet.255.0", "type 255 out of range");
BAD(type_minus_two, "inet.-2.0", "type -2 out of range");
BAD(protocol_65535, "inet.stream.65535", "protocol 65535 out of range");
BAD(protocol_minus_two, "inet.stream.-2", "protocol -2 out of range");
BAD(unknown_family, "inet7.stream.tcp", "unknown family name \"inet7\"");
BAD(unknown_type, "inet.streams.tcp", "unknown type name \"streams\"");
BAD(unknown_protocol, "inet.stream.tcpp", "unknown protocol name \"tcpp\"");
BAD(no_protocol_names, "vsock.stream.tcp", "no protocol names");
BAD(two_fields, "inet.stream", "not family.type.protocol");
BAD(four_fields, "inet.stream.tcp.x", "not family.type.protocol");
BAD(empty_field, "inet..tcp", "empty type");
BAD(empty, "", "not family.type.protocol");
BAD(hex_is_not_a_number, "inet.stream.0x6", "unknown protocol name");
BAD(spaces, "inet. stream.tcp", "unknown type name");

TEST_F(bad_rule, parse)
{
	struct llsock_socket_attr rule, untouched;

	memset(&rule, 0x5a, sizeof(rule));
	untouched = rule;
	ASSERT_EQ(-EINVAL, llsock_parse_rule(variant->text, &rule, self->err,
					     sizeof(self->err)));
	ASSERT_NE(NULL, strstr(self->err, variant->error))
	{
		TH_LOG("error for \"%s\": \"%s\", expected \"%s\"",
		       variant->text, self->err, variant->error);
	}
	/* A failed parse leaves the output alone. */
	ASSERT_EQ(0, memcmp(&rule, &untouched, sizeof(rule)));
}

TEST(format_names)
{
	struct llsock_rule_info rule = { .allowed = LLSOCK_ACCESS_SOCKET_CREATE,
					 .family = AF_INET, .type = -1,
					 .protocol = IPPROTO_TCP };
	char text[96];

	ASSERT_STREQ("inet.*.tcp", llsock_format_rule(&rule, text,
						      sizeof(text)));
	/* Protocol 0 of inet is "the default", not IPPROTO_IP by name. */
	rule.type = SOCK_STREAM;
	rule.protocol = 0;
	ASSERT_STREQ("inet.stream.0", llsock_format_rule(&rule, text,
							 sizeof(text)));
	rule.family = 200;
	rule.type = 77;
	rule.protocol = 65534;
	ASSERT_STREQ("200.77.65534", llsock_format_rule(&rule, text,
							sizeof(text)));
	rule.family = AF_NETLINK;
	rule.type = SOCK_RAW;
	rule.protocol = 0;
	ASSERT_STREQ("netlink.raw.route", llsock_format_rule(&rule, text,
							     sizeof(text)));
}

/* The permission flavour's text: '*' for the protocol only, u32 values. */
TEST(permission_parse)
{
	struct llsock_permission_socket_attr rule;
	char err[640];

	ASSERT_EQ(0, llsock_parse_permission_rule("inet.dgram.*", &rule, err,
						  sizeof(err)));
	ASSERT_EQ(LLSOCK_SOCKET_WILDCARD_PROTOCOL, rule.wildcards);
	ASSERT_EQ(0, rule.protocol);
	ASSERT_EQ(0, llsock_parse_permission_rule("inet.dgram.-1", &rule, err,
						  sizeof(err)));
	ASSERT_EQ(LLSOCK_SOCKET_WILDCARD_PROTOCOL, rule.wildcards);
	/* 2^32 - 1 is a protocol like any other, not the wildcard. */
	ASSERT_EQ(0, llsock_parse_permission_rule("inet.dgram.4294967295",
						  &rule, err, sizeof(err)));
	ASSERT_EQ(0, rule.wildcards);
	ASSERT_EQ(0xffffffffU, rule.protocol);
	ASSERT_EQ(0, llsock_parse_permission_rule("300.77.70000", &rule, err,
						  sizeof(err)));
	ASSERT_EQ(300, rule.family);
	ASSERT_EQ(-EINVAL, llsock_parse_permission_rule("inet.dgram.4294967296",
							&rule, err,
							sizeof(err)));
	ASSERT_EQ(-EINVAL, llsock_parse_permission_rule("*.stream.0", &rule,
							err, sizeof(err)));
	ASSERT_EQ(-EINVAL, llsock_parse_permission_rule("inet.*.tcp", &rule,
							err, sizeof(err)));
	ASSERT_STREQ("inet.*.tcp: the permission flavour has no type wildcard; a family-wide allow-list is one rule per type: inet.stream.tcp inet.dgram.tcp inet.raw.tcp inet.rdm.tcp inet.seqpacket.tcp inet.dccp.tcp inet.packet.tcp",
		     err);
	ASSERT_EQ(-EINVAL, llsock_parse_permission_rule("unix.-1.*", &rule,
							err, sizeof(err)));
}

/* @read(a file holding @text, @arg, @err, @size): a policy from a string. */
static int read_text(const char *text,
		     int (*read)(FILE *file, void *arg, char *err, size_t size),
		     void *arg, char *err, size_t size)
{
	FILE *file = fmemopen((void *)text, strlen(text), "r");
	int ret;

	if (!file)
		return -errno;
	ret = read(file, arg, err, size);
	fclose(file);
	return ret;
}

static int read_policy(FILE *file, void *ruleset, char *err, size_t size)
{
	return llsock_parse_policy(file, ruleset, err, size);
}

static int parse_policy_text(const char *text, struct llsock_ruleset *ruleset,
			     char *err, size_t size)
{
	return read_text(text, read_policy, ruleset, err, size);
}

TEST(policy_file)
{
	struct llsock_ruleset *ruleset = new_ruleset();
	char err[256] = "";

	ASSERT_NE(NULL, ruleset);
	ASSERT_EQ(3, parse_policy_text("# web server\n"
				       "unix.*.*\n"
				       "\n"
				       "  inet.stream.tcp   # IPv4\n"
				       "\tinet6.stream.tcp\n",
				       ruleset, err, sizeof(err)));
	ASSERT_EQ(3, llsock_ruleset_size(ruleset));
	ASSERT_EQ(AF_INET6, llsock_ruleset_rule(ruleset, 2)->family);
	llsock_ruleset_free(ruleset);
}

TEST(policy_file_errors)
{
	struct llsock_ruleset *ruleset = new_ruleset();
	char err[256] = "";

	ASSERT_NE(NULL, ruleset);
	ASSERT_EQ(-EINVAL, parse_policy_text("unix.*.*\n\ninet.stream.99999\n",
					     ruleset, err, sizeof(err)));
	ASSERT_NE(NULL, strstr(err, "line 3: protocol 99999 out of range"))
	{
		TH_LOG("got \"%s\"", err);
	}
	ASSERT_EQ(-EINVAL, parse_policy_text("unix.*.* inet.*.*\n", ruleset,
					     err, sizeof(err)));
	ASSERT_NE(NULL, strstr(err, "line 1: one rule per line"));
	/* The empty policy is valid: it allows no socket. */
	ASSERT_EQ(0, parse_policy_text("# nothing\n", ruleset, err,
				       sizeof(err)));
	llsock_ruleset_free(ruleset);
}

TEST(sandboxer_environment)
{
	struct llsock_ruleset *ruleset = new_ruleset();
	char err[256] = "";

	ASSERT_NE(NULL, ruleset);
	ASSERT_EQ(3, llsock_parse_env("2.1.6:1.-1.-1:10.2.17", ruleset, err,
				      sizeof(err)));
	ASSERT_EQ(AF_UNIX, llsock_ruleset_rule(ruleset, 1)->family);
	ASSERT_EQ(-1, llsock_ruleset_rule(ruleset, 1)->type);
	ASSERT_EQ(0, llsock_parse_env("", ruleset, err, sizeof(err)));
	ASSERT_EQ(-EINVAL, llsock_parse_env("2.1.6:2.1", ruleset, err,
					    sizeof(err)));
	ASSERT_NE(NULL, strstr(err, "entry 2:"))
	{
		TH_LOG("got \"%s\"", err);
	}
	llsock_ruleset_free(ruleset);
}

/* As in a Landlock ruleset, a rule on a key already there merges into it. */
TEST(same_key_merges)
{
	struct llsock_ruleset *ruleset = new_ruleset();
	int i;

	ASSERT_NE(NULL, ruleset);
	ASSERT_EQ(0, add_rule(ruleset, AF_INET, SOCK_STREAM, 6));
	ASSERT_EQ(0, add_rule(ruleset, AF_UNIX, -1, -1));
	ASSERT_EQ(0, add_rule(ruleset, AF_INET, SOCK_STREAM, 6));
	ASSERT_EQ(2, llsock_ruleset_size(ruleset));
	/* The alias makes these two one key. */
	ASSERT_EQ(0, add_rule(ruleset, AF_INET, SOCK_PACKET, 3));
	ASSERT_EQ(0, add_rule(ruleset, AF_PACKET, SOCK_PACKET, 3));
	ASSERT_EQ(3, llsock_ruleset_size(ruleset));
	/* Insertion order stays. */
	ASSERT_EQ(AF_INET, llsock_ruleset_rule(ruleset, 0)->family);
	ASSERT_EQ(AF_PACKET, llsock_ruleset_rule(ruleset, 2)->family);

	/* Many keys, each twice, through several index rebuilds. */
	for (i = 0; i < 5000; i++)
		ASSERT_EQ(0, add_rule(ruleset, i % 200, -1, i));
	for (i = 0; i < 5000; i++)
		ASSERT_EQ(0, add_rule(ruleset, i % 200, -1, i));
	ASSERT_EQ(5003, llsock_ruleset_size(ruleset));
	ASSERT_EQ(5003, llsock_ruleset_normalize(ruleset));
	ASSERT_EQ(0, llsock_ruleset_rule(ruleset, 0)->family);
	/* Adding after a normalization still finds the keys. */
	ASSERT_EQ(0, add_rule(ruleset, AF_INET, SOCK_STREAM, 6));
	ASSERT_EQ(5003, llsock_ruleset_size(ruleset));
	llsock_ruleset_free(ruleset);
}

/*
 * The merged table against the model. Keys are drawn from a small space so
 * that rules and requests collide often, plus the edges of each range.
 */
static unsigned int rng_state;

static unsigned int rng(void)
{
	rng_state = rng_state * 1103515245 + 12345;
	return (rng_state >> 8) & 0xffffff;
}

static int pick(const int *values, size_t n)
{
	return values[rng() % n];
}

static const int families[] = { 0, 1, 2, 10, 16, 17, 44, 45, 254 };
static const int rule_types[] = { -1, 0, 1, 2, 3, 5, 10, 15, 16, 254 };
static const int request_types[] = { 0, 1, 2, 3, 5, 10, 15 };
/* More than LLSOCK_INLINE_PROTOCOLS, so that some entries overflow. */
static const int protocols[] = { -1, -1, 0, 1, 6, 17, 132, 262, 300, 301,
				 65534 };
static const int request_protocols[] = { -1, -2, 0, 1, 6, 17, 132, 262,
					  300, 301, 65534, 65535, 70000,
					  0x7fffffff };

#define N(a) (sizeof(a) / sizeof((a)[0]))

/*
 * A random key for a rule (@request false) or a request: from the common
 * keys of the round most of the time, else at random; in a dense round,
 * one family and one type, so that many protocol rules share an entry.
 */
static void random_key(const struct model_rule *common, size_t nr_common,
		       bool dense, bool request, int *family, int *type,
		       int *protocol)
{
	const struct model_rule *shared = &common[rng() % nr_common];
	bool random = rng() % (request ? 2 : 3) == 0;

	if (dense) {
		*family = AF_INET;
		*type = request ? SOCK_STREAM : (rng() % 4 ? SOCK_STREAM : -1);
		*protocol = (int)(rng() % 24) - (request ? 2 : 1);
		return;
	}
	*family = random ? pick(families, N(families)) : shared->family;
	if (request)
		*type = random || shared->type < 0 ||
			shared->type >= LLSOCK_TYPE_SLOTS ?
			pick(request_types, N(request_types)) : shared->type;
	else
		*type = random ? pick(rule_types, N(rule_types)) :
			shared->type;
	if (request)
		*protocol = random || shared->protocol < 0 ?
			pick(request_protocols, N(request_protocols)) :
			shared->protocol;
	else
		*protocol = random ? pick(protocols, N(protocols)) :
			shared->protocol;
}

TEST(merged_table_matches_model)
{
	static struct model_layer layers[LLSOCK_MAX_LAYERS];
	const struct llsock_ruleset *rulesets[LLSOCK_MAX_LAYERS];
	unsigned int round, checked = 0, allowed = 0, overflows = 0;

	rng_state = 42;
	for (round = 0; round < 2000; round++) {
		/* Mostly shallow stacks, sometimes the deepest. */
		unsigned int nr_layers = 1 + rng() % (round % 4 ? 3 :
						     LLSOCK_MAX_LAYERS);
		bool dense = round % 3 == 0;
		struct model_rule common[4];
		struct llsock_table table;
		unsigned int i, j;
		__u16 required, canonical;

		/* Keys most layers share, so that some requests pass. */
		for (j = 0; j < N(common); j++) {
			common[j].family = pick(families, N(families));
			common[j].type = pick(rule_types, N(rule_types));
			common[j].protocol = pick(protocols, N(protocols));
		}
		for (i = 0; i < nr_layers; i++) {
			struct llsock_ruleset *ruleset = new_ruleset();
			unsigned int nr_rules = rng() % (dense ? 40 : 12);

			ASSERT_NE(NULL, ruleset);
			layers[i].handled = MODEL_ACCESS_SOCKET_CREATE;
			layers[i].nr_rules = 0;
			for (j = 0; j < nr_rules; j++) {
				struct model_rule *rule =
					&layers[i].rules[layers[i].nr_rules];
				int family, type, protocol;

				random_key(common, N(common), dense, false,
					   &family, &type, &protocol);
				ASSERT_EQ(0, model_add_rule(
					MODEL_ACCESS_SOCKET_CREATE, 0, rule,
					MODEL_ACCESS_SOCKET_CREATE, family,
					type, protocol, rule));
				layers[i].nr_rules++;
				ASSERT_EQ(0, add_rule(ruleset, family, type,
						      protocol));
			}
			rulesets[i] = ruleset;
		}
		ASSERT_EQ(0, llsock_merge_layers(rulesets, nr_layers, 7,
						 &table, &required, &canonical));
		ASSERT_EQ((1U << nr_layers) - 1, required);
		overflows += table.nr_protocols > 0;

		for (j = 0; j < 200; j++) {
			int family, type, protocol, expected;
			bool got;

			random_key(common, N(common), dense, true, &family,
				   &type, &protocol);
			expected = model_verdict(layers, nr_layers, family,
						 type, protocol);
			got = llsock_table_allows(&table, required, 0, family,
						  type, protocol);
			ASSERT_EQ(expected == 0, got)
			{
				TH_LOG("round %u: %u layers, request %d.%d.%d: model %s, table %s",
				       round, nr_layers, family, type,
				       protocol, expected ? "denies" : "allows",
				       got ? "allows" : "denies");
			}
			checked++;
			allowed += got;
		}
		llsock_table_free(&table);
		for (i = 0; i < nr_layers; i++)
			llsock_ruleset_free((struct llsock_ruleset *)rulesets[i]);
	}
	/* Both outcomes, and overflowing entries, well represented. */
	TH_LOG("%u requests, %u allowed, %u tables with protocol entries",
	       checked, allowed, overflows);
	ASSERT_LT(checked / 10, allowed);
	ASSERT_LT(checked / 10, checked - allowed);
	ASSERT_LT(200, overflows);
}

TEST(merged_table_shape)
{
	const struct llsock_ruleset *layers[1];
	struct llsock_ruleset *ruleset = new_ruleset();
	struct llsock_table table;
	__u16 required, canonical;
	size_t i;
	int p;

	ASSERT_NE(NULL, ruleset);
	/* A type wildcard covers the 16 type slots; type 16+ never matches. */
	ASSERT_EQ(0, add_rule(ruleset, AF_INET, -1, -1));
	ASSERT_EQ(0, add_rule(ruleset, AF_INET, 200, 6));
	layers[0] = ruleset;
	ASSERT_EQ(0, llsock_merge_layers(layers, 1, 1, &table, &required, &canonical));
	ASSERT_EQ(16, table.nr_entries);
	ASSERT_EQ(0, table.nr_protocols);
	llsock_table_free(&table);

	/* Protocol rules go inline while they fit... */
	for (p = 0; p < LLSOCK_INLINE_PROTOCOLS; p++)
		ASSERT_EQ(0, add_rule(ruleset, AF_INET, SOCK_DGRAM, 100 + p));
	ASSERT_EQ(0, llsock_merge_layers(layers, 1, 1, &table, &required, &canonical));
	ASSERT_EQ(16, table.nr_entries);
	ASSERT_EQ(0, table.nr_protocols);
	for (i = 0; i < table.nr_entries; i++)
		if (table.entries[i].key.type == SOCK_DGRAM)
			ASSERT_EQ(LLSOCK_INLINE_PROTOCOLS,
				  table.entries[i].value.nr_protocols);
	llsock_table_free(&table);

	/*
	 * ...and all go to the protocol entries when they do not, one per
	 * chunk of LLSOCK_PROTOCOL_CHUNK protocols: 7, and 100 to 105.
	 */
	ASSERT_EQ(0, add_rule(ruleset, AF_INET, -1, 7));
	ASSERT_EQ(0, llsock_merge_layers(layers, 1, 1, &table, &required, &canonical));
	ASSERT_EQ(16, table.nr_entries);
	ASSERT_EQ(2, table.nr_protocols);
	ASSERT_EQ(7 / LLSOCK_PROTOCOL_CHUNK, table.protocols[0].key.chunk);
	ASSERT_EQ(100 / LLSOCK_PROTOCOL_CHUNK, table.protocols[1].key.chunk);
	for (p = 0; p < LLSOCK_PROTOCOL_CHUNK; p++) {
		int protocol = 100 / LLSOCK_PROTOCOL_CHUNK *
			       LLSOCK_PROTOCOL_CHUNK + p;

		ASSERT_EQ(protocol >= 100 && protocol <= 105 ? 1 : 0,
			  table.protocols[1].value.allowed[p]);
		ASSERT_EQ(p == 7 % LLSOCK_PROTOCOL_CHUNK ? 1 : 0,
			  table.protocols[0].value.allowed[p]);
	}

	for (i = 0; i < table.nr_entries; i++) {
		const struct llsock_rule *rule = &table.entries[i].value;

		ASSERT_EQ(table.entries[i].key.type == SOCK_DGRAM,
			  rule->overflow);
		ASSERT_EQ(table.entries[i].key.type == SOCK_DGRAM ? 0 : 1,
			  rule->nr_protocols);
	}
	ASSERT_TRUE(llsock_table_allows(&table, 1, 0, AF_INET, SOCK_DGRAM, 105));
	ASSERT_TRUE(llsock_table_allows(&table, 1, 0, AF_INET, SOCK_DGRAM, 7));
	llsock_table_free(&table);
	llsock_ruleset_free(ruleset);

	/* Without wildcards: a chunk's other protocols, other chunks. */
	ruleset = new_ruleset();
	ASSERT_NE(NULL, ruleset);
	for (p = 0; p <= LLSOCK_INLINE_PROTOCOLS; p++)
		ASSERT_EQ(0, add_rule(ruleset, AF_INET6, SOCK_DGRAM, 100 + p));
	layers[0] = ruleset;
	ASSERT_EQ(0, llsock_merge_layers(layers, 1, 1, &table, &required, &canonical));
	ASSERT_EQ(1, table.nr_protocols);
	for (p = 0; p <= LLSOCK_INLINE_PROTOCOLS; p++)
		ASSERT_TRUE(llsock_table_allows(&table, 1, 0, AF_INET6,
						SOCK_DGRAM, 100 + p));
	ASSERT_FALSE(llsock_table_allows(&table, 1, 0, AF_INET6, SOCK_DGRAM,
					 99));
	ASSERT_FALSE(llsock_table_allows(&table, 1, 0, AF_INET6, SOCK_DGRAM,
					 100 + LLSOCK_INLINE_PROTOCOLS + 1));
	ASSERT_FALSE(llsock_table_allows(&table, 1, 0, AF_INET6, SOCK_DGRAM,
					 100 + LLSOCK_PROTOCOL_CHUNK));
	ASSERT_FALSE(llsock_table_allows(&table, 1, 0, AF_INET6, SOCK_DGRAM,
					 (int)(0x80000000U | 100)));
	ASSERT_FALSE(llsock_table_allows(&table, 1, 0, AF_INET6, SOCK_STREAM,
					 100));
	llsock_table_free(&table);
	llsock_ruleset_free(ruleset);
}

TEST(merge_too_many_layers)
{
	const struct llsock_ruleset *layers[LLSOCK_MAX_LAYERS + 1];
	struct llsock_ruleset *ruleset = new_ruleset();
	struct llsock_table table;
	__u16 required, canonical;
	int i;

	ASSERT_NE(NULL, ruleset);
	for (i = 0; i <= LLSOCK_MAX_LAYERS; i++)
		layers[i] = ruleset;
	ASSERT_EQ(-E2BIG, llsock_merge_layers(layers, LLSOCK_MAX_LAYERS + 1,
					      1, &table, &required, &canonical));
	ASSERT_EQ(0, llsock_merge_layers(layers, LLSOCK_MAX_LAYERS, 1,
					 &table, &required, &canonical));
	ASSERT_EQ(0xffff, required);
	llsock_table_free(&table);
	llsock_ruleset_free(ruleset);
}

/*
 * The canonicalisation table (bpf/canon.h): the rewrites measured once on
 * the kernels of the matrix (tests/canon_test.c measures them again on
 * each), and what the table keeps.
 */
static const struct llsock_canon_rule canon_rules[] = LLSOCK_CANON_RULES;
#define NR_CANON_RULES	((int)(sizeof(canon_rules) / sizeof(canon_rules[0])))

TEST(canon_known_rewrites)
{
	static const struct {
		__s32 in[3], out[3];
	} cases[] = {
		{ { AF_INET, SOCK_PACKET, 768 }, { AF_PACKET, SOCK_PACKET, 0 } },
		{ { AF_UNIX, SOCK_RAW, 0 }, { AF_UNIX, SOCK_DGRAM, 0 } },
		{ { AF_UNIX, SOCK_RAW, 1 }, { AF_UNIX, SOCK_DGRAM, 0 } },
		{ { AF_UNIX, SOCK_STREAM, 1 }, { AF_UNIX, SOCK_STREAM, 0 } },
		/* The kernel refuses it: kept, so that no rule allows it. */
		{ { AF_UNIX, SOCK_STREAM, 5 }, { AF_UNIX, SOCK_STREAM, 5 } },
		{ { AF_INET, SOCK_STREAM, 0 }, { AF_INET, SOCK_STREAM, 6 } },
		{ { AF_INET6, SOCK_DGRAM, 0 }, { AF_INET6, SOCK_DGRAM, 17 } },
		{ { AF_INET, SOCK_SEQPACKET, 0 }, { AF_INET, SOCK_SEQPACKET, 132 } },
		{ { AF_INET6, SOCK_DCCP, 0 }, { AF_INET6, SOCK_DCCP, 33 } },
		{ { AF_INET, SOCK_RAW, 0 }, { AF_INET, SOCK_RAW, 0 } },
		{ { AF_INET, SOCK_STREAM, 262 }, { AF_INET, SOCK_STREAM, 262 } },
		{ { AF_PACKET, SOCK_RAW, 768 }, { AF_PACKET, SOCK_RAW, 0 } },
		{ { AF_KEY, SOCK_RAW, 2 }, { AF_KEY, SOCK_RAW, 0 } },
		{ { 40, SOCK_STREAM, 40 }, { 40, SOCK_STREAM, 0 } },
		{ { AF_NETLINK, SOCK_RAW, 16 }, { AF_NETLINK, SOCK_RAW, 16 } },
		{ { AF_CAN, SOCK_RAW, 1 }, { AF_CAN, SOCK_RAW, 0 } },
		{ { AF_CAN, SOCK_DGRAM, 7 }, { AF_CAN, SOCK_DGRAM, 7 } },
		{ { 200, 7, 9 }, { 200, 7, 9 } },
	};
	unsigned int i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		__s32 f = cases[i].in[0], t = cases[i].in[1],
		      p = cases[i].in[2];

		llsock_canonical(canon_rules, NR_CANON_RULES, &f, &t, &p);
		EXPECT_EQ(cases[i].out[0], f);
		EXPECT_EQ(cases[i].out[1], t);
		EXPECT_EQ(cases[i].out[2], p);
	}
}

/*
 * The table's family and type rewrites hold whatever the protocol, which
 * is what lets a rule for any protocol be canonicalised on its own
 * (llsock_canonical_any_protocol()); and canonical keys are fixed points.
 */
TEST(canon_table_shape)
{
	static const int values[] = { -1, 0, 1, 2, 3, 5, 6, 7, 10, 15, 16, 17,
				      29, 33, 40, 132, 262, 768, 70000 };
	unsigned int i, a, b, c;

	for (i = 0; i < NR_CANON_RULES; i++) {
		/* Sorted by family; a rewrite never lowers the family. */
		if (i)
			EXPECT_LE(canon_rules[i - 1].family,
				  canon_rules[i].family);
		if (canon_rules[i].to_family != LLSOCK_CANON_ANY)
			EXPECT_GT(canon_rules[i].to_family,
				  canon_rules[i].family);
		if (canon_rules[i].protocol == LLSOCK_CANON_ANY)
			continue;
		EXPECT_EQ(LLSOCK_CANON_ANY, canon_rules[i].to_family);
		EXPECT_EQ(LLSOCK_CANON_ANY, canon_rules[i].to_type);
	}
	for (a = 0; a < N(values); a++)
		for (b = 0; b < N(values); b++)
			for (c = 0; c < N(values); c++) {
				__s32 f = values[a], t = values[b],
				      p = values[c], f2, t2, p2;

				llsock_canonical(canon_rules, NR_CANON_RULES,
						 &f, &t, &p);
				f2 = f, t2 = t, p2 = p;
				llsock_canonical(canon_rules, NR_CANON_RULES,
						 &f2, &t2, &p2);
				ASSERT_EQ(f, f2);
				ASSERT_EQ(t, t2);
				ASSERT_EQ(p, p2);
			}
}

/* Values around every rewrite of the table, and a few it does not know. */
static const int mixed_families[] = { 1, 2, 10, 15, 16, 17, 29, 40, 200 };
static const int mixed_types[] = { 1, 2, 3, 5, 6, 10 };
static const int mixed_protocols[] = { 0, 0, 1, 2, 6, 17, 33, 40, 132, 768,
				       70000, -1 };

/* A key of the round's common ones two times in three, else at random. */
static void mixed_key(const int common[][3], int *f, int *t, int *p)
{
	const int *key = common[rng() % 3];
	bool random = rng() % 3 == 0;

	*f = random ? pick(mixed_families, N(mixed_families)) : key[0];
	*t = random ? pick(mixed_types, N(mixed_types)) : key[1];
	*p = random ? pick(mixed_protocols, N(mixed_protocols)) : key[2];
}

/*
 * Stacks of both flavours, merged into one table, against the model layer
 * by layer: the permission layers through the canonical key space.
 */
TEST(merged_table_matches_model_mixed)
{
	static struct model_layer layers[LLSOCK_MAX_LAYERS];
	const struct llsock_ruleset *rulesets[LLSOCK_MAX_LAYERS];
	unsigned int round, checked = 0, allowed = 0, mixed = 0;

	rng_state = 7;
	for (round = 0; round < 2000; round++) {
		unsigned int nr_layers = 1 + rng() % (round % 4 ? 3 :
						     LLSOCK_MAX_LAYERS);
		struct llsock_table table;
		__u16 required, canonical, permission = 0;
		unsigned int i, j;
		int common[3][3];

		for (j = 0; j < 3; j++) {
			common[j][0] = pick(mixed_families, N(mixed_families));
			common[j][1] = pick(mixed_types, N(mixed_types));
			common[j][2] = pick(mixed_protocols,
					    N(mixed_protocols));
		}

		for (i = 0; i < nr_layers; i++) {
			bool perm = rng() % 2;
			struct llsock_ruleset *ruleset =
				perm ? new_permission_ruleset() : new_ruleset();
			unsigned int nr_rules = rng() % 8;

			ASSERT_NE(NULL, ruleset);
			memset(&layers[i], 0, sizeof(layers[i]));
			layers[i].flavour = perm ? MODEL_PERMISSION : MODEL_V4;
			layers[i].handled = perm ?
				MODEL_PERMISSION_SOCKET_CREATE :
				MODEL_ACCESS_SOCKET_CREATE;
			permission |= perm << i;
			for (j = 0; j < nr_rules; j++) {
				struct model_rule *rule =
					&layers[i].rules[layers[i].nr_rules++];
				int f, t, p;

				mixed_key((const int (*)[3])common, &f, &t,
					  &p);

				if (perm) {
					struct llsock_permission_socket_attr a = {
						.permissions = LLSOCK_PERMISSION_SOCKET_CREATE,
						.family = f,
						.type = t,
						.protocol = p,
					};

					/* -1: any protocol (0 with the wildcard). */
					if (p == -1) {
						a.wildcards = LLSOCK_SOCKET_WILDCARD_PROTOCOL;
						a.protocol = 0;
					}
					ASSERT_EQ(0, model_add_permission_rule(
						MODEL_PERMISSION_SOCKET_CREATE,
						0, &a, a.permissions,
						a.wildcards, a.family, a.type,
						a.protocol, rule));
					ASSERT_EQ(0, llsock_add_rule(ruleset,
						LLSOCK_RULE_SOCKET_PERMISSION,
						&a, 0));
				} else {
					ASSERT_EQ(0, model_add_rule(
						MODEL_ACCESS_SOCKET_CREATE, 0,
						rule, MODEL_ACCESS_SOCKET_CREATE,
						f, rng() % 4 ? t : -1,
						p > LLSOCK_PROTOCOL_MAX ? 300 : p,
						rule));
					ASSERT_EQ(0, add_rule(ruleset,
							      rule->family,
							      rule->type,
							      rule->protocol));
				}
			}
			rulesets[i] = ruleset;
		}
		ASSERT_EQ(0, llsock_merge_layers(rulesets, nr_layers, 3,
						 &table, &required,
						 &canonical));
		ASSERT_EQ((1U << nr_layers) - 1, required);
		ASSERT_EQ(permission, canonical);
		mixed += canonical && canonical != required;

		for (j = 0; j < 200; j++) {
			int f, t, p, expected;
			bool got;

			mixed_key((const int (*)[3])common, &f, &t, &p);
			expected = model_verdict(layers, nr_layers, f, t, p);
			got = llsock_table_allows(&table, required, canonical,
						  f, t, p);

			ASSERT_EQ(expected == 0, got)
			{
				TH_LOG("round %u: %u layers (permission %#x), request %d.%d.%d: model %s, table %s",
				       round, nr_layers, canonical, f, t, p,
				       expected ? "denies" : "allows",
				       got ? "allows" : "denies");
			}
			checked++;
			allowed += got;
		}
		llsock_table_free(&table);
		for (i = 0; i < nr_layers; i++)
			llsock_ruleset_free((struct llsock_ruleset *)rulesets[i]);
	}
	TH_LOG("%u requests, %u allowed, %u mixed stacks", checked, allowed,
	       mixed);
	ASSERT_LT(checked / 20, allowed);
	ASSERT_LT(checked / 10, checked - allowed);
	ASSERT_LT(200, mixed);
}

/*
 * A policy's flavour line (libllsock.h): read before the ruleset is made,
 * and checked again while its rules are added.
 */
static int read_flavour(FILE *file, void *flavour, char *err, size_t size)
{
	return llsock_policy_flavour(file, flavour, err, size);
}

static int policy_flavour_text(const char *text, enum llsock_flavour *flavour,
			       char *err, size_t size)
{
	return read_text(text, read_flavour, flavour, err, size);
}

TEST(policy_flavour_line)
{
	enum llsock_flavour flavour = LLSOCK_FLAVOUR_V4;
	char err[LLSOCK_ERR_SIZE] = "";

	ASSERT_EQ(3, policy_flavour_text("# a comment\n\nflavour permission # why\n"
					 "inet.stream.0\n", &flavour, err,
					 sizeof(err)));
	ASSERT_EQ(LLSOCK_FLAVOUR_PERMISSION, flavour);
	ASSERT_EQ(1, policy_flavour_text("\tflavour\tv4\n", &flavour, err,
					 sizeof(err)));
	ASSERT_EQ(LLSOCK_FLAVOUR_V4, flavour);
	/* None before the first rule: none at all, for the reader. */
	ASSERT_EQ(0, policy_flavour_text("unix.*.*\nflavour permission\n",
					 &flavour, err, sizeof(err)));
	ASSERT_EQ(0, policy_flavour_text("", &flavour, err, sizeof(err)));
	/* A rule of that name would need dots. */
	ASSERT_EQ(0, policy_flavour_text("flavoured.1.1\n", &flavour, err,
					 sizeof(err)));
	ASSERT_EQ(-EINVAL, policy_flavour_text("\nflavour V4\n", &flavour, err,
					       sizeof(err)));
	ASSERT_STREQ("line 2: unknown flavour \"V4\": v4 or permission", err);
	ASSERT_EQ(-EINVAL, policy_flavour_text("flavour\n", &flavour, err,
					       sizeof(err)));
	ASSERT_EQ(0, llsock_flavour_parse("permission", &flavour));
	ASSERT_EQ(LLSOCK_FLAVOUR_PERMISSION, flavour);
	ASSERT_EQ(-EINVAL, llsock_flavour_parse("", &flavour));
}

TEST(policy_flavour_parse)
{
	struct llsock_permission_ruleset_attr attr = {
		.handled_permissions = LLSOCK_PERMISSION_SOCKET_CREATE,
	};
	struct llsock_ruleset *permission, *v4 = new_ruleset();
	char err[LLSOCK_ERR_SIZE] = "";

	ASSERT_NE(NULL, v4);
	ASSERT_EQ(0, llsock_create_permission_ruleset(&attr, sizeof(attr), 0,
						      &permission));
	ASSERT_EQ(2, parse_policy_text("flavour permission\nunix.stream.*\n"
				       "inet.stream.0\n", permission, err,
				       sizeof(err)));
	ASSERT_EQ(IPPROTO_TCP, llsock_ruleset_rule(permission, 1)->protocol);
	ASSERT_EQ(1, parse_policy_text("flavour v4\nunix.*.*\n", v4, err,
				       sizeof(err)));
	/* The caller read the line wrong: no rule of it goes in. */
	ASSERT_EQ(-EINVAL, parse_policy_text("flavour permission\nunix.stream.0\n",
					     v4, err, sizeof(err)));
	ASSERT_STREQ("line 1: a policy of the permission flavour cannot go into a v4 ruleset",
		     err);
	ASSERT_EQ(1, llsock_ruleset_size(v4));
	ASSERT_EQ(-EINVAL, parse_policy_text("unix.*.*\n# late\nflavour v4\n",
					     v4, err, sizeof(err)));
	ASSERT_STREQ("line 3: the flavour line must come before the first rule (line 1)",
		     err);
	ASSERT_EQ(-EINVAL, parse_policy_text("flavour v4\nflavour v4\n", v4, err,
					     sizeof(err)));
	ASSERT_STREQ("line 2: the flavour is already given on line 1", err);
	/* The refusal of a type wildcard, whole, with its line. */
	ASSERT_EQ(-EINVAL, parse_policy_text("flavour permission\nAF_IEEE802154.*.*\n",
					     permission, err, sizeof(err)));
	ASSERT_NE(NULL, strstr(err, "line 2: AF_IEEE802154.*.*: the permission flavour has no type wildcard"));
	ASSERT_EQ(0, strcmp(err + strlen(err) - strlen(" AF_IEEE802154.packet.*"),
			    " AF_IEEE802154.packet.*"))
	{
		TH_LOG("got \"%s\"", err);
	}
	llsock_ruleset_free(permission);
	llsock_ruleset_free(v4);
}

TEST_HARNESS_MAIN

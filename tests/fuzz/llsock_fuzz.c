// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * libFuzzer target: libllsock's policy parser, its rule validation and its
 * layer merge, the last two against the reference model (tests/model.c).
 * Built with ASan and UBSan (make fuzz); any report, or a disagreement,
 * aborts with the input saved by libFuzzer.
 *
 * An input is a policy text, a NUL byte, then binary records:
 *
 * - The text: layers separated by lines "--", each a policy file as
 *   `llsock apply` reads it (its flavour line chooses the ruleset's
 *   flavour, v4 without one). A policy the parser accepts must give back
 *   the same rules when each rule is formatted (llsock_format_rule()) and
 *   read again (llsock_add_rule_text()); one it refuses must say why, in
 *   a "line N: ..." message. Each accepted policy is a layer.
 * - The records, struct record below: make a layer of either flavour
 *   (llsock_create_*_ruleset() against model_create_*_ruleset()), add a
 *   rule to the last one made, with any flags, rights, wildcards and
 *   values, or with no attribute at all (llsock_add_rule() against
 *   model_add_rule() or model_add_permission_rule(): the same errno, and
 *   on success the same stored rule), or ask about a request.
 *
 * Then every layer is merged into one table (llsock_merge_layers()), and
 * the table's verdict must be the model's for every request asked, every
 * rule's own key and its neighbours, and a few fixed requests.
 */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "internal.h"
#include "libllsock.h"
#include "model.h"

struct record {
	__u8 op;	/* enum op in the low 2 bits; 0x80: no attribute */
	__u8 pad[3];
	__u32 flags;
	__u64 value;	/* handled rights, or the rule's rights */
	__u32 wildcards;
	__s32 family;
	__s32 type;
	__s32 protocol;
};

enum op {
	OP_V4_LAYER,
	OP_PERMISSION_LAYER,
	OP_RULE,
	OP_REQUEST,
};

#define MAX_REQUESTS	256

struct run {
	struct llsock_ruleset *rulesets[LLSOCK_MAX_LAYERS];
	struct model_layer layers[LLSOCK_MAX_LAYERS];
	unsigned int nr_layers;
	int requests[MAX_REQUESTS][3];
	unsigned int nr_requests;
};

static struct run run;

/*
 * LLSOCK_FUZZ_INJECT=forget-wildcards: the model leaves out every rule
 * with a wildcard, a fault that tests/fuzz/run makes sure is caught.
 */
static bool forget_wildcards;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *inject = getenv("LLSOCK_FUZZ_INJECT");

	forget_wildcards = inject && !strcmp(inject, "forget-wildcards");
	return 0;
}

static bool forgotten(const struct model_layer *layer,
		      const struct model_rule *rule)
{
	if (!forget_wildcards)
		return false;
	return layer->flavour == MODEL_PERMISSION ? rule->wildcards != 0 :
		rule->type == MODEL_ANY || rule->protocol == MODEL_ANY;
}

#define fail(...)							\
	do {								\
		fprintf(stderr, "llsock_fuzz: " __VA_ARGS__);		\
		fputc('\n', stderr);					\
		abort();						\
	} while (0)

static void ask(int family, int type, int protocol)
{
	if (run.nr_requests == MAX_REQUESTS)
		return;
	run.requests[run.nr_requests][0] = family;
	run.requests[run.nr_requests][1] = type;
	run.requests[run.nr_requests][2] = protocol;
	run.nr_requests++;
}

/*
 * The model's copy of a rule the ruleset holds: added through the model's
 * own checks, which must accept it.
 */
static void model_copy(struct model_layer *layer,
		       const struct llsock_rule_info *info)
{
	struct model_rule *stored = &layer->rules[layer->nr_rules];
	int err;

	if (layer->flavour == MODEL_PERMISSION)
		err = model_add_permission_rule(layer->handled, 0, info,
						info->allowed, info->wildcards,
						info->family, info->type,
						info->protocol, stored);
	else
		err = model_add_rule(layer->handled, 0, info, info->allowed,
				     info->family, info->type, info->protocol,
				     stored);
	if (err)
		fail("the model refuses (%d) rule %d.%d.%d (wildcards %#x) that libllsock stored",
		     err, info->family, info->type, info->protocol,
		     info->wildcards);
	if (!forgotten(layer, stored))
		layer->nr_rules++;
}

static bool same_rule(const struct llsock_rule_info *a,
		      const struct llsock_rule_info *b)
{
	return a->allowed == b->allowed && a->wildcards == b->wildcards &&
	       a->family == b->family && a->type == b->type &&
	       a->protocol == b->protocol;
}

/* A new ruleset of @flavour, handling its socket right: NULL on ENOMEM. */
static struct llsock_ruleset *new_ruleset(enum llsock_flavour flavour)
{
	struct llsock_ruleset *ruleset = NULL;

	if (flavour == LLSOCK_FLAVOUR_PERMISSION) {
		struct llsock_permission_ruleset_attr attr = {
			.handled_permissions = LLSOCK_PERMISSION_SOCKET_CREATE,
		};

		llsock_create_permission_ruleset(&attr, sizeof(attr), 0,
						 &ruleset);
	} else {
		struct llsock_ruleset_attr attr = {
			.handled_access_socket = LLSOCK_ACCESS_SOCKET_CREATE,
		};

		llsock_create_ruleset(&attr, sizeof(attr), 0, &ruleset);
	}
	return ruleset;
}

/* Every rule of @ruleset, formatted and read again, is the same rule. */
static void check_round_trip(const struct llsock_ruleset *ruleset)
{
	enum llsock_flavour flavour = llsock_ruleset_flavour(ruleset);
	char text[64], err[LLSOCK_ERR_SIZE];
	size_t i;

	for (i = 0; i < llsock_ruleset_size(ruleset); i++) {
		const struct llsock_rule_info *rule =
			llsock_ruleset_rule(ruleset, i);
		struct llsock_ruleset *one = new_ruleset(flavour);
		int ret;

		if (!one)
			fail("cannot create a ruleset");
		llsock_format_rule(rule, text, sizeof(text));
		ret = llsock_add_rule_text(one, text, err, sizeof(err));
		if (ret)
			fail("rule %zu, formatted as '%s', is refused when read again: %s",
			     i, text, err);
		/* One text rule stores one rule (rights: the socket one). */
		if (llsock_ruleset_size(one) != 1)
			fail("'%s' read again gives %zu rules", text,
			     llsock_ruleset_size(one));
		{
			struct llsock_rule_info want = *rule;
			const struct llsock_rule_info *got =
				llsock_ruleset_rule(one, 0);

			want.allowed = got->allowed;
			if (!same_rule(&want, got))
				fail("'%s' read again is %d.%d.%d (wildcards %#x), not %d.%d.%d (wildcards %#x)",
				     text, got->family, got->type,
				     got->protocol, got->wildcards,
				     rule->family, rule->type, rule->protocol,
				     rule->wildcards);
		}
		llsock_ruleset_free(one);
	}
}

/* One policy text: a layer when the parser takes it. */
static void policy_layer(const char *text, size_t len)
{
	enum llsock_flavour flavour = LLSOCK_FLAVOUR_V4;
	char err[LLSOCK_ERR_SIZE] = "";
	struct llsock_ruleset *ruleset;
	struct model_layer *layer;
	FILE *file;
	size_t i;
	int ret;

	if (!len || run.nr_layers == LLSOCK_MAX_LAYERS)
		return;
	file = fmemopen((void *)text, len, "r");
	if (!file)
		fail("fmemopen: %s", strerror(errno));
	ret = llsock_policy_flavour(file, &flavour, err, sizeof(err));
	if (ret < 0) {
		if (strncmp(err, "line ", 5))
			fail("a refused flavour line without its line number: '%s'",
			     err);
		fclose(file);
		return;
	}
	rewind(file);
	ruleset = new_ruleset(flavour);
	if (!ruleset)
		fail("cannot create a ruleset");
	ret = llsock_parse_policy(file, ruleset, err, sizeof(err));
	fclose(file);
	if (ret < 0) {
		if (ret != -EINVAL || strncmp(err, "line ", 5))
			fail("a refused policy without a reason: %d, '%s'", ret,
			     err);
		llsock_ruleset_free(ruleset);
		return;
	}
	if (llsock_ruleset_size(ruleset) > MODEL_MAX_RULES) {
		llsock_ruleset_free(ruleset);
		return;
	}
	check_round_trip(ruleset);

	layer = &run.layers[run.nr_layers];
	memset(layer, 0, sizeof(*layer));
	layer->flavour = flavour == LLSOCK_FLAVOUR_PERMISSION ?
				 MODEL_PERMISSION : MODEL_V4;
	layer->handled = llsock_ruleset_handled(ruleset);
	for (i = 0; i < llsock_ruleset_size(ruleset); i++)
		model_copy(layer, llsock_ruleset_rule(ruleset, i));
	run.rulesets[run.nr_layers++] = ruleset;
}

static void record_layer(const struct record *r, bool permission)
{
	struct llsock_ruleset *ruleset = NULL;
	struct model_layer *layer;
	int got, want;

	if (run.nr_layers == LLSOCK_MAX_LAYERS)
		return;
	if (permission) {
		struct llsock_permission_ruleset_attr attr = {
			.handled_permissions = r->value,
		};

		got = llsock_create_permission_ruleset(&attr, sizeof(attr), 0,
						       &ruleset);
		want = model_create_permission_ruleset(r->value);
	} else {
		struct llsock_ruleset_attr attr = {
			.handled_access_socket = r->value,
		};

		got = llsock_create_ruleset(&attr, sizeof(attr), 0, &ruleset);
		want = model_create_ruleset(r->value);
	}
	if (got != want)
		fail("create_ruleset (%s, handled %#llx): libllsock %d, model %d",
		     permission ? "permission" : "v4",
		     (unsigned long long)r->value, got, want);
	if (got)
		return;
	layer = &run.layers[run.nr_layers];
	memset(layer, 0, sizeof(*layer));
	layer->flavour = permission ? MODEL_PERMISSION : MODEL_V4;
	layer->handled = r->value;
	run.rulesets[run.nr_layers++] = ruleset;
}

static void record_rule(const struct record *r)
{
	struct model_layer *layer;
	struct model_rule stored;
	bool no_attr = r->op & 0x80;
	int got, want;

	if (!run.nr_layers)
		return;
	layer = &run.layers[run.nr_layers - 1];
	if (layer->nr_rules == MODEL_MAX_RULES)
		return;
	if (layer->flavour == MODEL_PERMISSION) {
		struct llsock_permission_socket_attr attr = {
			.permissions = r->value,
			.wildcards = r->wildcards,
			.family = r->family,
			.type = r->type,
			.protocol = r->protocol,
		};

		got = llsock_add_rule(run.rulesets[run.nr_layers - 1],
				      LLSOCK_RULE_SOCKET_PERMISSION,
				      no_attr ? NULL : &attr, r->flags);
		want = model_add_permission_rule(layer->handled, r->flags,
						 no_attr ? NULL : &attr,
						 r->value, r->wildcards,
						 r->family, r->type,
						 r->protocol, &stored);
	} else {
		struct llsock_socket_attr attr = {
			.allowed_access = r->value,
			.family = r->family,
			.type = r->type,
			.protocol = r->protocol,
		};

		got = llsock_add_rule(run.rulesets[run.nr_layers - 1],
				      LLSOCK_RULE_SOCKET,
				      no_attr ? NULL : &attr, r->flags);
		want = model_add_rule(layer->handled, r->flags,
				      no_attr ? NULL : &attr, r->value,
				      r->family, r->type, r->protocol, &stored);
	}
	if (got != want)
		fail("add_rule (%s layer %u, flags %#x, rights %#llx, wildcards %#x, %d.%d.%d%s): libllsock %d, model %d",
		     layer->flavour == MODEL_PERMISSION ? "permission" : "v4",
		     run.nr_layers, r->flags, (unsigned long long)r->value,
		     r->wildcards, r->family, r->type, r->protocol,
		     no_attr ? ", no attribute" : "", got, want);
	if (!got && !forgotten(layer, &stored))
		layer->rules[layer->nr_rules++] = stored;
}

/* A request as the hook sees it: within [0, NPROTO) and [0, SOCK_MAX). */
static void ask_near(int family, int type, int protocol)
{
	int f = family < 0 ? 0 : family % MODEL_NPROTO;
	int t = type < 0 ? 0 : type % MODEL_SOCK_MAX;

	ask(f, t, protocol);
	ask(f, t, protocol == -1 || protocol == INT_MAX ? 0 : protocol + 1);
	ask(f, t, 0);
	ask(f, (t + 1) % MODEL_SOCK_MAX, protocol);
}

static void check_merge(void)
{
	const struct llsock_ruleset *rulesets[LLSOCK_MAX_LAYERS];
	struct llsock_table table;
	__u16 required, canonical;
	unsigned int i;
	size_t j;
	int ret;

	if (!run.nr_layers)
		return;
	for (i = 0; i < run.nr_layers; i++) {
		rulesets[i] = run.rulesets[i];
		for (j = 0; j < llsock_ruleset_size(rulesets[i]); j++) {
			const struct llsock_rule_info *rule =
				llsock_ruleset_rule(rulesets[i], j);

			ask_near(rule->family, rule->type, rule->protocol);
		}
	}
	ask(AF_INET, SOCK_STREAM, 0);
	ask(AF_INET, SOCK_STREAM, IPPROTO_TCP);
	ask(AF_UNIX, SOCK_RAW, 0);
	ask(AF_INET, SOCK_PACKET, 0);
	ask(MODEL_NPROTO - 1, MODEL_SOCK_MAX - 1, -1);

	ret = llsock_merge_layers(rulesets, run.nr_layers, 1, &table,
				  &required, &canonical);
	if (ret == -ENOMEM)
		return;
	if (ret)
		fail("llsock_merge_layers() of %u layers: %d", run.nr_layers,
		     ret);
	for (j = 0; j < run.nr_requests; j++) {
		int f = run.requests[j][0], t = run.requests[j][1];
		int p = run.requests[j][2];
		bool want = !model_verdict(run.layers, run.nr_layers, f, t, p);
		bool got = llsock_table_allows(&table, required, canonical, f,
					       t, p);

		if (got != want)
			fail("%u layer(s), request %d.%d.%d: the merged table %s, the model %s",
			     run.nr_layers, f, t, p,
			     got ? "allows" : "denies",
			     want ? "allows" : "denies");
	}
	llsock_table_free(&table);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nul = memchr(data, 0, size);
	size_t text_len = nul ? (size_t)(nul - data) : size;
	const char *text = (const char *)data;
	size_t start = 0, i;

	memset(&run, 0, sizeof(run));

	/* The text's layers, separated by lines "--". */
	for (i = 0; i <= text_len; i++) {
		bool end = i == text_len;

		if (!end && !(text[i] == '\n' && i + 3 <= text_len &&
			      !memcmp(text + i + 1, "--", 2) &&
			      (i + 3 == text_len || text[i + 3] == '\n')))
			continue;
		policy_layer(text + start, end ? i - start : i + 1 - start);
		start = i + 4;
		i += 3;
	}

	/* The records, after the NUL byte. */
	if (nul) {
		const uint8_t *p = nul + 1, *stop = data + size;

		for (; p + sizeof(struct record) <= stop;
		     p += sizeof(struct record)) {
			struct record r;

			memcpy(&r, p, sizeof(r));
			switch ((enum op)(r.op & 3)) {
			case OP_V4_LAYER:
				record_layer(&r, false);
				break;
			case OP_PERMISSION_LAYER:
				record_layer(&r, true);
				break;
			case OP_RULE:
				record_rule(&r);
				break;
			case OP_REQUEST:
				ask(r.family < 0 ? 0 : r.family % MODEL_NPROTO,
				    r.type < 0 ? 0 : r.type % MODEL_SOCK_MAX,
				    r.protocol);
				break;
			}
		}
	}

	check_merge();
	for (i = 0; i < run.nr_layers; i++)
		llsock_ruleset_free(run.rulesets[i]);
	return 0;
}

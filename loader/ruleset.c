// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Rulesets in memory, validated exactly as landlock_create_ruleset() and
 * landlock_add_rule() validate socket rules (SEMANTICS 2).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "internal.h"
#include "../bpf/canon.h"

int llsock_reserve(void **items, size_t *capacity, size_t count,
		   size_t item_size, size_t initial)
{
	size_t more;
	void *grown;

	if (count < *capacity)
		return 0;
	more = *capacity ? 2 * *capacity : initial;
	grown = reallocarray(*items, more, item_size);
	if (!grown)
		return -ENOMEM;
	*items = grown;
	*capacity = more;
	return 0;
}

/*
 * The checks of copy_min_struct_from_user(), which every Landlock attribute
 * goes through: @size at least @min, at most a page, and any byte beyond
 * the @known ones zero.
 */
static int check_attr_size(const void *attr, size_t size, size_t min,
			   size_t known)
{
	const unsigned char *extra = (const unsigned char *)attr + known;
	size_t i;

	if (!attr)
		return -EFAULT;
	if (size < min)
		return -EINVAL;
	if (size > 4096)
		return -E2BIG;
	for (i = 0; known + i < size; i++)
		if (extra[i])
			return -E2BIG;
	return 0;
}

struct llsock_ruleset *llsock_ruleset_new(enum llsock_flavour flavour,
					  __u64 handled)
{
	struct llsock_ruleset *new = calloc(1, sizeof(*new));

	if (new) {
		new->flavour = flavour;
		new->handled = handled;
	}
	return new;
}

static int new_ruleset(enum llsock_flavour flavour, __u64 handled,
		       struct llsock_ruleset **ruleset)
{
	*ruleset = llsock_ruleset_new(flavour, handled);
	return *ruleset ? 0 : -ENOMEM;
}

int llsock_create_ruleset(const struct llsock_ruleset_attr *attr, size_t size,
			  __u32 flags, struct llsock_ruleset **ruleset)
{
	int ret;

	if (!ruleset)
		return -EFAULT;
	*ruleset = NULL;
	if (flags)
		return -EINVAL;
	ret = check_attr_size(attr, size, sizeof(*attr), sizeof(*attr));
	if (ret)
		return ret;
	if (attr->handled_access_socket & ~LLSOCK_ACCESS_SOCKET_ALL)
		return -EINVAL;
	if (!attr->handled_access_socket)
		return -ENOMSG;
	return new_ruleset(LLSOCK_FLAVOUR_V4, attr->handled_access_socket,
			   ruleset);
}

int llsock_create_permission_ruleset(
	const struct llsock_permission_ruleset_attr *attr, size_t size,
	__u32 flags, struct llsock_ruleset **ruleset)
{
	struct llsock_permission_ruleset_attr copy = {};
	int ret;

	if (!ruleset)
		return -EFAULT;
	*ruleset = NULL;
	if (flags)
		return -EINVAL;
	/* The kernel's minimum is the first field, handled_access_fs. */
	ret = check_attr_size(attr, size, sizeof(attr->handled_access_fs),
			      sizeof(*attr));
	if (ret)
		return ret;
	memcpy(&copy, attr, size < sizeof(copy) ? size : sizeof(copy));
	/* Rights of other kinds: llsock enforces none of them. */
	if (copy.handled_access_fs || copy.handled_access_net || copy.scoped ||
	    copy.quiet_access_fs || copy.quiet_access_net || copy.quiet_scoped)
		return -EINVAL;
	if (copy.handled_permissions & ~LLSOCK_PERMISSION_SOCKET_ALL)
		return -EINVAL;
	if (!copy.handled_permissions)
		return -ENOMSG;
	return new_ruleset(LLSOCK_FLAVOUR_PERMISSION, copy.handled_permissions,
			   ruleset);
}

static bool in_range(__s32 value, __s32 max, bool wildcard)
{
	if (wildcard && value == LLSOCK_ANY)
		return true;
	return value >= 0 && value <= max;
}

static size_t key_hash(const struct llsock_rule_info *rule)
{
	__u32 h = (__u32)rule->family * 0x9e3779b1u ^
		  (__u32)rule->type * 0x85ebca77u ^
		  (__u32)rule->protocol * 0xc2b2ae3du ^ rule->wildcards;

	return h ^ (h >> 15);
}

static bool same_key(const struct llsock_rule_info *a,
		     const struct llsock_rule_info *b)
{
	return a->family == b->family && a->type == b->type &&
	       a->protocol == b->protocol && a->wildcards == b->wildcards;
}

/* The index slot of @rule's key: the rule there, or an empty slot. */
static __u32 *index_slot(const struct llsock_ruleset *ruleset,
			 const struct llsock_rule_info *rule)
{
	size_t mask = ruleset->index_size - 1, i = key_hash(rule) & mask;

	while (ruleset->index[i] &&
	       !same_key(&ruleset->rules[ruleset->index[i] - 1], rule))
		i = (i + 1) & mask;
	return &ruleset->index[i];
}

/* (Re)builds the index with room for twice the rules it may hold. */
static int index_build(struct llsock_ruleset *ruleset, size_t rules)
{
	size_t size = 64, i;

	while (size < 2 * rules)
		size *= 2;
	free(ruleset->index);
	ruleset->index = calloc(size, sizeof(*ruleset->index));
	if (!ruleset->index)
		return -ENOMEM;
	ruleset->index_size = size;
	for (i = 0; i < ruleset->nr_rules; i++)
		*index_slot(ruleset, &ruleset->rules[i]) = i + 1;
	return 0;
}

int llsock_ruleset_insert(struct llsock_ruleset *ruleset,
			  const struct llsock_rule_info *rule)
{
	__u32 *slot;
	int ret;

	if (!ruleset->index || 2 * (ruleset->nr_rules + 1) > ruleset->index_size) {
		ret = index_build(ruleset, ruleset->nr_rules + 1);
		if (ret)
			return ret;
	}
	slot = index_slot(ruleset, rule);
	if (*slot) {
		ruleset->rules[*slot - 1].allowed |= rule->allowed;
		return 0;
	}

	if (ruleset->max_rules && ruleset->nr_rules >= ruleset->max_rules)
		return -E2BIG;
	if (llsock_reserve((void **)&ruleset->rules, &ruleset->capacity,
			   ruleset->nr_rules, sizeof(*ruleset->rules), 16))
		return -ENOMEM;
	ruleset->rules[ruleset->nr_rules++] = *rule;
	*slot = ruleset->nr_rules;
	return 0;
}

static const struct llsock_canon_rule canon_rules[] = LLSOCK_CANON_RULES;
#define NR_CANON_RULES (sizeof(canon_rules) / sizeof(canon_rules[0]))

void llsock_canonical_key(__s32 *family, __s32 *type, __s32 *protocol)
{
	llsock_canonical(canon_rules, NR_CANON_RULES, family, type,
			 protocol);
}

/* SEMANTICS 2: the checks of a v4 rule, and the rule as it is stored. */
static int check_v4_rule(const struct llsock_ruleset *ruleset,
			 const void *rule_attr, struct llsock_rule_info *out)
{
	struct llsock_socket_attr rule;

	memcpy(&rule, rule_attr, sizeof(rule));
	if (!rule.allowed_access)
		return -ENOMSG;
	if (rule.allowed_access & ~ruleset->handled)
		return -EINVAL;
	if (!in_range(rule.family, LLSOCK_FAMILY_MAX, false) ||
	    !in_range(rule.type, LLSOCK_TYPE_MAX, true) ||
	    !in_range(rule.protocol, LLSOCK_PROTOCOL_MAX, true))
		return -EINVAL;

	/* __sock_create() turns this pair into AF_PACKET before the hook. */
	if (rule.family == AF_INET && rule.type == SOCK_PACKET)
		rule.family = AF_PACKET;
	*out = (struct llsock_rule_info){
		.allowed = rule.allowed_access,
		.family = rule.family,
		.type = rule.type,
		.protocol = rule.protocol,
	};
	return 0;
}

/* SEMANTICS 5: the checks of a permission rule, and its canonical key. */
static int check_permission_rule(const struct llsock_ruleset *ruleset,
				 const void *rule_attr,
				 struct llsock_rule_info *out)
{
	struct llsock_permission_socket_attr rule;
	__s32 family, type, protocol;

	memcpy(&rule, rule_attr, sizeof(rule));
	if (!rule.permissions)
		return -ENOMSG;
	if ((rule.permissions & ~ruleset->handled) ||
	    (rule.permissions & ~LLSOCK_PERMISSION_SOCKET_ALL))
		return -EINVAL;
	if (rule.wildcards & ~LLSOCK_SOCKET_WILDCARDS_ALL)
		return -EINVAL;
	if ((rule.wildcards & LLSOCK_SOCKET_WILDCARD_PROTOCOL) && rule.protocol)
		return -EINVAL;

	family = (__s32)rule.family;
	type = (__s32)rule.type;
	protocol = (__s32)rule.protocol;
	if (rule.wildcards & LLSOCK_SOCKET_WILDCARD_PROTOCOL)
		llsock_canonical_any_protocol(canon_rules,
					      NR_CANON_RULES, &family,
					      &type);
	else
		llsock_canonical_key(&family, &type, &protocol);
	*out = (struct llsock_rule_info){
		.allowed = rule.permissions,
		.wildcards = rule.wildcards,
		.family = family,
		.type = type,
		.protocol = protocol,
	};
	return 0;
}

int llsock_add_rule(struct llsock_ruleset *ruleset, int rule_type,
		    const void *rule_attr, __u32 flags)
{
	struct llsock_rule_info rule;
	int ret;

	if (flags)
		return -EINVAL;
	if (!ruleset)
		return -EBADF;
	if (rule_type != (ruleset->flavour == LLSOCK_FLAVOUR_PERMISSION ?
				  LLSOCK_RULE_SOCKET_PERMISSION :
				  LLSOCK_RULE_SOCKET))
		return -EINVAL;
	if (!rule_attr)
		return -EFAULT;
	if (ruleset->flavour == LLSOCK_FLAVOUR_PERMISSION)
		ret = check_permission_rule(ruleset, rule_attr, &rule);
	else
		ret = check_v4_rule(ruleset, rule_attr, &rule);
	return ret ? ret : llsock_ruleset_insert(ruleset, &rule);
}

void llsock_ruleset_free(struct llsock_ruleset *ruleset)
{
	if (!ruleset)
		return;
	free(ruleset->rules);
	free(ruleset->index);
	free(ruleset);
}

enum llsock_flavour llsock_ruleset_flavour(const struct llsock_ruleset *ruleset)
{
	return ruleset->flavour;
}

const char *llsock_flavour_name(enum llsock_flavour flavour)
{
	return flavour == LLSOCK_FLAVOUR_PERMISSION ? "permission" : "v4";
}

__u64 llsock_ruleset_handled(const struct llsock_ruleset *ruleset)
{
	return ruleset->handled;
}

size_t llsock_ruleset_size(const struct llsock_ruleset *ruleset)
{
	return ruleset->nr_rules;
}

const struct llsock_rule_info *
llsock_ruleset_rule(const struct llsock_ruleset *ruleset, size_t i)
{
	return i < ruleset->nr_rules ? &ruleset->rules[i] : NULL;
}

int llsock_ruleset_copy(const struct llsock_ruleset *src,
			struct llsock_ruleset **dst)
{
	struct llsock_ruleset *new;

	new = llsock_ruleset_new(src->flavour, src->handled);
	if (!new)
		return -ENOMEM;
	if (src->nr_rules) {
		new->rules = calloc(src->nr_rules, sizeof(*new->rules));
		if (!new->rules) {
			free(new);
			return -ENOMEM;
		}
		memcpy(new->rules, src->rules,
		       src->nr_rules * sizeof(*new->rules));
	}
	new->nr_rules = new->capacity = src->nr_rules;
	new->audit = src->audit;
	*dst = new;
	return 0;
}

static int compare_keys(const void *a, const void *b)
{
	const struct llsock_rule_info *x = a, *y = b;
	int order = llsock_compare_keys(x->family, x->type, 0, y->family,
					y->type, 0);

	if (order)
		return order;
	/* A rule for any protocol first, as LLSOCK_ANY sorts in v4. */
	if (x->wildcards != y->wildcards)
		return x->wildcards < y->wildcards ? 1 : -1;
	return llsock_compare_keys(0, 0, x->protocol, 0, 0, y->protocol);
}

size_t llsock_ruleset_normalize(struct llsock_ruleset *ruleset)
{
	size_t i, n = 0;

	/* Positions change: the index is rebuilt when next needed. */
	free(ruleset->index);
	ruleset->index = NULL;
	if (!ruleset->nr_rules)
		return 0;
	qsort(ruleset->rules, ruleset->nr_rules, sizeof(*ruleset->rules),
	      compare_keys);
	for (i = 1; i < ruleset->nr_rules; i++) {
		if (!compare_keys(&ruleset->rules[n], &ruleset->rules[i]))
			ruleset->rules[n].allowed |= ruleset->rules[i].allowed;
		else
			ruleset->rules[++n] = ruleset->rules[i];
	}
	ruleset->nr_rules = n + 1;
	return ruleset->nr_rules;
}

void llsock_ruleset_set_max_rules(struct llsock_ruleset *ruleset,
				  size_t max_rules)
{
	if (ruleset)
		ruleset->max_rules = max_rules;
}

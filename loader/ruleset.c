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

int llsock_create_ruleset(const struct llsock_ruleset_attr *attr, size_t size,
			  __u32 flags, struct llsock_ruleset **ruleset)
{
	const unsigned char *extra;
	struct llsock_ruleset *new;
	size_t i;

	if (!ruleset)
		return -EFAULT;
	*ruleset = NULL;
	if (flags)
		return -EINVAL;
	/* The order of copy_min_struct_from_user(). */
	if (!attr)
		return -EFAULT;
	if (size < sizeof(*attr))
		return -EINVAL;
	if (size > 4096)
		return -E2BIG;
	/* As copy_struct_from_user(): a bigger struct is fine if zeroed. */
	extra = (const unsigned char *)attr + sizeof(*attr);
	for (i = 0; i < size - sizeof(*attr); i++)
		if (extra[i])
			return -E2BIG;
	if (attr->handled_access_socket & ~LLSOCK_ACCESS_SOCKET_ALL)
		return -EINVAL;
	if (!attr->handled_access_socket)
		return -ENOMSG;

	new = calloc(1, sizeof(*new));
	if (!new)
		return -ENOMEM;
	new->handled_access_socket = attr->handled_access_socket;
	*ruleset = new;
	return 0;
}

static bool in_range(__s32 value, __s32 max, bool wildcard)
{
	if (wildcard && value == LLSOCK_ANY)
		return true;
	return value >= 0 && value <= max;
}

static size_t key_hash(const struct llsock_socket_attr *rule)
{
	__u32 h = (__u32)rule->family * 0x9e3779b1u ^
		  (__u32)rule->type * 0x85ebca77u ^
		  (__u32)rule->protocol * 0xc2b2ae3du;

	return h ^ (h >> 15);
}

static bool same_key(const struct llsock_socket_attr *a,
		     const struct llsock_socket_attr *b)
{
	return a->family == b->family && a->type == b->type &&
	       a->protocol == b->protocol;
}

/* The index slot of @rule's key: the rule there, or an empty slot. */
static __u32 *index_slot(const struct llsock_ruleset *ruleset,
			 const struct llsock_socket_attr *rule)
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

int llsock_add_rule(struct llsock_ruleset *ruleset, int rule_type,
		    const void *rule_attr, __u32 flags)
{
	__u32 *slot;
	int ret;
	struct llsock_socket_attr rule;

	if (flags)
		return -EINVAL;
	if (!ruleset)
		return -EBADF;
	if (rule_type != LLSOCK_RULE_SOCKET)
		return -EINVAL;
	if (!rule_attr)
		return -EFAULT;
	memcpy(&rule, rule_attr, sizeof(rule));

	if (!rule.allowed_access)
		return -ENOMSG;
	if (rule.allowed_access & ~ruleset->handled_access_socket)
		return -EINVAL;
	if (!in_range(rule.family, LLSOCK_FAMILY_MAX, false) ||
	    !in_range(rule.type, LLSOCK_TYPE_MAX, true) ||
	    !in_range(rule.protocol, LLSOCK_PROTOCOL_MAX, true))
		return -EINVAL;

	/* __sock_create() turns this pair into AF_PACKET before the hook. */
	if (rule.family == AF_INET && rule.type == SOCK_PACKET)
		rule.family = AF_PACKET;

	if (!ruleset->index || 2 * (ruleset->nr_rules + 1) > ruleset->index_size) {
		ret = index_build(ruleset, ruleset->nr_rules + 1);
		if (ret)
			return ret;
	}
	slot = index_slot(ruleset, &rule);
	if (*slot) {
		ruleset->rules[*slot - 1].allowed_access |= rule.allowed_access;
		return 0;
	}

	if (llsock_reserve((void **)&ruleset->rules, &ruleset->capacity,
			   ruleset->nr_rules, sizeof(*ruleset->rules), 16))
		return -ENOMEM;
	ruleset->rules[ruleset->nr_rules++] = rule;
	*slot = ruleset->nr_rules;
	return 0;
}

void llsock_ruleset_free(struct llsock_ruleset *ruleset)
{
	if (!ruleset)
		return;
	free(ruleset->rules);
	free(ruleset->index);
	free(ruleset);
}

__u64 llsock_ruleset_handled(const struct llsock_ruleset *ruleset)
{
	return ruleset->handled_access_socket;
}

size_t llsock_ruleset_size(const struct llsock_ruleset *ruleset)
{
	return ruleset->nr_rules;
}

const struct llsock_socket_attr *
llsock_ruleset_rule(const struct llsock_ruleset *ruleset, size_t i)
{
	return i < ruleset->nr_rules ? &ruleset->rules[i] : NULL;
}

int llsock_ruleset_copy(const struct llsock_ruleset *src,
			struct llsock_ruleset **dst)
{
	struct llsock_ruleset *new;

	new = calloc(1, sizeof(*new));
	if (!new)
		return -ENOMEM;
	new->handled_access_socket = src->handled_access_socket;
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
	*dst = new;
	return 0;
}

static int compare_keys(const void *a, const void *b)
{
	const struct llsock_socket_attr *x = a, *y = b;

	return llsock_compare_keys(x->family, x->type, x->protocol,
				   y->family, y->type, y->protocol);
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
			ruleset->rules[n].allowed_access |=
				ruleset->rules[i].allowed_access;
		else
			ruleset->rules[++n] = ruleset->rules[i];
	}
	ruleset->nr_rules = n + 1;
	return ruleset->nr_rules;
}

// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Merging the layers of a domain into the one table the BPF program reads.
 *
 * Landlock merges the layers of a domain into one tree when a task
 * restricts itself, so its lookups do not depend on the number of layers.
 * llsock goes one step further and folds the four keys of SPEC section 3
 * into two: a type wildcard is expanded over every type the hook can see, so
 * that (family, type, any) also holds the layers of (family, any, any), and
 * (family, type, protocol) those of (family, any, protocol). The program
 * reads (family, type, any), then (family, type, protocol) only when
 * protocol rules exist there and the first entry did not already satisfy
 * every layer, and ORs the layers of both.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static int table_push(struct llsock_table *table, __u32 id, __s32 family,
		      __s32 type, __s32 protocol, __u16 allowed, __u16 flags)
{
	struct llsock_table_entry *entry;

	if (table->nr_entries == table->capacity) {
		size_t capacity = table->capacity ? 2 * table->capacity : 64;
		struct llsock_table_entry *entries;

		entries = reallocarray(table->entries, capacity,
				       sizeof(*entries));
		if (!entries)
			return -ENOMEM;
		table->entries = entries;
		table->capacity = capacity;
	}
	entry = &table->entries[table->nr_entries++];
	memset(entry, 0, sizeof(*entry));
	entry->key.table = id;
	entry->key.family = family;
	entry->key.type = type;
	entry->key.protocol = protocol;
	entry->value.allowed = allowed;
	entry->value.flags = flags;
	return 0;
}

static int compare_entries(const void *a, const void *b)
{
	const struct llsock_rule_key *x = a, *y = b;

	return llsock_compare_keys(x->family, x->type, x->protocol,
				   y->family, y->type, y->protocol);
}

static int push_rule(struct llsock_table *table, __u32 id,
		     const struct llsock_socket_attr *rule, __u16 layer)
{
	int type, first, last, err;

	if (rule->type == LLSOCK_ANY) {
		first = 0;
		last = LLSOCK_TYPE_SLOTS - 1;
	} else if (rule->type < LLSOCK_TYPE_SLOTS) {
		first = last = rule->type;
	} else {
		/* No socket_create hook ever sees such a type. */
		return 0;
	}

	for (type = first; type <= last; type++) {
		if (rule->protocol == LLSOCK_ANY) {
			err = table_push(table, id, rule->family, type,
					 LLSOCK_ANY, layer, 0);
		} else {
			err = table_push(table, id, rule->family, type,
					 rule->protocol, layer, 0);
			if (!err)
				err = table_push(table, id, rule->family, type,
						 LLSOCK_ANY, 0,
						 LLSOCK_RULE_PROTOCOLS);
		}
		if (err)
			return err;
	}
	return 0;
}

int llsock_merge_layers(const struct llsock_ruleset *const *layers,
			unsigned int nr_layers, __u32 table_id,
			struct llsock_table *table, __u16 *required)
{
	struct llsock_table_entry *entries;
	unsigned int i;
	size_t j, n;
	int err;

	memset(table, 0, sizeof(*table));
	*required = 0;
	if (nr_layers > LLSOCK_MAX_LAYERS)
		return -E2BIG;

	for (i = 0; i < nr_layers; i++) {
		const struct llsock_ruleset *layer = layers[i];

		/* A layer not handling socket creation is ignored. */
		if (!(layer->handled_access_socket &
		      LLSOCK_ACCESS_SOCKET_CREATE))
			continue;
		*required |= 1U << i;
		for (j = 0; j < layer->nr_rules; j++) {
			const struct llsock_socket_attr *rule =
				&layer->rules[j];

			if (!(rule->allowed_access &
			      LLSOCK_ACCESS_SOCKET_CREATE))
				continue;
			err = push_rule(table, table_id, rule, 1U << i);
			if (err)
				goto err_free;
		}
	}
	if (!table->nr_entries)
		return 0;

	entries = table->entries;
	qsort(entries, table->nr_entries, sizeof(*entries), compare_entries);
	for (j = 1, n = 0; j < table->nr_entries; j++) {
		if (!compare_entries(&entries[n].key, &entries[j].key)) {
			entries[n].value.allowed |= entries[j].value.allowed;
			entries[n].value.flags |= entries[j].value.flags;
		} else {
			entries[++n] = entries[j];
		}
	}
	table->nr_entries = n + 1;
	return 0;

err_free:
	llsock_table_free(table);
	return err;
}

void llsock_table_free(struct llsock_table *table)
{
	free(table->entries);
	memset(table, 0, sizeof(*table));
}

static const struct llsock_rule *table_find(const struct llsock_table *table,
					    int family, int type, int protocol)
{
	struct llsock_table_entry key = {
		.key = { .family = family, .type = type, .protocol = protocol },
	};
	const struct llsock_table_entry *entry;

	if (!table->nr_entries)
		return NULL;
	entry = bsearch(&key, table->entries, table->nr_entries,
			sizeof(key), compare_entries);
	return entry ? &entry->value : NULL;
}

bool llsock_table_allows(const struct llsock_table *table, __u16 required,
			 int family, int type, int protocol)
{
	const struct llsock_rule *rule;
	__u16 allowed;

	if (!required)
		return true;
	rule = table_find(table, family, type, LLSOCK_ANY);
	if (!rule)
		return false;
	allowed = rule->allowed;
	if ((allowed & required) != required &&
	    (rule->flags & LLSOCK_RULE_PROTOCOLS)) {
		rule = table_find(table, family, type, protocol);
		if (rule)
			allowed |= rule->allowed;
	}
	return (allowed & required) == required;
}

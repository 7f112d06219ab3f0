// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Merging the layers of a domain into the one table the BPF program reads.
 *
 * Landlock merges the layers of a domain into one tree when a task
 * restricts itself, so its lookups do not depend on the number of layers.
 * llsock goes one step further and folds the four keys of SEMANTICS 3
 * into one: the type wildcard is expanded over every type a hook can see,
 * and each (family, type) entry carries the layers allowing any protocol
 * next to those allowing each protocol some rule names. The program then
 * does one lookup, and a second only for a (family, type) that more than
 * LLSOCK_INLINE_PROTOCOLS protocol rules name.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* One (family, type, protocol or LLSOCK_ANY) of one layer's rules. */
struct flat {
	__s32 family;
	__s32 type;
	__s32 protocol;
	__u16 allowed;
};

struct flat_list {
	size_t n;
	size_t capacity;
	struct flat *items;
};

static int flat_push(struct flat_list *list, __s32 family, __s32 type,
		     __s32 protocol, __u16 allowed)
{
	if (llsock_reserve((void **)&list->items, &list->capacity, list->n,
			   sizeof(*list->items), 64))
		return -ENOMEM;
	list->items[list->n++] = (struct flat){ family, type, protocol, allowed };
	return 0;
}

static int compare_flat(const void *a, const void *b)
{
	const struct flat *x = a, *y = b;

	return llsock_compare_keys(x->family, x->type, x->protocol,
				   y->family, y->type, y->protocol);
}

/* Adds @rule of layer bit @layer, its type wildcard expanded. */
static int push_rule(struct flat_list *list,
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
		err = flat_push(list, rule->family, type, rule->protocol,
				layer);
		if (err)
			return err;
	}
	return 0;
}

/*
 * Makes the table from the sorted, merged list: one entry per
 * (family, type), whose protocol rules go inline or, when there are too
 * many, to the protocol entries.
 */
static int build_table(const struct flat_list *list, __u32 table_id,
		       struct llsock_table *table)
{
	size_t i = 0, j, n;

	table->entries = calloc(list->n + 1, sizeof(*table->entries));
	table->protocols = calloc(list->n + 1, sizeof(*table->protocols));
	if (!table->entries || !table->protocols)
		return -ENOMEM;

	while (i < list->n) {
		const struct flat *first = &list->items[i];
		struct llsock_table_entry *entry =
			&table->entries[table->nr_entries++];

		entry->key.table = table_id;
		entry->key.family = first->family;
		entry->key.type = first->type;
		/* LLSOCK_ANY sorts first of its (family, type). */
		if (first->protocol == LLSOCK_ANY)
			entry->value.allowed = list->items[i++].allowed;
		for (n = 0; i + n < list->n &&
		     list->items[i + n].family == first->family &&
		     list->items[i + n].type == first->type; n++)
			;
		if (n <= LLSOCK_INLINE_PROTOCOLS) {
			entry->value.nr_protocols = n;
			for (j = 0; j < n; j++) {
				entry->value.protocols[j].protocol =
					list->items[i + j].protocol;
				entry->value.protocols[j].allowed =
					list->items[i + j].allowed;
			}
		} else {
			entry->value.overflow = 1;
			for (j = 0; j < n; j++) {
				struct llsock_protocol_entry *p =
					&table->protocols[table->nr_protocols++];

				p->key.table = table_id;
				p->key.family = first->family;
				p->key.type = first->type;
				p->key.protocol = list->items[i + j].protocol;
				p->allowed = list->items[i + j].allowed;
			}
		}
		i += n;
	}
	return 0;
}

int llsock_merge_layers(const struct llsock_ruleset *const *layers,
			unsigned int nr_layers, __u32 table_id,
			struct llsock_table *table, __u16 *required)
{
	struct flat_list list = {};
	unsigned int i;
	size_t j, n;
	int err = 0;

	memset(table, 0, sizeof(*table));
	*required = 0;
	if (nr_layers > LLSOCK_MAX_LAYERS)
		return -E2BIG;

	for (i = 0; i < nr_layers && !err; i++) {
		const struct llsock_ruleset *layer = layers[i];

		/* A layer not handling socket creation is ignored. */
		if (!(layer->handled_access_socket &
		      LLSOCK_ACCESS_SOCKET_CREATE))
			continue;
		*required |= 1U << i;
		for (j = 0; j < layer->nr_rules && !err; j++)
			if (layer->rules[j].allowed_access &
			    LLSOCK_ACCESS_SOCKET_CREATE)
				err = push_rule(&list, &layer->rules[j],
						1U << i);
	}
	if (err)
		goto out;

	if (list.n) {
		qsort(list.items, list.n, sizeof(*list.items), compare_flat);
		for (j = 1, n = 0; j < list.n; j++) {
			if (!compare_flat(&list.items[n], &list.items[j]))
				list.items[n].allowed |= list.items[j].allowed;
			else
				list.items[++n] = list.items[j];
		}
		list.n = n + 1;
	}
	err = build_table(&list, table_id, table);
out:
	free(list.items);
	if (err)
		llsock_table_free(table);
	return err;
}

void llsock_table_free(struct llsock_table *table)
{
	free(table->entries);
	free(table->protocols);
	memset(table, 0, sizeof(*table));
}

static int compare_entry_keys(const void *a, const void *b)
{
	const struct llsock_rule_key *x = a, *y = b;

	return llsock_compare_keys(x->family, x->type, 0, y->family, y->type,
				   0);
}

static int compare_protocol_keys(const void *a, const void *b)
{
	const struct llsock_protocol_key *x = a, *y = b;

	return llsock_compare_keys(x->family, x->type, x->protocol, y->family,
				   y->type, y->protocol);
}

bool llsock_table_allows(const struct llsock_table *table, __u16 required,
			 int family, int type, int protocol)
{
	struct llsock_table_entry key = {
		.key = { .family = family, .type = type },
	};
	const struct llsock_table_entry *entry = NULL;
	const struct llsock_rule *rule;
	__u16 allowed;
	int i;

	if (!required)
		return true;
	if (table->nr_entries)
		entry = bsearch(&key, table->entries, table->nr_entries,
				sizeof(key), compare_entry_keys);
	if (!entry)
		return false;
	rule = &entry->value;
	allowed = rule->allowed;
	if ((allowed & required) == required)
		return true;

	for (i = 0; i < rule->nr_protocols; i++)
		if (rule->protocols[i].protocol == protocol)
			allowed |= rule->protocols[i].allowed;
	if (rule->overflow && protocol >= 0 && protocol <= LLSOCK_PROTOCOL_MAX) {
		struct llsock_protocol_entry pkey = {
			.key = { .family = family, .type = type,
				 .protocol = protocol },
		};
		const struct llsock_protocol_entry *found;

		found = bsearch(&pkey, table->protocols, table->nr_protocols,
				sizeof(pkey), compare_protocol_keys);
		if (found)
			allowed |= found->allowed;
	}
	return (allowed & required) == required;
}

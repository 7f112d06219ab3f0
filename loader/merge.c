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

/* One (space, family, type, protocol or any) of one layer's rules. */
struct flat {
	__u8 space;
	bool any;
	__u16 allowed;
	__s32 family;
	__s32 type;
	__s32 protocol;
};

struct flat_list {
	size_t n;
	size_t capacity;
	struct flat *items;
};

static int flat_push(struct flat_list *list, const struct flat *item)
{
	if (llsock_reserve((void **)&list->items, &list->capacity, list->n,
			   sizeof(*list->items), 64))
		return -ENOMEM;
	list->items[list->n++] = *item;
	return 0;
}

/* By space, family and type, then "any protocol" first, then protocol. */
static int compare_flat(const void *a, const void *b)
{
	const struct flat *x = a, *y = b;
	int order;

	if (x->space != y->space)
		return x->space < y->space ? -1 : 1;
	order = llsock_compare_keys(x->family, x->type, 0, y->family, y->type,
				    0);
	if (order)
		return order;
	if (x->any != y->any)
		return x->any ? -1 : 1;
	return llsock_compare_keys(0, 0, x->protocol, 0, 0, y->protocol);
}

static bool same_entry(const struct flat *x, const struct flat *y)
{
	return x->space == y->space && x->family == y->family &&
	       x->type == y->type;
}

/*
 * Adds a permission layer's canonical @rule, of layer bit @layer. A rule
 * for a family or type no socket_create hook can see never matches: it
 * takes no entry.
 */
static int push_permission_rule(struct flat_list *list,
				const struct llsock_rule_info *rule,
				__u16 layer)
{
	struct flat item = {
		.space = LLSOCK_SPACE_CANONICAL,
		.any = rule->wildcards & LLSOCK_SOCKET_WILDCARD_PROTOCOL,
		.allowed = layer,
		.family = rule->family,
		.type = rule->type,
		.protocol = rule->protocol,
	};

	if ((__u32)rule->family > 255 || (__u32)rule->type >= LLSOCK_TYPE_SLOTS)
		return 0;
	return flat_push(list, &item);
}

/* Adds a v4 layer's @rule, of layer bit @layer, its type wildcard expanded. */
static int push_rule(struct flat_list *list,
		     const struct llsock_rule_info *rule, __u16 layer)
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
		struct flat item = {
			.space = LLSOCK_SPACE_RAW,
			.any = rule->protocol == LLSOCK_ANY,
			.allowed = layer,
			.family = rule->family,
			.type = type,
			.protocol = rule->protocol,
		};

		err = flat_push(list, &item);
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
		entry->key.space = first->space;
		/* "Any protocol" sorts first of its (space, family, type). */
		if (first->any)
			entry->value.allowed = list->items[i++].allowed;
		for (n = 0; i + n < list->n &&
		     same_entry(&list->items[i + n], first); n++)
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
			struct llsock_protocol_entry *p = NULL;

			entry->value.overflow = 1;
			for (j = 0; j < n; j++) {
				__u32 protocol = list->items[i + j].protocol;
				__u32 chunk = protocol >>
					      LLSOCK_PROTOCOL_CHUNK_SHIFT;

				/*
				 * Sorted by protocol: a chunk's protocols
				 * are in a row (as __s32 or __u32 alike).
				 */
				if (!p || p->key.chunk != chunk) {
					p = &table->protocols[
						table->nr_protocols++];
					p->key.table = table_id;
					p->key.family = first->family;
					p->key.type = first->type;
					p->key.space = first->space;
					p->key.chunk = chunk;
				}
				p->value.allowed[protocol %
						 LLSOCK_PROTOCOL_CHUNK] =
					list->items[i + j].allowed;
			}
		}
		i += n;
	}
	return 0;
}

int llsock_merge_layers(const struct llsock_ruleset *const *layers,
			unsigned int nr_layers, __u32 table_id,
			struct llsock_table *table, __u16 *required,
			__u16 *canonical)
{
	struct flat_list list = {};
	unsigned int i;
	size_t j, n;
	int err = 0;

	memset(table, 0, sizeof(*table));
	*required = 0;
	*canonical = 0;
	if (nr_layers > LLSOCK_MAX_LAYERS)
		return -E2BIG;

	for (i = 0; i < nr_layers && !err; i++) {
		const struct llsock_ruleset *layer = layers[i];
		__u64 right = llsock_flavour_right(layer->flavour);
		bool permission = layer->flavour == LLSOCK_FLAVOUR_PERMISSION;

		/* A layer not handling socket creation is ignored. */
		if (!(layer->handled & right))
			continue;
		*required |= 1U << i;
		if (permission)
			*canonical |= 1U << i;
		for (j = 0; j < layer->nr_rules && !err; j++) {
			const struct llsock_rule_info *rule = &layer->rules[j];

			if (!(rule->allowed & right))
				continue;
			err = permission ?
				      push_permission_rule(&list, rule, 1U << i) :
				      push_rule(&list, rule, 1U << i);
		}
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

	if (x->space != y->space)
		return x->space < y->space ? -1 : 1;
	return llsock_compare_keys(x->family, x->type, 0, y->family, y->type,
				   0);
}

static int compare_protocol_keys(const void *a, const void *b)
{
	const struct llsock_protocol_key *x = a, *y = b;

	if (x->space != y->space)
		return x->space < y->space ? -1 : 1;
	if (x->family != y->family || x->type != y->type)
		return llsock_compare_keys(x->family, x->type, 0, y->family,
					   y->type, 0);
	return x->chunk < y->chunk ? -1 : x->chunk > y->chunk;
}

/* The layers allowing (@family, @type, @protocol) in one key space. */
static __u16 space_allows(const struct llsock_table *table, __u8 space,
			  int family, int type, int protocol)
{
	struct llsock_table_entry key = {
		.key = { .family = family, .type = type, .space = space },
	};
	const struct llsock_table_entry *entry = NULL;
	const struct llsock_rule *rule;
	__u16 allowed;
	int i;

	if (table->nr_entries)
		entry = bsearch(&key, table->entries, table->nr_entries,
				sizeof(key), compare_entry_keys);
	if (!entry)
		return 0;
	rule = &entry->value;
	allowed = rule->allowed;
	for (i = 0; i < rule->nr_protocols; i++)
		if (rule->protocols[i].protocol == protocol)
			allowed |= rule->protocols[i].allowed;
	if (rule->overflow) {
		struct llsock_protocol_entry pkey = {
			.key = { .family = family, .type = type,
				 .space = space,
				 .chunk = (__u32)protocol >>
					  LLSOCK_PROTOCOL_CHUNK_SHIFT },
		};
		const struct llsock_protocol_entry *found;

		found = bsearch(&pkey, table->protocols, table->nr_protocols,
				sizeof(pkey), compare_protocol_keys);
		if (found)
			allowed |= found->value.allowed[
				(__u32)protocol % LLSOCK_PROTOCOL_CHUNK];
	}
	return allowed;
}

bool llsock_table_allows(const struct llsock_table *table, __u16 required,
			 __u16 canonical, int family, int type, int protocol)
{
	__u16 allowed = 0;

	if (required & ~canonical)
		allowed |= space_allows(table, LLSOCK_SPACE_RAW, family, type,
					protocol);
	if (required & canonical) {
		llsock_canonical_key(&family, &type, &protocol);
		allowed |= space_allows(table, LLSOCK_SPACE_CANONICAL, family,
					type, protocol);
	}
	return (allowed & required) == required;
}

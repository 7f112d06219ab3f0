// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Binding: the one transaction that changes the store.
 *
 * A change binds a ruleset to a cgroup (or replaces the one bound there),
 * unbinds one, or drops the bindings of removed cgroups (llsock_gc()).
 * Under an exclusive lock of the store:
 *  1. plan: read a snapshot, put the changed binding in it as an ordinary
 *     entry (added, given its new ruleset, or marked unbound), and compute
 *     the new domain of it and of every binding below it; a limit exceeded
 *     fails here, before any write;
 *  2. write the new ruleset and rule tables under fresh ids, which no
 *     domain refers to yet;
 *  3. publish: one update of llsock_domains per new domain, parents first,
 *     so that each task sees its old domain or its new one, then the
 *     removals; a failure puts back what was published;
 *  4. clean up: wait until no BPF program can still read a replaced
 *     domain, then delete what no domain refers to any more.
 *
 * A change costs what it changes, not what is bound elsewhere: it reads
 * the bindings of the changed cgroup, of its ancestors and of the cgroups
 * below it (found by walking its directory), plans on those, deletes the
 * tables it replaced by their keys (merged again) and a ruleset when the
 * last domain having it as a layer goes (struct llsock_ruleset_info's
 * refs), and keeps the counts the limits are checked against in struct
 * llsock_state. Three things take the whole store instead, the way every
 * change used to: a change that finds llsock_state's changing set (the
 * one before it died half-way: it finishes or undoes that one, then
 * deletes whatever nothing refers to and counts everything again), a
 * change that the counts say would exceed a limit (to drop the bindings
 * of removed cgroups first, and to say exactly). llsock_gc() opens each
 * bound cgroup once, and cleans up after the bindings it drops as a change
 * does.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "snapshot.h"

/* What a caller asks for. */
struct change {
	__u64 cgroup;				/* 0: no binding changes */
	int fd;					/* @cgroup's directory */
	int level;
	__u64 ancestry[LLSOCK_MAX_LEVEL + 1];
	const struct llsock_ruleset *ruleset;	/* NULL: unbind */
	struct llsock_bind_opts *use;		/* out, or NULL */
};

/* 1. Plan. */

/* Puts the changed binding in @snap, as the change leaves it. */
static int plan_binding(struct llsock_store *store, struct snapshot *snap,
			const struct change *change)
{
	struct binding *b;

	if (!change->cgroup)
		return 0;
	b = llsock_snapshot_binding(snap, change->cgroup);
	if (!b && !change->ruleset)
		return -ENOENT;
	if (!b) {
		/* The snapshot keeps room for one more. */
		b = &snap->bindings[snap->nr_bindings++];
		memset(b, 0, sizeof(*b));
		b->cgroup = change->cgroup;
		b->level = change->level;
		memcpy(b->ancestry, change->ancestry, sizeof(b->ancestry));
		llsock_snapshot_sort(snap);
		b = llsock_snapshot_binding(snap, change->cgroup);
	}
	b->bound = change->ruleset != NULL;
	if (b->bound) {
		b->ruleset = change->ruleset;
		b->ruleset_id = llsock_store_new_id(store);
		b->fresh_ruleset = true;
	}
	return 0;
}

/*
 * The most rule entries @ruleset can give a merged table: one per rule,
 * LLSOCK_TYPE_SLOTS for a v4 rule of any type (expanded over the types).
 */
static __u64 ruleset_entries(const struct llsock_ruleset *ruleset)
{
	__u64 n = 0;
	size_t i;

	for (i = 0; i < ruleset->nr_rules; i++)
		n += ruleset->flavour == LLSOCK_FLAVOUR_V4 &&
		     ruleset->rules[i].type == LLSOCK_ANY ?
			     LLSOCK_TYPE_SLOTS : 1;
	return n;
}

/* The domain @b gets: the bound cgroups on its path, root first. */
static int plan_domain(struct llsock_store *store, const struct snapshot *snap,
		       struct binding *b)
{
	const struct llsock_ruleset *layers[LLSOCK_MAX_LAYERS];
	struct llsock_domain *domain = &b->new_domain;
	unsigned int n = 0;
	__u16 required, canonical;
	int i, ret;

	memset(domain, 0, sizeof(*domain));
	for (i = 0; i <= b->level; i++) {
		const struct binding *layer =
			llsock_snapshot_binding(snap, b->ancestry[i]);

		if (!layer || layer->gone || !layer->bound)
			continue;
		if (n == LLSOCK_MAX_LAYERS)
			return -E2BIG;
		if (!layer->ruleset)
			return -EUCLEAN;	/* a domain without its ruleset */
		layers[n] = layer->ruleset;
		domain->entries += ruleset_entries(layer->ruleset);
		if (layer->ruleset->audit)
			domain->audit |= 1U << n;
		domain->ruleset[n] = layer->ruleset_id;
		domain->cgroup[n] = layer->cgroup;
		n++;
	}
	domain->table = llsock_store_new_id(store);
	ret = llsock_merge_layers(layers, n, domain->table, &b->table,
				  &required, &canonical);
	if (ret)
		return ret;
	domain->required = required;
	domain->canonical = canonical;
	domain->nr_layers = n;
	domain->level = b->level;
	return 0;
}

/* Whether @b is @top or below it. */
static bool at_or_below(const struct binding *b, const struct binding *top)
{
	return b == top || (b->level > top->level &&
			    b->ancestry[top->level] == top->cgroup);
}

/*
 * Whether the domain in force of @b still has the layers its bound
 * ancestors and itself have now. It does not after a change that was
 * killed while it published, parents first: the parent has its new domain,
 * the children below it their old one, with the parent's old layer.
 */
static bool domain_current(const struct snapshot *snap,
			   const struct binding *b)
{
	unsigned int n = 0;
	int i;

	for (i = 0; i <= b->level; i++) {
		const struct binding *layer =
			llsock_snapshot_binding(snap, b->ancestry[i]);

		if (!layer || layer->gone || !layer->bound)
			continue;
		if (n == b->domain.nr_layers ||
		    b->domain.ruleset[n] != layer->ruleset_id ||
		    b->domain.cgroup[n] != layer->cgroup)
			return false;
		n++;
	}
	return n == b->domain.nr_layers;
}

/*
 * The limits llsock was loaded with, checked before anything is merged:
 * at most max_bindings bound cgroups (-EDQUOT), and at most max_rules
 * rule entries in force (-ENOSPC), counted as what the merged tables of
 * every domain can hold at most. The rule maps hold twice that (load.c):
 * the old tables and the new ones, while a change is published.
 */
static int check_limits(struct llsock_store *store, const struct snapshot *snap,
			struct llsock_bind_opts *use)
{
	struct llsock_limits limits;
	__u64 bindings = 0, entries = 0;
	size_t i;
	int l;

	for (i = 0; i < snap->nr_bindings; i++) {
		const struct binding *b = &snap->bindings[i];

		if (b->gone || !b->bound)
			continue;
		bindings++;
		for (l = 0; l <= b->level; l++) {
			const struct binding *layer =
				llsock_snapshot_binding(snap, b->ancestry[l]);

			if (layer && !layer->gone && layer->bound &&
			    layer->ruleset)
				entries += ruleset_entries(layer->ruleset);
		}
	}
	if (use) {
		use->rule_entries = entries;
		use->bindings = bindings;
	}
	llsock_store_limits(store, &limits);
	if (bindings > limits.max_bindings)
		return -EDQUOT;
	return entries > limits.max_rules ? -ENOSPC : 0;
}

/*
 * The bindings that get a new domain: the changed one and every binding
 * below it, and, to @repair the whole store, any other whose domain is not
 * current (what a killed change left, finished now) and within the limits,
 * or nothing.
 */
static int plan(struct llsock_store *store, struct snapshot *snap,
		const struct change *change, bool repair)
{
	struct binding *top = NULL, *b;
	size_t i;
	int ret;

	ret = plan_binding(store, snap, change);
	if (ret)
		return ret;
	if (change->cgroup)
		top = llsock_snapshot_binding(snap, change->cgroup);
	if (repair && change->ruleset) {
		ret = check_limits(store, snap, change->use);
		if (ret)
			return ret;
	}
	for (i = 0; i < snap->nr_bindings; i++) {
		b = &snap->bindings[i];
		if (b->gone)
			continue;
		if (!(top && at_or_below(b, top)) &&
		    (!repair || !b->existed || domain_current(snap, b)))
			continue;
		b->affected = true;
		if (!b->bound)
			continue;
		ret = plan_domain(store, snap, b);
		if (ret)
			return ret;
	}
	return 0;
}

/* 2. Write what the new domains refer to. */

static int write_ruleset(struct llsock_store *store,
			 const struct llsock_ruleset *ruleset, __u32 id)
{
	struct llsock_ruleset_info info = {
		.handled = ruleset->handled,
		.nr_rules = ruleset->nr_rules,
		.flavour = ruleset->flavour,
		.flags = ruleset->audit ? LLSOCK_RULESET_AUDIT : 0,
	};
	struct stored_chunk {
		struct llsock_ruleset_rule_key key;
		struct llsock_ruleset_chunk chunk;
	} *chunks;
	size_t i, nr_chunks = llsock_ruleset_chunks(ruleset->nr_rules);
	int ret;

	chunks = calloc(nr_chunks + 1, sizeof(*chunks));
	if (!chunks)
		return -ENOMEM;
	for (i = 0; i < ruleset->nr_rules; i++) {
		struct stored_chunk *c = &chunks[i / LLSOCK_RULESET_CHUNK];
		struct llsock_ruleset_rule *rule =
			&c->chunk.rules[i % LLSOCK_RULESET_CHUNK];

		c->key.ruleset = id;
		c->key.chunk = i / LLSOCK_RULESET_CHUNK;
		rule->wildcards = ruleset->rules[i].wildcards;
		rule->family = ruleset->rules[i].family;
		rule->type = ruleset->rules[i].type;
		rule->protocol = ruleset->rules[i].protocol;
		rule->allowed = ruleset->rules[i].allowed;
	}
	llsock_fault_point();
	ret = llsock_map_write_entries(STORE_FD(store, ruleset_rules), chunks,
				       nr_chunks, sizeof(*chunks),
				       sizeof(chunks->key),
				       offsetof(struct stored_chunk, chunk),
				       sizeof(chunks->chunk));
	free(chunks);
	llsock_fault_point();
	if (!ret)
		ret = bpf_map_update_elem(STORE_FD(store, rulesets), &id, &info,
					  BPF_ANY);
	return ret == -E2BIG ? -ENOSPC : ret;
}

static int write_table(struct llsock_store *store,
		       const struct llsock_table *table)
{
	int ret;

	llsock_fault_point();
	ret = llsock_map_write_entries(STORE_FD(store, protocol_rules),
				       table->protocols, table->nr_protocols,
				       sizeof(*table->protocols),
				       sizeof(table->protocols->key),
				       offsetof(struct llsock_protocol_entry,
						value),
				       sizeof(table->protocols->value));
	if (ret)
		return ret;
	llsock_fault_point();
	return llsock_map_write_entries(STORE_FD(store, rules),
					table->entries, table->nr_entries,
					sizeof(*table->entries),
					sizeof(table->entries->key),
					offsetof(struct llsock_table_entry,
						 value),
					sizeof(table->entries->value));
}

static int write_domain(struct llsock_store *store, const struct binding *b)
{
	int ret;

	if (b->fresh_ruleset) {
		ret = write_ruleset(store, b->ruleset, b->ruleset_id);
		if (ret)
			return ret;
	}
	return write_table(store, &b->table);
}

/*
 * Calls @fn for each of the first @count bindings of @snap that the change
 * gives a new domain, parents first (the snapshot is sorted by level), up
 * to the first error; @at receives the index reached.
 */
static int for_each_new_domain(struct llsock_store *store,
			       const struct snapshot *snap, size_t count,
			       int (*fn)(struct llsock_store *store,
					 const struct binding *b),
			       size_t *at)
{
	size_t i;
	int ret;

	for (i = 0; i < count; i++) {
		const struct binding *b = &snap->bindings[i];

		if (!b->affected || !b->bound)
			continue;
		ret = fn(store, b);
		if (ret) {
			*at = i;
			return ret;
		}
	}
	*at = count;
	return 0;
}

/*
 * 3. Publish, parents first (the snapshot is sorted by level).
 *
 * A program that looked a domain up reads it in place, under the RCU read
 * lock. Replacing or deleting the element frees it, and the kernel's BPF
 * memory allocator (hash maps without preallocation, 6.1 and later) hands
 * a freed element out again at once, to the next update on that CPU,
 * without waiting for a grace period: the next domain published could be
 * written over the one a program is still reading. So no domain update
 * follows a free before a grace period has passed (llsock_store_sync()):
 * an element freed is reused only once no program can still read it.
 */
static int before_domain_update(struct llsock_store *store)
{
	return store->domain_freed ? llsock_store_sync(store) : 0;
}

/*
 * Before an update that frees a domain element: marked in llsock_state,
 * so that the next change waits for a grace period first even if this
 * one is killed before it does (llsock_store_open()).
 */
static void before_domain_free(struct llsock_store *store)
{
	store->state->unsynced = 1;
}

static int publish_domain(struct llsock_store *store, const struct binding *b)
{
	int ret;

	ret = before_domain_update(store);
	if (ret)
		return ret;
	llsock_fault_point();
	/*
	 * The fast path must know of a binding before its domain exists;
	 * its counters are there from its first request on (without them,
	 * only the per-cgroup metrics miss it: not worth failing for).
	 */
	if (!b->existed) {
		llsock_store_cgroup_stats_make(store, b->cgroup);
		llsock_store_count_binding(store, b->cgroup, b->level, 1);
	}
	llsock_fault_point();
	if (b->existed)
		before_domain_free(store);
	ret = bpf_map_update_elem(STORE_FD(store, domains), &b->cgroup,
				  &b->new_domain,
				  b->existed ? BPF_EXIST : BPF_ANY);
	if (ret && !b->existed)
		llsock_store_count_binding(store, b->cgroup, b->level, -1);
	if (!ret && b->existed)
		store->domain_freed = true;
	return ret == -E2BIG ? -ENOSPC : ret;
}

/* Puts back the domain @b had; a failure leaves the new one in force. */
static int unpublish_domain(struct llsock_store *store,
			    const struct binding *b)
{
	int fd = STORE_FD(store, domains);

	if (before_domain_update(store))
		return 0;
	before_domain_free(store);
	if (b->existed) {
		if (!bpf_map_update_elem(fd, &b->cgroup, &b->domain,
					 BPF_EXIST))
			store->domain_freed = true;
	} else if (!bpf_map_delete_elem(fd, &b->cgroup)) {
		llsock_store_count_binding(store, b->cgroup, b->level, -1);
		store->domain_freed = true;
	}
	return 0;
}

/* Drops the binding @b, unbound by the change or of a removed cgroup. */
static int drop_binding(struct llsock_store *store, const struct binding *b)
{
	int ret;

	ret = before_domain_update(store);
	if (ret)
		return ret;
	llsock_fault_point();
	before_domain_free(store);
	ret = bpf_map_delete_elem(STORE_FD(store, domains), &b->cgroup);
	if (!ret) {
		llsock_store_count_binding(store, b->cgroup, b->domain.level,
					   -1);
		store->domain_freed = true;
	}
	return ret;
}

static int publish(struct llsock_store *store, const struct snapshot *snap)
{
	size_t i, at;
	int ret;

	/*
	 * Removed cgroups first: no task can be there any more, and their
	 * places may be what the new bindings need.
	 */
	for (i = 0; i < snap->nr_bindings; i++)
		if (snap->bindings[i].gone)
			drop_binding(store, &snap->bindings[i]);
	ret = for_each_new_domain(store, snap, snap->nr_bindings,
				  publish_domain, &at);
	for (i = 0; !ret && i < snap->nr_bindings; i++) {
		const struct binding *b = &snap->bindings[i];

		if (b->affected && !b->bound)
			ret = drop_binding(store, b);
	}
	if (ret) {
		/* Only an allocation failure in the kernel gets here. */
		for_each_new_domain(store, snap, at, unpublish_domain, &at);
		return ret;
	}
	return 0;
}

/* 4. Clean up. */

/* The ids that domains refer to, sorted: one kind (tables or rulesets). */
struct id_set {
	__u32 *ids;
	size_t n;
};

static int compare_ids(const void *a, const void *b)
{
	__u32 x = *(const __u32 *)a, y = *(const __u32 *)b;

	return x < y ? -1 : x > y;
}

static int id_set_make(struct id_set *set, const struct llsock_domain *domains,
		       size_t nr_domains, bool rulesets)
{
	size_t i, n = 0;
	unsigned int l;

	set->ids = calloc(nr_domains ? nr_domains * LLSOCK_MAX_LAYERS : 1,
			  sizeof(*set->ids));
	if (!set->ids)
		return -ENOMEM;
	for (i = 0; i < nr_domains; i++) {
		if (!rulesets) {
			set->ids[n++] = domains[i].table;
			continue;
		}
		for (l = 0; l < domains[i].nr_layers && l < LLSOCK_MAX_LAYERS;
		     l++)
			set->ids[n++] = domains[i].ruleset[l];
	}
	qsort(set->ids, n, sizeof(*set->ids), compare_ids);
	set->n = n;
	return 0;
}

/*
 * Deletes the entries of the map @fd, whose keys start with the id of a
 * table or ruleset, that no domain uses (@used): one look-up per entry,
 * however many domains there are.
 */
static int sweep_map(int fd, size_t key_size, size_t value_size,
		     const struct id_set *used)
{
	void *keys, *values;
	size_t n, i, dead = 0;
	int ret;

	ret = llsock_map_dump(fd, key_size, value_size, &keys, &values, &n);
	if (ret)
		return ret;
	for (i = 0; i < n; i++) {
		const char *key = (const char *)keys + i * key_size;
		__u32 id;

		memcpy(&id, key, sizeof(id));
		if (!bsearch(&id, used->ids, used->n, sizeof(id), compare_ids))
			memmove((char *)keys + dead++ * key_size, key,
				key_size);
	}
	llsock_fault_point();
	llsock_map_delete(fd, keys, key_size, dead);
	free(keys);
	free(values);
	return 0;
}

/* How many times @id is in @set. */
static size_t id_set_count(const struct id_set *set, __u32 id)
{
	size_t lo = 0, hi = set->n, n = 0;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (set->ids[mid] < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	while (lo + n < set->n && set->ids[lo + n] == id)
		n++;
	return n;
}

/*
 * Deletes the rulesets no domain has as a layer, and sets the refs of the
 * others to the domains that do (@used: each domain's layers).
 */
static int sweep_rulesets(struct llsock_store *store, const struct id_set *used)
{
	int fd = STORE_FD(store, rulesets);
	struct llsock_ruleset_info *infos;
	size_t n, i, dead = 0;
	__u32 *ids;
	int ret;

	ret = llsock_map_dump(fd, sizeof(*ids), sizeof(*infos), (void **)&ids,
			      (void **)&infos, &n);
	if (ret)
		return ret;
	for (i = 0; i < n; i++) {
		size_t refs = id_set_count(used, ids[i]);

		if (!refs) {
			ids[dead++] = ids[i];
		} else if (infos[i].refs != refs) {
			infos[i].refs = refs;
			bpf_map_update_elem(fd, &ids[i], &infos[i], BPF_EXIST);
		}
	}
	llsock_fault_point();
	llsock_map_delete(fd, ids, sizeof(*ids), dead);
	free(ids);
	free(infos);
	return 0;
}

/*
 * Deletes every rule table entry and ruleset that no domain refers to
 * (what a dead loader left behind, too), and sets every ruleset's refs.
 */
static int sweep(struct llsock_store *store)
{
	struct id_set tables = {}, rulesets = {};
	struct llsock_domain *domains;
	__u64 *cgroups;
	size_t n;
	int ret;

	ret = llsock_store_domains(store, &cgroups, &domains, &n);
	if (ret)
		return ret;
	ret = id_set_make(&tables, domains, n, false);
	if (!ret)
		ret = id_set_make(&rulesets, domains, n, true);
	if (!ret)
		ret = sweep_map(STORE_FD(store, rules),
				sizeof(struct llsock_rule_key),
				sizeof(struct llsock_rule), &tables);
	if (!ret)
		ret = sweep_map(STORE_FD(store, protocol_rules),
				sizeof(struct llsock_protocol_key),
				sizeof(struct llsock_protocol_chunk), &tables);
	if (!ret)
		ret = sweep_map(STORE_FD(store, ruleset_rules),
				sizeof(struct llsock_ruleset_rule_key),
				sizeof(struct llsock_ruleset_chunk), &rulesets);
	if (!ret)
		ret = sweep_rulesets(store, &rulesets);
	if (!ret) {
		qsort(cgroups, n, sizeof(*cgroups), llsock_compare_u64);
		ret = llsock_store_cgroup_stats_sweep(store, cgroups, n);
	}
	free(tables.ids);
	free(rulesets.ids);
	free(cgroups);
	free(domains);
	return ret;
}

/*
 * After a change that failed half-way: no unreferenced entry left, the
 * counts made right. llsock_state's changing stays set, so that the next
 * change repairs the domains too.
 */
static void clean_up_all(struct llsock_store *store)
{
	if (!llsock_store_sync(store) && !sweep(store))
		llsock_store_recount(store);
}

/* Deletes the @count entries of @entries (@entry_size apart) by key. */
static int delete_keys(int fd, const void *entries, size_t count,
		       size_t entry_size, size_t key_size)
{
	char *keys;
	size_t i;

	keys = calloc(count + 1, key_size);
	if (!keys)
		return -ENOMEM;
	for (i = 0; i < count; i++)
		memcpy(keys + i * key_size,
		       (const char *)entries + i * entry_size, key_size);
	llsock_fault_point();
	llsock_map_delete(fd, keys, key_size, count);
	free(keys);
	return 0;
}

/*
 * Deletes the table of the replaced @domain: merged again from its layers,
 * whose rulesets have not changed, it has the same keys.
 */
static int delete_table(struct llsock_store *store, struct snapshot *snap,
			const struct llsock_domain *domain)
{
	const struct llsock_ruleset *layers[LLSOCK_MAX_LAYERS];
	struct llsock_ruleset *ruleset;
	struct llsock_table table = {};
	__u16 required, canonical;
	unsigned int i;
	int ret;

	for (i = 0; i < domain->nr_layers; i++) {
		ret = llsock_snapshot_ruleset_get(store, snap,
						  domain->ruleset[i], &ruleset);
		if (ret)
			return ret;
		layers[i] = ruleset;
	}
	ret = llsock_merge_layers(layers, domain->nr_layers, domain->table,
				  &table, &required, &canonical);
	if (!ret)
		ret = delete_keys(STORE_FD(store, rules), table.entries,
				  table.nr_entries, sizeof(*table.entries),
				  sizeof(table.entries->key));
	if (!ret)
		ret = delete_keys(STORE_FD(store, protocol_rules),
				  table.protocols, table.nr_protocols,
				  sizeof(*table.protocols),
				  sizeof(table.protocols->key));
	llsock_table_free(&table);
	return ret;
}

/* The change in a ruleset's refs. */
struct ref_delta {
	__u32 id;
	int delta;
};

/* Adds @delta to the refs of each layer of @domain, in @deltas. */
static void add_ref_deltas(struct ref_delta *deltas, size_t *n,
			   const struct llsock_domain *domain, int delta)
{
	unsigned int l;
	size_t i;

	for (l = 0; l < domain->nr_layers; l++) {
		for (i = 0; i < *n && deltas[i].id != domain->ruleset[l]; i++)
			;
		if (i == *n)
			deltas[(*n)++] = (struct ref_delta){ domain->ruleset[l] };
		deltas[i].delta += delta;
	}
}

/* Applies a refs change; deletes a ruleset no domain has any more. */
static int apply_ref_delta(struct llsock_store *store,
			   const struct ref_delta *d)
{
	struct llsock_ruleset_rule_key *keys;
	struct llsock_ruleset_info info;
	int fd = STORE_FD(store, rulesets);
	__s64 refs;
	__u32 i, n;
	int ret;

	ret = bpf_map_lookup_elem(fd, &d->id, &info);
	if (ret)
		return ret == -ENOENT ? -EUCLEAN : ret;
	refs = (__s64)info.refs + d->delta;
	if (refs < 0)
		return -EUCLEAN;
	if (refs) {
		info.refs = refs;
		return bpf_map_update_elem(fd, &d->id, &info, BPF_EXIST);
	}
	n = llsock_ruleset_chunks(info.nr_rules);
	keys = calloc(n + 1, sizeof(*keys));
	if (!keys)
		return -ENOMEM;
	for (i = 0; i < n; i++)
		keys[i] = (struct llsock_ruleset_rule_key){ d->id, i };
	llsock_fault_point();
	llsock_map_delete(STORE_FD(store, ruleset_rules), keys, sizeof(*keys),
			  n);
	free(keys);
	return bpf_map_delete_elem(fd, &d->id);
}

/*
 * 4. Clean up what the change replaced: each replaced or dropped domain's
 * table, the rulesets no domain has any more, the counters of the cgroups
 * no longer bound; then the counts the limits are checked against.
 */
static int retire(struct llsock_store *store, struct snapshot *snap)
{
	struct llsock_state *state = store->state;
	__s64 bindings = state->nr_bindings, entries = state->rule_entries;
	struct ref_delta *deltas;
	bool replaced_any = false;
	size_t i, n = 0;
	int ret;

	/*
	 * No program may still read a table deleted below: a grace period
	 * first, if there is anything to delete (a fresh binding has not).
	 */
	for (i = 0; i < snap->nr_bindings; i++)
		replaced_any |= snap->bindings[i].existed &&
				(snap->bindings[i].affected ||
				 snap->bindings[i].gone);
	ret = replaced_any ? llsock_store_sync(store) : 0;
	if (ret)
		return ret;
	deltas = calloc(2 * snap->nr_bindings * LLSOCK_MAX_LAYERS + 1,
			sizeof(*deltas));
	if (!deltas)
		return -ENOMEM;
	for (i = 0; !ret && i < snap->nr_bindings; i++) {
		const struct binding *b = &snap->bindings[i];
		bool replaced = b->existed && (b->affected || b->gone);

		if (replaced) {
			ret = delete_table(store, snap, &b->domain);
			add_ref_deltas(deltas, &n, &b->domain, -1);
			bindings--;
			entries -= b->domain.entries;
			if (b->gone || !b->bound)
				bpf_map_delete_elem(STORE_FD(store,
							     cgroup_stats),
						    &b->cgroup);
		}
		if (b->affected && b->bound && !b->gone) {
			add_ref_deltas(deltas, &n, &b->new_domain, 1);
			bindings++;
			entries += b->new_domain.entries;
		}
	}
	for (i = 0; !ret && i < n; i++)
		if (deltas[i].delta)
			ret = apply_ref_delta(store, &deltas[i]);
	free(deltas);
	if (ret)
		return ret;
	if (bindings < 0 || entries < 0)
		return -EUCLEAN;
	state->nr_bindings = bindings;
	state->rule_entries = entries;
	return 0;
}

/*
 * The counts a change would leave, from llsock_state's: -EAGAIN when they
 * exceed a limit, for the whole store to be counted (bindings of removed
 * cgroups are in llsock_state's counts until a change drops them).
 */
static int check_counts(struct llsock_store *store, const struct snapshot *snap,
			const struct change *change)
{
	__s64 bindings = store->state->nr_bindings;
	__s64 entries = store->state->rule_entries;
	struct llsock_limits limits;
	size_t i;

	for (i = 0; i < snap->nr_bindings; i++) {
		const struct binding *b = &snap->bindings[i];

		if (!b->affected)
			continue;
		if (b->existed) {
			bindings--;
			entries -= b->domain.entries;
		}
		if (b->bound) {
			bindings++;
			entries += b->new_domain.entries;
		}
	}
	if (change->use) {
		change->use->bindings = bindings;
		change->use->rule_entries = entries;
	}
	llsock_store_limits(store, &limits);
	if (change->ruleset &&
	    (bindings > limits.max_bindings || entries > limits.max_rules))
		return -EAGAIN;
	return 0;
}

/*
 * The bindings a change of one cgroup reads, in @snap: its bound
 * ancestors, its own, and those of the cgroups below it, each with its
 * own ruleset. @cap: the room in @snap->bindings, always one more than
 * they hold, for the binding a change may add.
 */
static int add_stored(struct llsock_store *store, struct snapshot *snap,
		      size_t *cap, const __u64 *ancestry, int level)
{
	struct llsock_ruleset *ruleset;
	struct llsock_domain domain;
	struct binding *b;
	int ret;

	ret = bpf_map_lookup_elem(STORE_FD(store, domains), &ancestry[level],
				  &domain);
	if (ret)
		return ret == -ENOENT ? 0 : ret;
	if (snap->nr_bindings + 2 > *cap) {
		b = realloc(snap->bindings, 2 * *cap * sizeof(*b));
		if (!b)
			return -ENOMEM;
		snap->bindings = b;
		*cap *= 2;
	}
	b = &snap->bindings[snap->nr_bindings];
	ret = llsock_binding_from_domain(b, ancestry[level], &domain);
	if (ret)
		return ret;
	b->level = level;
	memcpy(b->ancestry, ancestry, (level + 1) * sizeof(*ancestry));
	ret = llsock_snapshot_ruleset_get(store, snap, b->ruleset_id, &ruleset);
	if (ret)
		return ret;
	b->ruleset = ruleset;
	snap->nr_bindings++;
	return 0;
}

/* The bound cgroups below @dir_fd, at @level, whose ids are @ancestry. */
static int add_stored_below(struct llsock_store *store, struct snapshot *snap,
			    size_t *cap, int dir_fd, __u64 *ancestry,
			    int level)
{
	struct dirent *entry;
	int ret = 0;
	DIR *dir;

	if (level >= LLSOCK_MAX_LEVEL)
		return 0;
	dir = llsock_opendir_at(dir_fd);
	if (!dir)
		return -errno;
	while (!ret && (errno = 0, entry = readdir(dir))) {
		int child;

		if (entry->d_type != DT_DIR || !strcmp(entry->d_name, ".") ||
		    !strcmp(entry->d_name, ".."))
			continue;
		child = openat(dir_fd, entry->d_name,
			       O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (child < 0) {
			/* Removed meanwhile: no task, no binding to change. */
			ret = errno == ENOENT ? 0 : -errno;
			continue;
		}
		ret = llsock_cgroup_id(child, &ancestry[level + 1]);
		if (!ret)
			ret = add_stored(store, snap, cap, ancestry, level + 1);
		if (!ret)
			ret = add_stored_below(store, snap, cap, child,
					       ancestry, level + 1);
		close(child);
	}
	if (!ret && errno)
		ret = -errno;
	closedir(dir);
	return ret;
}

static int load_neighbourhood(struct llsock_store *store,
			      struct snapshot *snap, const struct change *change)
{
	__u64 ancestry[LLSOCK_MAX_LEVEL + 1];
	size_t cap = 16;
	int l, ret = 0;

	memset(snap, 0, sizeof(*snap));
	snap->bindings = calloc(cap, sizeof(*snap->bindings));
	if (!snap->bindings)
		return -ENOMEM;
	memcpy(ancestry, change->ancestry, sizeof(ancestry));
	for (l = 0; !ret && l <= change->level; l++)
		ret = add_stored(store, snap, &cap, ancestry, l);
	if (!ret)
		ret = add_stored_below(store, snap, &cap, change->fd, ancestry,
				       change->level);
	if (!ret) {
		snap->by_cgroup = calloc(cap, sizeof(*snap->by_cgroup));
		if (!snap->by_cgroup)
			ret = -ENOMEM;
	}
	if (!ret)
		llsock_snapshot_sort(snap);
	return ret;
}

/* Writes, publishes and cleans up what @snap plans; 0 or -errno. */
static int carry_out(struct llsock_store *store, struct snapshot *snap)
{
	size_t at;
	int ret;

	store->state->changing = 1;
	ret = for_each_new_domain(store, snap, snap->nr_bindings, write_domain,
				  &at);
	if (!ret)
		ret = publish(store, snap);
	if (!ret)
		ret = retire(store, snap);
	if (ret) {
		clean_up_all(store);
		return ret;
	}
	store->state->changing = 0;
	return 0;
}

/* A change of one cgroup's binding, at the cost of what it changes. */
static int apply_local(struct llsock_store *store, const struct change *change)
{
	struct snapshot snap;
	int ret;

	ret = load_neighbourhood(store, &snap, change);
	if (!ret)
		ret = plan(store, &snap, change, false);
	if (!ret)
		ret = check_counts(store, &snap, change);
	if (!ret)
		ret = carry_out(store, &snap);
	llsock_snapshot_free(&snap);
	return ret;
}

/*
 * llsock_gc() on a store no change left half-done: drops the bindings of
 * removed cgroups, found with one open per binding.
 */
static int gc_local(struct llsock_store *store)
{
	struct llsock_domain *domains;
	struct snapshot snap = {};
	int mount_fd, fd, ret;
	__u64 *cgroups;
	size_t n, i;

	ret = llsock_store_domains(store, &cgroups, &domains, &n);
	if (ret)
		return ret;
	mount_fd = llsock_cgroup_open_mount();
	if (mount_fd < 0) {
		ret = mount_fd;
		goto out;
	}
	snap.bindings = calloc(n + 1, sizeof(*snap.bindings));
	if (!snap.bindings) {
		ret = -ENOMEM;
		goto out;
	}
	for (i = 0; !ret && i < n; i++) {
		struct binding *b = &snap.bindings[snap.nr_bindings];

		fd = llsock_cgroup_open_id_at(mount_fd, cgroups[i]);
		if (fd >= 0) {
			close(fd);
			continue;
		}
		if (fd != -ESTALE) {
			ret = fd;
			break;
		}
		ret = llsock_binding_from_domain(b, cgroups[i], &domains[i]);
		b->gone = true;
		snap.nr_bindings++;
	}
	if (ret || !snap.nr_bindings)
		goto out;
	store->state->changing = 1;
	for (i = 0; !ret && i < snap.nr_bindings; i++)
		ret = drop_binding(store, &snap.bindings[i]);
	if (!ret)
		ret = retire(store, &snap);
	if (ret)
		clean_up_all(store);
	else
		store->state->changing = 0;
out:
	if (mount_fd >= 0)
		close(mount_fd);
	llsock_snapshot_free(&snap);
	free(cgroups);
	free(domains);
	return ret;
}

/*
 * The change, on the whole store: finishes what a killed change left,
 * drops the bindings of removed cgroups, and deletes and counts again
 * everything.
 */
static int apply_whole(struct llsock_store *store, const struct change *change)
{
	struct snapshot snap;
	size_t at;
	int ret;

	ret = llsock_snapshot_load(store, &snap, true);
	if (ret)
		return ret;
	ret = plan(store, &snap, change, true);
	if (ret)
		goto out;
	store->state->changing = 1;
	ret = for_each_new_domain(store, &snap, snap.nr_bindings, write_domain,
				  &at);
	if (!ret)
		ret = publish(store, &snap);
	if (!ret)
		ret = llsock_store_recount(store);
	/* Whatever happened, leave no unreferenced entry behind. */
	if (ret)
		clean_up_all(store);
	else if (!llsock_store_sync(store) && !sweep(store))
		store->state->changing = 0;
out:
	llsock_snapshot_free(&snap);
	return ret;
}

static int apply_change(struct llsock_store *store,
			const struct change *change)
{
	int ret = -EAGAIN;

	if (!store->state->changing)
		ret = change->cgroup ? apply_local(store, change) :
				       gc_local(store);
	return ret == -EAGAIN ? apply_whole(store, change) : ret;
}

static int change_store(const struct change *change)
{
	struct llsock_store store;
	int ret, settled;

	ret = llsock_store_open(&store, true);
	if (ret)
		return ret;
	/* Every guard in place before a domain may restrict a task. */
	if (change->ruleset)
		ret = llsock_guards_attach(store.dir_fd);
	if (!ret)
		ret = apply_change(&store, change);
	/* Whatever the change did: none without a domain (nothing to guard). */
	settled = llsock_guards_settle(store.dir_fd,
				       STORE_FD(&store, domains));
	llsock_store_close(&store);
	return ret ? ret : settled;
}

/* A change of the binding of the cgroup @cgroup_fd, to @ruleset or none. */
static int change_for_fd(int cgroup_fd, const struct llsock_ruleset *ruleset,
			 struct change *change)
{
	int level, ret;

	memset(change, 0, sizeof(*change));
	change->fd = cgroup_fd;
	ret = llsock_cgroup_check_fd(cgroup_fd);
	if (ret)
		return ret;
	level = llsock_cgroup_ancestry(cgroup_fd, change->ancestry,
				       LLSOCK_MAX_LEVEL + 1);
	if (level < 0)
		return level;
	change->level = level;
	change->cgroup = change->ancestry[level];
	change->ruleset = ruleset;
	return 0;
}

int llsock_bind_cgroup_fd_opts(const struct llsock_ruleset *ruleset,
			       int cgroup_fd, struct llsock_bind_opts *opts)
{
	struct llsock_ruleset *normalized;
	struct change change;
	int ret;

	if (!ruleset)
		return -EBADF;
	if (opts && (opts->sz < sizeof(*opts) ||
		     opts->flags & ~LLSOCK_BIND_AUDIT))
		return -EINVAL;
	ret = llsock_ruleset_copy(ruleset, &normalized);
	if (ret)
		return ret;
	llsock_ruleset_normalize(normalized);
	normalized->audit = opts && opts->flags & LLSOCK_BIND_AUDIT;
	ret = change_for_fd(cgroup_fd, normalized, &change);
	change.use = opts;
	/*
	 * A layer over the caller would restrict it from the first domain
	 * it publishes on: the rest of the change, and any change after it,
	 * would be refused half-way by the guards.
	 */
	if (!ret)
		ret = llsock_cgroup_fd_contains_self(cgroup_fd);
	if (ret > 0)
		ret = -EDEADLK;
	if (!ret)
		ret = change_store(&change);
	llsock_ruleset_free(normalized);
	return ret;
}

int llsock_bind_cgroup_fd(const struct llsock_ruleset *ruleset, int cgroup_fd)
{
	return llsock_bind_cgroup_fd_opts(ruleset, cgroup_fd, NULL);
}

int llsock_bind_cgroup(const struct llsock_ruleset *ruleset,
		       const char *cgroup_path)
{
	int fd, ret;

	fd = llsock_cgroup_open(cgroup_path);
	if (fd < 0)
		return fd;
	ret = llsock_bind_cgroup_fd(ruleset, fd);
	close(fd);
	return ret;
}

int llsock_unbind_cgroup_fd(int cgroup_fd)
{
	struct change change;
	int ret;

	ret = change_for_fd(cgroup_fd, NULL, &change);
	return ret ? ret : change_store(&change);
}

int llsock_unbind_cgroup(const char *cgroup_path)
{
	int fd, ret;

	fd = llsock_cgroup_open(cgroup_path);
	if (fd < 0)
		return fd;
	ret = llsock_unbind_cgroup_fd(fd);
	close(fd);
	return ret;
}

int llsock_gc(void)
{
	struct change change = { .fd = -1 };

	/* No cgroup: only the bindings of removed cgroups are dropped. */
	return change_store(&change);
}

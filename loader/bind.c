// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Binding: the one transaction that changes the store.
 *
 * A change binds a ruleset to a cgroup (or replaces the one bound there),
 * unbinds one, or does neither (llsock_gc()); every change also drops the
 * bindings of removed cgroups. Under an exclusive lock of the store:
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
 *     domain, then delete what no domain refers to any more, including
 *     what a loader that died between 2 and 4 left behind.
 */
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
 * below it, and any other whose domain is not current (what a killed
 * change left, finished now). Within the limits, or nothing.
 */
static int plan(struct llsock_store *store, struct snapshot *snap,
		const struct change *change)
{
	struct binding *top = NULL, *b;
	size_t i;
	int ret;

	ret = plan_binding(store, snap, change);
	if (ret)
		return ret;
	if (change->cgroup)
		top = llsock_snapshot_binding(snap, change->cgroup);
	if (change->ruleset) {
		ret = check_limits(store, snap, change->use);
		if (ret)
			return ret;
	}
	for (i = 0; i < snap->nr_bindings; i++) {
		b = &snap->bindings[i];
		if (b->gone)
			continue;
		if (!(top && at_or_below(b, top)) &&
		    (!b->existed || domain_current(snap, b)))
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
	struct stored_rule {
		struct llsock_ruleset_rule_key key;
		__u64 allowed_access;
	} *rules;
	size_t i;
	int ret;

	rules = calloc(ruleset->nr_rules + 1, sizeof(*rules));
	if (!rules)
		return -ENOMEM;
	for (i = 0; i < ruleset->nr_rules; i++) {
		rules[i].key.ruleset = id;
		rules[i].key.wildcards = ruleset->rules[i].wildcards;
		rules[i].key.family = ruleset->rules[i].family;
		rules[i].key.type = ruleset->rules[i].type;
		rules[i].key.protocol = ruleset->rules[i].protocol;
		rules[i].allowed_access = ruleset->rules[i].allowed;
	}
	llsock_fault_point();
	ret = llsock_map_write_entries(STORE_FD(store, ruleset_rules), rules,
				       ruleset->nr_rules, sizeof(*rules),
				       sizeof(rules->key),
				       offsetof(struct stored_rule,
						allowed_access),
				       sizeof(rules->allowed_access));
	free(rules);
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
						allowed),
				       sizeof(table->protocols->allowed));
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
	/* Removed cgroups: no task can be there any more. */
	for (i = 0; i < snap->nr_bindings; i++)
		if (snap->bindings[i].gone)
			drop_binding(store, &snap->bindings[i]);
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

/*
 * Deletes every rule table entry and ruleset that no domain refers to:
 * what the change just replaced, and what a dead loader left behind.
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
				sizeof(__u32), &tables);
	if (!ret)
		ret = sweep_map(STORE_FD(store, ruleset_rules),
				sizeof(struct llsock_ruleset_rule_key),
				sizeof(__u64), &rulesets);
	if (!ret)
		ret = sweep_map(STORE_FD(store, rulesets), sizeof(__u32),
				sizeof(struct llsock_ruleset_info), &rulesets);
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

static int apply_change(struct llsock_store *store,
			const struct change *change)
{
	struct snapshot snap;
	size_t at;
	int ret;

	ret = llsock_snapshot_load(store, &snap, true);
	if (ret)
		return ret;
	ret = plan(store, &snap, change);
	if (ret)
		goto out;
	ret = for_each_new_domain(store, &snap, snap.nr_bindings, write_domain,
				  &at);
	if (!ret)
		ret = publish(store, &snap);
	if (!ret)
		ret = llsock_store_recount(store);
	/* Whatever happened, leave no unreferenced entry behind. */
	if (!llsock_store_sync(store))
		sweep(store);
out:
	llsock_snapshot_free(&snap);
	return ret;
}

static int change_store(const struct change *change)
{
	struct llsock_store store;
	int ret;

	ret = llsock_store_open(&store, true);
	if (ret)
		return ret;
	ret = apply_change(&store, change);
	llsock_store_close(&store);
	return ret;
}

/* A change of the binding of the cgroup @cgroup_fd, to @ruleset or none. */
static int change_for_fd(int cgroup_fd, const struct llsock_ruleset *ruleset,
			 struct change *change)
{
	int level, ret;

	memset(change, 0, sizeof(*change));
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
	struct change change = {};

	/* No cgroup: only the bindings of removed cgroups are dropped. */
	return change_store(&change);
}

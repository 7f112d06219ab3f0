// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The policy store: the maps pinned under LLSOCK_PIN_DIR, and the one place
 * that changes them.
 *
 * Every change follows the same steps, under an exclusive flock() of the pin
 * directory:
 *  1. read every binding and ruleset, and compute the new domain of each
 *     bound cgroup the change affects (the cgroup and its bound
 *     descendants), failing before any write when a limit is exceeded;
 *  2. write the new rulesets and merged rule tables under fresh ids, which no
 *     domain refers to yet;
 *  3. publish: one update of llsock_domains per affected cgroup, parents
 *     first, so each task sees its old domain or its new one;
 *  4. delete what no domain refers to any more.
 * Between 3 and 4, the loader waits until no BPF program can still be
 * reading an old domain. A loader that dies between 2 and 4 leaves only
 * unreferenced entries, which the next change sweeps.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "internal.h"
#include "store.h"

static const char *const map_names[STORE_NR_MAPS] = {
	[STORE_STATE] = "state",
	[STORE_DOMAINS] = "domains",
	[STORE_RULES] = "rules",
	[STORE_PROTOCOL_RULES] = "protocol_rules",
	[STORE_RULESETS] = "rulesets",
	[STORE_RULESET_RULES] = "ruleset_rules",
	[STORE_EVENTS] = "events",
	[STORE_STATS] = "stats",
	[STORE_SYNC] = "sync",
};

const char *llsock_store_map_name(enum store_map map)
{
	return map_names[map];
}

int llsock_store_open(struct llsock_store *store, bool write)
{
	char path[128];
	int i, ret;

	memset(store, 0, sizeof(*store));
	for (i = 0; i < STORE_NR_MAPS; i++)
		store->fd[i] = -1;
	store->dir_fd = open(LLSOCK_PIN_DIR, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (store->dir_fd < 0)
		return errno == ENOENT ? -ENOPKG : -errno;
	if (flock(store->dir_fd, write ? LOCK_EX : LOCK_SH)) {
		ret = -errno;
		goto err_close;
	}
	/* An unload may have emptied the directory while we waited. */
	for (i = 0; i < STORE_NR_MAPS; i++) {
		snprintf(path, sizeof(path), LLSOCK_PIN_DIR "/%s", map_names[i]);
		store->fd[i] = bpf_obj_get(path);
		if (store->fd[i] < 0) {
			ret = store->fd[i] == -ENOENT ? -ENOPKG : store->fd[i];
			goto err_close;
		}
	}
	store->state = mmap(NULL, sizeof(struct llsock_state),
			    PROT_READ | (write ? PROT_WRITE : 0), MAP_SHARED,
			    store->fd[STORE_STATE], 0);
	if (store->state == MAP_FAILED) {
		store->state = NULL;
		ret = -errno;
		goto err_close;
	}
	return 0;

err_close:
	llsock_store_close(store);
	return ret;
}

void llsock_store_close(struct llsock_store *store)
{
	int i;

	if (store->state)
		munmap(store->state, sizeof(struct llsock_state));
	for (i = 0; i < STORE_NR_MAPS; i++)
		if (store->fd[i] >= 0)
			close(store->fd[i]);
	if (store->dir_fd >= 0)
		close(store->dir_fd);	/* also releases the flock */
	memset(store, 0, sizeof(*store));
	store->dir_fd = -1;
}

/* Reads a whole hash map; batched where the kernel can, else key by key. */
int llsock_map_dump(int fd, size_t key_size, size_t value_size, void **keys,
		    void **values, size_t *count)
{
	size_t n = 0, capacity = 0, chunk = 256;
	char *k = NULL, *v = NULL;
	__u64 batch = 0;
	bool first = true;
	int ret;

	for (;;) {
		__u32 got = chunk;

		if (n + chunk > capacity) {
			char *nk, *nv;

			capacity = 2 * (n + chunk);
			nk = realloc(k, capacity * key_size);
			nv = realloc(v, capacity * value_size);
			if (nk)
				k = nk;
			if (nv)
				v = nv;
			if (!nk || !nv) {
				ret = -ENOMEM;
				goto err_free;
			}
		}
		ret = bpf_map_lookup_batch(fd, first ? NULL : &batch, &batch,
					   k + n * key_size,
					   v + n * value_size, &got, NULL);
		if (ret && ret != -ENOENT && ret != -ENOSPC)
			goto err_free;
		if (ret == -ENOSPC && !got) {
			/* One bucket holds more than a chunk. */
			chunk *= 2;
			continue;
		}
		n += got;
		first = false;
		if (ret == -ENOENT)
			break;
	}
	*keys = k;
	*values = v;
	*count = n;
	return 0;

err_free:
	free(k);
	free(v);
	return ret;
}

static int map_write(int fd, const void *keys, const void *values,
		     size_t key_size, size_t value_size, size_t count)
{
	const char *k = keys, *v = values;

	while (count) {
		__u32 n = count > 4096 ? 4096 : count;
		int ret;

		ret = bpf_map_update_batch(fd, k, v, &n, NULL);
		if (ret)
			return ret == -E2BIG ? -ENOSPC : ret;
		k += n * key_size;
		v += n * value_size;
		count -= n;
	}
	return 0;
}

static void map_delete(int fd, const void *keys, size_t key_size,
		       size_t count)
{
	const char *k = keys;

	while (count) {
		__u32 n = count > 4096 ? 4096 : count;

		/* Keys are known to exist; on a failure, delete one by one. */
		if (bpf_map_delete_batch(fd, k, &n, NULL)) {
			size_t i;

			for (i = 0; i < (count > 4096 ? 4096 : count); i++)
				bpf_map_delete_elem(fd, k + i * key_size);
			n = count > 4096 ? 4096 : count;
		}
		k += n * key_size;
		count -= n;
	}
}

/* Everything the store holds, in memory. */
struct snapshot {
	struct binding {
		__u64 cgroup;
		struct llsock_domain domain;
		/* Ancestry: ids root first, ancestry[level] == cgroup. */
		__u64 ancestry[LLSOCK_MAX_LEVEL + 1];
		int level;
		bool gone;
		/* The change. */
		bool affected;
		__u32 own_ruleset;
		struct llsock_domain new_domain;
		struct llsock_table table;
	} *bindings;
	size_t nr_bindings;
	struct stored_ruleset {
		__u32 id;
		struct llsock_ruleset *ruleset;
	} *rulesets;
	size_t nr_rulesets;
};

static void snapshot_free(struct snapshot *snap)
{
	size_t i;

	for (i = 0; i < snap->nr_bindings; i++)
		llsock_table_free(&snap->bindings[i].table);
	for (i = 0; i < snap->nr_rulesets; i++)
		llsock_ruleset_free(snap->rulesets[i].ruleset);
	free(snap->bindings);
	free(snap->rulesets);
	memset(snap, 0, sizeof(*snap));
}

static struct llsock_ruleset *find_ruleset(const struct snapshot *snap,
					   __u32 id)
{
	size_t i;

	for (i = 0; i < snap->nr_rulesets; i++)
		if (snap->rulesets[i].id == id)
			return snap->rulesets[i].ruleset;
	return NULL;
}

static struct binding *find_binding(const struct snapshot *snap, __u64 cgroup)
{
	size_t i;

	for (i = 0; i < snap->nr_bindings; i++)
		if (snap->bindings[i].cgroup == cgroup)
			return &snap->bindings[i];
	return NULL;
}

static int compare_levels(const void *a, const void *b)
{
	const struct binding *x = a, *y = b;

	if (x->domain.level != y->domain.level)
		return x->domain.level < y->domain.level ? -1 : 1;
	return x->cgroup < y->cgroup ? -1 : x->cgroup > y->cgroup;
}

static int load_rulesets(struct llsock_store *store, struct snapshot *snap)
{
	struct llsock_ruleset_rule_key *rule_keys = NULL;
	struct llsock_ruleset_info *infos = NULL;
	__u64 *allowed = NULL;
	__u32 *ids = NULL;
	size_t n, nr_rules, i;
	int ret;

	ret = llsock_map_dump(store->fd[STORE_RULESETS], sizeof(*ids),
			      sizeof(*infos), (void **)&ids, (void **)&infos,
			      &n);
	if (ret)
		return ret;
	snap->rulesets = calloc(n ? n : 1, sizeof(*snap->rulesets));
	if (!snap->rulesets) {
		ret = -ENOMEM;
		goto out;
	}
	for (i = 0; i < n; i++) {
		struct llsock_ruleset_attr attr = {
			.handled_access_socket = infos[i].handled_access_socket,
		};
		struct stored_ruleset *stored = &snap->rulesets[i];

		stored->id = ids[i];
		ret = llsock_create_ruleset(&attr, sizeof(attr), 0,
					    &stored->ruleset);
		if (ret)
			goto out;
		snap->nr_rulesets++;
	}

	ret = llsock_map_dump(store->fd[STORE_RULESET_RULES],
			      sizeof(*rule_keys), sizeof(*allowed),
			      (void **)&rule_keys, (void **)&allowed,
			      &nr_rules);
	if (ret)
		goto out;
	for (i = 0; i < nr_rules; i++) {
		struct llsock_ruleset *ruleset;
		struct llsock_socket_attr rule = {
			.allowed_access = allowed[i],
			.family = rule_keys[i].family,
			.type = rule_keys[i].type,
			.protocol = rule_keys[i].protocol,
		};

		/* Rules of a ruleset being written or swept: not ours. */
		ruleset = find_ruleset(snap, rule_keys[i].ruleset);
		if (!ruleset)
			continue;
		ret = llsock_add_rule(ruleset, LLSOCK_RULE_SOCKET, &rule, 0);
		if (ret)
			goto out;
	}
	for (i = 0; i < snap->nr_rulesets; i++)
		llsock_ruleset_normalize(snap->rulesets[i].ruleset);
out:
	free(ids);
	free(infos);
	free(rule_keys);
	free(allowed);
	return ret;
}

/*
 * Reads the store. With @ancestry, also resolves each bound cgroup's
 * ancestors, and marks the bindings of removed cgroups as gone.
 */
static int load_snapshot(struct llsock_store *store, struct snapshot *snap,
			 bool ancestry)
{
	struct llsock_domain *domains = NULL;
	__u64 *cgroups = NULL;
	size_t n, i;
	int ret;

	memset(snap, 0, sizeof(*snap));
	ret = llsock_map_dump(store->fd[STORE_DOMAINS], sizeof(*cgroups),
			      sizeof(*domains), (void **)&cgroups,
			      (void **)&domains, &n);
	if (ret)
		return ret;
	snap->bindings = calloc(n + 1, sizeof(*snap->bindings));
	if (!snap->bindings) {
		ret = -ENOMEM;
		goto out;
	}
	for (i = 0; i < n; i++) {
		struct binding *b = &snap->bindings[i];

		b->cgroup = cgroups[i];
		b->domain = domains[i];
		b->level = domains[i].level;
		if (!b->domain.nr_layers ||
		    b->domain.nr_layers > LLSOCK_MAX_LAYERS) {
			ret = -EUCLEAN;
			goto out;
		}
		b->own_ruleset = b->domain.ruleset[b->domain.nr_layers - 1];
	}
	snap->nr_bindings = n;
	qsort(snap->bindings, n, sizeof(*snap->bindings), compare_levels);

	for (i = 0; ancestry && i < n; i++) {
		struct binding *b = &snap->bindings[i];
		int fd, level;

		fd = llsock_cgroup_open_id(b->cgroup);
		if (fd == -ESTALE) {
			b->gone = true;
			continue;
		}
		if (fd < 0) {
			ret = fd;
			goto out;
		}
		level = llsock_cgroup_ancestry(fd, b->ancestry,
					       LLSOCK_MAX_LEVEL + 1);
		close(fd);
		if (level < 0) {
			ret = level;
			goto out;
		}
		b->level = level;
	}
	ret = load_rulesets(store, snap);
out:
	free(cgroups);
	free(domains);
	if (ret)
		snapshot_free(snap);
	return ret;
}

static __u32 new_id(struct llsock_store *store)
{
	__u32 id = ++store->state->next_id;

	if (!id)
		id = ++store->state->next_id;
	return id;
}

/* The one binding being added or replaced: not in the snapshot yet. */
struct change {
	__u64 cgroup;
	int level;
	__u64 ancestry[LLSOCK_MAX_LEVEL + 1];
	const struct llsock_ruleset *ruleset;	/* NULL: unbind */
	__u32 ruleset_id;
	struct binding *binding;		/* in the snapshot */
};

static bool is_bound(const struct snapshot *snap, const struct change *change,
		     __u64 cgroup)
{
	const struct binding *b;

	if (cgroup == change->cgroup)
		return change->ruleset != NULL;
	b = find_binding(snap, cgroup);
	return b && !b->gone;
}

static const struct llsock_ruleset *layer_ruleset(const struct snapshot *snap,
						  const struct change *change,
						  __u64 cgroup, __u32 *id)
{
	const struct binding *b;

	if (cgroup == change->cgroup) {
		*id = change->ruleset_id;
		return change->ruleset;
	}
	b = find_binding(snap, cgroup);
	*id = b->own_ruleset;
	return find_ruleset(snap, b->own_ruleset);
}

/* The new domain of @b (ancestry from @ancestry, level @level). */
static int compute_domain(struct llsock_store *store,
			  const struct snapshot *snap,
			  const struct change *change, const __u64 *ancestry,
			  int level, struct llsock_domain *domain,
			  struct llsock_table *table)
{
	const struct llsock_ruleset *layers[LLSOCK_MAX_LAYERS];
	unsigned int n = 0;
	__u16 required;
	int i, ret;

	memset(domain, 0, sizeof(*domain));
	for (i = 0; i <= level; i++) {
		const struct llsock_ruleset *ruleset;
		__u32 id;

		if (!is_bound(snap, change, ancestry[i]))
			continue;
		if (n == LLSOCK_MAX_LAYERS)
			return -E2BIG;
		ruleset = layer_ruleset(snap, change, ancestry[i], &id);
		if (!ruleset)
			return -EUCLEAN;	/* a domain without its ruleset */
		layers[n] = ruleset;
		domain->ruleset[n] = id;
		domain->cgroup[n] = ancestry[i];
		n++;
	}
	domain->table = new_id(store);
	ret = llsock_merge_layers(layers, n, domain->table, table, &required);
	if (ret)
		return ret;
	domain->required = required;
	domain->nr_layers = n;
	domain->level = level;
	return 0;
}

/*
 * Writes @count entries of @entry_size bytes, each a key (at offset 0)
 * followed by its value (at @value_offset), to the map @fd in batches.
 */
static int write_entries(int fd, const void *entries, size_t count,
			 size_t entry_size, size_t key_size,
			 size_t value_offset, size_t value_size)
{
	const char *entry = entries;
	char *keys, *values;
	size_t i;
	int ret;

	keys = calloc(count + 1, key_size);
	values = calloc(count + 1, value_size);
	if (!keys || !values) {
		ret = -ENOMEM;
		goto out;
	}
	for (i = 0; i < count; i++, entry += entry_size) {
		memcpy(keys + i * key_size, entry, key_size);
		memcpy(values + i * value_size, entry + value_offset,
		       value_size);
	}
	ret = map_write(fd, keys, values, key_size, value_size, count);
out:
	free(keys);
	free(values);
	return ret;
}

static int write_ruleset(struct llsock_store *store,
			 const struct llsock_ruleset *ruleset, __u32 id)
{
	struct llsock_ruleset_info info = {
		.handled_access_socket = ruleset->handled_access_socket,
		.nr_rules = ruleset->nr_rules,
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
		rules[i].key.family = ruleset->rules[i].family;
		rules[i].key.type = ruleset->rules[i].type;
		rules[i].key.protocol = ruleset->rules[i].protocol;
		rules[i].allowed_access = ruleset->rules[i].allowed_access;
	}
	ret = write_entries(store->fd[STORE_RULESET_RULES], rules,
			    ruleset->nr_rules, sizeof(*rules),
			    sizeof(rules->key),
			    offsetof(struct stored_rule, allowed_access),
			    sizeof(rules->allowed_access));
	free(rules);
	if (!ret)
		ret = bpf_map_update_elem(store->fd[STORE_RULESETS], &id,
					  &info, BPF_ANY);
	return ret == -E2BIG ? -ENOSPC : ret;
}

static int write_table(struct llsock_store *store,
		       const struct llsock_table *table)
{
	int ret;

	ret = write_entries(store->fd[STORE_PROTOCOL_RULES], table->protocols,
			    table->nr_protocols, sizeof(*table->protocols),
			    sizeof(table->protocols->key),
			    offsetof(struct llsock_protocol_entry, allowed),
			    sizeof(table->protocols->allowed));
	if (ret)
		return ret;
	return write_entries(store->fd[STORE_RULES], table->entries,
			     table->nr_entries, sizeof(*table->entries),
			     sizeof(table->entries->key),
			     offsetof(struct llsock_table_entry, value),
			     sizeof(table->entries->value));
}

/* The bound-cgroup counters the BPF fast path reads; see llsock_state. */
static void count_binding(struct llsock_store *store, __u64 cgroup, int level,
			  int delta)
{
	struct llsock_state *state = store->state;
	__u16 *slot = &state->filter[cgroup & (LLSOCK_FILTER_SLOTS - 1)];

	if (delta > 0) {
		__atomic_store_n(slot, *slot + 1, __ATOMIC_RELEASE);
		state->level_count[level]++;
		__atomic_fetch_or(&state->bound_levels, 1ULL << level,
				  __ATOMIC_RELEASE);
	} else {
		if (*slot)
			__atomic_store_n(slot, *slot - 1, __ATOMIC_RELEASE);
		if (state->level_count[level] && !--state->level_count[level])
			__atomic_fetch_and(&state->bound_levels,
					   ~(1ULL << level), __ATOMIC_RELEASE);
	}
}

/*
 * Returns once no BPF program that could have read a replaced domain is
 * still running. The kernel waits for an RCU grace period after every
 * update of a map-in-map, so that its caller knows programs see the new
 * value: llsock_sync exists only to be updated for that wait.
 */
static int wait_for_readers(struct llsock_store *store)
{
	__u32 zero = 0;
	int inner, ret;

	inner = bpf_map_create(BPF_MAP_TYPE_ARRAY, "llsock_sync", sizeof(__u32),
			       sizeof(__u32), 1, NULL);
	if (inner < 0)
		return inner;
	ret = bpf_map_update_elem(store->fd[STORE_SYNC], &zero, &inner,
				  BPF_ANY);
	close(inner);
	return ret;
}

/*
 * Deletes the entries of the map @fd, keyed by a table id first, of tables
 * none of @domains uses.
 */
static int sweep_tables(int fd, size_t key_size, size_t value_size,
			const struct llsock_domain *domains,
			size_t nr_domains)
{
	void *keys, *values;
	size_t n, i, j, dead;
	int ret;

	ret = llsock_map_dump(fd, key_size, value_size, &keys, &values, &n);
	if (ret)
		return ret;
	for (i = 0, dead = 0; i < n; i++) {
		const char *key = (const char *)keys + i * key_size;
		__u32 table;

		memcpy(&table, key, sizeof(table));
		for (j = 0; j < nr_domains; j++)
			if (domains[j].table == table)
				break;
		if (j == nr_domains)
			memmove((char *)keys + dead++ * key_size, key,
				key_size);
	}
	map_delete(fd, keys, key_size, dead);
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
	struct llsock_domain *domains = NULL;
	void *keys = NULL, *values = NULL;
	size_t nr_domains, n, i, j, dead;
	__u64 *cgroups = NULL;
	int ret;

	ret = llsock_map_dump(store->fd[STORE_DOMAINS], sizeof(*cgroups),
			      sizeof(*domains), (void **)&cgroups,
			      (void **)&domains, &nr_domains);
	if (ret)
		return ret;

	ret = sweep_tables(store->fd[STORE_RULES],
			   sizeof(struct llsock_rule_key),
			   sizeof(struct llsock_rule), domains, nr_domains);
	if (!ret)
		ret = sweep_tables(store->fd[STORE_PROTOCOL_RULES],
				   sizeof(struct llsock_protocol_key),
				   sizeof(__u32), domains, nr_domains);
	if (ret)
		goto out;

	ret = llsock_map_dump(store->fd[STORE_RULESET_RULES],
			      sizeof(struct llsock_ruleset_rule_key),
			      sizeof(__u64), &keys, &values, &n);
	if (ret)
		goto out;
	for (i = 0, dead = 0; i < n; i++) {
		struct llsock_ruleset_rule_key *key =
			(struct llsock_ruleset_rule_key *)keys + i;
		unsigned int l;

		for (j = 0; j < nr_domains; j++) {
			for (l = 0; l < domains[j].nr_layers; l++)
				if (domains[j].ruleset[l] == key->ruleset)
					break;
			if (l < domains[j].nr_layers)
				break;
		}
		if (j == nr_domains)
			((struct llsock_ruleset_rule_key *)keys)[dead++] = *key;
	}
	map_delete(store->fd[STORE_RULESET_RULES], keys,
		   sizeof(struct llsock_ruleset_rule_key), dead);
	free(keys);
	free(values);
	keys = values = NULL;

	ret = llsock_map_dump(store->fd[STORE_RULESETS], sizeof(__u32),
			      sizeof(struct llsock_ruleset_info), &keys,
			      &values, &n);
	if (ret)
		goto out;
	for (i = 0, dead = 0; i < n; i++) {
		__u32 id = ((__u32 *)keys)[i];
		unsigned int l;

		for (j = 0; j < nr_domains; j++) {
			for (l = 0; l < domains[j].nr_layers; l++)
				if (domains[j].ruleset[l] == id)
					break;
			if (l < domains[j].nr_layers)
				break;
		}
		if (j == nr_domains)
			((__u32 *)keys)[dead++] = id;
	}
	map_delete(store->fd[STORE_RULESETS], keys, sizeof(__u32), dead);
out:
	free(keys);
	free(values);
	free(cgroups);
	free(domains);
	return ret;
}

/*
 * Applies @change (bind when change->ruleset, unbind when only
 * change->cgroup) to the store, and drops the bindings of removed cgroups
 * on the way.
 */
static int apply_change(struct llsock_store *store, struct change *change)
{
	struct snapshot snap;
	size_t i, nr_published = 0;
	bool newly_bound;
	struct binding *self = NULL, *b;
	int ret;

	ret = load_snapshot(store, &snap, true);
	if (ret)
		return ret;

	b = change->cgroup ? find_binding(&snap, change->cgroup) : NULL;
	if (!change->ruleset && !b && change->cgroup) {
		ret = -ENOENT;
		goto out;
	}
	newly_bound = change->ruleset && !b;

	/* 1. Compute every new domain; no write before all are known. */
	if (change->ruleset)
		change->ruleset_id = new_id(store);
	if (change->ruleset) {
		self = calloc(1, sizeof(*self));
		if (!self) {
			ret = -ENOMEM;
			goto out;
		}
		self->cgroup = change->cgroup;
		self->level = change->level;
		memcpy(self->ancestry, change->ancestry,
		       sizeof(self->ancestry));
		ret = compute_domain(store, &snap, change, change->ancestry,
				     change->level, &self->new_domain,
				     &self->table);
		if (ret)
			goto out;
	}
	for (i = 0; i < snap.nr_bindings; i++) {
		b = &snap.bindings[i];
		if (b->gone || b->cgroup == change->cgroup)
			continue;
		if (b->level <= change->level ||
		    b->ancestry[change->level] != change->cgroup)
			continue;
		b->affected = true;
		ret = compute_domain(store, &snap, change, b->ancestry,
				     b->level, &b->new_domain, &b->table);
		if (ret)
			goto out;
	}

	/* 2. Write the new rulesets and tables; nothing refers to them. */
	if (change->ruleset) {
		ret = write_ruleset(store, change->ruleset, change->ruleset_id);
		if (ret)
			goto out_sweep;
		ret = write_table(store, &self->table);
		if (ret)
			goto out_sweep;
	}
	for (i = 0; i < snap.nr_bindings; i++) {
		if (!snap.bindings[i].affected)
			continue;
		ret = write_table(store, &snap.bindings[i].table);
		if (ret)
			goto out_sweep;
	}

	/* 3. Publish, parents first (the snapshot is sorted by level). */
	if (newly_bound)
		count_binding(store, change->cgroup, change->level, 1);
	if (change->ruleset) {
		ret = bpf_map_update_elem(store->fd[STORE_DOMAINS],
					  &change->cgroup, &self->new_domain,
					  BPF_ANY);
		if (ret) {
			if (newly_bound)
				count_binding(store, change->cgroup,
					      change->level, -1);
			ret = ret == -E2BIG ? -ENOSPC : ret;
			goto out_sweep;
		}
	}
	for (i = 0; i < snap.nr_bindings; i++) {
		b = &snap.bindings[i];
		if (!b->affected)
			continue;
		ret = bpf_map_update_elem(store->fd[STORE_DOMAINS], &b->cgroup,
					  &b->new_domain, BPF_EXIST);
		if (ret)
			goto out_rollback;
		nr_published++;
	}
	if (!change->ruleset && change->cgroup) {
		ret = bpf_map_delete_elem(store->fd[STORE_DOMAINS],
					  &change->cgroup);
		if (ret)
			goto out_rollback;
		b = find_binding(&snap, change->cgroup);
		count_binding(store, change->cgroup, b->domain.level, -1);
	}
	/* Bindings of removed cgroups: no task can be there any more. */
	for (i = 0; i < snap.nr_bindings; i++) {
		b = &snap.bindings[i];
		if (!b->gone)
			continue;
		if (!bpf_map_delete_elem(store->fd[STORE_DOMAINS], &b->cgroup))
			count_binding(store, b->cgroup, b->domain.level, -1);
	}
	ret = 0;
	goto out_sweep;

out_rollback:
	/*
	 * Only an allocation failure in the kernel gets here. Put back the
	 * domains already replaced, so that the old policy stays in force.
	 */
	for (i = 0; i < snap.nr_bindings && nr_published; i++) {
		b = &snap.bindings[i];
		if (!b->affected)
			continue;
		bpf_map_update_elem(store->fd[STORE_DOMAINS], &b->cgroup,
				    &b->domain, BPF_EXIST);
		nr_published--;
	}
	if (change->ruleset) {
		b = find_binding(&snap, change->cgroup);
		if (b)
			bpf_map_update_elem(store->fd[STORE_DOMAINS],
					    &change->cgroup, &b->domain,
					    BPF_EXIST);
		else
			bpf_map_delete_elem(store->fd[STORE_DOMAINS],
					    &change->cgroup);
		if (newly_bound)
			count_binding(store, change->cgroup, change->level,
				      -1);
	}
out_sweep:
	/* 4. Whatever happened, leave no unreferenced entry behind. */
	if (!wait_for_readers(store))
		sweep(store);
out:
	if (self)
		llsock_table_free(&self->table);
	free(self);
	snapshot_free(&snap);
	return ret;
}

static int change_for_fd(int cgroup_fd, struct change *change)
{
	int level;

	memset(change, 0, sizeof(*change));
	level = llsock_cgroup_ancestry(cgroup_fd, change->ancestry,
				       LLSOCK_MAX_LEVEL + 1);
	if (level < 0)
		return level;
	change->level = level;
	change->cgroup = change->ancestry[level];
	return 0;
}

int llsock_bind_cgroup_fd(const struct llsock_ruleset *ruleset, int cgroup_fd)
{
	struct llsock_ruleset *normalized;
	struct llsock_store store;
	struct change change;
	int ret;

	if (!ruleset)
		return -EBADF;
	ret = llsock_cgroup_check_fd(cgroup_fd);
	if (ret)
		return ret;
	ret = change_for_fd(cgroup_fd, &change);
	if (ret)
		return ret;
	ret = llsock_ruleset_copy(ruleset, &normalized);
	if (ret)
		return ret;
	llsock_ruleset_normalize(normalized);
	change.ruleset = normalized;

	ret = llsock_store_open(&store, true);
	if (!ret) {
		ret = apply_change(&store, &change);
		llsock_store_close(&store);
	}
	llsock_ruleset_free(normalized);
	return ret;
}

static int open_cgroup(const char *path)
{
	int fd;

	if (!path)
		return -EFAULT;
	fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

int llsock_bind_cgroup(const struct llsock_ruleset *ruleset,
		       const char *cgroup_path)
{
	int fd, ret;

	fd = open_cgroup(cgroup_path);
	if (fd < 0)
		return fd;
	ret = llsock_bind_cgroup_fd(ruleset, fd);
	close(fd);
	return ret;
}

int llsock_unbind_cgroup_fd(int cgroup_fd)
{
	struct llsock_store store;
	struct change change;
	int ret;

	ret = llsock_cgroup_check_fd(cgroup_fd);
	if (ret)
		return ret;
	ret = change_for_fd(cgroup_fd, &change);
	if (ret)
		return ret;
	ret = llsock_store_open(&store, true);
	if (ret)
		return ret;
	ret = apply_change(&store, &change);
	llsock_store_close(&store);
	return ret;
}

int llsock_gc(void)
{
	struct llsock_store store;
	struct change change;
	int ret;

	/* No cgroup: only drop the bindings of removed cgroups. */
	memset(&change, 0, sizeof(change));
	ret = llsock_store_open(&store, true);
	if (ret)
		return ret;
	ret = apply_change(&store, &change);
	llsock_store_close(&store);
	return ret;
}

int llsock_unbind_cgroup(const char *cgroup_path)
{
	int fd, ret;

	fd = open_cgroup(cgroup_path);
	if (fd < 0)
		return fd;
	ret = llsock_unbind_cgroup_fd(fd);
	close(fd);
	return ret;
}

static int fill_info(const struct snapshot *snap, const struct binding *b,
		     struct llsock_binding_info *info)
{
	unsigned int i;
	int ret;

	memset(info, 0, sizeof(*info));
	info->cgroup_id = b->cgroup;
	info->level = b->domain.level;
	info->nr_layers = b->domain.nr_layers;
	for (i = 0; i < info->nr_layers && i < LLSOCK_MAX_LAYERS; i++) {
		const struct llsock_ruleset *ruleset =
			find_ruleset(snap, b->domain.ruleset[i]);

		info->layers[i].cgroup_id = b->domain.cgroup[i];
		if (!ruleset) {
			llsock_binding_info_free(info);
			return -EUCLEAN;
		}
		ret = llsock_ruleset_copy(ruleset, &info->layers[i].ruleset);
		if (ret) {
			llsock_binding_info_free(info);
			return ret;
		}
	}
	return 0;
}

void llsock_binding_info_free(struct llsock_binding_info *info)
{
	unsigned int i;

	for (i = 0; i < LLSOCK_MAX_LAYERS; i++) {
		llsock_ruleset_free(info->layers[i].ruleset);
		info->layers[i].ruleset = NULL;
	}
}

/* A consistent copy of the store, for readers. */
static int read_snapshot(struct snapshot *snap)
{
	struct llsock_store store;
	int ret;

	ret = llsock_store_open(&store, false);
	if (ret)
		return ret;
	ret = load_snapshot(&store, snap, false);
	llsock_store_close(&store);
	return ret;
}

int llsock_foreach_binding(llsock_binding_fn fn, void *ctx)
{
	struct llsock_binding_info info;
	struct snapshot snap;
	size_t i;
	int ret;

	ret = read_snapshot(&snap);
	if (ret)
		return ret;
	for (i = 0; i < snap.nr_bindings; i++) {
		ret = fill_info(&snap, &snap.bindings[i], &info);
		if (ret)
			break;
		ret = fn(&info, ctx);
		llsock_binding_info_free(&info);
		if (ret)
			break;
	}
	snapshot_free(&snap);
	return ret;
}

int llsock_get_binding(const char *cgroup_path,
		       struct llsock_binding_info *info, bool *inherited)
{
	__u64 ancestry[LLSOCK_MAX_LEVEL + 1];
	struct snapshot snap;
	int fd, level, i, ret;

	fd = open_cgroup(cgroup_path);
	if (fd < 0)
		return fd;
	ret = llsock_cgroup_check_fd(fd);
	level = ret ? ret : llsock_cgroup_ancestry(fd, ancestry,
						   LLSOCK_MAX_LEVEL + 1);
	close(fd);
	if (level < 0)
		return level;

	ret = read_snapshot(&snap);
	if (ret)
		return ret;
	ret = -ENOENT;
	for (i = level; i >= 0; i--) {
		const struct binding *b = find_binding(&snap, ancestry[i]);

		if (!b)
			continue;
		ret = fill_info(&snap, b, info);
		if (inherited)
			*inherited = i != level;
		break;
	}
	snapshot_free(&snap);
	return ret;
}

int llsock_get_counters(struct llsock_counters *counters)
{
	struct llsock_store store;
	struct llsock_stats *stats;
	struct bpf_map_info info;
	__u32 info_len, zero = 0;
	void *keys, *values;
	size_t n;
	int nr_cpus, i, ret;

	memset(counters, 0, sizeof(*counters));
	nr_cpus = libbpf_num_possible_cpus();
	if (nr_cpus < 0)
		return nr_cpus;
	stats = calloc(nr_cpus, sizeof(*stats));
	if (!stats)
		return -ENOMEM;
	ret = llsock_store_open(&store, false);
	if (ret)
		goto out;
	ret = bpf_map_lookup_elem(store.fd[STORE_STATS], &zero, stats);
	for (i = 0; !ret && i < nr_cpus; i++) {
		counters->denied += stats[i].denied;
		counters->events_lost += stats[i].events_lost;
		counters->escapes_denied += stats[i].escapes_denied;
	}
	if (!ret)
		ret = llsock_map_dump(store.fd[STORE_DOMAINS], sizeof(__u64),
				      sizeof(struct llsock_domain), &keys,
				      &values, &n);
	if (!ret) {
		counters->bindings = n;
		free(keys);
		free(values);
		ret = llsock_map_dump(store.fd[STORE_RULES],
				      sizeof(struct llsock_rule_key),
				      sizeof(struct llsock_rule), &keys,
				      &values, &n);
	}
	if (!ret) {
		counters->rule_entries = n;
		free(keys);
		free(values);
		ret = llsock_map_dump(store.fd[STORE_PROTOCOL_RULES],
				      sizeof(struct llsock_protocol_key),
				      sizeof(__u32), &keys, &values, &n);
	}
	if (!ret) {
		counters->rule_entries += n;
		free(keys);
		free(values);
		info_len = sizeof(info);
		memset(&info, 0, sizeof(info));
		ret = bpf_obj_get_info_by_fd(store.fd[STORE_RULES], &info,
					     &info_len);
		counters->max_rules = info.max_entries;
		info_len = sizeof(info);
		memset(&info, 0, sizeof(info));
		if (!ret)
			ret = bpf_obj_get_info_by_fd(store.fd[STORE_DOMAINS],
						     &info, &info_len);
		counters->max_bindings = info.max_entries;
	}
	llsock_store_close(&store);
out:
	free(stats);
	return ret;
}

// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Snapshots: the store's bindings and rulesets, read into memory under its
 * lock, for a query to answer from or a change to plan on.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "snapshot.h"

void llsock_snapshot_free(struct snapshot *snap)
{
	size_t i;

	for (i = 0; i < snap->nr_bindings; i++)
		llsock_table_free(&snap->bindings[i].table);
	for (i = 0; i < snap->nr_rulesets; i++)
		llsock_ruleset_free(snap->rulesets[i].ruleset);
	free(snap->bindings);
	free(snap->by_cgroup);
	free(snap->rulesets);
	memset(snap, 0, sizeof(*snap));
}

static int compare_ruleset_ids(const void *a, const void *b)
{
	__u32 x = ((const struct stored_ruleset *)a)->id;
	__u32 y = ((const struct stored_ruleset *)b)->id;

	return x < y ? -1 : x > y;
}

/* @snap->rulesets is sorted by id: every rule read looks its ruleset up. */
struct llsock_ruleset *llsock_snapshot_ruleset(const struct snapshot *snap,
					       __u32 id)
{
	struct stored_ruleset key = { .id = id }, *found;

	if (!snap->nr_rulesets)
		return NULL;
	found = bsearch(&key, snap->rulesets, snap->nr_rulesets,
			sizeof(*snap->rulesets), compare_ruleset_ids);
	return found ? found->ruleset : NULL;
}

static int compare_cgroups(const void *a, const void *b)
{
	const struct binding *x = *(const struct binding *const *)a;
	const struct binding *y = *(const struct binding *const *)b;

	return x->cgroup < y->cgroup ? -1 : x->cgroup > y->cgroup;
}

/* One binary search: a change looks up every layer of every binding. */
struct binding *llsock_snapshot_binding(const struct snapshot *snap,
					__u64 cgroup)
{
	struct binding key = { .cgroup = cgroup }, *k = &key, **found;

	/* A snapshot of removed cgroups only (llsock_gc()) has no index. */
	if (!snap->nr_bindings || !snap->by_cgroup)
		return NULL;
	found = bsearch(&k, snap->by_cgroup, snap->nr_bindings,
			sizeof(*snap->by_cgroup), compare_cgroups);
	return found ? *found : NULL;
}

static int compare_levels(const void *a, const void *b)
{
	const struct binding *x = a, *y = b;

	if (x->level != y->level)
		return x->level < y->level ? -1 : 1;
	return x->cgroup < y->cgroup ? -1 : x->cgroup > y->cgroup;
}

void llsock_snapshot_sort(struct snapshot *snap)
{
	size_t i;

	qsort(snap->bindings, snap->nr_bindings, sizeof(*snap->bindings),
	      compare_levels);
	for (i = 0; i < snap->nr_bindings; i++)
		snap->by_cgroup[i] = &snap->bindings[i];
	qsort(snap->by_cgroup, snap->nr_bindings, sizeof(*snap->by_cgroup),
	      compare_cgroups);
}

/* The ruleset @info describes, without its rules yet. */
static int ruleset_from_info(const struct llsock_ruleset_info *info,
			     struct llsock_ruleset **ruleset)
{
	if ((info->flavour != LLSOCK_FLAVOUR_V4 &&
	     info->flavour != LLSOCK_FLAVOUR_PERMISSION) ||
	    info->flags & ~LLSOCK_RULESET_AUDIT)
		return -EUCLEAN;
	/* Written by the loader after its checks: not checked again. */
	*ruleset = llsock_ruleset_new(info->flavour, info->handled);
	if (!*ruleset)
		return -ENOMEM;
	(*ruleset)->audit = info->flags & LLSOCK_RULESET_AUDIT;
	return 0;
}

static int insert_rule(struct llsock_ruleset *ruleset,
		       const struct llsock_ruleset_rule *stored)
{
	struct llsock_rule_info rule = {
		.allowed = stored->allowed,
		.wildcards = stored->wildcards,
		.family = stored->family,
		.type = stored->type,
		.protocol = stored->protocol,
	};

	return llsock_ruleset_insert(ruleset, &rule);
}

/*
 * Adds @ruleset, stored as @id, to @snap's rulesets (takes it): in order,
 * or at the end when @append (the caller sorts them all afterwards).
 */
static int add_ruleset(struct snapshot *snap, __u32 id,
		       struct llsock_ruleset *ruleset, bool append)
{
	struct stored_ruleset *grown;
	size_t at = snap->nr_rulesets;

	if (snap->nr_rulesets == snap->cap_rulesets) {
		size_t cap = snap->cap_rulesets ? 2 * snap->cap_rulesets : 16;

		grown = realloc(snap->rulesets, cap * sizeof(*grown));
		if (!grown) {
			llsock_ruleset_free(ruleset);
			return -ENOMEM;
		}
		snap->rulesets = grown;
		snap->cap_rulesets = cap;
	}
	while (!append && at && snap->rulesets[at - 1].id > id)
		at--;
	memmove(&snap->rulesets[at + 1], &snap->rulesets[at],
		(snap->nr_rulesets - at) * sizeof(*snap->rulesets));
	snap->rulesets[at].id = id;
	snap->rulesets[at].ruleset = ruleset;
	snap->nr_rulesets++;
	return 0;
}

/*
 * The rules of a chunk of @ruleset. The last chunk's unused places are
 * zero, and no rule is stored without a right (add_rule: -ENOMSG).
 */
static int insert_chunk(struct llsock_ruleset *ruleset,
			const struct llsock_ruleset_chunk *chunk)
{
	int ret = 0;
	size_t i;

	for (i = 0; i < LLSOCK_RULESET_CHUNK && !ret; i++)
		if (chunk->rules[i].allowed)
			ret = insert_rule(ruleset, &chunk->rules[i]);
	return ret;
}

static int load_rulesets(struct llsock_store *store, struct snapshot *snap)
{
	struct llsock_ruleset_rule_key *chunk_keys = NULL;
	struct llsock_ruleset_chunk *chunks = NULL;
	struct llsock_ruleset_info *infos = NULL;
	__u32 *ids = NULL;
	size_t n, nr_chunks, i;
	int ret;

	ret = llsock_map_dump(STORE_FD(store, rulesets), sizeof(*ids),
			      sizeof(*infos), (void **)&ids, (void **)&infos,
			      &n);
	if (ret)
		return ret;
	for (i = 0; i < n; i++) {
		struct llsock_ruleset *ruleset;

		ret = ruleset_from_info(&infos[i], &ruleset);
		if (!ret)
			ret = add_ruleset(snap, ids[i], ruleset, true);
		if (ret)
			goto out;
	}
	qsort(snap->rulesets, snap->nr_rulesets, sizeof(*snap->rulesets),
	      compare_ruleset_ids);

	ret = llsock_map_dump(STORE_FD(store, ruleset_rules),
			      sizeof(*chunk_keys), sizeof(*chunks),
			      (void **)&chunk_keys, (void **)&chunks,
			      &nr_chunks);
	if (ret)
		goto out;
	for (i = 0; i < nr_chunks; i++) {
		struct llsock_ruleset *ruleset;

		/* Rules of a ruleset being written or swept: not ours. */
		ruleset = llsock_snapshot_ruleset(snap, chunk_keys[i].ruleset);
		if (!ruleset)
			continue;
		ret = insert_chunk(ruleset, &chunks[i]);
		if (ret)
			goto out;
	}
	for (i = 0; i < snap->nr_rulesets; i++)
		llsock_ruleset_normalize(snap->rulesets[i].ruleset);
out:
	free(ids);
	free(infos);
	free(chunk_keys);
	free(chunks);
	return ret;
}

int llsock_store_ruleset_read(struct llsock_store *store, __u32 id,
			      struct llsock_ruleset **ruleset,
			      struct llsock_ruleset_info *info)
{
	struct llsock_ruleset_rule_key key = { .ruleset = id };
	struct llsock_ruleset_chunk chunk;
	int ret;

	ret = bpf_map_lookup_elem(STORE_FD(store, rulesets), &id, info);
	if (ret)
		return ret == -ENOENT ? -EUCLEAN : ret;
	ret = ruleset_from_info(info, ruleset);
	for (; !ret && key.chunk < llsock_ruleset_chunks(info->nr_rules);
	     key.chunk++) {
		ret = bpf_map_lookup_elem(STORE_FD(store, ruleset_rules), &key,
					  &chunk);
		if (ret == -ENOENT)
			ret = -EUCLEAN;
		if (!ret)
			ret = insert_chunk(*ruleset, &chunk);
	}
	if (ret && *ruleset) {
		llsock_ruleset_free(*ruleset);
		*ruleset = NULL;
	}
	if (!ret)
		llsock_ruleset_normalize(*ruleset);
	return ret;
}

int llsock_snapshot_ruleset_get(struct llsock_store *store,
				struct snapshot *snap, __u32 id,
				struct llsock_ruleset **ruleset)
{
	struct llsock_ruleset_info info;
	int ret;

	*ruleset = llsock_snapshot_ruleset(snap, id);
	if (*ruleset)
		return 0;
	ret = llsock_store_ruleset_read(store, id, ruleset, &info);
	if (!ret)
		ret = add_ruleset(snap, id, *ruleset, false);
	if (ret)
		*ruleset = NULL;
	return ret;
}

/* A binding of the store, as llsock_domains has it. */
int llsock_binding_from_domain(struct binding *b, __u64 cgroup,
			       const struct llsock_domain *domain)
{
	memset(b, 0, sizeof(*b));
	b->cgroup = cgroup;
	b->domain = *domain;
	b->level = domain->level;
	if (!domain->nr_layers || domain->nr_layers > LLSOCK_MAX_LAYERS)
		return -EUCLEAN;
	b->ruleset_id = domain->ruleset[domain->nr_layers - 1];
	b->existed = true;
	b->bound = true;
	return 0;
}

int llsock_snapshot_load(struct llsock_store *store, struct snapshot *snap,
			 bool ancestry)
{
	struct llsock_domain *domains = NULL;
	__u64 *cgroups = NULL;
	int ret, mount_fd = -1;
	size_t n, i;

	memset(snap, 0, sizeof(*snap));
	ret = llsock_store_domains(store, &cgroups, &domains, &n);
	if (ret)
		return ret;
	/* Room for the binding a change may add. */
	snap->bindings = calloc(n + 1, sizeof(*snap->bindings));
	if (!snap->bindings) {
		ret = -ENOMEM;
		goto out;
	}
	snap->by_cgroup = calloc(n + 1, sizeof(*snap->by_cgroup));
	if (!snap->by_cgroup) {
		ret = -ENOMEM;
		goto out;
	}
	for (i = 0; i < n; i++) {
		ret = llsock_binding_from_domain(&snap->bindings[i], cgroups[i],
					  &domains[i]);
		if (ret)
			goto out;
	}
	snap->nr_bindings = n;
	llsock_snapshot_sort(snap);

	if (ancestry) {
		mount_fd = llsock_cgroup_open_mount();
		if (mount_fd < 0) {
			ret = mount_fd;
			goto out;
		}
	}
	for (i = 0; ancestry && i < n; i++) {
		struct binding *b = &snap->bindings[i];
		int fd, level;

		fd = llsock_cgroup_open_id_at(mount_fd, b->cgroup);
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
	/* Missing only if the store is corrupt: a change then says EUCLEAN. */
	for (i = 0; !ret && i < n; i++)
		snap->bindings[i].ruleset =
			llsock_snapshot_ruleset(snap, snap->bindings[i].ruleset_id);
out:
	if (mount_fd >= 0)
		close(mount_fd);
	free(cgroups);
	free(domains);
	if (ret)
		llsock_snapshot_free(snap);
	return ret;
}

int llsock_snapshot_read(struct snapshot *snap)
{
	struct llsock_store store;
	size_t i;
	int ret;

	ret = llsock_store_open(&store, false);
	if (ret)
		return ret;
	ret = llsock_snapshot_load(&store, snap, false);
	/* The counters of each binding's own layer, when there are some. */
	for (i = 0; !ret && i < snap->nr_bindings; i++)
		llsock_store_cgroup_stats_read(&store, snap->bindings[i].cgroup,
					       &snap->bindings[i].stats);
	llsock_store_close(&store);
	return ret;
}

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
	free(snap->rulesets);
	memset(snap, 0, sizeof(*snap));
}

struct llsock_ruleset *llsock_snapshot_ruleset(const struct snapshot *snap,
					       __u32 id)
{
	size_t i;

	for (i = 0; i < snap->nr_rulesets; i++)
		if (snap->rulesets[i].id == id)
			return snap->rulesets[i].ruleset;
	return NULL;
}

struct binding *llsock_snapshot_binding(const struct snapshot *snap,
					__u64 cgroup)
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

	if (x->level != y->level)
		return x->level < y->level ? -1 : 1;
	return x->cgroup < y->cgroup ? -1 : x->cgroup > y->cgroup;
}

void llsock_snapshot_sort(struct snapshot *snap)
{
	qsort(snap->bindings, snap->nr_bindings, sizeof(*snap->bindings),
	      compare_levels);
}

static int load_rulesets(struct llsock_store *store, struct snapshot *snap)
{
	struct llsock_ruleset_rule_key *rule_keys = NULL;
	struct llsock_ruleset_info *infos = NULL;
	__u64 *allowed = NULL;
	__u32 *ids = NULL;
	size_t n, nr_rules, i;
	int ret;

	ret = llsock_map_dump(STORE_FD(store, rulesets), sizeof(*ids),
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
		struct stored_ruleset *stored = &snap->rulesets[i];

		stored->id = ids[i];
		if ((infos[i].flavour != LLSOCK_FLAVOUR_V4 &&
		     infos[i].flavour != LLSOCK_FLAVOUR_PERMISSION) ||
		    infos[i].flags & ~LLSOCK_RULESET_AUDIT) {
			ret = -EUCLEAN;
			goto out;
		}
		/* Written by the loader after its checks: not checked again. */
		stored->ruleset = llsock_ruleset_new(infos[i].flavour,
						     infos[i].handled);
		if (!stored->ruleset) {
			ret = -ENOMEM;
			goto out;
		}
		stored->ruleset->audit = infos[i].flags & LLSOCK_RULESET_AUDIT;
		snap->nr_rulesets++;
	}

	ret = llsock_map_dump(STORE_FD(store, ruleset_rules),
			      sizeof(*rule_keys), sizeof(*allowed),
			      (void **)&rule_keys, (void **)&allowed,
			      &nr_rules);
	if (ret)
		goto out;
	for (i = 0; i < nr_rules; i++) {
		struct llsock_ruleset *ruleset;
		struct llsock_rule_info rule = {
			.allowed = allowed[i],
			.wildcards = rule_keys[i].wildcards,
			.family = rule_keys[i].family,
			.type = rule_keys[i].type,
			.protocol = rule_keys[i].protocol,
		};

		/* Rules of a ruleset being written or swept: not ours. */
		ruleset = llsock_snapshot_ruleset(snap, rule_keys[i].ruleset);
		if (!ruleset)
			continue;
		ret = llsock_ruleset_insert(ruleset, &rule);
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

int llsock_snapshot_load(struct llsock_store *store, struct snapshot *snap,
			 bool ancestry)
{
	struct llsock_domain *domains = NULL;
	__u64 *cgroups = NULL;
	size_t n, i;
	int ret;

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
		b->ruleset_id = b->domain.ruleset[b->domain.nr_layers - 1];
		b->existed = true;
		b->bound = true;
	}
	snap->nr_bindings = n;
	llsock_snapshot_sort(snap);

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
	/* Missing only if the store is corrupt: a change then says EUCLEAN. */
	for (i = 0; !ret && i < n; i++)
		snap->bindings[i].ruleset =
			llsock_snapshot_ruleset(snap, snap->bindings[i].ruleset_id);
out:
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

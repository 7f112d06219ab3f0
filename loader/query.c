// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Queries: the policies in force (show, status) and the counters, read
 * from a snapshot or the maps under a shared lock.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "snapshot.h"

static int fill_info(const struct snapshot *snap, const struct binding *b,
		     struct llsock_binding_info *info)
{
	unsigned int i;
	int ret;

	memset(info, 0, sizeof(*info));
	info->cgroup_id = b->cgroup;
	info->denied = b->stats.denied;
	info->audited = b->stats.audited;
	info->level = b->domain.level;
	info->nr_layers = b->domain.nr_layers;
	for (i = 0; i < info->nr_layers && i < LLSOCK_MAX_LAYERS; i++) {
		const struct llsock_ruleset *ruleset =
			llsock_snapshot_ruleset(snap, b->domain.ruleset[i]);

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
		info->layers[i].audit = ruleset->audit;
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

int llsock_foreach_binding(llsock_binding_fn fn, void *ctx)
{
	struct llsock_binding_info info;
	struct snapshot snap;
	size_t i;
	int ret;

	ret = llsock_snapshot_read(&snap);
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
	llsock_snapshot_free(&snap);
	return ret;
}

int llsock_get_binding(const char *cgroup_path,
		       struct llsock_binding_info *info, bool *inherited)
{
	__u64 ancestry[LLSOCK_MAX_LEVEL + 1];
	struct snapshot snap;
	int fd, level, i, ret;

	fd = llsock_cgroup_open(cgroup_path);
	if (fd < 0)
		return fd;
	ret = llsock_cgroup_check_fd(fd);
	level = ret ? ret : llsock_cgroup_ancestry(fd, ancestry,
						   LLSOCK_MAX_LEVEL + 1);
	close(fd);
	if (level < 0)
		return level;

	ret = llsock_snapshot_read(&snap);
	if (ret)
		return ret;
	ret = -ENOENT;
	for (i = level; i >= 0; i--) {
		const struct binding *b = llsock_snapshot_binding(&snap, ancestry[i]);

		if (!b)
			continue;
		ret = fill_info(&snap, b, info);
		if (inherited)
			*inherited = i != level;
		break;
	}
	llsock_snapshot_free(&snap);
	return ret;
}

/* Sums the per-CPU denial counters. */
static int read_stats(struct llsock_store *store,
		      struct llsock_counters *counters)
{
	struct llsock_stats *stats;
	int nr_cpus, i, ret;
	__u32 zero = 0;

	nr_cpus = libbpf_num_possible_cpus();
	if (nr_cpus < 0)
		return nr_cpus;
	stats = calloc(nr_cpus, sizeof(*stats));
	if (!stats)
		return -ENOMEM;
	ret = bpf_map_lookup_elem(STORE_FD(store, stats), &zero, stats);
	for (i = 0; !ret && i < nr_cpus; i++) {
		counters->denied += stats[i].denied;
		counters->events_lost += stats[i].events_lost;
		counters->escapes_denied += stats[i].escapes_denied;
		counters->audited += stats[i].audited;
	}
	free(stats);
	return ret;
}

int llsock_get_limits(struct llsock_limits *limits)
{
	struct llsock_store store;
	int ret;

	memset(limits, 0, sizeof(*limits));
	ret = llsock_store_open(&store, false);
	if (ret)
		return ret;
	llsock_store_limits(&store, limits);
	llsock_store_close(&store);
	return 0;
}

/* How full the maps are. */
static int read_sizes(struct llsock_store *store,
		      struct llsock_counters *counters)
{
	struct llsock_limits limits;
	size_t bindings;
	int ret;

	ret = llsock_map_count(STORE_FD(store, domains), sizeof(__u64),
			       sizeof(struct llsock_domain), &bindings);
	if (ret)
		return ret;
	counters->bindings = bindings;
	/*
	 * As the limit counts them (bind.c): one per rule of each domain's
	 * layers; the maps hold fewer entries, protocols in chunks.
	 */
	counters->rule_entries = store->state->rule_entries;
	llsock_store_limits(store, &limits);
	counters->max_rules = limits.max_rules;
	counters->max_bindings = limits.max_bindings;
	return 0;
}

int llsock_get_counters(struct llsock_counters *counters)
{
	struct llsock_store store;
	int ret;

	memset(counters, 0, sizeof(*counters));
	ret = llsock_store_open(&store, false);
	if (ret)
		return ret;
	ret = read_stats(&store, counters);
	if (!ret)
		ret = read_sizes(&store, counters);
	llsock_store_close(&store);
	return ret;
}

/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * A snapshot: every binding and ruleset of the store, in memory, read
 * under its lock. Queries read one; a change (bind.c) plans on one.
 */
#ifndef LLSOCK_SNAPSHOT_H
#define LLSOCK_SNAPSHOT_H

#include "internal.h"
#include "store.h"

/**
 * struct binding - a cgroup with a ruleset bound, as the store has it, and
 *	as a change being planned would leave it
 * @cgroup: the cgroup's id
 * @domain: its domain in force; all zero for a binding a change adds
 * @ancestry: the ids of its cgroup and ancestors, root first (@ancestry[
 *	@level] == @cgroup); only read with the snapshot's ancestry
 * @level: the cgroup's level in the hierarchy
 * @gone: the cgroup was removed; the binding only waits to be dropped
 * @ruleset: its own layer (the last of its domain), @ruleset_id its id;
 *	after the change when the change is this binding
 * @fresh_ruleset: @ruleset is the change's, not in the store yet
 * @existed: it is in the store (a change may add one)
 * @bound: bound after the change (false for one being removed)
 * @affected: the change gives it a new domain, @new_domain, whose rule
 *	table is @table
 */
struct binding {
	__u64 cgroup;
	struct llsock_domain domain;
	__u64 ancestry[LLSOCK_MAX_LEVEL + 1];
	int level;
	bool gone;
	const struct llsock_ruleset *ruleset;
	__u32 ruleset_id;
	bool fresh_ruleset;
	bool existed;
	bool bound;
	bool affected;
	struct llsock_domain new_domain;
	struct llsock_table table;
	/* Read by llsock_snapshot_read() only. */
	struct llsock_cgroup_stats stats;
};

struct stored_ruleset {
	__u32 id;
	struct llsock_ruleset *ruleset;
};

/**
 * struct snapshot - the store in memory
 * @bindings: sorted by level, parents first; room for one more, which a
 *	change may add
 * @rulesets: every ruleset some domain refers to
 */
struct snapshot {
	struct binding *bindings;
	size_t nr_bindings;
	/* The same, sorted by cgroup id (room for one more too). */
	struct binding **by_cgroup;
	struct stored_ruleset *rulesets;
	size_t nr_rulesets, cap_rulesets;
};

/*
 * Reads the store. With @ancestry, also resolves each bound cgroup's
 * ancestors and marks the bindings of removed cgroups as gone.
 */
int llsock_snapshot_load(struct llsock_store *store, struct snapshot *snap,
			 bool ancestry);
/* A consistent copy of the store, for readers (a shared lock meanwhile). */
int llsock_snapshot_read(struct snapshot *snap);
void llsock_snapshot_free(struct snapshot *snap);

struct llsock_ruleset *llsock_snapshot_ruleset(const struct snapshot *snap,
					       __u32 id);
/*
 * The ruleset @id: from @snap, or read from the store and kept in @snap.
 * -EUCLEAN when the store lacks it or some of its rules.
 */
int llsock_snapshot_ruleset_get(struct llsock_store *store,
				struct snapshot *snap, __u32 id,
				struct llsock_ruleset **ruleset);
/* Reads the ruleset @id and its info, by its id alone. */
int llsock_store_ruleset_read(struct llsock_store *store, __u32 id,
			      struct llsock_ruleset **ruleset,
			      struct llsock_ruleset_info *info);
/* The binding of @cgroup that llsock_domains holds as @domain. */
int llsock_binding_from_domain(struct binding *b, __u64 cgroup,
			       const struct llsock_domain *domain);
struct binding *llsock_snapshot_binding(const struct snapshot *snap,
					__u64 cgroup);
/* Sorts the bindings by level again, after one was added. */
void llsock_snapshot_sort(struct snapshot *snap);

#endif /* LLSOCK_SNAPSHOT_H */

/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The store: the maps llsock pins under LLSOCK_PIN_DIR, opened together
 * under a flock() of the directory, and their reads and writes.
 */
#ifndef LLSOCK_STORE_H
#define LLSOCK_STORE_H

#include <stdbool.h>
#include <stddef.h>

#include "../bpf/llsock.h"
#include "llsock.skel.h"

/**
 * struct llsock_store - the pinned maps of a loaded llsock, locked
 * @dir_fd: the pin directory, flock()ed (shared for readers)
 * @skel: the object, not loaded: its maps are the pinned ones (every map
 *	of the skeleton is pinned, so the list lives in bpf/ only)
 * @state: mmap of the one-entry llsock_state array
 */
struct llsock_store {
	int dir_fd;
	struct llsock_bpf *skel;
	struct llsock_state *state;
	/* A domain element was freed since the last llsock_store_sync(). */
	bool domain_freed;
};

/* The descriptor of the map llsock_@name of an open store. */
#define STORE_FD(store, name) bpf_map__fd((store)->skel->maps.llsock_##name)

/* Where @map is pinned: LLSOCK_PIN_DIR "/" its name without "llsock_". */
void llsock_pin_path(const struct bpf_map *map, char *buf, size_t size);

/*
 * Opens and locks the store: shared for readers, exclusive for @write.
 * -ENOPKG when llsock is not loaded.
 */
int llsock_store_open(struct llsock_store *store, bool write);
void llsock_store_close(struct llsock_store *store);
/* The limits the store was loaded with, from its maps' sizes. */
void llsock_store_limits(const struct llsock_store *store,
			 struct llsock_limits *limits);

/* A fresh ruleset or table id, never 0. */
__u32 llsock_store_new_id(struct llsock_store *store);

/*
 * Raises (@delta 1) or lowers (-1) the counters the BPF fast path reads
 * for a binding of @cgroup at @level; see struct llsock_state.
 */
/* Every binding's cgroup id and domain, read from llsock_domains. */
int llsock_store_domains(struct llsock_store *store, __u64 **cgroups,
			 struct llsock_domain **domains, size_t *n);
/*
 * Sets the fast path's counters (bound cgroups per level and per filter
 * slot) and the counts the limits are checked against from the domains in
 * the store: what a change killed between a count and its map update left
 * wrong, made right.
 */
int llsock_store_recount(struct llsock_store *store);
void llsock_store_count_binding(struct llsock_store *store, __u64 cgroup,
				int level, int delta);

/*
 * Per bound cgroup counters (llsock_cgroup_stats): made zero, if missing,
 * before the cgroup's first domain is published; read, summed over CPUs
 * (-ENOENT when there are none); and those of cgroups that are not in
 * @bound (@n ids, sorted) deleted.
 */
int llsock_store_cgroup_stats_make(struct llsock_store *store, __u64 cgroup);
int llsock_store_cgroup_stats_read(struct llsock_store *store, __u64 cgroup,
				   struct llsock_cgroup_stats *stats);
int llsock_store_cgroup_stats_sweep(struct llsock_store *store,
				    const __u64 *bound, size_t n);

/* Returns once no BPF program can still read a value replaced before. */
int llsock_store_sync(struct llsock_store *store);

/* qsort() and bsearch() order of __u64s. */
int llsock_compare_u64(const void *a, const void *b);

/* Reads a whole hash map into arrays of keys and values (freed by caller). */
int llsock_map_dump(int fd, size_t key_size, size_t value_size, void **keys,
		    void **values, size_t *count);
/* The number of entries of a hash map. */
int llsock_map_count(int fd, size_t key_size, size_t value_size,
		     size_t *count);
/*
 * Writes @count entries of @entry_size bytes, each a key (at offset 0)
 * followed by its value (at @value_offset), in batches. -ENOSPC when the
 * map is full.
 */
int llsock_map_write_entries(int fd, const void *entries, size_t count,
			     size_t entry_size, size_t key_size,
			     size_t value_offset, size_t value_size);
/* Deletes @count keys known to be there. */
void llsock_map_delete(int fd, const void *keys, size_t key_size,
		       size_t count);

#endif /* LLSOCK_STORE_H */

// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The store: the maps pinned under LLSOCK_PIN_DIR, locked with a flock()
 * of the directory (exclusive for a change, shared for readers), and the
 * batched reads and writes everything else does through it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "internal.h"
#include "store.h"

/* Entries a batched map operation handles at once. */
#define BATCH		4096

void llsock_pin_path(const struct bpf_map *map, char *buf, size_t size)
{
	const char *name = bpf_map__name(map);

	if (!strncmp(name, "llsock_", 7))
		name += 7;
	snprintf(buf, size, LLSOCK_PIN_DIR "/%s", name);
}

/*
 * Every map of the object but the read-only data is pinned, and reused here
 * by its pin.
 */
static int open_maps(struct llsock_store *store)
{
	char path[PATH_MAX];
	struct bpf_map *map;
	int fd, ret;

	bpf_object__for_each_map(map, store->skel->obj) {
		if (bpf_map__is_internal(map))
			continue;
		llsock_pin_path(map, path, sizeof(path));
		fd = bpf_obj_get(path);
		if (fd < 0)
			return fd == -ENOENT ? -ENOPKG : fd;
		ret = bpf_map__reuse_fd(map, fd);
		close(fd);
		if (ret)
			return ret;
	}
	return 0;
}

int llsock_store_open(struct llsock_store *store, bool write)
{
	int ret;

	memset(store, 0, sizeof(*store));
	store->dir_fd = open(LLSOCK_PIN_DIR, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (store->dir_fd < 0)
		return errno == ENOENT ? -ENOPKG : -errno;
	if (flock(store->dir_fd, write ? LOCK_EX : LOCK_SH)) {
		ret = -errno;
		goto err_close;
	}
	store->skel = llsock_bpf__open();
	if (!store->skel) {
		ret = -errno;
		goto err_close;
	}
	/* An unload may have emptied the directory while we waited. */
	ret = open_maps(store);
	if (ret)
		goto err_close;
	store->state = mmap(NULL, sizeof(struct llsock_state),
			    PROT_READ | (write ? PROT_WRITE : 0), MAP_SHARED,
			    STORE_FD(store, state), 0);
	if (store->state == MAP_FAILED) {
		store->state = NULL;
		ret = -errno;
		goto err_close;
	}
	/* A writer killed after a free may not have waited: wait first. */
	store->domain_freed = write && store->state->unsynced;
	return 0;

err_close:
	llsock_store_close(store);
	return ret;
}

void llsock_store_close(struct llsock_store *store)
{
	if (store->state)
		munmap(store->state, sizeof(struct llsock_state));
	/* Closes the maps' descriptors too. */
	llsock_bpf__destroy(store->skel);
	if (store->dir_fd >= 0)
		close(store->dir_fd);	/* also releases the flock */
	memset(store, 0, sizeof(*store));
	store->dir_fd = -1;
}

/*
 * bpf_map__reuse_fd() read the sizes of the loaded maps: the rule maps hold
 * twice the rules in force (load.c).
 */
void llsock_store_limits(const struct llsock_store *store,
			 struct llsock_limits *limits)
{
	limits->max_rules =
		bpf_map__max_entries(store->skel->maps.llsock_rules) / 2;
	limits->max_bindings =
		bpf_map__max_entries(store->skel->maps.llsock_domains);
}

__u32 llsock_store_new_id(struct llsock_store *store)
{
	__u32 id = ++store->state->next_id;

	if (!id)
		id = ++store->state->next_id;
	return id;
}

int llsock_store_domains(struct llsock_store *store, __u64 **cgroups,
			 struct llsock_domain **domains, size_t *n)
{
	return llsock_map_dump(STORE_FD(store, domains), sizeof(**cgroups),
			       sizeof(**domains), (void **)cgroups,
			       (void **)domains, n);
}

int llsock_store_recount(struct llsock_store *store)
{
	__u16 levels[LLSOCK_MAX_LEVEL + 1] = {}, filter[LLSOCK_FILTER_SLOTS] = {};
	struct llsock_state *state = store->state;
	struct llsock_domain *domains;
	__u64 *cgroups, mask = 0, entries = 0;
	size_t n, i;
	int ret;

	ret = llsock_store_domains(store, &cgroups, &domains, &n);
	if (ret)
		return ret;
	for (i = 0; i < n; i++) {
		entries += domains[i].entries;
		if (domains[i].level > LLSOCK_MAX_LEVEL)
			continue;
		levels[domains[i].level]++;
		filter[cgroups[i] & (LLSOCK_FILTER_SLOTS - 1)]++;
		mask |= 1ULL << domains[i].level;
	}
	/* Raised before the mask says so; lowered after it stops. */
	for (i = 0; i < LLSOCK_FILTER_SLOTS; i++)
		if (filter[i] > state->filter[i])
			__atomic_store_n(&state->filter[i], filter[i],
					 __ATOMIC_RELEASE);
	for (i = 0; i <= LLSOCK_MAX_LEVEL; i++)
		state->level_count[i] = levels[i];
	__atomic_store_n(&state->bound_levels, mask, __ATOMIC_RELEASE);
	for (i = 0; i < LLSOCK_FILTER_SLOTS; i++)
		if (filter[i] < state->filter[i])
			__atomic_store_n(&state->filter[i], filter[i],
					 __ATOMIC_RELEASE);
	state->nr_bindings = n;
	state->rule_entries = entries;
	free(cgroups);
	free(domains);
	return 0;
}

void llsock_store_count_binding(struct llsock_store *store, __u64 cgroup,
				int level, int delta)
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
 * No BPF program that could have read a replaced domain is still running
 * when this returns. The kernel waits for an RCU grace period after every
 * update of a map-in-map, so that its caller knows programs see the new
 * value: llsock_sync exists only to be updated for that wait.
 */
int llsock_store_sync(struct llsock_store *store)
{
	__u32 zero = 0;
	int inner, ret;

	inner = bpf_map_create(BPF_MAP_TYPE_ARRAY, "llsock_sync", sizeof(__u32),
			       sizeof(__u32), 1, NULL);
	if (inner < 0)
		return inner;
	ret = bpf_map_update_elem(STORE_FD(store, sync), &zero, &inner,
				  BPF_ANY);
	close(inner);
	if (!ret) {
		store->domain_freed = false;
		/* Only writers sync: the state is mapped writable. */
		if (store->state->unsynced)
			store->state->unsynced = 0;
	}
	return ret;
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

int llsock_map_count(int fd, size_t key_size, size_t value_size,
		     size_t *count)
{
	void *keys, *values;
	int ret;

	ret = llsock_map_dump(fd, key_size, value_size, &keys, &values, count);
	if (ret)
		return ret;
	free(keys);
	free(values);
	return 0;
}

static int map_write(int fd, const void *keys, const void *values,
		     size_t key_size, size_t value_size, size_t count)
{
	const char *k = keys, *v = values;

	while (count) {
		__u32 n = count > BATCH ? BATCH : count;
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

int llsock_map_write_entries(int fd, const void *entries, size_t count,
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

void llsock_map_delete(int fd, const void *keys, size_t key_size,
		       size_t count)
{
	const char *k = keys;

	while (count) {
		__u32 n = count > BATCH ? BATCH : count;

		/* Keys are known to exist; on a failure, delete one by one. */
		if (bpf_map_delete_batch(fd, k, &n, NULL)) {
			size_t i;

			for (i = 0; i < (count > BATCH ? BATCH : count); i++)
				bpf_map_delete_elem(fd, k + i * key_size);
			n = count > BATCH ? BATCH : count;
		}
		k += n * key_size;
		count -= n;
	}
}

/* Each CPU's struct llsock_cgroup_stats, zeroed: free() it. */
static struct llsock_cgroup_stats *cgroup_stats_buffer(int *nr_cpus)
{
	*nr_cpus = libbpf_num_possible_cpus();
	if (*nr_cpus <= 0)
		return NULL;
	return calloc(*nr_cpus, sizeof(struct llsock_cgroup_stats));
}

int llsock_store_cgroup_stats_make(struct llsock_store *store, __u64 cgroup)
{
	struct llsock_cgroup_stats *zero;
	int nr_cpus, ret;

	zero = cgroup_stats_buffer(&nr_cpus);
	if (!zero)
		return -ENOMEM;
	ret = bpf_map_update_elem(STORE_FD(store, cgroup_stats), &cgroup, zero,
				  BPF_NOEXIST);
	free(zero);
	return ret == -EEXIST ? 0 : ret;
}

int llsock_store_cgroup_stats_read(struct llsock_store *store, __u64 cgroup,
				   struct llsock_cgroup_stats *stats)
{
	struct llsock_cgroup_stats *cpus;
	int nr_cpus, i, ret;

	memset(stats, 0, sizeof(*stats));
	cpus = cgroup_stats_buffer(&nr_cpus);
	if (!cpus)
		return -ENOMEM;
	ret = bpf_map_lookup_elem(STORE_FD(store, cgroup_stats), &cgroup, cpus);
	for (i = 0; !ret && i < nr_cpus; i++) {
		stats->denied += cpus[i].denied;
		stats->audited += cpus[i].audited;
	}
	free(cpus);
	return ret;
}

int llsock_compare_u64(const void *a, const void *b)
{
	__u64 x = *(const __u64 *)a, y = *(const __u64 *)b;

	return x < y ? -1 : x > y;
}

int llsock_store_cgroup_stats_sweep(struct llsock_store *store,
				    const __u64 *bound, size_t n)
{
	int fd = STORE_FD(store, cgroup_stats), nr_cpus;
	size_t count, i, dead = 0;
	__u64 *keys;
	void *values;
	int ret;

	nr_cpus = libbpf_num_possible_cpus();
	if (nr_cpus <= 0)
		return -EINVAL;
	ret = llsock_map_dump(fd, sizeof(*keys),
			      nr_cpus * sizeof(struct llsock_cgroup_stats),
			      (void **)&keys, &values, &count);
	if (ret)
		return ret;
	for (i = 0; i < count; i++)
		if (!bsearch(&keys[i], bound, n, sizeof(*bound),
			     llsock_compare_u64))
			keys[dead++] = keys[i];
	llsock_map_delete(fd, keys, sizeof(*keys), dead);
	free(keys);
	free(values);
	return 0;
}

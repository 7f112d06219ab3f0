/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* libllsock internals shared between its files; not installed. */
#ifndef LLSOCK_INTERNAL_H
#define LLSOCK_INTERNAL_H

#include <dirent.h>

#include "libllsock.h"
#include "../bpf/llsock.h"

struct llsock_ruleset {
	enum llsock_flavour flavour;
	/* Bound in audit mode (llsock_bind_opts' LLSOCK_BIND_AUDIT). */
	bool audit;
	/* handled_access_socket (v4) or handled_permissions. */
	__u64 handled;
	size_t nr_rules;
	/* The most rules it may hold (llsock_ruleset_set_max_rules()); 0: any. */
	size_t max_rules;
	size_t capacity;
	struct llsock_rule_info *rules;
	/*
	 * Open-addressing index of @rules by key, so that a rule on a key
	 * already there merges into it, as in a Landlock ruleset: position
	 * + 1 per slot, 0 for empty. Built on demand; NULL when stale.
	 */
	__u32 *index;
	size_t index_size;
};

/* The socket right of a ruleset's flavour. */
static inline __u64 llsock_flavour_right(enum llsock_flavour flavour)
{
	return flavour == LLSOCK_FLAVOUR_PERMISSION ?
		       LLSOCK_PERMISSION_SOCKET_CREATE :
		       LLSOCK_ACCESS_SOCKET_CREATE;
}

/* Orders socket rule keys by family, then type, then protocol. */
static inline int llsock_compare_keys(__s32 family_a, __s32 type_a,
				      __s32 protocol_a, __s32 family_b,
				      __s32 type_b, __s32 protocol_b)
{
	if (family_a != family_b)
		return family_a < family_b ? -1 : 1;
	if (type_a != type_b)
		return type_a < type_b ? -1 : 1;
	if (protocol_a != protocol_b)
		return protocol_a < protocol_b ? -1 : 1;
	return 0;
}

/* names.c: formats a message into @err (when not NULL), as snprintf(). */
void llsock_set_error(char *err, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* ruleset.c */
/*
 * Makes room for item @count of the array *@items of *@capacity items of
 * @item_size bytes (doubling it, or @initial the first time): 0 or -ENOMEM.
 */
int llsock_reserve(void **items, size_t *capacity, size_t count,
		   size_t item_size, size_t initial);
int llsock_ruleset_copy(const struct llsock_ruleset *src,
			struct llsock_ruleset **dst);
/* An empty ruleset of @flavour handling @handled, without any check. */
struct llsock_ruleset *llsock_ruleset_new(enum llsock_flavour flavour,
					  __u64 handled);
/*
 * Stores @rule as it is (a rule read back from the maps, already checked
 * and canonical), merging it with a rule on the same key: 0 or -ENOMEM.
 */
int llsock_ruleset_insert(struct llsock_ruleset *ruleset,
			  const struct llsock_rule_info *rule);
/* Entries of llsock_ruleset_rules that hold @nr_rules rules. */
static inline size_t llsock_ruleset_chunks(size_t nr_rules)
{
	return (nr_rules + LLSOCK_RULESET_CHUNK - 1) / LLSOCK_RULESET_CHUNK;
}

/* The canonical key of (@family, @type, @protocol), bpf/canon.h's table. */
void llsock_canonical_key(__s32 *family, __s32 *type, __s32 *protocol);
/* Sorts by key and merges rules on the same key; returns the new count. */
size_t llsock_ruleset_normalize(struct llsock_ruleset *ruleset);

/* merge.c: the rule table the BPF program reads for one domain. */
struct llsock_table_entry {
	struct llsock_rule_key key;
	struct llsock_rule value;
};

struct llsock_protocol_entry {
	struct llsock_protocol_key key;
	struct llsock_protocol_chunk value;
};

/* Both sorted by key: family, then type, then protocol. */
struct llsock_table {
	size_t nr_entries;
	struct llsock_table_entry *entries;
	size_t nr_protocols;
	struct llsock_protocol_entry *protocols;
};

/*
 * Merges @nr_layers rulesets, root first, into the table @table_id.
 * Returns 0, -E2BIG (too many layers) or -ENOMEM; @required receives the
 * layers handling socket creation, @canonical those of the permission
 * flavour.
 */
int llsock_merge_layers(const struct llsock_ruleset *const *layers,
			unsigned int nr_layers, __u32 table_id,
			struct llsock_table *table, __u16 *required,
			__u16 *canonical);
void llsock_table_free(struct llsock_table *table);
/* The verdict of a merged table, as the BPF program computes it. */
bool llsock_table_allows(const struct llsock_table *table, __u16 required,
			 __u16 canonical, int family, int type, int protocol);

/* cgroup.c */
/* The caller's cgroup v2 directory, from /proc/self/cgroup. */
int llsock_own_cgroup(char *path, size_t size);
/* Opens the directory @path (a cgroup, presumably): a descriptor or -errno. */
int llsock_cgroup_open(const char *path);
/* 0 when @fd is a cgroup v2 directory, -ENOTDIR otherwise. */
int llsock_cgroup_check_fd(int fd);
/*
 * The ids of @fd's cgroup and of its ancestors, root (id 1) first;
 * returns the level, or -errno.
 */
int llsock_cgroup_ancestry(int fd, __u64 *ids, int max);
/* Opens the cgroup @id: a descriptor, -ESTALE once removed, or -errno. */
int llsock_cgroup_open_id(__u64 id);
/* The same, with the cgroup2 mount open (llsock_cgroup_open_mount()). */
int llsock_cgroup_open_mount(void);
int llsock_cgroup_open_id_at(int mount_fd, __u64 id);
/*
 * A directory stream of @dir_fd's directory, with an offset of its own
 * (closedir() does not close @dir_fd); NULL with errno set.
 */
DIR *llsock_opendir_at(int dir_fd);
/* llsock_cgroup_contains_self() of the cgroup directory @cgroup_fd. */
int llsock_cgroup_fd_contains_self(int cgroup_fd);
int llsock_cgroup_id(int fd, __u64 *id);

/* hooks.c: whether lsm/ programs fit a kernel's hooks (bpf/hook.h). */
struct btf;
struct bpf_object;
/* The arguments program @prog_name declares it reads, or NULL. */
const char *llsock_hook_declared_args(const struct btf *obj_btf,
				      const char *prog_name);
/*
 * 0 when @args (as in the program's source, "struct file *file") are the
 * first parameters of bpf_lsm_@hook in @vmlinux, with the same types;
 * -ENOENT when the kernel has no such hook, -EINVAL when they differ. @why
 * says why not.
 */
int llsock_hook_check(const struct btf *vmlinux, const char *hook,
		      const char *args, char *why, size_t size);
/* The parameters of bpf_lsm_@hook as C, "struct file *file". */
int llsock_hook_describe(const struct btf *vmlinux, const char *hook,
			 char *buf, size_t size);
/*
 * Leaves to be loaded, of the lsm/ programs of @obj still to be loaded, the
 * first that fits each hook. -ENOEXEC when none fits some hook (@why says
 * which and why).
 */
int llsock_hooks_select(struct bpf_object *obj, const struct btf *vmlinux,
			char *why, size_t size);

/*
 * The guards, pinned as programs at load, attached only while some cgroup
 * is bound (load.c). Both with the pin directory @dir_fd locked for a
 * change. llsock_guards_attach() attaches every guard not attached yet:
 * before a change publishes a domain. llsock_guards_settle() detaches
 * them when the map of domains @domains_fd is empty. 0 or -errno.
 */
int llsock_guards_attach(int dir_fd);
int llsock_guards_settle(int dir_fd, int domains_fd);

/*
 * Test builds only (make's llsock-faulty, for crash_test, with bind.c and
 * load.c built with LLSOCK_FAULT_INJECTION): with LLSOCK_KILL_AT=N in the
 * environment, the process kills itself at the Nth point where a change,
 * a load or an unload is about to write the store or the pins, so that a
 * test can stop them at every one. Nothing in other builds.
 */
#ifdef LLSOCK_FAULT_INJECTION
void llsock_fault_point(void);
#else
static inline void llsock_fault_point(void)
{
}
#endif

#endif /* LLSOCK_INTERNAL_H */

// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * llsock: Landlock socket rules on BPF LSM.
 *
 * A ruleset bound to a cgroup v2 is one layer of the domain of every task in
 * that cgroup and below. The loader merges the layers of each bound cgroup
 * into one rule table, so the verdict costs the same lookups whatever the
 * number of rules or layers: one domain lookup, then one rule lookup (two
 * for a (family, type) with more than LLSOCK_INLINE_PROTOCOLS protocol
 * rules), per flavour that the domain's layers use (the permission
 * flavour's layers are looked up by the request's canonical key).
 *
 * Besides socket_create, a few hooks keep a restricted task from loosening
 * its own policy: through bpf(2), through the pins in bpffs, by moving to a
 * cgroup outside its domain, or by ptrace-ing a less restricted task.
 */
#include "vmlinux.h"
#include <linux/magic.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "hook.h"
#include "llsock.h"
#include "canon.h"

#define EACCES		13
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define EPERM		1
#define FMODE_WRITE	0x2
#define CLONE_INTO_CGROUP	0x200000000ULL

char LICENSE[] SEC("license") = "Dual BSD/GPL";

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct llsock_state);
} llsock_state SEC(".maps");

/*
 * Not preallocated, here and in llsock_rules: a preallocated hash map
 * recycles a replaced element at once. So does the allocator of the others
 * (6.1 and later), only the memory stays valid for an RCU grace period:
 * the loader waits for one after each replaced or deleted domain before
 * its next update (loader/bind.c), so that no update writes over a domain
 * a program is still reading.
 */
LLSOCK_DOMAINS_MAP(llsock_domains);

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, 65536);
	__type(key, struct llsock_rule_key);
	__type(value, struct llsock_rule);
} llsock_rules SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, 65536);
	__type(key, struct llsock_protocol_key);
	__type(value, struct llsock_protocol_chunk);
} llsock_protocol_rules SEC(".maps");

/* The rulesets as written, for the loader only (show, re-merging). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, 4096);
	__type(key, __u32);
	__type(value, struct llsock_ruleset_info);
} llsock_rulesets SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, 65536);
	__type(key, struct llsock_ruleset_rule_key);
	__type(value, struct llsock_ruleset_chunk);
} llsock_ruleset_rules SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} llsock_events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct llsock_stats);
} llsock_stats SEC(".maps");

/*
 * Per bound cgroup, made by the loader before the cgroup's domain is
 * published and deleted after its binding goes: a program only counts
 * into an entry that is there. max_entries: the bindings' (load.c).
 */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, 1);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, __u64);
	__type(value, struct llsock_cgroup_stats);
} llsock_cgroup_stats SEC(".maps");

/*
 * Never read by a program: the loader updates it to wait for an RCU grace
 * period, after which no program still reads a domain it replaced.
 */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 1);
	__type(key, __u32);
	__array(values, struct {
		__uint(type, BPF_MAP_TYPE_ARRAY);
		__uint(max_entries, 1);
		__type(key, __u32);
		__type(value, __u32);
	});
} llsock_sync SEC(".maps");

/* kernfs_node::parent became __parent in Linux 6.15. */
struct kernfs_node___pre615 {
	struct kernfs_node___pre615 *parent;
} __attribute__((preserve_access_index));

struct kernfs_node___615 {
	struct kernfs_node___615 *__parent;
} __attribute__((preserve_access_index));

static __always_inline struct llsock_state *get_state(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&llsock_state, &zero);
}

/* Index of the lowest bit set in a non-zero 16-bit mask. */
static __always_inline int lowest_bit(__u16 mask)
{
	int bit = 0;

	if (!(mask & 0xff)) {
		mask >>= 8;
		bit += 8;
	}
	if (!(mask & 0xf)) {
		mask >>= 4;
		bit += 4;
	}
	if (!(mask & 0x3)) {
		mask >>= 2;
		bit += 2;
	}
	if (!(mask & 0x1))
		bit += 1;
	return bit;
}

/* The domain bound to cgroup @id, if any; the filter saves most lookups. */
static __always_inline struct llsock_domain *
lookup_domain(const struct llsock_state *state, __u64 id)
{
	if (!state->filter[id & (LLSOCK_FILTER_SLOTS - 1)])
		return NULL;
	/* A miss is an unbound cgroup sharing a filter slot. */
	return bpf_map_lookup_elem(&llsock_domains, &id);
}

/**
 * current_domain - find the domain of the current task
 *
 * The domain is the one of the deepest bound cgroup on the path from the
 * root to the task's cgroup. Levels without any bound cgroup are skipped
 * without a lookup, and a per-id filter skips most of the others, so an
 * unrestricted task usually pays no hash lookup at all.
 *
 * Return: the domain, or NULL when no ruleset applies to the task.
 */
static __always_inline struct llsock_domain *current_domain(void)
{
	struct llsock_state *state = get_state();
	struct llsock_domain *domain;
	struct task_struct *task;
	struct cgroup *cgrp;
	int level, top, i;
	__u64 mask;

	/* Cannot miss (one-entry array); if it did, there is no policy. */
	if (!state)
		return NULL;
	mask = state->bound_levels;
	if (!mask)
		return NULL;

	task = bpf_get_current_task_btf();
	cgrp = task->cgroups->dfl_cgrp;
	level = cgrp->level;
	if (level < 0)
		return NULL;

	/* The task's own cgroup first: a sandboxed task is right there. */
	if (level <= LLSOCK_MAX_LEVEL && (mask & (1ULL << level))) {
		domain = lookup_domain(state, cgrp->kn->id);
		if (domain)
			return domain;
	}

	/*
	 * Then its ancestors, deepest first: the deepest bound one holds the
	 * domain. The loop never compares with @level, so that the verifier
	 * sees the same state at the top of each iteration whatever path led
	 * there, and prunes.
	 */
	top = level <= LLSOCK_MAX_LEVEL ? level - 1 : LLSOCK_MAX_LEVEL;
	for (i = 0; i <= LLSOCK_MAX_LEVEL; i++) {
		int at = top - i;
		__u64 bit;

		/* Stop when no level at or above @at has a bound cgroup. */
		if (at < 0 || !(mask & ((2ULL << at) - 1)))
			break;
		bit = 1ULL << at;
		if (!(mask & bit))
			continue;
		domain = lookup_domain(state,
				       bpf_get_current_ancestor_cgroup_id(at));
		if (domain)
			return domain;
	}
	return NULL;
}

/* What is counted: a request denied, an escape denied, or an audit. */
enum count_kind { COUNT_DENIED, COUNT_ESCAPE, COUNT_AUDITED };

static __always_inline void count_denial(enum count_kind kind, bool lost)
{
	struct llsock_stats *stats;
	__u32 zero = 0;

	stats = bpf_map_lookup_elem(&llsock_stats, &zero);
	if (!stats)
		return;
	if (kind == COUNT_ESCAPE)
		stats->escapes_denied++;
	else if (kind == COUNT_AUDITED)
		stats->audited++;
	else
		stats->denied++;
	if (lost)
		stats->events_lost++;
}

/*
 * A denial, or with @audit a request that only audit layers would have
 * denied: the event names the first layer of @missing.
 */
static __always_inline void report_denial(const struct llsock_domain *domain,
					  __u16 missing, int family, int type,
					  int protocol, bool audit)
{
	enum count_kind kind = audit ? COUNT_AUDITED : COUNT_DENIED;
	struct llsock_cgroup_stats *cstats;
	struct llsock_event *event;
	__u64 pid_tgid, cgroup;
	int layer;

	layer = lowest_bit(missing);
	/* Older verifiers lose the bound through lowest_bit(): restate it. */
	barrier_var(layer);
	layer &= LLSOCK_MAX_LAYERS - 1;
	cgroup = domain->cgroup[layer];
	cstats = bpf_map_lookup_elem(&llsock_cgroup_stats, &cgroup);
	if (cstats) {
		if (audit)
			cstats->audited++;
		else
			cstats->denied++;
	}

	event = bpf_ringbuf_reserve(&llsock_events, sizeof(*event), 0);
	if (!event) {
		count_denial(kind, true);
		return;
	}
	pid_tgid = bpf_get_current_pid_tgid();
	event->cgroup = bpf_get_current_cgroup_id();
	event->layer_cgroup = cgroup;
	event->pid = pid_tgid >> 32;
	event->tid = (__u32)pid_tgid;
	event->uid = (__u32)bpf_get_current_uid_gid();
	event->family = family;
	event->type = type;
	event->protocol = protocol;
	event->layer = layer;
	event->nr_layers = domain->nr_layers;
	event->flavour = domain->canonical & (1U << layer) ?
				 LLSOCK_FLAVOUR_PERMISSION : LLSOCK_FLAVOUR_V4;
	event->audit = audit;
	event->pad2 = 0;
	bpf_get_current_comm(event->comm, sizeof(event->comm));
	bpf_ringbuf_submit(event, 0);
	count_denial(kind, false);
}

/* The layers allowing @protocol in the merged entry @rule of @key. */
static __always_inline __u16 protocol_layers(const struct llsock_rule *rule,
					     const struct llsock_rule_key *key,
					     int protocol)
{
	struct llsock_protocol_chunk *chunk;
	struct llsock_protocol_key pkey;
	int i;

	for (i = 0; i < LLSOCK_INLINE_PROTOCOLS; i++) {
		if (i >= rule->nr_protocols)
			break;
		if (rule->protocols[i].protocol == protocol)
			return rule->protocols[i].allowed;
	}
	if (!rule->overflow)
		return 0;
	pkey.table = key->table;
	pkey.family = key->family;
	pkey.type = key->type;
	pkey.space = key->space;
	pkey.pad = 0;
	pkey.chunk = (__u32)protocol >> LLSOCK_PROTOCOL_CHUNK_SHIFT;
	/* A miss: no layer has a rule for a protocol of this chunk. */
	chunk = bpf_map_lookup_elem(&llsock_protocol_rules, &pkey);
	return chunk ? chunk->allowed[protocol & (LLSOCK_PROTOCOL_CHUNK - 1)] :
		       0;
}

/*
 * The layers of @required allowing (@family, @type, @protocol) in one key
 * space of the domain's table. A miss fails closed: no layer has any rule
 * for (family, type) there.
 */
static __always_inline __u16 space_layers(__u32 table, __u8 space,
					  __u16 required, int family,
					  int type, int protocol)
{
	struct llsock_rule_key key;
	struct llsock_rule *rule;
	__u16 allowed;

	key.table = table;
	key.family = family;
	key.type = type;
	key.space = space;
	rule = bpf_map_lookup_elem(&llsock_rules, &key);
	if (!rule)
		return 0;
	allowed = rule->allowed;
	if ((allowed & required) != required)
		allowed |= protocol_layers(rule, &key, protocol);
	return allowed;
}

static const struct llsock_canon_rule canon_rules[] = LLSOCK_CANON_RULES;

/*
 * No program reads the verdict of the BPF LSM programs before it (`ret`,
 * after the hook's arguments): its position changes when the hook gains an
 * argument, and a non-zero verdict already ends the chain before the next
 * program runs (x86-64 and arm64 trampolines).
 */
LLSOCK_LSM(socket_create, llsock_socket_create,
	   int family, int type, int protocol, int kern)
{
	struct llsock_domain *domain;
	__u16 required, canonical, missing, allowed = 0;
	__s32 cfamily = family, ctype = type, cprotocol = protocol;

	/* Sockets the kernel creates for itself are never restricted. */
	if (kern)
		return 0;

	domain = current_domain();
	if (!domain)
		return 0;
	required = domain->required;
	if (!required)
		return 0;
	canonical = domain->canonical;

	/*
	 * __sock_create() has checked 0 <= family < NPROTO and
	 * 0 <= type < SOCK_MAX: both fit their key fields, and so do the
	 * canonical ones (the table maps such values to such values).
	 */
	if (required & ~canonical)
		allowed |= space_layers(domain->table, LLSOCK_SPACE_RAW,
					required & ~canonical, family, type,
					protocol);
	if (required & canonical) {
		llsock_canonical(canon_rules, ARRAY_SIZE(canon_rules),
				 &cfamily, &ctype, &cprotocol);
		allowed |= space_layers(domain->table, LLSOCK_SPACE_CANONICAL,
					required & canonical, cfamily, ctype,
					cprotocol);
	}
	if ((allowed & required) == required)
		return 0;

	/*
	 * Missing layers decide only when they enforce; audit layers report
	 * what they would have denied, and only when nothing denies it.
	 */
	missing = required & ~allowed;
	if (missing & ~domain->audit) {
		report_denial(domain, missing & ~domain->audit, family, type,
			      protocol, false);
		return -EACCES;
	}
	report_denial(domain, missing, family, type, protocol, true);
	return 0;
}

/*
 * The rest keeps restricted tasks from loosening their own policy. The hooks
 * on common paths (file_open, task_alloc, inode_unlink, inode_rmdir) leave
 * after one or two tests when the operation cannot concern llsock.
 */

static __always_inline void count_escape(void)
{
	count_denial(COUNT_ESCAPE, false);
}

/* The cgroup a domain belongs to: the deepest bound cgroup of its path. */
static __always_inline __u64 domain_owner(const struct llsock_domain *domain)
{
	__u32 top = domain->nr_layers - 1;

	barrier_var(top);
	return domain->cgroup[top & (LLSOCK_MAX_LAYERS - 1)];
}

static __always_inline struct kernfs_node *kn_parent(struct kernfs_node *kn)
{
	if (bpf_core_field_exists(struct kernfs_node___pre615, parent))
		return (struct kernfs_node *)BPF_CORE_READ(
			(struct kernfs_node___pre615 *)kn, parent);
	return (struct kernfs_node *)BPF_CORE_READ(
		(struct kernfs_node___615 *)kn, __parent);
}

/*
 * Whether the cgroup directory @kn is @owner or below it. Cgroups deeper
 * than LLSOCK_MAX_LEVEL + 1 levels under it count as outside: fail closed.
 */
static __always_inline bool kn_within(struct kernfs_node *kn, __u64 owner)
{
	int i;

	for (i = 0; i <= LLSOCK_MAX_LEVEL + 1 && kn; i++) {
		if (BPF_CORE_READ(kn, id) == owner)
			return true;
		kn = kn_parent(kn);
	}
	return false;
}

/* No restricted task may use bpf(2): it could reach the maps and links. */
/* -EPERM, counted, for a restricted task; 0 for the others. */
static __always_inline int deny_restricted(void)
{
	if (!current_domain())
		return 0;
	count_escape();
	return -EPERM;
}

LLSOCK_LSM(bpf, llsock_bpf)
{
	return deny_restricted();
}

/* The pins live in bpffs: no restricted task may change anything there. */
static __always_inline int deny_in_bpffs(struct super_block *sb)
{
	if (BPF_CORE_READ(sb, s_magic) != BPF_FS_MAGIC)
		return 0;
	return deny_restricted();
}

/* Unlinking or renaming a pin could release llsock's link and maps. */
LLSOCK_LSM(inode_unlink, llsock_inode_unlink, struct inode *dir)
{
	return deny_in_bpffs(BPF_CORE_READ(dir, i_sb));
}

LLSOCK_LSM(inode_rename, llsock_inode_rename, struct inode *old_dir)
{
	return deny_in_bpffs(BPF_CORE_READ(old_dir, i_sb));
}

/*
 * An entry of its own in the pin directory would make unload fail (the
 * directory is no longer empty): no mkdir, symlink or hard link in bpffs.
 */
LLSOCK_LSM(inode_mkdir, llsock_inode_mkdir, struct inode *dir)
{
	return deny_in_bpffs(BPF_CORE_READ(dir, i_sb));
}

LLSOCK_LSM(inode_symlink, llsock_inode_symlink, struct inode *dir)
{
	return deny_in_bpffs(BPF_CORE_READ(dir, i_sb));
}

LLSOCK_LSM(inode_link, llsock_inode_link, struct dentry *old_dentry,
	   struct inode *dir)
{
	return deny_in_bpffs(BPF_CORE_READ(dir, i_sb));
}

/*
 * llsock's commands lock the pin directory (flock) for each change: a lock
 * held by a restricted task on it, through a descriptor it opened before
 * or received, would hang them. No lock on anything in bpffs.
 */
LLSOCK_LSM(file_lock, llsock_file_lock, struct file *file)
{
	return deny_in_bpffs(BPF_CORE_READ(file, f_inode, i_sb));
}

/*
 * The inode number of the mount namespace llsock was loaded from (set by
 * the loader; 0 stands for every namespace). Its pins live in a bpffs
 * mounted there.
 */
const volatile __u32 llsock_mnt_ns = 0;

/*
 * In llsock's mount namespace, unmounting a mount above the pins (/sys,
 * lazily or not) takes them away, and a mount over /sys/fs/bpf or the pin
 * directory shows the next llsock command another tree: no restricted
 * task may change the mounts there. In a mount namespace of its own (a
 * container's), it may: llsock's mounts are not in it.
 */
static __always_inline int deny_in_llsock_mounts(void)
{
	struct task_struct *task = bpf_get_current_task_btf();

	if (llsock_mnt_ns &&
	    BPF_CORE_READ(task, nsproxy, mnt_ns, ns.inum) != llsock_mnt_ns)
		return 0;
	return deny_restricted();
}

/*
 * Unmounting the last mount of a bpffs releases everything pinned in it;
 * unmounting a mount above it, in llsock's namespace, takes it away.
 */
LLSOCK_LSM(sb_umount, llsock_sb_umount, struct vfsmount *mnt)
{
	int ret = deny_in_bpffs(BPF_CORE_READ(mnt, mnt_sb));

	return ret ? ret : deny_in_llsock_mounts();
}

/* A new mount (or a bind mount) over the pins, or above them. */
LLSOCK_LSM(sb_mount, llsock_sb_mount)
{
	return deny_in_llsock_mounts();
}

/* The new mount API's way of putting a mount in place. */
LLSOCK_LSM(move_mount, llsock_move_mount)
{
	return deny_in_llsock_mounts();
}

/* A new root for the namespace: llsock's tree would move from under it. */
LLSOCK_LSM(sb_pivotroot, llsock_sb_pivotroot)
{
	return deny_in_llsock_mounts();
}

/* Whether the kernel string @name is @want (of @len characters). */
static __always_inline bool name_is(const unsigned char *name,
				    const char *want, int len)
{
	char buf[16];
	int i;

	if (bpf_probe_read_kernel_str(buf, sizeof(buf), name) != len + 1)
		return false;
	for (i = 0; i < len && i < (int)sizeof(buf); i++)
		if (buf[i] != want[i])
			return false;
	return true;
}

#define NAME_IS(name, want) name_is(name, want, sizeof(want) - 1)

/*
 * The files that name a program the kernel runs on its own, as root, in
 * the root cgroup, outside every policy: the core dump pipe, the module
 * loader, the power-off command and the uevent helper (sysctls, in
 * /proc/sys/kernel/, and /sys/kernel/uevent_helper), and a cgroup v1
 * hierarchy's release agent. A restricted task that names its own program
 * there has it run unrestricted.
 */
static __always_inline bool names_a_helper(struct file *file,
					   unsigned long magic)
{
	struct dentry *dentry = BPF_CORE_READ(file, f_path.dentry);
	const unsigned char *name = BPF_CORE_READ(dentry, d_name.name);
	const unsigned char *parent =
		BPF_CORE_READ(dentry, d_parent, d_name.name);

	if (magic == CGROUP_SUPER_MAGIC)
		return NAME_IS(name, "release_agent");
	if (!NAME_IS(parent, "kernel"))
		return false;
	if (magic == SYSFS_MAGIC)
		return NAME_IS(name, "uevent_helper");
	return NAME_IS(name, "core_pattern") || NAME_IS(name, "modprobe") ||
	       NAME_IS(name, "poweroff_cmd") || NAME_IS(name, "hotplug");
}

/*
 * What a restricted task may not hold open for writing, however it came
 * by the descriptor: a helper's file, or a cgroup file outside its
 * domain's cgroup. Moving a task to another cgroup means writing to a
 * cgroup.procs (or cgroup.threads) file, and the kernel checks write
 * access to that of the common ancestor of both cgroups: so a restricted
 * task stays, with its children, in its domain's subtree. file_open, not
 * inode_permission (which runs for every component of every path every
 * task walks), nor file_permission (every read and write). -EPERM
 * (counted) or 0.
 */
static __always_inline int check_writable(struct file *file)
{
	struct llsock_domain *domain;
	struct kernfs_node *kn;
	unsigned long magic;

	if (!(file->f_mode & FMODE_WRITE))
		return 0;
	magic = file->f_inode->i_sb->s_magic;
	if (magic == PROC_SUPER_MAGIC || magic == SYSFS_MAGIC ||
	    magic == CGROUP_SUPER_MAGIC) {
		if (!current_domain() || !names_a_helper(file, magic))
			return 0;
		count_escape();
		return -EPERM;
	}
	if (magic != CGROUP2_SUPER_MAGIC)
		return 0;
	domain = current_domain();
	if (!domain)
		return 0;

	/* A cgroup file's kernfs node; its parent is the cgroup directory. */
	kn = (struct kernfs_node *)BPF_CORE_READ(file, f_inode, i_private);
	if (kn && BPF_CORE_READ(kn, flags) & KERNFS_FILE)
		kn = kn_parent(kn);
	if (kn_within(kn, domain_owner(domain)))
		return 0;
	count_escape();
	return -EPERM;
}

LLSOCK_LSM(file_open, llsock_file_open, struct file *file)
{
	/* Nothing in bpffs, not even to read: see file_lock below. */
	if (file->f_inode->i_sb->s_magic == BPF_FS_MAGIC)
		return deny_restricted();
	return check_writable(file);
}

/*
 * The same files, received open for writing (SCM_RIGHTS, pidfd_getfd(),
 * seccomp's SECCOMP_IOCTL_NOTIF_ADDFD) from a task outside the policy.
 */
LLSOCK_LSM(file_receive, llsock_file_receive, struct file *file)
{
	return check_writable(file);
}

/*
 * A cgroup v1 hierarchy's release agent, set when it is mounted (either
 * mount API, and remounted) rather than through its file.
 */
LLSOCK_LSM(fs_context_parse_param, llsock_fs_context_parse_param,
	   struct fs_context *fc, struct fs_parameter *param)
{
	if (!NAME_IS((const unsigned char *)BPF_CORE_READ(param, key),
		     "release_agent"))
		return 0;
	return deny_restricted();
}

/*
 * Code of its own in the kernel (a module, by init_module or
 * finit_module) or a new kernel (kexec_load, kexec_file_load) lifts every
 * policy: not for a restricted task. Firmware a driver asks for stays.
 */
LLSOCK_LSM(kernel_read_file, llsock_kernel_read_file, struct file *file,
	   enum kernel_read_file_id id)
{
	if (id == bpf_core_enum_value(enum kernel_read_file_id,
				      READING_FIRMWARE))
		return 0;
	return deny_restricted();
}

LLSOCK_LSM(kernel_load_data, llsock_kernel_load_data,
	   enum kernel_load_data_id id)
{
	if (id == bpf_core_enum_value(enum kernel_load_data_id,
				      LOADING_FIRMWARE))
		return 0;
	return deny_restricted();
}

/*
 * Removing a bound cgroup drops its binding: the cgroup made again under
 * the same name is unbound, its tasks' policy gone. A restricted task may
 * remove only unbound cgroups of its domain's subtree, so no other
 * policy, its own included, is lifted that way.
 */
LLSOCK_LSM(inode_rmdir, llsock_inode_rmdir, struct inode *dir,
	   struct dentry *dentry)
{
	struct llsock_domain *domain;
	struct llsock_state *state;
	struct kernfs_node *kn;

	if (dir->i_sb->s_magic == BPF_FS_MAGIC)
		return deny_restricted();
	if (dir->i_sb->s_magic != CGROUP2_SUPER_MAGIC)
		return 0;
	domain = current_domain();
	if (!domain)
		return 0;
	state = get_state();
	kn = (struct kernfs_node *)BPF_CORE_READ(dentry, d_inode, i_private);
	if (state && kn && kn_within(kn, domain_owner(domain)) &&
	    !lookup_domain(state, BPF_CORE_READ(kn, id)))
		return 0;
	count_escape();
	return -EPERM;
}

/*
 * clone3(CLONE_INTO_CGROUP) starts a child in any cgroup it can write to:
 * not for a restricted task. The hook runs before the kernel knows the
 * target, so the flag itself is refused.
 */
LLSOCK_LSM(task_alloc, llsock_task_alloc, struct task_struct *task,
	   unsigned long clone_flags)
{
	if (!(clone_flags & CLONE_INTO_CGROUP))
		return 0;
	return deny_restricted();
}

/* Landlock's rule: a domain may only trace tasks in the same or a nested one. */
LLSOCK_LSM(ptrace_access_check, llsock_ptrace_access_check,
	   struct task_struct *child)
{
	struct llsock_domain *domain;
	struct kernfs_node *kn;

	domain = current_domain();
	if (!domain)
		return 0;
	kn = BPF_CORE_READ(child, cgroups, dfl_cgrp, kn);
	if (kn_within(kn, domain_owner(domain)))
		return 0;
	count_escape();
	return -EPERM;
}

/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * libllsock: Landlock socket rules on stock kernels, through BPF LSM.
 *
 * The calls mirror the proposed Landlock ones (landlock_create_ruleset(),
 * landlock_add_rule(), landlock_restrict_self()) with the same checks, in
 * the same order, with the same errno. Where Landlock stacks a layer on the
 * calling task, llsock binds a ruleset to a cgroup v2: the domain of a task
 * is the stack of rulesets bound to its cgroup and to every ancestor.
 *
 * Every function returns 0 (or a non-negative value) on success and a
 * negative errno on failure; none of them leaves a policy half applied.
 */
#ifndef LIBLLSOCK_H
#define LIBLLSOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>
#include <linux/types.h>

/*
 * The values and types the BPF program shares (LLSOCK_ACCESS_SOCKET_CREATE,
 * LLSOCK_RULE_SOCKET, LLSOCK_ANY, LLSOCK_MAX_LAYERS, struct llsock_event,
 * ...), defined once.
 */
#include "llsock.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Two flavours of ruleset, chosen when one is created (SEMANTICS 1 to 3 and
 * 5). A task's domain may stack layers of both; each layer is judged by
 * its own flavour's rules.
 */

/* v4: the same layout and meaning as the socket part of the RFC's
 * landlock_ruleset_attr. */
struct llsock_ruleset_attr {
	__u64 handled_access_socket;
};

/* v4: the same layout as the RFC's struct landlock_socket_attr. */
struct llsock_socket_attr {
	__u64 allowed_access;
	__s32 family;
	__s32 type;
	__s32 protocol;
} __attribute__((packed));

/*
 * Permission flavour: the same layout as the permission design's struct
 * landlock_ruleset_attr (Landlock ABI 12: handled_permissions at offset 48,
 * after Linux 7.3's fields). llsock handles socket creation only: any
 * other field that is not zero is refused with -EINVAL, where the kernel
 * would refuse a right it does not know.
 */
struct llsock_permission_ruleset_attr {
	__u64 handled_access_fs;
	__u64 handled_access_net;
	__u64 scoped;
	__u64 quiet_access_fs;
	__u64 quiet_access_net;
	__u64 quiet_scoped;
	__u64 handled_permissions;
};

/* Permission flavour: the same layout as struct landlock_socket_attr. */
struct llsock_permission_socket_attr {
	__u64 permissions;
	__u32 wildcards;
	__u32 family;
	__u32 type;
	__u32 protocol;
};

_Static_assert(sizeof(struct llsock_permission_ruleset_attr) == 56,
	       "landlock_ruleset_attr of the permission design is 56 bytes");
_Static_assert(sizeof(struct llsock_permission_socket_attr) == 24,
	       "landlock_socket_attr of the permission design is 24 bytes");

struct llsock_ruleset;

/**
 * llsock_create_ruleset() - create an empty ruleset of the v4 flavour
 * @attr: handled rights; @size: sizeof(*attr) as the caller knows it
 * @flags: must be 0
 * @ruleset: receives the new ruleset
 *
 * Return: 0; -EINVAL for flags, a short @size or unknown handled rights;
 * -E2BIG for non-zero bytes beyond the known attribute; -EFAULT for a NULL
 * @attr; -ENOMSG when nothing is handled; -ENOMEM.
 */
int llsock_create_ruleset(const struct llsock_ruleset_attr *attr, size_t size,
			  __u32 flags, struct llsock_ruleset **ruleset);

/**
 * llsock_create_permission_ruleset() - create an empty ruleset of the
 * permission flavour
 * @attr: handled permissions; @size: sizeof(*attr) as the caller knows it,
 * at least 8 (handled_access_fs), as landlock_create_ruleset() takes it
 * @flags: must be 0
 * @ruleset: receives the new ruleset
 *
 * Return: as llsock_create_ruleset(), in the same order: -EINVAL for flags
 * or a short @size, -E2BIG for a non-zero tail, -EINVAL for unknown
 * permission bits or any other field set, -ENOMSG when everything is zero.
 */
int llsock_create_permission_ruleset(
	const struct llsock_permission_ruleset_attr *attr, size_t size,
	__u32 flags, struct llsock_ruleset **ruleset);

/**
 * llsock_add_rule() - add a rule to a ruleset
 *
 * A v4 ruleset takes LLSOCK_RULE_SOCKET and a struct llsock_socket_attr;
 * checks, in this order: flags (-EINVAL), @ruleset (-EBADF), @rule_type
 * (-EINVAL), @rule_attr readable (-EFAULT), allowed_access empty (-ENOMSG),
 * allowed_access not handled by the ruleset (-EINVAL), family, type or
 * protocol out of range (-EINVAL). (AF_INET, SOCK_PACKET, p) is stored as
 * (AF_PACKET, SOCK_PACKET, p), as the kernel rewrites it before the hook.
 *
 * A permission ruleset takes LLSOCK_RULE_SOCKET_PERMISSION and a struct
 * llsock_permission_socket_attr; checks, in this order: flags (-EINVAL),
 * @ruleset (-EBADF), @rule_type (-EINVAL), readable (-EFAULT), permissions
 * empty (-ENOMSG), permissions not handled or not socket permissions
 * (-EINVAL), unknown wildcards (-EINVAL), the protocol wildcard with a
 * protocol other than 0 (-EINVAL). Any family, type and protocol is
 * accepted; the rule is stored under its canonical key (bpf/canon.h), and
 * merges with a rule already there.
 */
int llsock_add_rule(struct llsock_ruleset *ruleset, int rule_type,
		    const void *rule_attr, __u32 flags);

void llsock_ruleset_free(struct llsock_ruleset *ruleset);

/*
 * At most @max_rules distinct rules in @ruleset (0: no limit, the
 * default): llsock_add_rule() then refuses a rule on a new key with
 * -E2BIG, so that a policy larger than llsock was loaded to hold
 * (struct llsock_counters' max_rules) stops being read at that rule.
 */
void llsock_ruleset_set_max_rules(struct llsock_ruleset *ruleset,
				  size_t max_rules);

/*
 * A rule as a ruleset holds it, of either flavour: for v4, LLSOCK_ANY
 * stands for any type or protocol and @wildcards is 0; for the permission
 * flavour, the canonical key's __u32 values as __s32, and @wildcards.
 */
struct llsock_rule_info {
	__u64 allowed;
	__u32 wildcards;
	__s32 family;
	__s32 type;
	__s32 protocol;
};

/* Flavour, handled rights (or permissions) and rules, in insertion order. */
enum llsock_flavour llsock_ruleset_flavour(const struct llsock_ruleset *ruleset);
__u64 llsock_ruleset_handled(const struct llsock_ruleset *ruleset);
size_t llsock_ruleset_size(const struct llsock_ruleset *ruleset);
const struct llsock_rule_info *
llsock_ruleset_rule(const struct llsock_ruleset *ruleset, size_t i);
/* "v4" or "permission". */
const char *llsock_flavour_name(enum llsock_flavour flavour);

/**
 * llsock_bind_cgroup() - make @ruleset the layer of a cgroup v2
 *
 * Replaces the ruleset bound to that cgroup, if any, for its tasks and for
 * every cgroup below it, in one step as seen by each task: a socket()
 * running meanwhile sees the old policy or the new one, never a mix. On
 * failure the old policy stays in force.
 *
 * Return: 0; -ENOTDIR (not a cgroup v2 directory); -E2BIG (more than
 * LLSOCK_MAX_LAYERS layers on some path, or a cgroup deeper than level
 * LLSOCK_MAX_LEVEL); -EDEADLK (the cgroup is the caller's or one of its
 * ancestors: the layer would restrict the caller, and stop this change
 * and any later one half-way); -ENOPKG (llsock not loaded); -ENOSPC
 * (more rule entries in force than llsock was loaded to hold); -EDQUOT
 * (more bound cgroups than that); other -errno. Limits are checked before
 * anything is written.
 */
int llsock_bind_cgroup(const struct llsock_ruleset *ruleset,
		       const char *cgroup_path);
int llsock_bind_cgroup_fd(const struct llsock_ruleset *ruleset, int cgroup_fd);

/*
 * How to bind (@flags), and what the change leaves in force, as the limits
 * count it: set by llsock_bind_cgroup_fd_opts() once the change is
 * planned, whether it then succeeds or a limit stops it. Compare with
 * struct llsock_limits.
 *
 * LLSOCK_BIND_AUDIT binds the layer in audit mode: it denies nothing, and
 * each request it would have denied, when no other layer denies it, is
 * reported as an event with @audit set (and counted as audited). Binding
 * the cgroup again without it enforces the same way as any replacement:
 * each task sees the audit layer or the enforcing one, never neither.
 */
#define LLSOCK_BIND_AUDIT	(1U << 0)

struct llsock_bind_opts {
	size_t sz;			/* sizeof(struct llsock_bind_opts) */
	__u32 flags;			/* in: LLSOCK_BIND_AUDIT or 0 */
	__u32 bindings;			/* out: bound cgroups */
	__u64 rule_entries;		/* out: summed over every domain's layers */
};

int llsock_bind_cgroup_fd_opts(const struct llsock_ruleset *ruleset,
			       int cgroup_fd, struct llsock_bind_opts *opts);

/*
 * 1 when the cgroup v2 directory @path is the caller's cgroup or one of its
 * ancestors, so that a layer bound there would restrict the caller; 0 when
 * it is not; -errno (-ENOTDIR: not a cgroup v2 directory).
 */
int llsock_cgroup_contains_self(const char *path);

/* Remove the layer bound to a cgroup. -ENOENT when there is none. */
int llsock_unbind_cgroup(const char *cgroup_path);
int llsock_unbind_cgroup_fd(int cgroup_fd);

/**
 * llsock_restrict_self() - add @ruleset as a layer on the calling process
 *
 * Creates a child of the caller's cgroup, binds @ruleset to it and moves
 * the whole calling process into it; children and exec'd programs stay
 * there. @flags must be 0. If @cgroup_path is not NULL, it receives the new
 * cgroup's path.
 */
int llsock_restrict_self(const struct llsock_ruleset *ruleset, __u32 flags,
			 char *cgroup_path, size_t size);

/*
 * The pieces of llsock_restrict_self(), for a launcher that stays outside
 * the sandbox and cleans up after it (as `llsock run` does):
 * llsock_sandbox_create() makes a child of the caller's cgroup with @ruleset
 * bound and writes its path to @path; llsock_sandbox_enter() moves the
 * calling process into it; llsock_sandbox_remove() removes the cgroup and
 * then its binding, and fails with -EBUSY while tasks remain in it (the
 * policy then stays).
 */
int llsock_sandbox_create(const struct llsock_ruleset *ruleset, char *path,
			  size_t size);
int llsock_sandbox_enter(const char *path);
int llsock_sandbox_remove(const char *path);

/* Drops the bindings of cgroups that were removed. */
int llsock_gc(void);

/* Policies in force. */
struct llsock_layer_info {
	__u64 cgroup_id;
	struct llsock_ruleset *ruleset;
	bool audit;			/* bound in audit mode */
};

struct llsock_binding_info {
	__u64 cgroup_id;
	/*
	 * What this cgroup's own layer did since it was bound: requests it
	 * was the first layer to deny, and those it would have denied first
	 * in audit mode. Of this cgroup's binding, also when it is inherited.
	 */
	__u64 denied;
	__u64 audited;
	unsigned int level;
	unsigned int nr_layers;
	struct llsock_layer_info layers[LLSOCK_MAX_LAYERS];	/* root first */
};

typedef int (*llsock_binding_fn)(const struct llsock_binding_info *info,
				 void *ctx);

/*
 * Calls @fn for each bound cgroup, shallowest first, and stops when @fn
 * returns non-zero. The rulesets in @info are freed after @fn returns.
 */
int llsock_foreach_binding(llsock_binding_fn fn, void *ctx);
/*
 * The domain of the tasks in one cgroup: its own binding, or the one it
 * inherits from its deepest bound ancestor (then *@inherited is true).
 * -ENOENT when no ruleset applies. Free with llsock_binding_info_free().
 */
int llsock_get_binding(const char *cgroup_path,
		       struct llsock_binding_info *info, bool *inherited);
void llsock_binding_info_free(struct llsock_binding_info *info);
/*
 * Where the whole cgroup v2 hierarchy is mounted; -ENOENT when it is not
 * (or only a part of it is, as in a cgroup namespace).
 */
int llsock_cgroup2_mount(char *buf, size_t size);
/* The cgroup v2 directory of process @pid (0: the caller's process). */
int llsock_pid_cgroup(pid_t pid, char *path, size_t size);
/* Path of a cgroup from its id; -ESTALE when it is gone. */
int llsock_cgroup_path(__u64 cgroup_id, char *buf, size_t size);

/*
 * The seccomp backend, for one process tree where BPF LSM is refused
 * (loader/seccomp.c): a ruleset compiled into classic BPF seccomp
 * filters that answer socket(2) and socketpair(2) as the hook would, and
 * refuse io_uring, 32-bit system calls and, unless the ruleset allows
 * SCTP, SCTP's peeloff. Each call of llsock_seccomp_restrict_self() adds
 * a layer, as landlock_restrict_self() does.
 */
struct llsock_seccomp;
struct sock_fprog;

/* Denials logged by the kernel's audit (SECCOMP_FILTER_FLAG_LOG). */
#define LLSOCK_SECCOMP_LOG	(1U << 0)

/* 0 when this kernel has seccomp filters; -errno (-EINVAL: it has not). */
int llsock_seccomp_usable(void);
/* NPROTO of the running kernel, as a filter must know it; or -errno. */
int llsock_seccomp_nproto(void);
/*
 * The filters of one layer, for a kernel of @nproto families: 0, -ENOMEM,
 * or -E2BIG (more than a task's filters may hold). A ruleset that handles
 * no socket right has none.
 */
int llsock_seccomp_build(const struct llsock_ruleset *ruleset, __u32 nproto,
			 struct llsock_seccomp **filters);
size_t llsock_seccomp_nr_filters(const struct llsock_seccomp *filters);
const struct sock_fprog *
llsock_seccomp_filter(const struct llsock_seccomp *filters, size_t i);
void llsock_seccomp_free(struct llsock_seccomp *filters);
/*
 * Sets no_new_privs and installs @ruleset's filters on every thread of
 * the calling process (SECCOMP_FILTER_FLAG_TSYNC): the whole layer or
 * none of it. @flags: LLSOCK_SECCOMP_LOG or 0 (else -EINVAL). -EBUSY when
 * a thread has filters of its own that the others do not.
 */
int llsock_seccomp_restrict_self(const struct llsock_ruleset *ruleset,
				 __u32 flags);

/*
 * Where a sandbox for one command (`llsock run`) is made: a cgroup with a
 * binding of llsock's BPF program, or seccomp filters.
 */
enum llsock_backend {
	LLSOCK_BACKEND_NONE,		/* neither works here */
	LLSOCK_BACKEND_BPF,
	LLSOCK_BACKEND_SECCOMP,
};

/*
 * Which backend a sandbox would use here: the BPF one where llsock is
 * loaded and the caller is root, else seccomp. @why (if not NULL) gets
 * the reason, one sentence without a final period.
 */
enum llsock_backend llsock_run_backend(char *why, size_t size);
/* "bpf", "seccomp" or "none"; and back (-EINVAL for another name). */
const char *llsock_backend_name(enum llsock_backend backend);
int llsock_backend_parse(const char *name, enum llsock_backend *backend);

/* Loading. */
struct llsock_load_opts {
	size_t sz;			/* sizeof(struct llsock_load_opts) */
	__u32 max_rules;		/* merged rule entries; 0: default */
	__u32 max_bindings;		/* bound cgroups; 0: default */
	bool no_guard;			/* skip the hooks against self-loosening */
};

int llsock_load(const struct llsock_load_opts *opts);
int llsock_unload(void);
bool llsock_is_loaded(void);

/*
 * The limits llsock was loaded with, read from its maps' sizes without
 * walking them: -ENOPKG when it is not loaded.
 */
struct llsock_limits {
	__u32 max_rules;		/* rule entries in force */
	__u32 max_bindings;		/* bound cgroups */
};

int llsock_get_limits(struct llsock_limits *limits);

/* What the running kernel offers. */
struct llsock_probe {
	char kernel_release[128];
	char lsm_list[512];		/* empty when unknown */
	bool lsm_list_known;
	bool bpf_in_lsm_list;
	bool cgroup2;
	char cgroup2_path[4096];
	bool lsm_progs_refused;		/* EPERM before the verifier */
	bool bpf_denied;		/* bpf(2) refused altogether */
	bool root;
	/*
	 * Every hook llsock attaches to has a program that reads its
	 * arguments as this kernel passes them; if not, which and why.
	 */
	bool hooks_fit;
	char hooks_unfit[512];
};

int llsock_probe(struct llsock_probe *probe);

/* Counters, summed over CPUs. */
struct llsock_counters {
	__u64 denied;
	__u64 events_lost;
	__u64 escapes_denied;
	__u64 audited;			/* allowed, that audit layers would deny */
	__u32 bindings;
	__u32 rule_entries;
	__u32 max_rules;
	__u32 max_bindings;
};

int llsock_get_counters(struct llsock_counters *counters);

/* A denial, as the BPF program reports it: struct llsock_event (llsock.h). */
typedef int (*llsock_denial_fn)(const struct llsock_event *denial, void *ctx);

/*
 * Calls @fn for each denial until @fn returns non-zero, @timeout_ms passes
 * without any denial (-1: forever) or @stop becomes true.
 */
int llsock_monitor(llsock_denial_fn fn, void *ctx, int timeout_ms,
		   volatile bool *stop);

/*
 * Names and the RULE syntax, "family.type.protocol". llsock_parse_rule()
 * reads a v4 rule ('*' for any type or protocol);
 * llsock_parse_permission_rule() a permission one ('*' for the protocol
 * only: a type wildcard is refused with its expansion, one rule per type).
 */
int llsock_parse_rule(const char *text, struct llsock_socket_attr *rule,
		      char *err, size_t err_size);
int llsock_parse_permission_rule(const char *text,
				 struct llsock_permission_socket_attr *rule,
				 char *err, size_t err_size);
/*
 * The text functions below write their reason for a failure to @err; one
 * of LLSOCK_ERR_SIZE bytes holds any of them whole (a refused type
 * wildcard lists its expansion).
 */
#define LLSOCK_ERR_SIZE		2048
/* Adds the rule @text to @ruleset, of either flavour, read as its flavour
 * reads it: 0, or -errno with the reason in @err. */
int llsock_add_rule_text(struct llsock_ruleset *ruleset, const char *text,
			 char *err, size_t err_size);
/*
 * A policy: one rule per line, '#' starts a comment. Before its first rule,
 * a line "flavour v4" or "flavour permission" may say which flavour of
 * ruleset it is written for. Returns the number of rules or -EINVAL with
 * "line N: reason" in @err, also for a flavour line after a rule, a second
 * one, or one that names a flavour other than @ruleset's.
 */
int llsock_parse_policy(FILE *file, struct llsock_ruleset *ruleset,
			char *err, size_t err_size);
/*
 * The flavour a policy declares, to create its ruleset with: reads @file up
 * to its first rule, and returns the number of its flavour line with
 * *@flavour set, 0 when it has none before its first rule, or -EINVAL (a
 * bad flavour line) or -EIO with "line N: reason" in @err.
 */
int llsock_policy_flavour(FILE *file, enum llsock_flavour *flavour,
			  char *err, size_t err_size);
/* "v4" or "permission" (as llsock_flavour_name() says): 0, else -EINVAL. */
int llsock_flavour_parse(const char *name, enum llsock_flavour *flavour);
/* LL_SOCKET_CREATE: colon-separated numeric family.type.protocol. */
int llsock_parse_env(const char *value, struct llsock_ruleset *ruleset,
		     char *err, size_t err_size);
const char *llsock_family_name(int family);
const char *llsock_type_name(int type);
const char *llsock_protocol_name(int family, int protocol);
/* "inet.stream.tcp" ('*' for a wildcard); @buf of at least 64 bytes. */
char *llsock_format_rule(const struct llsock_rule_info *rule, char *buf,
			 size_t size);

#ifdef __cplusplus
}
#endif

#endif /* LIBLLSOCK_H */

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

/* Same layout and meaning as the socket part of landlock_ruleset_attr. */
struct llsock_ruleset_attr {
	__u64 handled_access_socket;
};

/* Same layout as the RFC's struct landlock_socket_attr. */
struct llsock_socket_attr {
	__u64 allowed_access;
	__s32 family;
	__s32 type;
	__s32 protocol;
} __attribute__((packed));

struct llsock_ruleset;

/**
 * llsock_create_ruleset() - create an empty ruleset
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
 * llsock_add_rule() - add a rule to a ruleset
 *
 * Checks, in this order: flags (-EINVAL), @ruleset (-EBADF), @rule_type
 * (-EINVAL), @rule_attr readable (-EFAULT), allowed_access empty (-ENOMSG), allowed_access not
 * handled by the ruleset (-EINVAL), family, type or protocol out of range
 * (-EINVAL). (AF_INET, SOCK_PACKET, p) is stored as (AF_PACKET,
 * SOCK_PACKET, p), as the kernel rewrites it before the hook.
 */
int llsock_add_rule(struct llsock_ruleset *ruleset, int rule_type,
		    const void *rule_attr, __u32 flags);

void llsock_ruleset_free(struct llsock_ruleset *ruleset);

/* Rules and handled rights of a ruleset, in insertion order. */
__u64 llsock_ruleset_handled(const struct llsock_ruleset *ruleset);
size_t llsock_ruleset_size(const struct llsock_ruleset *ruleset);
const struct llsock_socket_attr *
llsock_ruleset_rule(const struct llsock_ruleset *ruleset, size_t i);

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
 * LLSOCK_MAX_LEVEL);
 * -ENOPKG (llsock not loaded); -ENOSPC (maps full); other -errno.
 */
int llsock_bind_cgroup(const struct llsock_ruleset *ruleset,
		       const char *cgroup_path);
int llsock_bind_cgroup_fd(const struct llsock_ruleset *ruleset, int cgroup_fd);

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
};

struct llsock_binding_info {
	__u64 cgroup_id;
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
/* Path of a cgroup from its id; -ESTALE when it is gone. */
int llsock_cgroup_path(__u64 cgroup_id, char *buf, size_t size);

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

/* Names and the RULE syntax, "family.type.protocol". */
int llsock_parse_rule(const char *text, struct llsock_socket_attr *rule,
		      char *err, size_t err_size);
/*
 * One rule per line, '#' starts a comment; returns the number of rules or
 * -EINVAL with "LINE: reason" in @err.
 */
int llsock_parse_policy(FILE *file, struct llsock_ruleset *ruleset,
			char *err, size_t err_size);
/* LL_SOCKET_CREATE: colon-separated numeric family.type.protocol. */
int llsock_parse_env(const char *value, struct llsock_ruleset *ruleset,
		     char *err, size_t err_size);
const char *llsock_family_name(int family);
const char *llsock_type_name(int type);
const char *llsock_protocol_name(int family, int protocol);
/* "inet.stream.tcp"; @buf of at least 64 bytes. */
char *llsock_format_rule(const struct llsock_socket_attr *rule, char *buf,
			 size_t size);

#ifdef __cplusplus
}
#endif

#endif /* LIBLLSOCK_H */

/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * llsock: types shared by the BPF program and the loader.
 *
 * Only fixed-width fields, explicit padding and a size assertion on every
 * map key and value: a key with implicit padding hashes its garbage bytes
 * and silently never matches.
 */
#ifndef LLSOCK_SHARED_H
#define LLSOCK_SHARED_H

#ifdef __BPF__
/* vmlinux.h already provides the fixed-width types. */
#else
#include <linux/types.h>
#endif

/* Same value as the RFC's LANDLOCK_ACCESS_SOCKET_CREATE. */
#define LLSOCK_ACCESS_SOCKET_CREATE	(1ULL << 0)
#define LLSOCK_ACCESS_SOCKET_ALL	LLSOCK_ACCESS_SOCKET_CREATE

/* Same value as the RFC's LANDLOCK_RULE_SOCKET. */
#define LLSOCK_RULE_SOCKET		3

/*
 * The permission flavour (SEMANTICS 5): the same values as the permission
 * design's LANDLOCK_PERMISSION_SOCKET_CREATE, LANDLOCK_RULE_SOCKET and
 * LANDLOCK_SOCKET_WILDCARD_PROTOCOL. Bits 0 and 1 are upstream's namespace
 * and capability permissions, which llsock does not implement.
 */
#define LLSOCK_PERMISSION_SOCKET_CREATE	(1ULL << 2)
#define LLSOCK_PERMISSION_SOCKET_ALL	LLSOCK_PERMISSION_SOCKET_CREATE
#define LLSOCK_RULE_SOCKET_PERMISSION	5
#define LLSOCK_SOCKET_WILDCARD_PROTOCOL	(1U << 0)
#define LLSOCK_SOCKET_WILDCARDS_ALL	LLSOCK_SOCKET_WILDCARD_PROTOCOL

/* A ruleset's flavour, chosen when it is created. */
enum llsock_flavour {
	LLSOCK_FLAVOUR_V4 = 0,		/* SEMANTICS 1 to 3 */
	LLSOCK_FLAVOUR_PERMISSION = 1,	/* SEMANTICS 5 */
};

/*
 * Key spaces of a domain's merged rule table: v4 layers' rules are keyed
 * by the request as the hook sees it, permission layers' rules by its
 * canonical key (bpf/canon.h).
 */
#define LLSOCK_SPACE_RAW		0
#define LLSOCK_SPACE_CANONICAL		1

/* Wildcard for type and protocol, as in struct landlock_socket_attr. */
#define LLSOCK_ANY			(-1)

/*
 * Accepted key ranges of a socket rule: 0 to these, and LLSOCK_ANY for
 * the type and the protocol. Deliberately loose (SEMANTICS 2), so that
 * rules for families a kernel lacks are accepted.
 */
#define LLSOCK_FAMILY_MAX		254
#define LLSOCK_TYPE_MAX			254
#define LLSOCK_PROTOCOL_MAX		65534

/* Landlock's LANDLOCK_MAX_NUM_LAYERS. */
#define LLSOCK_MAX_LAYERS		16

/*
 * Deepest cgroup level a ruleset can be bound at: the fast path keeps one
 * bit per level in a u64.
 */
#define LLSOCK_MAX_LEVEL		63

/*
 * Type values a socket_create hook can see: __sys_socket() masks the type
 * with SOCK_TYPE_MASK (0xf) before __sock_create() rejects anything at or
 * beyond SOCK_MAX. A type wildcard is expanded over these slots.
 */
#define LLSOCK_TYPE_SLOTS		16

/* Slots of the bound-cgroup filter, indexed by cgroup id (power of two). */
#define LLSOCK_FILTER_SLOTS		4096

/* Pin directory in bpffs and the names pinned under it. */
#define LLSOCK_PIN_DIR			"/sys/fs/bpf/llsock"

/**
 * struct llsock_state - value of the one-entry, mmapable llsock_state array
 *
 * Lets a task that no ruleset applies to leave after a few loads. Written
 * only by the loader (through mmap, with aligned stores), under the pin
 * directory lock, and always so that a reader errs towards doing the full
 * lookup: a bit or count is raised before a domain is published, and lowered
 * only after it is withdrawn.
 */
struct llsock_state {
	/** @bound_levels: bit L set when some cgroup at level L is bound. */
	__u64 bound_levels;
	/** @next_id: next free ruleset or rule-table id (loader only). */
	__u32 next_id;
	/**
	 * @changing: set while a change writes the maps, cleared when it
	 * has finished (loader only): a change that finds it set repairs
	 * the whole store, since the one before it died half-way.
	 */
	__u32 changing;
	/** @level_count: bound cgroups per level (loader only). */
	__u16 level_count[LLSOCK_MAX_LEVEL + 1];
	/** @filter: bound cgroups whose id modulo LLSOCK_FILTER_SLOTS is i. */
	__u16 filter[LLSOCK_FILTER_SLOTS];
	/*
	 * What the limits are checked against, kept up to date by each
	 * change (loader only, true while @changing is clear): the domains
	 * in llsock_domains and the sum of their @entries.
	 */
	__u64 rule_entries;
	__u32 nr_bindings;
	/**
	 * @unsynced: set before a change frees a domain element, cleared
	 * once an RCU grace period has passed after it (loader only): the
	 * next change waits for one first only when it is set.
	 */
	__u32 unsynced;
};

/**
 * struct llsock_domain - value of llsock_domains, keyed by cgroup id (__u64)
 *
 * The domain of every task in the bound cgroup and in its descendants that
 * are not bound themselves: the layers bound to the cgroup and to its bound
 * ancestors, root first, merged into one rule table.
 */
struct llsock_domain {
	/** @table: key prefix of this domain's entries in llsock_rules. */
	__u32 table;
	/** @required: bit i set when layer i handles socket creation. */
	__u16 required;
	/** @nr_layers: number of layers, at most LLSOCK_MAX_LAYERS. */
	__u8 nr_layers;
	/** @level: cgroup level of the bound cgroup. */
	__u8 level;
	/**
	 * @canonical: bit i set when layer i is of the permission flavour,
	 * whose rules are looked up by canonical key.
	 */
	__u16 canonical;
	/**
	 * @audit: bit i set when layer i is bound in audit mode: it denies
	 * nothing, and what it would deny is reported as an audit event.
	 */
	__u16 audit;
	/**
	 * @entries: the most rule entries its table can hold, what the
	 * limit max_rules counts (loader only).
	 */
	__u32 entries;
	/** @ruleset: ruleset id of each layer. */
	__u32 ruleset[LLSOCK_MAX_LAYERS];
	/** @cgroup: cgroup id each layer is bound to. */
	__u64 cgroup[LLSOCK_MAX_LAYERS];
};

/*
 * A domain's merged rule table has one entry per (family, type) that any
 * rule covers, with the type wildcard expanded over the LLSOCK_TYPE_SLOTS
 * types a hook can see. The entry holds the layers allowing any protocol,
 * and the layers allowing each protocol that some rule names: inline when
 * they are few, else in llsock_protocol_rules.
 */

/* Protocol rules kept in the entry itself; more go to the second map. */
#define LLSOCK_INLINE_PROTOCOLS		6

/** struct llsock_rule_key - key of llsock_rules */
struct llsock_rule_key {
	__u32 table;
	__u16 family;
	__u8 type;
	/** @space: LLSOCK_SPACE_RAW or LLSOCK_SPACE_CANONICAL. */
	__u8 space;
};

/**
 * struct llsock_protocol_rule - layers allowing one protocol
 * @protocol: as the hook sees it (a permission rule's __u32 as __s32)
 */
struct llsock_protocol_rule {
	__s32 protocol;
	__u16 allowed;
	__u16 pad;
};

/** struct llsock_rule - value of llsock_rules */
struct llsock_rule {
	/** @allowed: layers allowing (family, type or any, any protocol). */
	__u16 allowed;
	/** @nr_protocols: entries used in @protocols. */
	__u8 nr_protocols;
	/** @overflow: the protocol rules are in llsock_protocol_rules. */
	__u8 overflow;
	__u32 pad;
	/** @protocols: layers allowing (family, type or any, protocol). */
	struct llsock_protocol_rule protocols[LLSOCK_INLINE_PROTOCOLS];
};

/*
 * struct llsock_protocol_key - key of llsock_protocol_rules, whose value,
 * struct llsock_protocol_chunk, holds the layers allowing (family, type or
 * any, protocol) for LLSOCK_PROTOCOL_CHUNK protocols in a row: @chunk is
 * the protocol (as __u32) / LLSOCK_PROTOCOL_CHUNK. Every field fits: a
 * family that can match is below 256, a type slot below 16. A map entry
 * costs the kernel some 50 bytes besides its key and value: one per
 * protocol made them most of llsock's memory.
 */
struct llsock_protocol_key {
	__u32 table;
	__u8 family;
	__u8 type;
	__u8 space;
	__u8 pad;
	__u32 chunk;
};

#define LLSOCK_PROTOCOL_CHUNK		16
#define LLSOCK_PROTOCOL_CHUNK_SHIFT	4

/** struct llsock_protocol_chunk - value of llsock_protocol_rules */
struct llsock_protocol_chunk {
	/** @allowed: by protocol % LLSOCK_PROTOCOL_CHUNK, the layers. */
	__u16 allowed[LLSOCK_PROTOCOL_CHUNK];
};

/** struct llsock_ruleset_info - value of llsock_rulesets, keyed by id */
struct llsock_ruleset_info {
	/** @handled: handled_access_socket (v4) or handled_permissions. */
	__u64 handled;
	__u32 nr_rules;
	/** @flavour: enum llsock_flavour. */
	__u16 flavour;
	/** @flags: LLSOCK_RULESET_AUDIT, or 0. */
	__u16 flags;
	/** @refs: the domains that have it as a layer. */
	__u32 refs;
	__u32 pad;
};

/* The layer of this ruleset's binding is in audit mode. */
#define LLSOCK_RULESET_AUDIT	1

/*
 * struct llsock_ruleset_rule_key - key of llsock_ruleset_rules: rules
 * @chunk * LLSOCK_RULESET_CHUNK to the next chunk's (up to the ruleset's
 * nr_rules) of @ruleset, so that a ruleset is read or deleted by its id
 * alone. A map entry costs the kernel some 50 bytes besides its key and
 * value: one per rule made the stored rulesets half of llsock's memory.
 */
struct llsock_ruleset_rule_key {
	__u32 ruleset;
	__u32 chunk;
};

#define LLSOCK_RULESET_CHUNK	8

/** struct llsock_ruleset_rule - value of llsock_ruleset_rules */
struct llsock_ruleset_rule {
	__u64 allowed;
	/** @wildcards: a permission rule's wildcards; 0 for v4 rules. */
	__u32 wildcards;
	__s32 family;
	__s32 type;
	__s32 protocol;
};

/** struct llsock_ruleset_chunk - value of llsock_ruleset_rules */
struct llsock_ruleset_chunk {
	struct llsock_ruleset_rule rules[LLSOCK_RULESET_CHUNK];
};

/** struct llsock_event - a denied request, sent through llsock_events */
struct llsock_event {
	/** @cgroup: the task's cgroup id. */
	__u64 cgroup;
	/** @layer_cgroup: the cgroup the first denying layer is bound to. */
	__u64 layer_cgroup;
	__u32 pid;
	__u32 tid;
	__u32 uid;
	/* The request, as the hook saw it. */
	__s32 family;
	__s32 type;
	__s32 protocol;
	/** @layer: index of the first denying layer, root first. */
	__u8 layer;
	__u8 nr_layers;
	/** @flavour: that layer's enum llsock_flavour. */
	__u8 flavour;
	/**
	 * @audit: 1 when the request was allowed and only audit layers
	 * would have denied it (@layer is the first of them); 0 for a denial.
	 */
	__u8 audit;
	__u32 pad2;
	char comm[16];
};

/** struct llsock_stats - value of the per-CPU llsock_stats array */
struct llsock_stats {
	__u64 denied;
	__u64 events_lost;
	__u64 escapes_denied;
	/** @audited: requests allowed that audit layers would have denied. */
	__u64 audited;
};

_Static_assert(sizeof(struct llsock_state) ==
	       8 + 8 + 2 * (LLSOCK_MAX_LEVEL + 1) + 2 * LLSOCK_FILTER_SLOTS +
	       16,
	       "struct llsock_state has implicit padding");
_Static_assert(sizeof(struct llsock_domain) == 208,
	       "struct llsock_domain has implicit padding");
_Static_assert(sizeof(struct llsock_rule_key) == 8,
	       "struct llsock_rule_key has implicit padding");
_Static_assert(sizeof(struct llsock_protocol_rule) == 8,
	       "struct llsock_protocol_rule has implicit padding");
_Static_assert(sizeof(struct llsock_rule) ==
	       8 + 8 * LLSOCK_INLINE_PROTOCOLS,
	       "struct llsock_rule has implicit padding");
_Static_assert(sizeof(struct llsock_protocol_key) == 12,
	       "struct llsock_protocol_key has implicit padding");
_Static_assert(sizeof(struct llsock_protocol_chunk) ==
	       2 * LLSOCK_PROTOCOL_CHUNK,
	       "struct llsock_protocol_chunk has implicit padding");
_Static_assert(1 << LLSOCK_PROTOCOL_CHUNK_SHIFT == LLSOCK_PROTOCOL_CHUNK,
	       "LLSOCK_PROTOCOL_CHUNK_SHIFT");
_Static_assert(sizeof(struct llsock_ruleset_info) == 24,
	       "struct llsock_ruleset_info has implicit padding");
_Static_assert(sizeof(struct llsock_ruleset_rule_key) == 8,
	       "struct llsock_ruleset_rule_key has implicit padding");
_Static_assert(sizeof(struct llsock_ruleset_rule) == 24,
	       "struct llsock_ruleset_rule has implicit padding");
_Static_assert(sizeof(struct llsock_ruleset_chunk) ==
	       24 * LLSOCK_RULESET_CHUNK,
	       "struct llsock_ruleset_chunk has implicit padding");
_Static_assert(sizeof(struct llsock_event) == 64,
	       "struct llsock_event has implicit padding");
/**
 * struct llsock_cgroup_stats - value of the per-CPU llsock_cgroup_stats,
 *	keyed by the id of a bound cgroup: what its layer did
 */
struct llsock_cgroup_stats {
	/** @denied: requests it was the first layer to deny. */
	__u64 denied;
	/** @audited: requests it would have denied first, in audit mode. */
	__u64 audited;
};

_Static_assert(sizeof(struct llsock_stats) == 32,
	       "struct llsock_stats has implicit padding");

#ifdef __BPF__
/*
 * llsock_domains, as the program defines it and a test program that
 * reuses its pin must (tests/reader.bpf.c). Keyed by cgroup id.
 */
#define LLSOCK_DOMAINS_MAP(name)					\
	struct {							\
		__uint(type, BPF_MAP_TYPE_HASH);			\
		__uint(map_flags, BPF_F_NO_PREALLOC);			\
		__uint(max_entries, 4096);				\
		__type(key, __u64);					\
		__type(value, struct llsock_domain);			\
	} name SEC(".maps")
#endif

#endif /* LLSOCK_SHARED_H */

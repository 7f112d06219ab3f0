/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * A reference model of SEMANTICS 2, 3 and 5, written from the text of the
 * specification and nothing else: no merging, no expansion; in a v4 layer
 * the four keys looked up in order, in a permission layer the canonical
 * key and its protocol wildcard, every layer on its own. The canonical key
 * comes from the project's one table (bpf/canon.h), which the canon_test
 * oracle checks against the kernel. Other implementations are checked
 * against it.
 */
#ifndef LLSOCK_TESTS_MODEL_H
#define LLSOCK_TESTS_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

/* The key ranges and limits, as the prototype defines them (bpf/). */
#include "llsock.h"

#define MODEL_ACCESS_SOCKET_CREATE	(1ULL << 0)
/* SEMANTICS 5. */
#define MODEL_PERMISSION_SOCKET_CREATE	(1ULL << 2)
#define MODEL_WILDCARD_PROTOCOL		(1U << 0)

enum model_flavour {
	MODEL_V4,
	MODEL_PERMISSION,
};
/* Rules of one layer the model holds (the differential test's most). */
#define MODEL_MAX_RULES			64
#define MODEL_ANY			(-1)

/*
 * A v4 rule holds MODEL_ANY in-band; a permission rule holds its canonical
 * __u32 values (as int) and its wildcards.
 */
struct model_rule {
	__u64 allowed;
	unsigned int wildcards;
	int family;
	int type;
	int protocol;
};

struct model_layer {
	enum model_flavour flavour;
	__u64 handled;
	size_t nr_rules;
	struct model_rule rules[MODEL_MAX_RULES];
};

/*
 * The SEMANTICS 2 calls return 0 or -errno, as libllsock does; the SEMANTICS 3 ones
 * 0 or a positive errno, as a test reads it from errno.
 */

/* SEMANTICS 2: landlock_create_ruleset()'s -errno for the socket mask. */
int model_create_ruleset(__u64 handled_socket);
/*
 * SEMANTICS 2: landlock_add_rule()'s -errno; on success, the rule as stored
 * (after the AF_INET + SOCK_PACKET alias) in *@stored.
 */
int model_add_rule(__u64 handled, __u32 flags, const void *attr,
		   __u64 allowed, int family, int type, int protocol,
		   struct model_rule *stored);
/* SEMANTICS 5: landlock_create_ruleset()'s -errno for handled_permissions. */
int model_create_permission_ruleset(__u64 handled_permissions);
/*
 * SEMANTICS 5: landlock_add_rule()'s -errno for a socket permission rule;
 * on success, the rule as stored (canonical) in *@stored.
 */
int model_add_permission_rule(__u64 handled, __u32 flags, const void *attr,
			      __u64 permissions, __u32 wildcards,
			      __u32 family, __u32 type, __u32 protocol,
			      struct model_rule *stored);
/* SEMANTICS 5: the canonical key of a request as the hook sees it. */
void model_canonical(int *family, int *type, int *protocol);

/*
 * SEMANTICS 3 and 5: the errno of socket(family, type, protocol) as the hook sees it,
 * for a task whose domain is @layers; 0 when allowed. Requests the kernel
 * rejects before the hook (family outside [0, NPROTO), type outside
 * [0, SOCK_MAX)) are not the model's business.
 */
int model_verdict(const struct model_layer *layers, size_t nr_layers,
		  int family, int type, int protocol);

/*
 * What the kernel checks before the hook (SEMANTICS 3): socket(2), socketpair(2)
 * and IORING_OP_SOCKET refuse type flags other than SOCK_NONBLOCK and
 * SOCK_CLOEXEC, then __sock_create() refuses a family outside [0, NPROTO)
 * and a type outside [0, SOCK_MAX). NPROTO is AF_MAX, 46 from Linux 5.15
 * to 6.12 at least.
 */
#define MODEL_NPROTO			46
#define MODEL_SOCK_MAX			11
/* The type bits of socket(2)'s type argument; the rest are flags. */
#define MODEL_SOCK_TYPE_MASK		0xf

/*
 * SEMANTICS 3 end to end: the errno of socket(@family, @type, @protocol) (or of
 * socketpair(2) or IORING_OP_SOCKET with the same arguments) for a task
 * whose domain is @layers: the kernel's own checks before the hook, the
 * hook on the preprocessed request (flags dropped, AF_INET + SOCK_PACKET
 * turned into AF_PACKET), and past the hook @kernel_errno, what the kernel
 * answers for that call without any restriction (0 when it succeeds).
 * *@stage, if not NULL, says which of the three gave the answer.
 */
enum model_stage {
	MODEL_BEFORE_HOOK,
	MODEL_HOOK_DENIED,
	MODEL_PAST_HOOK,
};

int model_socket(const struct model_layer *layers, size_t nr_layers,
		 int family, int type, int protocol, int kernel_errno,
		 enum model_stage *stage);

#endif /* LLSOCK_TESTS_MODEL_H */

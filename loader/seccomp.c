// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The seccomp backend: a ruleset compiled into classic BPF seccomp filters
 * that answer socket(2) and socketpair(2) as SEMANTICS 3 and 5 say, for
 * one process tree and without any privilege. Where BPF LSM is refused.
 *
 * What a filter sees is the system call's raw arguments, before the
 * kernel's own checks; it answers every request the hook would see and
 * lets the others through, so that the kernel refuses them with its own
 * errno:
 *
 *   - type flags other than SOCK_NONBLOCK and SOCK_CLOEXEC (EINVAL);
 *   - a family outside [0, NPROTO) (EAFNOSUPPORT), NPROTO as this kernel
 *     has it (probed: llsock_seccomp_nproto());
 *   - a type outside [0, SOCK_MAX) once the flags are gone (EINVAL).
 *
 * What is left is a (family, type) pair, the filter's pair index, and a
 * protocol. For each pair, the compiler asks the layer's own verdict (the
 * four v4 keys, or the canonical key and its protocol wildcard) at every
 * protocol where it can change: the rules' protocols and the canonical
 * table's. Between them it is constant, so each pair is a default verdict
 * and a sorted list of intervals with the other one. The program is a
 * decision tree: a binary search over pair indexes, then over intervals,
 * ending in short chains of compares; its depth grows with the logarithm
 * of the rules. A layer larger than one filter's BPF_MAXINSNS is cut, in
 * key order, across several filters, each judging its own share and
 * allowing the rest: the kernel runs them all and keeps the strictest
 * answer, so that the layer is their AND.
 *
 * What a filter cannot judge it refuses, with the same EACCES as a
 * denial: io_uring (setup, enter and register: IORING_OP_SOCKET is not a
 * system call), the i386 socketcall(2) (its arguments are in memory),
 * every x32 entry, and getsockopt(SCTP_SOCKOPT_PEELOFF{,_FLAGS}), which
 * creates an SCTP socket, when the layer does not allow SCTP sockets of
 * both inet families. The i386 socket(2), socketpair(2) and getsockopt(2)
 * are judged as their x86-64 twins, so that 32-bit programs keep running;
 * an unknown architecture is refused.
 *
 * Libseccomp is not used: it compares arguments as 64-bit values, while
 * the kernel reads these as int (a caller may set the upper half of the
 * register to anything), and it builds no search tree over argument
 * values.
 */
#include <errno.h>
#include <stddef.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "internal.h"
#include "canon.h"

#ifndef __x86_64__
#error "the seccomp backend knows x86-64's system call numbers only"
#endif

#define ALLOW		SECCOMP_RET_ALLOW
#define DENY		(SECCOMP_RET_ERRNO | (EACCES & SECCOMP_RET_DATA))
#define X32_BIT		0x40000000U
/* arch/x86/entry/syscalls/syscall_32.tbl */
#define I386_NR_SOCKETCALL	102
#define I386_NR_SOCKET		359
#define I386_NR_SOCKETPAIR	360
#define I386_NR_GETSOCKOPT	365
/* The kernel's limit on a type before the hook (stable since 2.6). */
#define SOCK_MAX_	11
#define TYPE_MASK	0xfU
#define TYPE_FLAGS	((__u32)(SOCK_NONBLOCK | SOCK_CLOEXEC))
/* net/sctp: the getsockopt()s that create a socket. */
#define SOL_SCTP_	132
#define SCTP_SOCKOPT_PEELOFF_		102
#define SCTP_SOCKOPT_PEELOFF_FLAGS_	122
/* Pair index: family << 4 | type. */
#define PAIR(family, type)	((__u32)(family) << 4 | (__u32)(type))
/* Compare chains at the leaves of a protocol tree: at most this long. */
#define CHAIN		16
/* Room in a filter for the prologue and the pair tree, estimated. */
#define PROLOGUE_ROOM	64

#define ARG_LO(n)	(offsetof(struct seccomp_data, args) + 8 * (n))

static const struct llsock_canon_rule canon_rules[] = LLSOCK_CANON_RULES;
#define NR_CANON_RULES (sizeof(canon_rules) / sizeof(canon_rules[0]))

/* Protocols [lo, hi] with the verdict opposite to the pair's default. */
struct interval {
	__u32 lo, hi;
};

/* The filter's view of one (family, type) pair. */
struct pair {
	__u32 index;
	bool allow;			/* the verdict outside the intervals */
	size_t nr;
	struct interval *iv;
};

/*
 * What one filter judges: the pairs [first, last] of the layer's pair
 * list, with only the protocols [lo, hi] of a pair cut between filters.
 */
struct share {
	size_t first, last;
	__u32 first_lo;			/* protocols of pair first from here */
	__u32 last_hi;			/* protocols of pair last up to here */
};

/* A rule key for lookups: sorted, bsearch()ed. */
struct key {
	__s32 family, type, protocol;
	__u32 wildcards;
};

struct layer {
	enum llsock_flavour flavour;
	size_t nr_keys;
	struct key *keys;
};

struct prog {
	size_t len, cap;
	struct sock_filter *insns;
	bool failed;
};

static int compare_key(const void *a, const void *b)
{
	const struct key *x = a, *y = b;
	int ret = llsock_compare_keys(x->family, x->type, x->protocol,
				      y->family, y->type, y->protocol);

	if (ret)
		return ret;
	return x->wildcards < y->wildcards ? -1 : x->wildcards > y->wildcards;
}

static bool has_key(const struct layer *layer, __s32 family, __s32 type,
		    __s32 protocol, __u32 wildcards)
{
	struct key key = { family, type, protocol, wildcards };

	return bsearch(&key, layer->keys, layer->nr_keys, sizeof(key),
		       compare_key);
}

/*
 * SEMANTICS 3 and 5: whether the layer allows (@family, @type, @protocol)
 * as the hook sees it (flags dropped, AF_INET + SOCK_PACKET aliased).
 */
static bool layer_allows(const struct layer *layer, __s32 family, __s32 type,
			 __s32 protocol)
{
	if (layer->flavour == LLSOCK_FLAVOUR_PERMISSION) {
		llsock_canonical(canon_rules, NR_CANON_RULES, &family, &type,
				 &protocol);
		return has_key(layer, family, type, protocol, 0) ||
		       has_key(layer, family, type, 0,
			       LLSOCK_SOCKET_WILDCARD_PROTOCOL);
	}
	return has_key(layer, family, type, protocol, 0) ||
	       has_key(layer, family, LLSOCK_ANY, protocol, 0) ||
	       has_key(layer, family, type, LLSOCK_ANY, 0) ||
	       has_key(layer, family, LLSOCK_ANY, LLSOCK_ANY, 0);
}

static int make_layer(const struct llsock_ruleset *ruleset,
		      struct layer *layer)
{
	__u64 right = llsock_flavour_right(ruleset->flavour);
	size_t i;

	layer->flavour = ruleset->flavour;
	layer->nr_keys = 0;
	layer->keys = calloc(ruleset->nr_rules + 1, sizeof(*layer->keys));
	if (!layer->keys)
		return -ENOMEM;
	for (i = 0; i < ruleset->nr_rules; i++) {
		const struct llsock_rule_info *rule = &ruleset->rules[i];

		if (!(rule->allowed & right))
			continue;
		layer->keys[layer->nr_keys++] = (struct key){
			rule->family, rule->type, rule->protocol,
			rule->wildcards,
		};
	}
	qsort(layer->keys, layer->nr_keys, sizeof(*layer->keys), compare_key);
	return 0;
}

static int compare_u32(const void *a, const void *b)
{
	__u32 x = *(const __u32 *)a, y = *(const __u32 *)b;

	return x < y ? -1 : x > y;
}

static bool has_u32(const __u32 *values, size_t nr, __u32 value)
{
	return bsearch(&value, values, nr, sizeof(value), compare_u32);
}

/*
 * The protocols where the verdict on a pair of hook family @family can
 * differ from its neighbours': those of the rules of @family (v4 rules
 * and canonical keys keep the hook's family: the table rewrites no family
 * past the AF_INET + SOCK_PACKET alias) and every value in the table.
 */
static int breakpoints(const struct layer *layer, __s32 family,
		       __u32 **values, size_t *nr)
{
	size_t i, n = 0;
	__u32 *v;

	v = malloc((layer->nr_keys + 2 * NR_CANON_RULES + 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	for (i = 0; i < layer->nr_keys; i++)
		if (layer->keys[i].family == family &&
		    !layer->keys[i].wildcards)
			v[n++] = (__u32)layer->keys[i].protocol;
	for (i = 0; i < NR_CANON_RULES; i++) {
		if (canon_rules[i].protocol != LLSOCK_CANON_ANY)
			v[n++] = (__u32)canon_rules[i].protocol;
		if (canon_rules[i].to_protocol != LLSOCK_CANON_ANY)
			v[n++] = (__u32)canon_rules[i].to_protocol;
	}
	qsort(v, n, sizeof(*v), compare_u32);
	for (i = 0, *nr = 0; i < n; i++)
		if (!*nr || v[*nr - 1] != v[i])
			v[(*nr)++] = v[i];
	*values = v;
	return 0;
}

/* The pair (@family, @type) of a request, as intervals of protocols. */
static int make_pair(const struct layer *layer, __u32 family, __u32 type,
		     const __u32 *values, size_t nr_values, struct pair *pair)
{
	__s32 hook_family = family == AF_INET && type == SOCK_PACKET ?
				    AF_PACKET : (__s32)family;
	__u32 other = 0x80000000U;
	size_t i;

	/* A protocol no rule and no rewrite names: the default verdict. */
	while (has_u32(values, nr_values, other))
		other++;
	pair->index = PAIR(family, type);
	pair->allow = layer_allows(layer, hook_family, type, (__s32)other);
	pair->nr = 0;
	pair->iv = NULL;
	for (i = 0; i < nr_values; i++) {
		struct interval *iv;

		if (layer_allows(layer, hook_family, type, (__s32)values[i]) ==
		    pair->allow)
			continue;
		if (pair->nr && pair->iv[pair->nr - 1].hi + 1 == values[i]) {
			pair->iv[pair->nr - 1].hi = values[i];
			continue;
		}
		iv = realloc(pair->iv, (pair->nr + 1) * sizeof(*iv));
		if (!iv)
			return -ENOMEM;
		pair->iv = iv;
		pair->iv[pair->nr++] = (struct interval){ values[i], values[i] };
	}
	return 0;
}

static bool same_pair(const struct pair *a, const struct pair *b)
{
	return a->allow == b->allow && a->nr == b->nr &&
	       !memcmp(a->iv, b->iv, a->nr * sizeof(*a->iv));
}

/* Code generation: a growing program; the first failure sticks. */
static void emit(struct prog *p, __u16 code, __u8 jt, __u8 jf, __u32 k)
{
	if (p->failed)
		return;
	if (p->len == p->cap) {
		size_t cap = p->cap ? 2 * p->cap : 256;
		struct sock_filter *insns;

		insns = realloc(p->insns, cap * sizeof(*insns));
		if (!insns) {
			p->failed = true;
			return;
		}
		p->insns = insns;
		p->cap = cap;
	}
	p->insns[p->len++] = (struct sock_filter)BPF_JUMP(code, k, jt, jf);
}

static void ret(struct prog *p, __u32 verdict)
{
	emit(p, BPF_RET | BPF_K, 0, 0, verdict);
}

/*
 * A binary search node: "if A >= @k, go to the right subtree" where the
 * right subtree follows the left one, @left_len instructions long. Returns
 * the position to patch once the left subtree is emitted
 * (patch_node()).
 */
static size_t node(struct prog *p, __u32 k)
{
	size_t at = p->len;

	/* Room for a long jump; patch_node() decides. */
	emit(p, BPF_JMP | BPF_JGE | BPF_K, 0, 1, k);
	emit(p, BPF_JMP | BPF_JA, 0, 0, 0);
	return at;
}

/*
 * The left subtree ended at p->len. Short: the placeholder goes (the
 * subtree moves up by one: its jumps are relative and stay inside it),
 * and a conditional jump crosses it. Long: the placeholder jumps over it.
 */
static void patch_node(struct prog *p, size_t at)
{
	size_t left = p->len - (at + 2);

	if (p->failed)
		return;
	if (left <= 255) {
		memmove(&p->insns[at + 1], &p->insns[at + 2],
			left * sizeof(*p->insns));
		p->len--;
		p->insns[at].jt = left;
		p->insns[at].jf = 0;
	} else {
		p->insns[at].jt = 0;
		p->insns[at].jf = 1;
		p->insns[at + 1].k = left;
	}
}

/*
 * Intervals [@from, @to) of @iv, inside the verdict @inside, outside
 * @outside; A holds the protocol.
 */
static void emit_intervals(struct prog *p, const struct interval *iv,
			   size_t from, size_t to, __u32 inside, __u32 outside)
{
	size_t i, mid, at;

	if (to - from > CHAIN) {
		/* Whole chains on the left: ceil(n / CHAIN) leaves. */
		mid = from + (to - from + CHAIN - 1) / CHAIN / 2 * CHAIN;
		at = node(p, iv[mid].lo);
		emit_intervals(p, iv, from, mid, inside, outside);
		patch_node(p, at);
		emit_intervals(p, iv, mid, to, inside, outside);
		return;
	}
	/*
	 * A chain: each test jumps to the final "inside" return or falls
	 * to the next; after the last, "outside". Sizes are known ahead.
	 */
	for (i = from; i < to; i++) {
		size_t rest = 0, j;

		for (j = i + 1; j < to; j++)
			rest += iv[j].lo == iv[j].hi ? 1 : 2;
		if (iv[i].lo == iv[i].hi) {
			emit(p, BPF_JMP | BPF_JEQ | BPF_K, rest + 1, 0,
			     iv[i].lo);
		} else {
			emit(p, BPF_JMP | BPF_JGE | BPF_K, 0, rest + 1,
			     iv[i].lo);
			emit(p, BPF_JMP | BPF_JGT | BPF_K, 0, rest + 1,
			     iv[i].hi);
		}
	}
	ret(p, outside);
	ret(p, inside);
}

/*
 * One pair's protocols, [@lo, @hi] of them (the rest: allowed here, judged
 * by another filter). A holds the pair index.
 */
static void emit_pair(struct prog *p, const struct pair *pair, __u32 lo,
		      __u32 hi)
{
	__u32 outside = pair->allow ? ALLOW : DENY;
	__u32 inside = pair->allow ? DENY : ALLOW;
	size_t from = 0, to = pair->nr;

	while (from < to && pair->iv[from].hi < lo)
		from++;
	while (to > from && pair->iv[to - 1].lo > hi)
		to--;
	if (from == to && lo == 0 && hi == ~0U) {
		ret(p, outside);
		return;
	}
	emit(p, BPF_LD | BPF_W | BPF_ABS, 0, 0, ARG_LO(2));
	if (lo) {
		emit(p, BPF_JMP | BPF_JGE | BPF_K, 1, 0, lo);
		ret(p, ALLOW);
	}
	if (hi != ~0U) {
		emit(p, BPF_JMP | BPF_JGT | BPF_K, 0, 1, hi);
		ret(p, ALLOW);
	}
	/* The cut falls between intervals (make_shares()). */
	emit_intervals(p, pair->iv, from, to, inside, outside);
}

/*
 * Pairs [@from, @to) of @pairs (indexes sorted, each a run of equal pairs
 * up to the next one's index); A holds the pair index. Indexes below the
 * first and from @end on are another filter's: allowed.
 */
static void emit_pairs(struct prog *p, const struct pair *pairs,
		       const struct share *share, size_t from, size_t to,
		       __u32 end)
{
	size_t mid, at;

	if (to - from > 1) {
		mid = from + (to - from) / 2;
		at = node(p, pairs[mid].index);
		emit_pairs(p, pairs, share, from, mid, pairs[mid].index);
		patch_node(p, at);
		emit_pairs(p, pairs, share, mid, to, end);
		return;
	}
	if (from == share->first && pairs[from].index) {
		emit(p, BPF_JMP | BPF_JGE | BPF_K, 1, 0, pairs[from].index);
		ret(p, ALLOW);
	}
	if (from == share->last && end != ~0U) {
		emit(p, BPF_JMP | BPF_JGE | BPF_K, 0, 1, end);
		ret(p, ALLOW);
	}
	emit_pair(p, &pairs[from], from == share->first ? share->first_lo : 0,
		  from == share->last ? share->last_hi : ~0U);
}

/* The system calls: A holds the number, the arch is x86-64's. */
static void emit_prologue(struct prog *p, __u32 nproto, bool peeloff)
{
	/* x86-64 to its own entry, i386 here, anything else refused. */
	emit(p, BPF_LD | BPF_W | BPF_ABS, 0, 0,
	     offsetof(struct seccomp_data, arch));
	emit(p, BPF_JMP | BPF_JEQ | BPF_K, 17, 0, AUDIT_ARCH_X86_64);
	emit(p, BPF_JMP | BPF_JEQ | BPF_K, 0, 15, AUDIT_ARCH_I386);
	/*
	 * i386: socketcall(2) hides its arguments in memory: refused. The
	 * calls that create sockets go on as their x86-64 twins (the
	 * arguments sit where a filter reads them); the rest is allowed.
	 */
	emit(p, BPF_LD | BPF_W | BPF_ABS, 0, 0,
	     offsetof(struct seccomp_data, nr));
	emit(p, BPF_JMP | BPF_JEQ | BPF_K, 13, 0, I386_NR_SOCKETCALL);
	emit(p, BPF_JMP | BPF_JEQ | BPF_K, 6, 0, I386_NR_SOCKET);
	emit(p, BPF_JMP | BPF_JEQ | BPF_K, 7, 0, I386_NR_SOCKETPAIR);
	emit(p, BPF_JMP | BPF_JEQ | BPF_K, 8, 0, I386_NR_GETSOCKOPT);
	/* io_uring has the same numbers on both. */
	emit(p, BPF_JMP | BPF_JGT | BPF_K, 2, 0, __NR_io_uring_register);
	emit(p, BPF_JMP | BPF_JGE | BPF_K, 0, 1, __NR_io_uring_setup);
	emit(p, BPF_JMP | BPF_JA, 0, 0, 11);
	ret(p, ALLOW);
	emit(p, BPF_LD | BPF_IMM, 0, 0, __NR_socket);
	emit(p, BPF_JMP | BPF_JA, 0, 0, 8);
	emit(p, BPF_LD | BPF_IMM, 0, 0, __NR_socketpair);
	emit(p, BPF_JMP | BPF_JA, 0, 0, 6);
	emit(p, BPF_LD | BPF_IMM, 0, 0, __NR_getsockopt);
	emit(p, BPF_JMP | BPF_JA, 0, 0, 4);
	ret(p, DENY);
	/* x86-64: every x32 entry refused. */
	emit(p, BPF_LD | BPF_W | BPF_ABS, 0, 0,
	     offsetof(struct seccomp_data, nr));
	emit(p, BPF_JMP | BPF_JGE | BPF_K, 0, 1, X32_BIT);
	ret(p, DENY);
	/* A: an x86-64 system call number. */
	emit(p, BPF_JMP | BPF_JGT | BPF_K, 0, 1, __NR_io_uring_register);
	ret(p, ALLOW);
	emit(p, BPF_JMP | BPF_JGE | BPF_K, 0, 1, __NR_io_uring_setup);
	ret(p, DENY);
	/* socket() and socketpair() to the judge, past the getsockopt part. */
	emit(p, BPF_JMP | BPF_JEQ | BPF_K, peeloff ? 10 : 2, 0, __NR_socket);
	emit(p, BPF_JMP | BPF_JEQ | BPF_K, peeloff ? 9 : 1, 0,
	     __NR_socketpair);
	if (peeloff) {
		emit(p, BPF_JMP | BPF_JEQ | BPF_K, 1, 0, __NR_getsockopt);
		ret(p, ALLOW);
		/* getsockopt(fd, level, optname, ...) */
		emit(p, BPF_LD | BPF_W | BPF_ABS, 0, 0, ARG_LO(1));
		emit(p, BPF_JMP | BPF_JEQ | BPF_K, 0, 3, SOL_SCTP_);
		emit(p, BPF_LD | BPF_W | BPF_ABS, 0, 0, ARG_LO(2));
		emit(p, BPF_JMP | BPF_JEQ | BPF_K, 2, 0,
		     SCTP_SOCKOPT_PEELOFF_);
		emit(p, BPF_JMP | BPF_JEQ | BPF_K, 1, 0,
		     SCTP_SOCKOPT_PEELOFF_FLAGS_);
	}
	ret(p, ALLOW);
	if (peeloff)
		ret(p, DENY);
	/*
	 * socket() and socketpair(): what the kernel refuses before the
	 * hook goes through; then A = pair index, X = type.
	 */
	emit(p, BPF_LD | BPF_W | BPF_ABS, 0, 0, ARG_LO(1));
	emit(p, BPF_JMP | BPF_JSET | BPF_K, 0, 1, ~(TYPE_MASK | TYPE_FLAGS));
	ret(p, ALLOW);
	emit(p, BPF_ALU | BPF_AND | BPF_K, 0, 0, TYPE_MASK);
	emit(p, BPF_JMP | BPF_JGE | BPF_K, 0, 1, SOCK_MAX_);
	ret(p, ALLOW);
	emit(p, BPF_MISC | BPF_TAX, 0, 0, 0);
	emit(p, BPF_LD | BPF_W | BPF_ABS, 0, 0, ARG_LO(0));
	emit(p, BPF_JMP | BPF_JGE | BPF_K, 0, 1, nproto);
	ret(p, ALLOW);
	emit(p, BPF_ALU | BPF_LSH | BPF_K, 0, 0, 4);
	emit(p, BPF_ALU | BPF_OR | BPF_X, 0, 0, 0);
}

/* Instructions a run of intervals takes, at most (emit_intervals()). */
static size_t intervals_size(const struct interval *iv, size_t nr)
{
	/*
	 * Per chain two returns, per tree node a jump (two for the few whose
	 * left side is long); the pair's checks.
	 */
	size_t leaves = (nr + CHAIN - 1) / CHAIN;
	size_t i, size = 3 * leaves + 24;

	for (i = 0; i < nr; i++)
		size += iv[i].lo == iv[i].hi ? 1 : 2;
	return size;
}

struct llsock_seccomp {
	size_t nr_progs;
	struct sock_fprog *progs;
};

static void free_progs(struct sock_fprog *progs, size_t nr)
{
	size_t i;

	for (i = 0; i < nr; i++)
		free(progs[i].filter);
	free(progs);
}

/* Starts a share at pair @i, protocols from @lo: 0 or -ENOMEM. */
static int new_share(struct share **s, size_t *nr, size_t *cap, size_t i,
		     __u32 lo)
{
	if (*nr == *cap) {
		size_t n = *cap ? 2 * *cap : 4;
		struct share *grown = realloc(*s, n * sizeof(**s));

		if (!grown)
			return -ENOMEM;
		*s = grown;
		*cap = n;
	}
	(*s)[(*nr)++] = (struct share){ .first = i, .first_lo = lo };
	return 0;
}

/*
 * Cuts the pairs into shares of at most about @budget instructions each,
 * in key order: a pair that does not fit in what is left of a share is
 * cut between two of its intervals, the rest going to the next share.
 */
static int make_shares(const struct pair *pairs, size_t nr_pairs,
		       size_t budget, struct share **shares, size_t *nr)
{
	size_t i, used = 0, cap = 0;
	struct share *s = NULL;
	int ret = 0;

	*nr = 0;
	for (i = 0; i < nr_pairs && !ret; i++) {
		const struct pair *pair = &pairs[i];
		size_t from = 0;

		do {
			size_t rest = pair->nr - from, size, room, take;
			__u32 lo = from ? pair->iv[from].lo : 0;

			if (!*nr || used >= budget) {
				ret = new_share(&s, nr, &cap, i, lo);
				if (ret)
					break;
				used = 0;
			}
			room = budget - used;
			size = intervals_size(pair->iv + from, rest);
			s[*nr - 1].last = i;
			s[*nr - 1].last_hi = ~0U;
			if (size <= room) {
				used += size;
				break;
			}
			/* What fits: the most intervals whose code does. */
			for (take = 0, size = 0; take + 1 < rest; take++) {
				const struct interval *iv =
					&pair->iv[from + take];

				size += iv->lo == iv->hi ? 1 : 2;
				if (size + 3 * ((take + CHAIN) / CHAIN) + 24 >
				    room)
					break;
			}
			if (!take) {
				/* Nothing fits: all of it in a new share. */
				if (s[*nr - 1].first == i &&
				    s[*nr - 1].first_lo == lo) {
					used += size;
					break;
				}
				s[*nr - 1].last = i - !from;
				s[*nr - 1].last_hi = from ? lo - 1 : ~0U;
				used = budget;
				continue;
			}
			s[*nr - 1].last_hi = pair->iv[from + take].lo - 1;
			from += take;
			used = budget;
		} while (from < pair->nr);
	}
	if (ret) {
		free(s);
		return ret;
	}
	*shares = s;
	return 0;
}

static int emit_share(const struct pair *pairs, size_t nr_pairs,
		      const struct share *share, __u32 nproto, bool peeloff,
		      struct sock_fprog *out)
{
	struct prog p = {};

	emit_prologue(&p, nproto, peeloff);
	/* Past the share's last pair: the next share's, allowed here. */
	emit_pairs(&p, pairs, share, share->first, share->last + 1,
		   share->last + 1 < nr_pairs ?
			   pairs[share->last + 1].index : ~0U);
	if (p.failed) {
		free(p.insns);
		return -ENOMEM;
	}
	if (p.len > BPF_MAXINSNS) {
		free(p.insns);
		return -E2BIG;
	}
	out->len = p.len;
	out->filter = p.insns;
	return 0;
}

/*
 * The pair list: one entry per run of consecutive pair indexes whose
 * verdicts are the same (entry i covers indexes up to entry i + 1's).
 */
static int make_pairs(const struct layer *layer, __u32 nproto,
		      struct pair **out, size_t *nr_out)
{
	struct pair *pairs, cur;
	__u32 family, type;
	size_t nr = 0;
	int ret = 0;

	pairs = calloc((size_t)nproto * SOCK_MAX_, sizeof(*pairs));
	if (!pairs)
		return -ENOMEM;
	for (family = 0; family < nproto && !ret; family++) {
		__s32 hook_family = family;
		__u32 *values = NULL;
		size_t nr_values;

		ret = breakpoints(layer, hook_family, &values, &nr_values);
		for (type = 0; type < SOCK_MAX_ && !ret; type++) {
			/* The alias's pair reads AF_PACKET's rules. */
			if (family == AF_INET && type == SOCK_PACKET) {
				free(values);
				ret = breakpoints(layer, AF_PACKET, &values,
						  &nr_values);
				if (ret)
					break;
			}
			ret = make_pair(layer, family, type, values, nr_values,
					&cur);
			if (ret)
				break;
			if (nr && same_pair(&pairs[nr - 1], &cur)) {
				free(cur.iv);
				continue;
			}
			pairs[nr++] = cur;
		}
		free(values);
	}
	if (ret) {
		while (nr)
			free(pairs[--nr].iv);
		free(pairs);
		return ret;
	}
	*out = pairs;
	*nr_out = nr;
	return 0;
}

/* Whether a layer allows SCTP sockets of both inet families. */
static bool allows_sctp(const struct layer *layer)
{
	return layer_allows(layer, AF_INET, SOCK_SEQPACKET, IPPROTO_SCTP) &&
	       layer_allows(layer, AF_INET6, SOCK_SEQPACKET, IPPROTO_SCTP);
}

int llsock_seccomp_build(const struct llsock_ruleset *ruleset, __u32 nproto,
			 struct llsock_seccomp **out)
{
	struct llsock_seccomp *filters = NULL;
	struct share *shares = NULL;
	struct pair *pairs = NULL;
	struct layer layer = {};
	size_t i, nr_pairs = 0, nr_shares = 0, budget;
	int ret;

	if (!ruleset || !out)
		return -EINVAL;
	if (!nproto || nproto > 256)
		return -EINVAL;
	filters = calloc(1, sizeof(*filters));
	if (!filters)
		return -ENOMEM;
	/* A layer that handles nothing of sockets is ignored: no filter. */
	if (!(ruleset->handled & llsock_flavour_right(ruleset->flavour))) {
		*out = filters;
		return 0;
	}
	ret = make_layer(ruleset, &layer);
	if (!ret)
		ret = make_pairs(&layer, nproto, &pairs, &nr_pairs);
	/*
	 * Shares sized by estimate; should one still not fit, smaller
	 * ones (the estimate errs on the large side: this is a backstop).
	 */
	for (budget = BPF_MAXINSNS - PROLOGUE_ROOM;
	     !ret && budget >= 256; budget = budget * 7 / 8) {
		free(shares);
		ret = make_shares(pairs, nr_pairs, budget, &shares,
				  &nr_shares);
		if (ret)
			break;
		filters->progs = calloc(nr_shares, sizeof(*filters->progs));
		if (!filters->progs) {
			ret = -ENOMEM;
			break;
		}
		for (i = 0; i < nr_shares && !ret; i++)
			ret = emit_share(pairs, nr_pairs, &shares[i], nproto,
					 !allows_sctp(&layer),
					 &filters->progs[i]);
		filters->nr_progs = nr_shares;
		if (ret != -E2BIG)
			break;
		free_progs(filters->progs, nr_shares);
		filters->progs = NULL;
		filters->nr_progs = 0;
		ret = 0;
	}
	free(shares);
	for (i = 0; i < nr_pairs; i++)
		free(pairs[i].iv);
	free(pairs);
	free(layer.keys);
	if (!ret && !filters->nr_progs)
		ret = -E2BIG;
	if (ret) {
		llsock_seccomp_free(filters);
		return ret;
	}
	*out = filters;
	return 0;
}

void llsock_seccomp_free(struct llsock_seccomp *filters)
{
	if (!filters)
		return;
	free_progs(filters->progs, filters->nr_progs);
	free(filters);
}

size_t llsock_seccomp_nr_filters(const struct llsock_seccomp *filters)
{
	return filters->nr_progs;
}

const struct sock_fprog *
llsock_seccomp_filter(const struct llsock_seccomp *filters, size_t i)
{
	return i < filters->nr_progs ? &filters->progs[i] : NULL;
}

/*
 * NPROTO, from what the kernel answers before its hook: a type beyond
 * SOCK_MAX gets EINVAL from a family in range and EAFNOSUPPORT from one
 * past it (__sock_create() checks the family first). Filters let both
 * through, so the probe works inside a sandbox too.
 */
int llsock_seccomp_nproto(void)
{
	int lo = 1, hi = 256;

	/* Invariant: lo is in range, hi is not. */
	while (hi - lo > 1) {
		int mid = lo + (hi - lo) / 2;

		if (socket(mid, TYPE_MASK, 0) >= 0)
			return -EPROTO;
		if (errno == EINVAL)
			lo = mid;
		else if (errno == EAFNOSUPPORT)
			hi = mid;
		else
			return -errno;
	}
	if (socket(lo, TYPE_MASK, 0) >= 0 || errno != EINVAL)
		return -EPROTO;
	return hi;
}

int llsock_seccomp_usable(void)
{
	if (prctl(PR_GET_SECCOMP, 0, 0, 0, 0) < 0)
		return -errno;
	if (syscall(SYS_seccomp, SECCOMP_GET_ACTION_AVAIL, 0,
		    &(__u32){ SECCOMP_RET_ERRNO }))
		return -errno;
	return 0;
}

/* Installs every filter of @filters on the calling process: 0 or -errno. */
static int install(const struct llsock_seccomp *filters, unsigned int fflags)
{
	size_t i;

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		return -errno;
	for (i = 0; i < filters->nr_progs; i++) {
		long ret = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, fflags,
				   &filters->progs[i]);

		if (ret < 0)
			return -errno;
		/* TSYNC: the id of a thread that could not follow. */
		if (ret > 0)
			return -EBUSY;
	}
	return 0;
}

/*
 * The kernel takes a layer's filters one by one, and refuses one that
 * takes the task's filters past its limit (MAX_INSNS_PER_PATH): installed
 * first in a child, which inherits the caller's filters, so that the
 * caller gets the whole layer or none of it.
 */
static int try_install(const struct llsock_seccomp *filters,
		       unsigned int fflags)
{
	int status;
	pid_t pid;

	pid = fork();
	if (pid < 0)
		return -errno;
	if (!pid)
		_exit(-install(filters, fflags) & 0xff);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	if (!WIFEXITED(status))
		return -ECHILD;
	return -WEXITSTATUS(status);
}

int llsock_seccomp_restrict_self(const struct llsock_ruleset *ruleset,
				 __u32 flags)
{
	unsigned int fflags = SECCOMP_FILTER_FLAG_TSYNC;
	struct llsock_seccomp *filters;
	int nproto, ret;

	if (flags & ~LLSOCK_SECCOMP_LOG)
		return -EINVAL;
	if (!ruleset)
		return -EBADF;
	if (flags & LLSOCK_SECCOMP_LOG)
		fflags |= SECCOMP_FILTER_FLAG_LOG;
	nproto = llsock_seccomp_nproto();
	if (nproto < 0)
		return nproto;
	ret = llsock_seccomp_build(ruleset, nproto, &filters);
	if (ret)
		return ret;
	ret = try_install(filters, fflags);
	if (!ret)
		ret = install(filters, fflags);
	llsock_seccomp_free(filters);
	return ret;
}

const char *llsock_backend_name(enum llsock_backend backend)
{
	switch (backend) {
	case LLSOCK_BACKEND_BPF:
		return "bpf";
	case LLSOCK_BACKEND_SECCOMP:
		return "seccomp";
	default:
		return "none";
	}
}

int llsock_backend_parse(const char *name, enum llsock_backend *backend)
{
	if (!strcmp(name, "bpf"))
		*backend = LLSOCK_BACKEND_BPF;
	else if (!strcmp(name, "seccomp"))
		*backend = LLSOCK_BACKEND_SECCOMP;
	else
		return -EINVAL;
	return 0;
}

/*
 * The BPF backend where llsock is loaded and the caller may bind (root);
 * else seccomp filters, which need no privilege.
 */
enum llsock_backend llsock_run_backend(char *why, size_t size)
{
	int err;

	if (llsock_is_loaded() && !geteuid()) {
		llsock_set_error(why, size,
				 "llsock is loaded: a sandbox cgroup with its own binding");
		return LLSOCK_BACKEND_BPF;
	}
	err = llsock_seccomp_usable();
	if (err) {
		llsock_set_error(why, size,
				 "llsock is %s, and this kernel has no seccomp filters (%s)",
				 geteuid() ? "not usable without root" :
					     "not loaded", strerror(-err));
		return LLSOCK_BACKEND_NONE;
	}
	llsock_set_error(why, size, "%s: seccomp filters on the command's process tree",
			 !llsock_is_loaded() ? "llsock is not loaded" :
					       "binding needs root");
	return LLSOCK_BACKEND_SECCOMP;
}

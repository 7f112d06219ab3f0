// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The differential test (make difftest): random rule stacks and socket
 * requests, each answered by three oracles that must agree errno for errno:
 *
 *   native   Landlock on a patched kernel of kernel/ (a child process
 *            stacks the layers with landlock_restrict_self());
 *   llsock   libllsock and the BPF program (a child process enters the
 *            deepest of a chain of cgroups, one layer bound to each);
 *   model    tests/model.c, SEMANTICS 2, 3 and 5 as written.
 *
 * One run per flavour (--flavour): v4 (SEMANTICS 1 to 3), permission
 * (SEMANTICS 5) and mixed, stacks whose layers are of either flavour. No
 * kernel has both flavours natively, and each has at most one: where the
 * running kernel lacks a flavour (and always for mixed), that run compares
 * llsock with the model only and says that the native side is absent.
 *
 * Each stack has 1 to 16 layers of 0 to 64 rule attempts; keys come from
 * every boundary of SEMANTICS 2's table and beyond, and from a few
 * "hot" keys shared by the layers, so that deep stacks still allow
 * something. A few layers handle no socket right (native: a file system
 * ruleset; llsock: a cgroup with no binding) and a few rulesets are created
 * with unknown rights. Every add_rule() and create_ruleset() is compared,
 * then every request of the stack (socket(2), socketpair(2) or
 * IORING_OP_SOCKET, inline or forced async, with SOCK_NONBLOCK /
 * SOCK_CLOEXEC or bad flags ORed into the type). A case is one request
 * against one stack.
 *
 * The permission flavour's keys aim at what SEMANTICS 5 adds: protocol 0
 * and its canonical twin, the protocol wildcard, values no kernel knows
 * (as __u32: huge ones too), every rewrite of bpf/canon.h's table, and the
 * wildcards errors of add_rule().
 *
 * A mismatch is shrunk (layers, then rules, dropped while the three still
 * disagree) and printed as a minimal stack and request. The output is TAP;
 * once every case of a flavour has run, it prints `difftest: flavour F: N
 * cases, M mismatches (seed S)` and whether native Landlock took part, the
 * number of cases on each path, then the mismatches. Runs as root in the
 * VM, llsock loaded.
 *
 * usage: difftest [--flavour F] [--seed S] [--cases N] [--requests R]
 *                 [--shrink K] [--inject FAULT]
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <liburing.h>

#include "canon.h"
#include "cgroups.h"
#include "libllsock.h"
#include "llsock.h"
#include "model.h"
#include "native.h"

#define MAX_LAYERS	LLSOCK_MAX_LAYERS
#define MAX_RULES	MODEL_MAX_RULES
#define MAX_REQUESTS	256
#define CGROUP_BASE	"/sys/fs/cgroup/difftest"

/* The runs: each flavour of ruleset, and stacks of both. */
enum flavour { FLAVOUR_V4, FLAVOUR_PERMISSION, FLAVOUR_MIXED, NR_FLAVOURS };

static const char *const flavour_names[NR_FLAVOURS] = {
	"v4", "permission", "mixed",
};

/* What a layer is made of, for the three oracles. */
enum layer_kind {
	LAYER_SOCKET,		/* handles socket creation */
	LAYER_OTHER,		/* handles only a file system right */
	LAYER_BAD_CREATE,	/* created with unknown socket rights: EINVAL */
	LAYER_EMPTY,		/* created handling nothing: ENOMSG */
};

/*
 * One add_rule() call. For a permission layer, @allowed is the
 * permissions and @family, @type, @protocol hold the __u32 values.
 */
struct rule_try {
	__u64 allowed;
	__u32 flags;
	__u32 wildcards;	/* the permission flavour's */
	bool no_attr;		/* a NULL attribute: EFAULT */
	int family, type, protocol;
};

struct layer {
	enum model_flavour flavour;
	enum layer_kind kind;
	__u64 handled;		/* the socket mask given to create_ruleset */
	int nr_rules;
	struct rule_try rules[MAX_RULES];
};

struct stack {
	int nr_layers;
	struct layer layers[MAX_LAYERS];
};

/* IORING_OP_SOCKET inline, or forced to io_uring's worker threads. */
enum call {
	CALL_SOCKET, CALL_SOCKETPAIR, CALL_URING, CALL_URING_ASYNC, NR_CALLS
};

static const char *const call_names[NR_CALLS] = {
	"socket", "socketpair", "io_uring socket", "io_uring async socket",
};

struct request {
	enum call call;
	int family, type, protocol;
};

/*
 * The oracles. The seccomp backend builds its layers from llsock's
 * rulesets: its creations and rules are llsock's, its requests its own.
 */
enum { NATIVE, LLSOCK, MODEL, SECCOMP, NR_ORACLES };
static const char *const oracle_names[NR_ORACLES] = {
	"native", "llsock", "model", "seccomp",
};

/* Answers for one stack: per rule attempt, per request. */
struct answers {
	int create[MAX_LAYERS][NR_ORACLES];	/* native, llsock, model */
	int add[MAX_LAYERS][MAX_RULES][NR_ORACLES];
	int request[MAX_REQUESTS][NR_ORACLES];
	int seccomp_layers;			/* the seccomp child's */
	enum model_stage stage[MAX_REQUESTS];	/* where the model answered */
	int plain[MAX_REQUESTS];		/* the unrestricted answer */
	size_t nr_model;			/* the model's layers */
	struct model_layer model[MAX_LAYERS];
	bool llsock_skip[MAX_LAYERS];		/* no llsock equivalent */
	char setup_error[256];			/* the harness failed */
};


/* Options. */
static bool run_flavour[NR_FLAVOURS];
static uint64_t seed;
static long nr_cases = 100000;
static int requests_per_stack = 100;
#define MAX_SHRUNK 100
static int max_shrunk = 10;
enum fault {
	FAULT_NONE, FAULT_MODEL_TYPE_WILDCARD, FAULT_MODEL_PROTOCOL_WILDCARD,
};
static enum fault inject = FAULT_NONE;
/* --inject-seccomp: the seccomp child drops its last layer. */
static bool inject_seccomp;

/* The run going on: its flavour, and whether native Landlock has it. */
static enum flavour flavour;
static bool native_present;
/*
 * --host: no BPF program (this machine's kernel refuses it), no cgroups:
 * the model and the seccomp backend, and libllsock's rule checks.
 */
static bool host_only;
static bool seccomp_present;

/* The splitmix64 generator, seeded by --seed. */
static uint64_t rng_state;

static uint64_t rng(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static int below(int n)
{
	return (int)(rng() % (uint64_t)n);
}

static bool chance(int percent)
{
	return below(100) < percent;
}

static int pick(const int *values, size_t n)
{
	return values[below(n)];
}

#define PICK(array) pick(array, sizeof(array) / sizeof((array)[0]))

/* Keys at and beyond every boundary, and the values programs use. */
static int random_family(void)
{
	static const int edges[] = { 0, 1, 2, 10, 16, 17, 45, 46, 47, 60,
				     250, 251, 252, 253, 254, 255, 256,
				     -1, -2, INT_MIN, INT_MAX };

	if (chance(60))
		return below(61);		/* 0 to 60 */
	if (chance(50))
		return 250 + below(6);		/* 250 to 255 */
	return PICK(edges);
}

static int random_type(void)
{
	static const int edges[] = { 0, 1, 2, 3, 4, 5, 6, 10, 11, 12, 15, 16,
				     254, 255, 256, -1, -2, INT_MIN };

	if (chance(70))
		return below(13);		/* 0 to 12 */
	return PICK(edges);
}

static int random_protocol(void)
{
	static const int common[] = { 0, 1, 2, 6, 17, 41, 58, 132, 136, 255,
				      256, 262, 768, 0x300, 16, 9, 31 };
	static const int edges[] = { 65534, 65535, 65536, 65536 + 6,
				     65536 + 768, -1, -2, INT_MIN, INT_MAX };

	if (chance(45))
		return PICK(common);
	if (chance(55))
		return 254 + below(47);		/* 254 to 300 */
	return PICK(edges);
}

/* Sockets that exist on the patched kernel, to draw the hot keys from. */
static const struct { int family, type, protocol; } real_sockets[] = {
	{ AF_UNIX, SOCK_STREAM, 0 },	{ AF_UNIX, SOCK_DGRAM, 0 },
	{ AF_UNIX, SOCK_SEQPACKET, 0 },	{ AF_INET, SOCK_STREAM, 0 },
	{ AF_INET, SOCK_STREAM, 6 },	{ AF_INET, SOCK_DGRAM, 0 },
	{ AF_INET, SOCK_DGRAM, 17 },	{ AF_INET, SOCK_RAW, 1 },
	{ AF_INET, SOCK_RAW, 255 },	{ AF_INET, SOCK_SEQPACKET, 132 },
	{ AF_INET, SOCK_STREAM, 132 },	{ AF_INET, SOCK_STREAM, 262 },
	{ AF_INET, SOCK_DGRAM, 1 },	{ AF_INET6, SOCK_STREAM, 0 },
	{ AF_INET6, SOCK_STREAM, 6 },	{ AF_INET6, SOCK_DGRAM, 17 },
	{ AF_INET6, SOCK_RAW, 58 },	{ AF_INET6, SOCK_STREAM, 262 },
	{ AF_PACKET, SOCK_RAW, 0x300 },	{ AF_PACKET, SOCK_DGRAM, 0 },
	{ AF_PACKET, SOCK_PACKET, 0x300 },
	{ AF_INET, SOCK_PACKET, 0x300 },	/* becomes AF_PACKET */
	{ AF_NETLINK, SOCK_RAW, 0 },	{ AF_NETLINK, SOCK_DGRAM, 16 },
	{ AF_NETLINK, SOCK_RAW, 9 },	{ 40, SOCK_STREAM, 0 },
	{ 40, SOCK_SEQPACKET, 0 },	{ 44, SOCK_RAW, 0 },
	{ 30, SOCK_RDM, 0 },		{ 30, SOCK_STREAM, 0 },
	{ 43, SOCK_STREAM, 0 },		{ 43, SOCK_STREAM, 1 },
	{ AF_UNIX, SOCK_RAW, 0 },	{ AF_INET6, SOCK_DGRAM, 0 },
	{ AF_INET, SOCK_SEQPACKET, 0 },
	/* Values the kernel refuses once past the hook. */
	{ AF_INET, SOCK_STREAM, 300 },	{ 45, SOCK_DGRAM, 0 },
	{ AF_INET, SOCK_DGRAM, -1 },
};

#define NR_HOT 6

struct hot { int family, type, protocol; };

/* The rewrites of bpf/canon.h, the table the model and llsock share. */
static const struct llsock_canon_rule canon_rules[] = LLSOCK_CANON_RULES;
#define NR_CANON_RULES (sizeof(canon_rules) / sizeof(canon_rules[0]))

/*
 * A key that a rewrite of the table applies to, its "any" fields drawn;
 * for a rewrite of protocol 0 into the type's default, sometimes that
 * default instead (the canonical twin, which no rewrite touches).
 */
static void random_canon_key(int *family, int *type, int *protocol)
{
	static const int types[] = { 1, 2, 3, 5, 10 };
	const struct llsock_canon_rule *rule =
		&canon_rules[below(NR_CANON_RULES)];

	*family = rule->family;
	*type = rule->type == LLSOCK_CANON_ANY ? PICK(types) : rule->type;
	if (rule->protocol != LLSOCK_CANON_ANY)
		*protocol = rule->protocol;
	else
		*protocol = chance(50) ? 0 : random_protocol();
	if (rule->protocol == 0 && rule->to_protocol != LLSOCK_CANON_ANY &&
	    chance(20))
		*protocol = rule->to_protocol;
}

/* The socket's key as the kernel gives it (SEMANTICS 5). */
static void canonical(int *family, int *type, int *protocol)
{
	llsock_canonical(canon_rules, NR_CANON_RULES, family, type, protocol);
}

static void random_hot(struct hot *hot)
{
	int i = below(sizeof(real_sockets) / sizeof(real_sockets[0]));

	/* Where permission layers are, half the hot keys are rewritten. */
	if (flavour != FLAVOUR_V4 && chance(50)) {
		random_canon_key(&hot->family, &hot->type, &hot->protocol);
		return;
	}
	hot->family = real_sockets[i].family;
	hot->type = real_sockets[i].type;
	hot->protocol = real_sockets[i].protocol;
}

static void random_key(struct rule_try *rule, const struct hot *hot)
{
	if (chance(70)) {
		rule->family = hot[below(NR_HOT)].family;
		rule->type = hot[below(NR_HOT)].type;
		rule->protocol = hot[below(NR_HOT)].protocol;
	} else {
		rule->family = random_family();
		rule->type = random_type();
		rule->protocol = random_protocol();
	}
}

static void random_v4_rule(struct rule_try *rule, const struct hot *hot)
{
	rule->allowed = NATIVE_ACCESS_SOCKET_CREATE;
	if (chance(3))
		rule->allowed = chance(50) ? 0 : (chance(50) ? 2 : 3);
	random_key(rule, hot);
	/* Wildcards, where they are allowed and where they are not. */
	if (chance(20))
		rule->type = -1;
	if (chance(20))
		rule->protocol = -1;
	if (chance(1))
		rule->family = -1;
}

/*
 * A permission rule: raw or canonical keys, values no kernel knows (huge
 * as __u32), the protocol wildcard with protocol 0 and, to be refused,
 * with another protocol or beside unknown wildcard bits.
 */
static void random_permission_rule(struct rule_try *rule,
				   const struct hot *hot)
{
	static const __u64 bad[] = { 0, 1ULL << 0, 1ULL << 1, 3, 5, 8,
				     1ULL << 63, ~0ULL };
	static const unsigned int huge[] = { 255, 256, 65535, 65536,
					     0x7fffffff, 0x80000000,
					     0xfffffffe, 0xffffffff };
	int r;

	rule->allowed = NATIVE_PERMISSION_SOCKET_CREATE;
	if (chance(3))
		rule->allowed = bad[below(sizeof(bad) / sizeof(bad[0]))];
	if (chance(15)) {
		const struct hot *h = &hot[below(NR_HOT)];

		rule->family = h->family;
		rule->type = h->type;
		rule->protocol = h->protocol;
	} else if (chance(20)) {
		random_canon_key(&rule->family, &rule->type, &rule->protocol);
	} else {
		random_key(rule, hot);
	}
	if (chance(25))
		canonical(&rule->family, &rule->type, &rule->protocol);
	if (chance(5)) {
		unsigned int v = huge[below(sizeof(huge) / sizeof(huge[0]))];

		r = below(3);
		if (r == 0)
			rule->family = (int)v;
		else if (r == 1)
			rule->type = (int)v;
		else
			rule->protocol = (int)v;
	}
	r = below(100);
	if (r < 20) {
		rule->wildcards = NATIVE_SOCKET_WILDCARD_PROTOCOL;
		rule->protocol = 0;
	} else if (r < 23) {
		rule->wildcards = NATIVE_SOCKET_WILDCARD_PROTOCOL;
		if (!rule->protocol)
			rule->protocol = 6;
	} else if (r < 26) {
		rule->wildcards = 1U << (1 + below(31));
		if (chance(50))
			rule->wildcards |= NATIVE_SOCKET_WILDCARD_PROTOCOL;
		if (chance(50))
			rule->protocol = 0;
	}
}

static void random_rule(struct rule_try *rule, enum model_flavour f,
			const struct hot *hot)
{
	memset(rule, 0, sizeof(*rule));
	if (f == MODEL_PERMISSION)
		random_permission_rule(rule, hot);
	else
		random_v4_rule(rule, hot);
	if (chance(2))
		rule->flags = 1U << below(32);
	if (chance(1))
		rule->no_attr = true;
}

static __u64 socket_right(enum model_flavour f)
{
	return f == MODEL_PERMISSION ? NATIVE_PERMISSION_SOCKET_CREATE :
				       NATIVE_ACCESS_SOCKET_CREATE;
}

/* A rule that grants @layer's socket right on (@family, @type, @protocol). */
static struct rule_try *plain_rule(struct layer *layer, struct rule_try *rule,
				   int family, int type, int protocol)
{
	memset(rule, 0, sizeof(*rule));
	rule->allowed = socket_right(layer->flavour);
	rule->family = family;
	rule->type = type;
	rule->protocol = protocol;
	return rule;
}

/* A layer that lets each hot key through with probability 4/5. */
static void random_layer(struct layer *layer, enum model_flavour f,
			 const struct hot *hot)
{
	static const __u64 bad_permissions[] = { 1, 2, 3, 5, 8, ~0ULL };
	int i, max = chance(50) ? 8 : MAX_RULES;

	layer->flavour = f;
	layer->kind = LAYER_SOCKET;
	layer->handled = socket_right(f);
	if (chance(4)) {
		layer->kind = LAYER_OTHER;
		layer->handled = 0;
	} else if (chance(3)) {
		layer->kind = LAYER_BAD_CREATE;
		if (f == MODEL_PERMISSION)
			layer->handled = bad_permissions[below(
				sizeof(bad_permissions) /
				sizeof(bad_permissions[0]))];
		else
			layer->handled = chance(50) ? 2 : ~0ULL;
	} else if (chance(2)) {
		layer->kind = LAYER_EMPTY;
		layer->handled = 0;
	}
	layer->nr_rules = below(max + 1);
	for (i = 0; i < layer->nr_rules; i++)
		random_rule(&layer->rules[i], f, hot);
	/*
	 * Dense: many protocols for one (family, type), more than llsock
	 * keeps inline in an entry (LLSOCK_INLINE_PROTOCOLS).
	 */
	if (chance(20)) {
		const struct hot *h = &hot[below(NR_HOT)];
		int type = chance(25) && f == MODEL_V4 ? -1 : h->type;
		int n = 7 + below(18);

		for (i = 0; i < n && layer->nr_rules < MAX_RULES; i++)
			plain_rule(layer, &layer->rules[layer->nr_rules++],
				   h->family, type,
				   chance(20) ? h->protocol :
						random_protocol());
	}
	/*
	 * The hot keys, each under one of its lookup keys: v4's four;
	 * for permission rules the key as asked, its canonical twin or
	 * the protocol wildcard.
	 */
	for (i = 0; i < NR_HOT && layer->nr_rules < MAX_RULES; i++) {
		struct rule_try *rule;

		if (!chance(80))
			continue;
		rule = &layer->rules[below(layer->nr_rules + 1)];
		if (rule != &layer->rules[layer->nr_rules])
			layer->rules[layer->nr_rules] = *rule;
		layer->nr_rules++;
		plain_rule(layer, rule, hot[i].family, hot[i].type,
			   hot[i].protocol);
		if (f == MODEL_V4) {
			if (chance(25))
				rule->type = -1;
			if (chance(25))
				rule->protocol = -1;
		} else if (chance(30)) {
			canonical(&rule->family, &rule->type, &rule->protocol);
		} else if (chance(35)) {
			rule->wildcards = NATIVE_SOCKET_WILDCARD_PROTOCOL;
			rule->protocol = 0;
		}
	}
}

static void random_stack(struct stack *stack, const struct hot *hot)
{
	int i;

	stack->nr_layers = chance(25) ? 1 + below(3) : 1 + below(MAX_LAYERS);
	for (i = 0; i < stack->nr_layers; i++) {
		enum model_flavour f = flavour == FLAVOUR_V4 ? MODEL_V4 :
				       flavour == FLAVOUR_PERMISSION ?
				       MODEL_PERMISSION :
				       chance(50) ? MODEL_V4 : MODEL_PERMISSION;

		random_layer(&stack->layers[i], f, hot);
	}
}

static void random_request(struct request *req, const struct hot *hot)
{
	int r = below(100);

	req->call = r < 70 ? CALL_SOCKET : r < 85 ? CALL_SOCKETPAIR :
		    r < 93 ? CALL_URING : CALL_URING_ASYNC;
	/*
	 * Each of the table's 37 rewrites gets about 1.4% of the requests
	 * this way (the rewrites of protocol 0 a fifth less: their twins),
	 * and about 0.3% more from the hot keys: well above the 1% floor
	 * even in make check's runs of 10,000 cases (at 55%, the rarest
	 * came to 0.99% now and then).
	 */
	if (flavour != FLAVOUR_V4 && chance(70)) {
		random_canon_key(&req->family, &req->type, &req->protocol);
	} else if (chance(55)) {
		const struct hot *h = &hot[below(NR_HOT)];

		req->family = h->family;
		req->type = h->type;
		req->protocol = h->protocol;
		/* A neighbour of a hot key: same family, another field. */
		if (chance(20))
			req->protocol = random_protocol();
		else if (chance(10))
			req->type = random_type();
	} else {
		req->family = random_family();
		req->type = random_type();
		req->protocol = random_protocol();
	}
	if (chance(5)) {
		req->family = AF_INET;
		req->type = SOCK_PACKET;
	}
	if (chance(20))
		req->type |= chance(50) ? SOCK_NONBLOCK : SOCK_CLOEXEC;
	if (chance(3))
		req->type |= (int)(1U << (4 + below(28)));
}

/* Making the calls. */

static int uring_socket(struct io_uring *ring, const struct request *req)
{
	struct io_uring_cqe *cqe;
	struct io_uring_sqe *sqe;
	int res;

	sqe = io_uring_get_sqe(ring);
	if (!sqe)
		return EBUSY;
	io_uring_prep_socket(sqe, req->family, req->type, req->protocol, 0);
	if (req->call == CALL_URING_ASYNC)
		sqe->flags |= IOSQE_ASYNC;
	if (io_uring_submit(ring) != 1 || io_uring_wait_cqe(ring, &cqe))
		return EIO;
	res = cqe->res;
	io_uring_cqe_seen(ring, cqe);
	if (res >= 0) {
		close(res);
		return 0;
	}
	return -res;
}

/* The errno of one request, 0 on success (whatever it created is closed). */
static int make_call(struct io_uring *ring, const struct request *req)
{
	int fd, sv[2];

	switch (req->call) {
	case CALL_SOCKET:
		fd = socket(req->family, req->type, req->protocol);
		if (fd < 0)
			return errno;
		close(fd);
		return 0;
	case CALL_SOCKETPAIR:
		if (socketpair(req->family, req->type, req->protocol, sv))
			return errno;
		close(sv[0]);
		close(sv[1]);
		return 0;
	default:
		return ring ? uring_socket(ring, req) : ENOSYS;
	}
}

/* An io_uring request without a ring answers io_uring_setup()'s errno. */
static void run_calls(const struct request *reqs, int n, int *results)
{
	struct io_uring ring;
	int ring_err = -io_uring_queue_init(4, &ring, 0), i;

	for (i = 0; i < n; i++)
		results[i] = ring_err && reqs[i].call >= CALL_URING ?
			ring_err : make_call(ring_err ? NULL : &ring, &reqs[i]);
	if (!ring_err)
		io_uring_queue_exit(&ring);
}

/* What the kernel answers without restriction: the parent's own call. */
static struct io_uring plain_ring;
static bool plain_ring_ok;

static int unrestricted(const struct request *req)
{
	return make_call(plain_ring_ok ? &plain_ring : NULL, req);
}

/* Running one stack through the three oracles. */

struct shared {
	int results[NR_ORACLES][MAX_REQUESTS];
	int status[NR_ORACLES];
};

static struct shared *shared;

static int native_permission_layer(const struct layer *layer,
				   struct answers *ans, int i)
{
	struct native_permission_ruleset_attr attr = {
		.handled_permissions = layer->handled,
	};
	int fd, r;

	if (layer->kind == LAYER_OTHER)
		attr.handled_access_fs = NATIVE_ACCESS_FS_EXECUTE;
	fd = native_create_permission_ruleset(&attr, sizeof(attr), 0);
	ans->create[i][NATIVE] = fd < 0 ? errno : 0;
	for (r = 0; r < layer->nr_rules && fd >= 0; r++) {
		const struct rule_try *rule = &layer->rules[r];
		struct native_permission_socket_attr a = {
			.permissions = rule->allowed,
			.wildcards = rule->wildcards,
			.family = (__u32)rule->family,
			.type = (__u32)rule->type,
			.protocol = (__u32)rule->protocol,
		};

		ans->add[i][r][NATIVE] =
			native_add_rule(fd, NATIVE_RULE_SOCKET_PERMISSION,
					rule->no_attr ? NULL : &a,
					rule->flags) ? errno : 0;
	}
	return fd;
}

/* -1 where the native side is absent: no Landlock layer to stack. */
static int native_layer(const struct layer *layer, struct answers *ans,
			int i)
{
	struct native_ruleset_attr attr = {
		.handled_access_socket = layer->handled,
	};
	int fd, r;

	if (!native_present)
		return -1;
	if (layer->flavour == MODEL_PERMISSION)
		return native_permission_layer(layer, ans, i);
	if (layer->kind == LAYER_OTHER)
		attr.handled_access_fs = NATIVE_ACCESS_FS_EXECUTE;
	fd = native_create_ruleset(&attr, sizeof(attr), 0);
	ans->create[i][NATIVE] = fd < 0 ? errno : 0;
	for (r = 0; r < layer->nr_rules && fd >= 0; r++) {
		const struct rule_try *rule = &layer->rules[r];
		struct native_socket_attr a = {
			.allowed_access = rule->allowed,
			.family = rule->family,
			.type = rule->type,
			.protocol = rule->protocol,
		};

		ans->add[i][r][NATIVE] =
			native_add_rule(fd, NATIVE_RULE_SOCKET,
					rule->no_attr ? NULL : &a,
					rule->flags) ? errno : 0;
	}
	return fd;
}

static struct llsock_ruleset *llsock_layer(const struct layer *layer,
					   struct answers *ans, int i)
{
	struct llsock_ruleset_attr attr = {
		.handled_access_socket = layer->handled,
	};
	struct llsock_permission_ruleset_attr pattr = {
		.handled_permissions = layer->handled,
	};
	bool permission = layer->flavour == MODEL_PERMISSION;
	struct llsock_ruleset *ruleset = NULL;
	int r, ret;

	if (permission)
		ret = llsock_create_permission_ruleset(&pattr, sizeof(pattr),
						       0, &ruleset);
	else
		ret = llsock_create_ruleset(&attr, sizeof(attr), 0, &ruleset);
	ans->create[i][LLSOCK] = -ret;
	for (r = 0; r < layer->nr_rules && !ret; r++) {
		const struct rule_try *rule = &layer->rules[r];
		struct llsock_socket_attr a = {
			.allowed_access = rule->allowed,
			.family = rule->family,
			.type = rule->type,
			.protocol = rule->protocol,
		};
		struct llsock_permission_socket_attr pa = {
			.permissions = rule->allowed,
			.wildcards = rule->wildcards,
			.family = (__u32)rule->family,
			.type = (__u32)rule->type,
			.protocol = (__u32)rule->protocol,
		};
		const void *attr = permission ? (const void *)&pa : &a;

		ans->add[i][r][LLSOCK] = -llsock_add_rule(
			ruleset, permission ? LLSOCK_RULE_SOCKET_PERMISSION :
					      LLSOCK_RULE_SOCKET,
			rule->no_attr ? NULL : attr, rule->flags);
	}
	return ruleset;
}

/* The model's layers, and its answers to the creations and rules. */
static size_t model_layers(const struct stack *stack, struct answers *ans,
			   struct model_layer *out)
{
	size_t n = 0;
	int i, r;

	for (i = 0; i < stack->nr_layers; i++) {
		const struct layer *layer = &stack->layers[i];
		struct model_layer *m = &out[n];
		int err;

		bool permission = layer->flavour == MODEL_PERMISSION;

		/* A file system ruleset: no socket check of section 2. */
		err = layer->kind == LAYER_OTHER ? 0 :
		      permission ?
		      -model_create_permission_ruleset(layer->handled) :
		      -model_create_ruleset(layer->handled);
		ans->create[i][MODEL] = err;
		if (err)
			continue;
		m->flavour = layer->flavour;
		m->handled = layer->handled;
		m->nr_rules = 0;
		for (r = 0; r < layer->nr_rules; r++) {
			const struct rule_try *rule = &layer->rules[r];
			const void *attr = rule->no_attr ? NULL : rule;
			struct model_rule stored;

			if (permission)
				err = -model_add_permission_rule(
					layer->handled, rule->flags, attr,
					rule->allowed, rule->wildcards,
					rule->family, rule->type,
					rule->protocol, &stored);
			else
				err = -model_add_rule(layer->handled,
						      rule->flags, attr,
						      rule->allowed,
						      rule->family, rule->type,
						      rule->protocol, &stored);
			ans->add[i][r][MODEL] = err;
			if (err)
				continue;
			if (inject == FAULT_MODEL_TYPE_WILDCARD && !permission &&
			    stored.type == MODEL_ANY)
				continue;
			if (inject == FAULT_MODEL_PROTOCOL_WILDCARD &&
			    (stored.wildcards & MODEL_WILDCARD_PROTOCOL))
				continue;
			m->rules[m->nr_rules++] = stored;
		}
		n++;
	}
	return n;
}

static int native_child(const int *fds, int n, const struct request *reqs,
			int nr)
{
	int err = native_enter(fds, n);

	if (err) {
		shared->status[NATIVE] = -err;
		return 1;
	}
	run_calls(reqs, nr, shared->results[NATIVE]);
	return 0;
}

static int llsock_child(const char *cgroup, const struct request *reqs,
			int nr)
{
	int err = enter_cgroup(cgroup);

	if (err) {
		shared->status[LLSOCK] = -err;
		return 1;
	}
	run_calls(reqs, nr, shared->results[LLSOCK]);
	return 0;
}

/*
 * Each llsock ruleset of the stack, in order, as a seccomp layer
 * (llsock_seccomp_restrict_self()): the layers the cgroups bind.
 */
static int seccomp_child(struct llsock_ruleset *const *rulesets, int n,
			 const struct request *reqs, int nr)
{
	int i, err, last = n - 1;

	/* --inject-seccomp: the last layer is left out. */
	while (last >= 0 && !rulesets[last])
		last--;
	for (i = 0; i < n; i++) {
		if (!rulesets[i] || (inject_seccomp && i == last))
			continue;
		err = llsock_seccomp_restrict_self(rulesets[i], 0);
		if (err) {
			shared->status[SECCOMP] = -err;
			return 1;
		}
	}
	run_calls(reqs, nr, shared->results[SECCOMP]);
	return 0;
}

static int wait_child(pid_t pid)
{
	int status;

	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return -ECHILD;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/*
 * Builds @stack with each oracle, compares nothing, records every answer
 * in @ans: the creations, the rules and the @nr requests @reqs.
 */
static void run_stack(const struct stack *stack, const struct request *reqs,
		      int nr, struct answers *ans)
{
	struct llsock_ruleset *rulesets[MAX_LAYERS] = {};
	int fds[MAX_LAYERS], nr_fds = 0, i;
	char path[PATH_MAX];
	pid_t pid[NR_ORACLES] = { -1, -1, -1, -1 };

	memset(ans, 0, sizeof(*ans));
	ans->nr_model = model_layers(stack, ans, ans->model);

	/* The native stack and the llsock cgroups, layer by layer. */
	if (!host_only)
		remove_cgroup_tree(CGROUP_BASE "/s");
	snprintf(path, sizeof(path), "%s/s", CGROUP_BASE);
	if (!host_only && mkdir(path, 0755)) {
		snprintf(ans->setup_error, sizeof(ans->setup_error),
			 "mkdir %s: %s", path, strerror(errno));
		return;
	}
	for (i = 0; i < stack->nr_layers; i++) {
		const struct layer *layer = &stack->layers[i];
		size_t len = strlen(path);
		int fd, ret;

		fd = native_layer(layer, ans, i);
		if (layer->kind == LAYER_OTHER) {
			/* llsock has no ruleset that handles nothing. */
			ans->llsock_skip[i] = true;
		} else {
			rulesets[i] = llsock_layer(layer, ans, i);
		}
		/* Without native Landlock, the model says which layers exist. */
		if (native_present ? fd < 0 : ans->create[i][MODEL] != 0)
			continue;
		if (fd >= 0)
			fds[nr_fds++] = fd;
		if (rulesets[i])
			ans->seccomp_layers++;
		if (host_only)
			continue;
		snprintf(path + len, sizeof(path) - len, "/l%d", i + 1);
		if (mkdir(path, 0755)) {
			snprintf(ans->setup_error, sizeof(ans->setup_error),
				 "mkdir %s: %s", path, strerror(errno));
			goto out;
		}
		if (!rulesets[i])
			continue;
		ret = llsock_bind_cgroup(rulesets[i], path);
		if (ret) {
			snprintf(ans->setup_error, sizeof(ans->setup_error),
				 "llsock_bind_cgroup(layer %d): %s", i + 1,
				 strerror(-ret));
			goto out;
		}
	}

	/* The requests, from a task in each stack. */
	memset(shared, 0, sizeof(*shared));
	fflush(stdout);
	if (native_present) {
		pid[NATIVE] = fork();
		if (pid[NATIVE] == 0)
			_exit(native_child(fds, nr_fds, reqs, nr));
	}
	if (!host_only) {
		pid[LLSOCK] = fork();
		if (pid[LLSOCK] == 0)
			_exit(llsock_child(path, reqs, nr));
	}
	if (seccomp_present) {
		pid[SECCOMP] = fork();
		if (pid[SECCOMP] == 0)
			_exit(seccomp_child(rulesets, stack->nr_layers, reqs,
					   nr));
	}
	for (i = 0; i < NR_ORACLES; i++) {
		int ret;

		if (pid[i] < 0)
			continue;
		ret = wait_child(pid[i]);

		if (ret && !ans->setup_error[0])
			snprintf(ans->setup_error, sizeof(ans->setup_error),
				 "%s child: status %d, %s", oracle_names[i],
				 ret, strerror(shared->status[i]));
	}
	for (i = 0; i < nr; i++) {
		ans->request[i][NATIVE] = shared->results[NATIVE][i];
		ans->request[i][LLSOCK] = shared->results[LLSOCK][i];
		ans->request[i][SECCOMP] = shared->results[SECCOMP][i];
		ans->request[i][MODEL] = model_socket(
			ans->model, ans->nr_model, reqs[i].family, reqs[i].type,
			reqs[i].protocol, ans->plain[i] = unrestricted(&reqs[i]),
			&ans->stage[i]);
	}
out:
	for (i = 0; i < nr_fds; i++)
		close(fds[i]);
	for (i = 0; i < stack->nr_layers; i++)
		llsock_ruleset_free(rulesets[i]);
	if (!host_only) {
		remove_cgroup_tree(CGROUP_BASE "/s");
		llsock_gc();
	}
}

/*
 * Native Landlock's answers count only where it is present, llsock's
 * requests only where its program runs (not --host).
 */
static bool agree(const int *three, bool skip_llsock)
{
	return (!native_present || three[NATIVE] == three[MODEL]) &&
	       (skip_llsock || three[LLSOCK] == three[MODEL]);
}

/*
 * What the seccomp backend must answer: the model's, but for io_uring,
 * which any seccomp layer refuses as a whole (EACCES from
 * io_uring_setup()).
 */
static int seccomp_expected(const struct answers *ans,
			    const struct request *req, int i)
{
	if (req->call >= CALL_URING && ans->seccomp_layers)
		return EACCES;
	return ans->request[i][MODEL];
}

static bool agree_request(const struct answers *ans,
			  const struct request *req, int i)
{
	return agree(ans->request[i], host_only) &&
	       (!seccomp_present ||
		ans->request[i][SECCOMP] == seccomp_expected(ans, req, i));
}

/*
 * Printing. The mismatches go to @report, kept in memory and printed after
 * the summary and the per-path counts.
 */

static FILE *report;

static const char *errno_name(int err)
{
	static char buf[16];

	switch (err) {
	case 0: return "0";
	case EACCES: return "EACCES";
	case EINVAL: return "EINVAL";
	case ENOMSG: return "ENOMSG";
	case EAFNOSUPPORT: return "EAFNOSUPPORT";
	case EPROTONOSUPPORT: return "EPROTONOSUPPORT";
	case ESOCKTNOSUPPORT: return "ESOCKTNOSUPPORT";
	case EPROTOTYPE: return "EPROTOTYPE";
	case EOPNOTSUPP: return "EOPNOTSUPP";
	case EPERM: return "EPERM";
	case E2BIG: return "E2BIG";
	case EBADF: return "EBADF";
	case EFAULT: return "EFAULT";
	case ENOPROTOOPT: return "ENOPROTOOPT";
	}
	snprintf(buf, sizeof(buf), "errno %d", err);
	return buf;
}

/* Printing a request's answers, the seccomp backend's too. */
static bool print_seccomp;

static void print_three(const int *three, bool skip_llsock)
{
	int o;

	const char *sep = "";

	for (o = 0; o < (print_seccomp ? NR_ORACLES : SECCOMP); o++) {
		if ((o == LLSOCK && skip_llsock) ||
		    (o == NATIVE && !native_present))
			continue;
		fprintf(report, "%s%s %s", sep, oracle_names[o],
		       errno_name(three[o]));
		sep = ", ";
	}
}

/* A request's answers: llsock's where its program runs, seccomp's. */
static void print_answers(const int *answers)
{
	print_seccomp = seccomp_present;
	print_three(answers, host_only);
	print_seccomp = false;
}

static void print_type(int type)
{
	int flags = type & ~MODEL_SOCK_TYPE_MASK;

	if (type < 0 || !flags) {
		fprintf(report, "%d", type);
		return;
	}
	fprintf(report, "%d", type & MODEL_SOCK_TYPE_MASK);
	if (flags & SOCK_NONBLOCK)
		fprintf(report, "|SOCK_NONBLOCK");
	if (flags & SOCK_CLOEXEC)
		fprintf(report, "|SOCK_CLOEXEC");
	flags &= ~(SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (flags)
		fprintf(report, "|%#x", flags);
}

static void print_request(const struct request *req)
{
	fprintf(report, "%s(%d, ", call_names[req->call], req->family);
	print_type(req->type);
	fprintf(report, ", %d)", req->protocol);
}

/*
 * A v4 rule as "family.type.protocol" (-1: any); a permission rule with
 * its __u32 values, "*" for the protocol wildcard with protocol 0.
 */
static void print_rule(const struct rule_try *rule, enum model_flavour f)
{
	if (rule->no_attr) {
		fprintf(report, "NULL attribute");
	} else if (f == MODEL_PERMISSION) {
		fprintf(report, "%u.%u.", (unsigned int)rule->family,
			(unsigned int)rule->type);
		if (rule->wildcards == NATIVE_SOCKET_WILDCARD_PROTOCOL &&
		    !rule->protocol)
			fprintf(report, "*");
		else
			fprintf(report, "%u", (unsigned int)rule->protocol);
		if (rule->wildcards &&
		    (rule->wildcards != NATIVE_SOCKET_WILDCARD_PROTOCOL ||
		     rule->protocol))
			fprintf(report, " wildcards=%#x", rule->wildcards);
	} else {
		fprintf(report, "%d.%d.%d", rule->family, rule->type,
			rule->protocol);
	}
	if (rule->allowed != socket_right(f))
		fprintf(report, " %s=%#llx",
			f == MODEL_PERMISSION ? "permissions" : "allowed",
			(unsigned long long)rule->allowed);
	if (rule->flags)
		fprintf(report, " flags=%#x", rule->flags);
}

static const char *handled_name(enum model_flavour f)
{
	return f == MODEL_PERMISSION ? "handled_permissions" :
				       "handled_access_socket";
}

static void print_stack(const struct stack *stack)
{
	int i, r;

	if (!stack->nr_layers)
		fprintf(report, "#     (no layer)\n");
	for (i = 0; i < stack->nr_layers; i++) {
		const struct layer *layer = &stack->layers[i];

		fprintf(report, "#     layer %d: ", i + 1);
		if (flavour == FLAVOUR_MIXED)
			fprintf(report, "[%s] ", layer->flavour ==
				MODEL_PERMISSION ? "permission" : "v4");
		if (layer->kind == LAYER_OTHER)
			fprintf(report, "[handles a file system right only] ");
		else if (layer->kind == LAYER_BAD_CREATE ||
			 layer->kind == LAYER_EMPTY)
			fprintf(report, "[%s=%#llx] ",
				handled_name(layer->flavour),
			       (unsigned long long)layer->handled);
		if (!layer->nr_rules)
			fprintf(report, "no rule");
		for (r = 0; r < layer->nr_rules; r++) {
			fprintf(report, "%s", r ? ", " : "");
			print_rule(&layer->rules[r], layer->flavour);
		}
		fprintf(report, "\n");
	}
}

/* Shrinking: drop layers, then rules, while the oracles still disagree. */

static struct answers scratch;

static bool still_fails(const struct stack *stack, const struct request *req)
{
	run_stack(stack, req, 1, &scratch);
	return !scratch.setup_error[0] && !agree_request(&scratch, req, 0);
}

/*
 * Removes @count items of @size bytes at @at from an array of *@n, the
 * layers of a stack or the rules of a layer.
 */
static void drop(void *array, int *n, size_t size, int at, int count)
{
	char *base = array;

	memmove(base + at * size, base + (at + count) * size,
		(*n - at - count) * size);
	*n -= count;
}

/*
 * Drops chunks of layers, then of each layer's rules, halving the chunk
 * size down to one item, for as long as the three still disagree on @req
 * (a simple delta debugging): a stack of 16 layers and 500 rules takes a
 * few dozen builds, not hundreds.
 */
static void shrink(struct stack *stack, const struct request *req)
{
	static struct stack smaller;
	bool changed = true;
	int i, at, chunk;

	while (changed) {
		changed = false;
		for (chunk = stack->nr_layers; chunk > 0; chunk /= 2) {
			for (at = 0; at + chunk <= stack->nr_layers; at += chunk) {
				smaller = *stack;
				drop(smaller.layers, &smaller.nr_layers,
				     sizeof(smaller.layers[0]), at, chunk);
				if (still_fails(&smaller, req)) {
					*stack = smaller;
					changed = true;
					at -= chunk;
				}
			}
		}
		for (i = 0; i < stack->nr_layers; i++) {
			struct layer *layer = &stack->layers[i];

			for (chunk = layer->nr_rules; chunk > 0; chunk /= 2) {
				for (at = 0; at + chunk <= layer->nr_rules;
				     at += chunk) {
					struct layer *l = &smaller.layers[i];

					smaller = *stack;
					drop(l->rules, &l->nr_rules,
					     sizeof(l->rules[0]), at, chunk);
					if (still_fails(&smaller, req)) {
						*stack = smaller;
						changed = true;
						at -= chunk;
					}
				}
			}
		}
	}
}

/* Counting. */

enum path {
	PATH_ALLOWED, PATH_DENIED, PATH_BEFORE_HOOK, PATH_UNSUPPORTED,
	PATH_MULTI_LAYER, PATH_ADD_RULE_ERRORS, PATH_CREATE_ERRORS,
	PATH_SOCKETPAIR, PATH_URING, PATH_TYPE_FLAGS, PATH_INET_PACKET,
	PATH_DENSE,
	/* Where permission layers are (SEMANTICS 5). */
	PATH_TWIN, PATH_REWRITTEN_ALLOWED, PATH_WILDCARD, PATH_UNKNOWN,
	PATH_UNKNOWN_ALLOWED, PATH_HUGE_RULES, PATH_WILDCARD_ERRORS,
	/* Mixed stacks only. */
	PATH_MIXED,
	/* One per rewrite of bpf/canon.h's table, where permission layers are. */
	PATH_REWRITE,
	NR_PATHS = PATH_REWRITE + NR_CANON_RULES,
};

static const char *const path_names[PATH_REWRITE] = {
	[PATH_ALLOWED] = "allowed (past the hook)",
	[PATH_DENIED] = "denied (EACCES)",
	[PATH_BEFORE_HOOK] = "refused before the hook",
	[PATH_UNSUPPORTED] = "unsupported family, hook reached",
	[PATH_MULTI_LAYER] = "multi-layer (2+ socket layers)",
	[PATH_ADD_RULE_ERRORS] = "add_rule errors (calls)",
	[PATH_CREATE_ERRORS] = "stack with a refused create_ruleset",
	[PATH_SOCKETPAIR] = "through socketpair(2)",
	[PATH_URING] = "through IORING_OP_SOCKET (+async)",
	[PATH_TYPE_FLAGS] = "type with flags",
	[PATH_INET_PACKET] = "AF_INET + SOCK_PACKET",
	[PATH_DENSE] = "overflowing llsock's inline protocols",
	[PATH_TWIN] = "inet protocol 0 or its canonical twin",
	[PATH_REWRITTEN_ALLOWED] = "rewritten key, allowed",
	[PATH_WILDCARD] = "protocol wildcard rule on the key",
	[PATH_UNKNOWN] = "unknown value, hook reached",
	[PATH_UNKNOWN_ALLOWED] = "unknown value let through by a rule",
	[PATH_HUGE_RULES] = "rules with unknown values (calls)",
	[PATH_WILDCARD_ERRORS] = "add_rule wildcards errors (calls)",
	[PATH_MIXED] = "stack of both flavours",
};

/* Whether @p is a path of the current run's flavour. */
static bool path_applies(int p)
{
	if (p < PATH_TWIN)
		return true;
	if (p == PATH_MIXED)
		return flavour == FLAVOUR_MIXED;
	return flavour != FLAVOUR_V4;
}

static void path_name(int p, char *buf, size_t size)
{
	const struct llsock_canon_rule *r;
	char type[16], protocol[16];

	if (p < PATH_REWRITE) {
		snprintf(buf, size, "%s", path_names[p]);
		return;
	}
	r = &canon_rules[p - PATH_REWRITE];
	snprintf(type, sizeof(type), "%d", r->type);
	snprintf(protocol, sizeof(protocol), "%d", r->protocol);
	snprintf(buf, size, "rewrite %d.%s.%s -> %d.%d.%d", r->family,
		 r->type == LLSOCK_CANON_ANY ? "*" : type,
		 r->protocol == LLSOCK_CANON_ANY ? "*" : protocol,
		 r->to_family, r->to_type, r->to_protocol);
}

static long paths[NR_PATHS];
static long add_rule_calls, create_calls, create_errors;
/* All of them, and those of create_ruleset() and add_rule() alone. */
static long mismatches, build_mismatches;

/* The request as the hook sees it: type flags dropped, the INET alias. */
static void hook_key(const struct request *req, int *family, int *type,
		     int *protocol)
{
	*family = req->family;
	*type = req->type & MODEL_SOCK_TYPE_MASK;
	*protocol = req->protocol;
	if (*family == AF_INET && *type == SOCK_PACKET)
		*family = AF_PACKET;
}

/*
 * Whether a layer of the model holds more than LLSOCK_INLINE_PROTOCOLS
 * distinct protocol rules on an entry the request looks up (v4: its
 * (family, type) or (family, any); permission: its canonical (family,
 * type)): llsock then finds some of them in its overflow map.
 */
static bool dense_entry(const struct answers *ans, const struct request *req)
{
	size_t i, r;
	int k, w;

	for (i = 0; i < ans->nr_model; i++) {
		const struct model_layer *layer = &ans->model[i];
		bool permission = layer->flavour == MODEL_PERMISSION;
		int family, type, protocol;

		hook_key(req, &family, &type, &protocol);
		if (permission)
			canonical(&family, &type, &protocol);
		for (w = 0; w < (permission ? 1 : 2); w++) {
			int seen[MAX_RULES], nr_seen = 0;

			for (r = 0; r < layer->nr_rules; r++) {
				const struct model_rule *rule =
					&layer->rules[r];

				if (rule->wildcards ||
				    (!permission && rule->protocol == MODEL_ANY))
					continue;
				if (rule->family != family ||
				    rule->type != (w ? MODEL_ANY : type))
					continue;
				for (k = 0; k < nr_seen; k++)
					if (seen[k] == rule->protocol)
						break;
				if (k == nr_seen)
					seen[nr_seen++] = rule->protocol;
			}
			if (nr_seen > LLSOCK_INLINE_PROTOCOLS)
				return true;
		}
	}
	return false;
}

/* Whether a permission layer has a protocol wildcard rule on the key. */
static bool wildcard_entry(const struct answers *ans,
			   const struct request *req)
{
	int family, type, protocol;
	size_t i, r;

	hook_key(req, &family, &type, &protocol);
	canonical(&family, &type, &protocol);
	for (i = 0; i < ans->nr_model; i++) {
		const struct model_layer *layer = &ans->model[i];

		if (layer->flavour != MODEL_PERMISSION)
			continue;
		for (r = 0; r < layer->nr_rules; r++)
			if ((layer->rules[r].wildcards &
			     MODEL_WILDCARD_PROTOCOL) &&
			    layer->rules[r].family == family &&
			    layer->rules[r].type == type)
				return true;
	}
	return false;
}

/* The permission flavour's paths of a request that reached the hook. */
static void count_permission_request(const struct request *req,
				     enum model_stage stage, int plain,
				     const struct answers *ans)
{
	int family = req->family, type = req->type & MODEL_SOCK_TYPE_MASK;
	int protocol = req->protocol, f, t, p;
	size_t i;

	/* Each rewrite of the table that applies, in the table's order. */
	for (i = 0; i < NR_CANON_RULES; i++) {
		const struct llsock_canon_rule *rule = &canon_rules[i];

		if (rule->family != family ||
		    !llsock_canon_matches(rule->type, type) ||
		    !llsock_canon_matches(rule->protocol, protocol))
			continue;
		paths[PATH_REWRITE + i]++;
		family = llsock_canon_to(rule->to_family, family);
		type = llsock_canon_to(rule->to_type, type);
		protocol = llsock_canon_to(rule->to_protocol, protocol);
	}
	f = req->family;
	t = req->type & MODEL_SOCK_TYPE_MASK;
	p = 0;
	if (f == AF_INET || f == AF_INET6) {
		canonical(&f, &t, &p);
		if (p && (req->protocol == 0 || req->protocol == p))
			paths[PATH_TWIN]++;
	}
	hook_key(req, &f, &t, &p);
	if (stage == MODEL_PAST_HOOK &&
	    (f != family || t != type || p != protocol))
		paths[PATH_REWRITTEN_ALLOWED]++;
	if (wildcard_entry(ans, req))
		paths[PATH_WILDCARD]++;
	/* What the kernel says of values it does not know. */
	if (plain == EAFNOSUPPORT || plain == EPROTONOSUPPORT ||
	    plain == ESOCKTNOSUPPORT || plain == EPROTOTYPE ||
	    plain == EINVAL) {
		paths[PATH_UNKNOWN]++;
		if (stage == MODEL_PAST_HOOK)
			paths[PATH_UNKNOWN_ALLOWED]++;
	}
}

static void count_request(const struct stack *stack,
			  const struct request *req, enum model_stage stage,
			  int plain, const struct answers *ans)
{
	bool refused = false;
	int l;

	for (l = 0; l < stack->nr_layers; l++)
		refused |= stack->layers[l].kind != LAYER_OTHER &&
			   ans->create[l][MODEL];
	if (refused)
		paths[PATH_CREATE_ERRORS]++;

	bool flavours[2] = { false, false };
	size_t i, socket_layers = 0;

	for (i = 0; i < ans->nr_model; i++) {
		if (!ans->model[i].handled)
			continue;
		socket_layers++;
		flavours[ans->model[i].flavour == MODEL_PERMISSION] = true;
	}
	if (dense_entry(ans, req))
		paths[PATH_DENSE]++;
	if (stage == MODEL_BEFORE_HOOK)
		paths[PATH_BEFORE_HOOK]++;
	else if (plain == EAFNOSUPPORT)
		paths[PATH_UNSUPPORTED]++;
	if (stage == MODEL_HOOK_DENIED)
		paths[PATH_DENIED]++;
	if (stage == MODEL_PAST_HOOK)
		paths[PATH_ALLOWED]++;
	if (req->call == CALL_SOCKETPAIR)
		paths[PATH_SOCKETPAIR]++;
	if (req->call == CALL_URING || req->call == CALL_URING_ASYNC)
		paths[PATH_URING]++;
	if (req->type > 0 && (req->type & ~MODEL_SOCK_TYPE_MASK))
		paths[PATH_TYPE_FLAGS]++;
	if (req->family == AF_INET &&
	    (req->type & MODEL_SOCK_TYPE_MASK) == SOCK_PACKET)
		paths[PATH_INET_PACKET]++;
	if (socket_layers > 1)
		paths[PATH_MULTI_LAYER]++;
	if (flavours[0] && flavours[1])
		paths[PATH_MIXED]++;
	if (flavour != FLAVOUR_V4 && stage != MODEL_BEFORE_HOOK)
		count_permission_request(req, stage, plain, ans);
}

/* The permission flavour's paths of an add_rule() call. */
static void count_permission_rule(const struct rule_try *rule, int err)
{
	if ((unsigned int)rule->family > 255 ||
	    (unsigned int)rule->type > 255 ||
	    (unsigned int)rule->protocol > 65535)
		paths[PATH_HUGE_RULES]++;
	/* The earlier checks passed: EINVAL is the wildcards'. */
	if (err == EINVAL && !rule->flags && !rule->no_attr &&
	    rule->allowed == NATIVE_PERMISSION_SOCKET_CREATE)
		paths[PATH_WILDCARD_ERRORS]++;
}

static void usage(FILE *out)
{
	fprintf(out,
		"usage: difftest [--seed S] [--cases N] [--requests R] [--shrink K]\n"
		"                [--flavour F] [--inject FAULT]\n"
		"\n"
		"Random Landlock socket rule stacks and requests, answered by native\n"
		"Landlock, llsock and the model; every errno must agree. A case is\n"
		"one request against one stack; R requests share a stack (default\n"
		"100). Runs as root with llsock loaded; native Landlock takes part\n"
		"where the kernel has the flavour (the patched kernels of kernel/),\n"
		"elsewhere llsock and the model are compared and the output says so.\n"
		"\n"
		"  --flavour F    the rulesets: v4, permission, mixed (layers of both,\n"
		"                 never native) or both (all three, one run each);\n"
		"                 a comma-separated list runs each (default both)\n"
		"  --seed S       the generator's seed (default: from the clock)\n"
		"  --cases N      how many cases per flavour (default 100000)\n"
		"  --requests R   requests per stack, 1 to %d\n"
		"  --shrink K     shrink mismatches until K different minimal stacks\n"
		"                 are found (default 10, at most %d)\n"
		"  --inject FAULT break an oracle on purpose, to see the test fail:\n"
		"                 model-type-wildcard (the model drops v4 type -1\n"
		"                 rules), model-protocol-wildcard (the model drops\n"
		"                 permission rules with the protocol wildcard)\n",
		MAX_REQUESTS, MAX_SHRUNK);
}

/* The value of --@name, @text, in [@min, @max]; else says so and fails. */
static bool number_option(const char *name, const char *text, long long min,
			  long long max, long long *value)
{
	char *end;

	errno = 0;
	*value = strtoll(text, &end, 10);
	if (!errno && end != text && !*end && *value >= min && *value <= max)
		return true;
	fprintf(stderr, "difftest: --%s takes %lld to %lld, not '%s'\n", name,
		min, max, text);
	return false;
}

/* --flavour: v4, permission, mixed, both, or a comma-separated list. */
static bool parse_flavours(const char *text)
{
	char list[64], *name, *save = NULL;
	int f;

	memset(run_flavour, 0, sizeof(run_flavour));
	if (strlen(text) >= sizeof(list) || !*text)
		goto bad;
	strcpy(list, text);
	for (name = strtok_r(list, ",", &save); name;
	     name = strtok_r(NULL, ",", &save)) {
		if (!strcmp(name, "both")) {
			for (f = 0; f < NR_FLAVOURS; f++)
				run_flavour[f] = true;
			continue;
		}
		for (f = 0; f < NR_FLAVOURS; f++)
			if (!strcmp(name, flavour_names[f]))
				break;
		if (f == NR_FLAVOURS)
			goto bad;
		run_flavour[f] = true;
	}
	for (f = 0; f < NR_FLAVOURS; f++)
		if (run_flavour[f])
			return true;
bad:
	fprintf(stderr, "difftest: --flavour takes v4, permission, mixed or both (or a comma-separated list of them), not '%s'\n",
		text);
	return false;
}

static int parse_options(int argc, char **argv)
{
	static const struct option options[] = {
		{ "seed", required_argument, NULL, 's' },
		{ "cases", required_argument, NULL, 'n' },
		{ "requests", required_argument, NULL, 'r' },
		{ "inject", required_argument, NULL, 'i' },
		{ "shrink", required_argument, NULL, 'k' },
		{ "flavour", required_argument, NULL, 'f' },
		{ "host", no_argument, NULL, 'H' },
		{ "inject-seccomp", no_argument, NULL, 'S' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	struct timespec now;
	bool seeded = false, flavoured = false;
	char *end;
	long long value;
	int c;

	while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		switch (c) {
		case 's':
			errno = 0;
			seed = strtoull(optarg, &end, 10);
			if (errno || end == optarg || *end || *optarg == '-') {
				fprintf(stderr, "difftest: bad --seed '%s'\n",
					optarg);
				return 2;
			}
			seeded = true;
			break;
		case 'n':
			if (!number_option("cases", optarg, 1, 1000000000,
					   &value))
				return 2;
			nr_cases = value;
			break;
		case 'r':
			if (!number_option("requests", optarg, 1, MAX_REQUESTS,
					   &value))
				return 2;
			requests_per_stack = value;
			break;
		case 'k':
			if (!number_option("shrink", optarg, 0, MAX_SHRUNK,
					   &value))
				return 2;
			max_shrunk = value;
			break;
		case 'i':
			if (!strcmp(optarg, "model-type-wildcard")) {
				inject = FAULT_MODEL_TYPE_WILDCARD;
			} else if (!strcmp(optarg, "model-protocol-wildcard")) {
				inject = FAULT_MODEL_PROTOCOL_WILDCARD;
			} else {
				fprintf(stderr, "difftest: unknown fault '%s'\n",
					optarg);
				return 2;
			}
			break;
		case 'f':
			if (!parse_flavours(optarg))
				return 2;
			flavoured = true;
			break;
		case 'H':
			host_only = true;
			break;
		case 'S':
			inject_seccomp = true;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	if (!flavoured)
		parse_flavours("both");
	if (!seeded) {
		clock_gettime(CLOCK_REALTIME, &now);
		seed = (uint64_t)now.tv_sec * 1000000007ULL ^ now.tv_nsec ^
		       ((uint64_t)getpid() << 32);
	}
	return 0;
}

/* Compares the creations and rules of one stack; prints what differs. */
static void compare_build(const struct stack *stack, const struct answers *ans)
{
	int i, r;

	for (i = 0; i < stack->nr_layers; i++) {
		const struct layer *layer = &stack->layers[i];
		bool skip = ans->llsock_skip[i];

		create_calls++;
		if (ans->create[i][MODEL])
			create_errors++;
		if (!agree(ans->create[i], skip)) {
			mismatches++;
			build_mismatches++;
			fprintf(report, "# mismatch %ld: create_ruleset(%s=%#llx): ",
			       mismatches, handled_name(layer->flavour),
			       (unsigned long long)layer->handled);
			print_three(ans->create[i], skip);
			fprintf(report, "\n");
		}
		/* An oracle whose create failed alone made no rule. */
		if (ans->create[i][MODEL] || !agree(ans->create[i], skip))
			continue;
		for (r = 0; r < layer->nr_rules; r++) {
			const int *three = ans->add[i][r];

			add_rule_calls++;
			if (three[MODEL])
				paths[PATH_ADD_RULE_ERRORS]++;
			if (layer->flavour == MODEL_PERMISSION)
				count_permission_rule(&layer->rules[r],
						      three[MODEL]);
			if (agree(three, skip))
				continue;
			mismatches++;
			build_mismatches++;
			fprintf(report, "# mismatch %ld: add_rule(%s, handled=%#llx, ",
			       mismatches, flavour_names[layer->flavour ==
				MODEL_PERMISSION ? FLAVOUR_PERMISSION :
				FLAVOUR_V4],
			       (unsigned long long)layer->handled);
			print_rule(&layer->rules[r], layer->flavour);
			fprintf(report, "): ");
			print_three(three, skip);
			fprintf(report, "\n");
		}
	}
}

static bool same_stack(const struct stack *a, const struct stack *b)
{
	int i;

	if (a->nr_layers != b->nr_layers)
		return false;
	for (i = 0; i < a->nr_layers; i++) {
		const struct layer *x = &a->layers[i], *y = &b->layers[i];

		if (x->kind != y->kind || x->handled != y->handled ||
		    x->nr_rules != y->nr_rules ||
		    memcmp(x->rules, y->rules,
			   x->nr_rules * sizeof(x->rules[0])))
			return false;
	}
	return true;
}

/*
 * Prints a request on which the oracles disagree, with the smallest stack
 * that still makes them disagree. Shrinking costs a stack build per step:
 * mismatches are shrunk until --shrink different minimal stacks are found
 * (or three times as many mismatches were tried), and a stack already
 * printed is not printed again.
 */
static struct stack shrunk[MAX_SHRUNK];
static long shrunk_from[MAX_SHRUNK];
/* Per flavour: run_cases() starts them at 0. */
static int nr_shrunk, attempts, told;

static void report_request_mismatch(const struct stack *stack,
				    const struct request *req,
				    const int *three)
{
	struct stack *small;
	int rules = 0, i;

	mismatches++;
	fprintf(report, "# mismatch %ld: ", mismatches);
	print_request(req);
	fprintf(report, ": ");
	print_answers(three);
	fprintf(report, "\n");
	if (nr_shrunk >= max_shrunk || attempts >= 3 * max_shrunk) {
		if (!told++)
			fprintf(report, "#   (the next mismatches are not shrunk: see --shrink)\n");
		return;
	}
	small = &shrunk[nr_shrunk];
	*small = *stack;
	attempts++;
	shrink(small, req);
	for (i = 0; i < nr_shrunk; i++) {
		if (same_stack(small, &shrunk[i])) {
			fprintf(report, "#   shrinks to the stack of mismatch %ld\n",
			       shrunk_from[i]);
			return;
		}
	}
	shrunk_from[nr_shrunk++] = mismatches;
	for (i = 0; i < stack->nr_layers; i++)
		rules += stack->layers[i].nr_rules;
	fprintf(report, "#   shrunk from %d layers and %d rules to:\n",
	       stack->nr_layers, rules);
	print_stack(small);
	run_stack(small, req, 1, &scratch);
	fprintf(report, "#   which gives: ");
	print_answers(scratch.request[0]);
	fprintf(report, "\n");
}

/*
 * Why native Landlock cannot answer for the current flavour, or NULL when
 * it can: the v4 flavour needs the patched 6.12 kernel, the permission
 * flavour the patched 7.3 one, and no kernel has mixed stacks.
 */
static const char *native_absent(void)
{
	static char why[200];
	int err, abi;

	if (flavour == FLAVOUR_MIXED)
		return "no kernel has both flavours";
	err = flavour == FLAVOUR_V4 ? native_socket_rules() :
				      native_socket_permission();
	if (!err)
		return NULL;
	abi = native_abi();
	if (abi < 0)
		snprintf(why, sizeof(why), "Landlock is off here: %s",
			 strerror(-abi));
	else
		snprintf(why, sizeof(why),
			 "this kernel's Landlock (ABI %d) refuses %s: %s", abi,
			 flavour == FLAVOUR_V4 ? "handled_access_socket" :
			 "handled_permissions' socket permission",
			 err == -E2BIG ? "E2BIG" : strerror(-err));
	return why;
}

/*
 * A binding that stays for the whole run, beside the stacks': llsock
 * attaches its guard programs with the first binding and detaches them
 * after the last, and each stack would otherwise pay both (in QEMU, they
 * made a run about three times as long). 0, or -1 with errno set.
 */
#define ANCHOR_CGROUP	CGROUP_BASE "/anchor"

static int bind_anchor(void)
{
	struct llsock_ruleset_attr attr = {
		.handled_access_socket = LLSOCK_ACCESS_SOCKET_CREATE,
	};
	struct llsock_ruleset *ruleset;
	int ret;

	if (mkdir(ANCHOR_CGROUP, 0755) && errno != EEXIST)
		return -1;
	ret = llsock_create_ruleset(&attr, sizeof(attr), 0, &ruleset);
	if (!ret) {
		ret = llsock_bind_cgroup(ruleset, ANCHOR_CGROUP);
		llsock_ruleset_free(ruleset);
	}
	if (ret) {
		errno = -ret;
		return -1;
	}
	return 0;
}

/* Which oracles answer the requests of this run. */
static const char *oracles_text(void)
{
	static char text[128];

	snprintf(text, sizeof(text), "%s%s%smodel%s",
		 native_present ? "native Landlock, " : "",
		 host_only ? "" : "llsock, ",
		 seccomp_present ? "the seccomp backend, " : "",
		 native_present ? "" : " (native Landlock absent)");
	return text;
}

/*
 * The cases of one flavour, from the seed: its summary, its per-path
 * counts, its mismatches and three TAP lines (numbered from *@test).
 * Returns whether they passed; -1 when the harness itself failed.
 */
static int run_cases(enum flavour f, int *test)
{
	static struct request reqs[MAX_REQUESTS];
	static struct answers ans;
	static struct stack stack;
	long cases = 0, stacks = 0, min_path = LONG_MAX;
	const char *absent, *name = flavour_names[f];
	struct hot hot[NR_HOT];
	size_t report_size = 0;
	char *report_text = NULL, pname[64];
	int i, p, min_p = 0, ok = 1;
	time_t start = time(NULL);

	flavour = f;
	absent = native_absent();
	native_present = !absent;
	memset(paths, 0, sizeof(paths));
	add_rule_calls = create_calls = create_errors = 0;
	mismatches = build_mismatches = 0;
	nr_shrunk = attempts = told = 0;
	report = open_memstream(&report_text, &report_size);
	if (!report) {
		printf("Bail out! open_memstream: %s\n", strerror(errno));
		return -1;
	}
	if (absent)
		printf("# flavour %s: native Landlock is absent (%s)\n", name,
		       absent);
	printf("# flavour %s: %s\n", name, oracles_text());

	/* Each flavour draws the same seed's sequence of its own. */
	rng_state = seed ^ (uint64_t)f * 0x632be59bd9b4e019ULL;
	while (cases < nr_cases) {
		int nr = requests_per_stack;

		if (nr > nr_cases - cases)
			nr = nr_cases - cases;
		for (i = 0; i < NR_HOT; i++)
			random_hot(&hot[i]);
		random_stack(&stack, hot);
		for (i = 0; i < nr; i++)
			random_request(&reqs[i], hot);
		run_stack(&stack, reqs, nr, &ans);
		stacks++;
		if (ans.setup_error[0]) {
			printf("Bail out! flavour %s, stack %ld: %s\n", name,
			       stacks, ans.setup_error);
			return -1;
		}
		compare_build(&stack, &ans);
		/* Counted first: shrinking reuses the model's layers. */
		for (i = 0; i < nr; i++)
			count_request(&stack, &reqs[i], ans.stage[i],
				      ans.plain[i], &ans);
		for (i = 0; i < nr; i++)
			if (!agree_request(&ans, &reqs[i], i))
				report_request_mismatch(&stack, &reqs[i],
							ans.request[i]);
		cases += nr;
	}
	printf("difftest: flavour %s: %ld cases, %ld mismatches (seed %" PRIu64 "), %s\n",
	       name, cases, mismatches, seed, oracles_text());
	printf("# %ld stacks, %ld create_ruleset (%ld refused) and %ld add_rule calls compared, %ld s\n",
	       stacks, create_calls, create_errors, add_rule_calls,
	       (long)(time(NULL) - start));
	printf("# %-44s %10s\n", "path", "cases");
	for (p = 0; p < NR_PATHS; p++) {
		if (!path_applies(p))
			continue;
		path_name(p, pname, sizeof(pname));
		printf("# %-44s %10ld\n", pname, paths[p]);
		if (paths[p] < min_path) {
			min_path = paths[p];
			min_p = p;
		}
	}
	fclose(report);
	fputs(report_text, stdout);
	free(report_text);

	if (mismatches)
		ok = 0;
	printf("%s %d difftest %s seed %" PRIu64 ": %ld cases, %ld mismatches (%s)\n",
	       mismatches > build_mismatches ? "not ok" : "ok", ++*test, name,
	       seed, cases, mismatches - build_mismatches, oracles_text());
	printf("%s %d difftest %s seed %" PRIu64 ": %ld add_rule and %ld create_ruleset calls, %ld mismatches\n",
	       build_mismatches ? "not ok" : "ok", ++*test, name, seed,
	       add_rule_calls, create_calls, build_mismatches);
	/* Every path gets at least 1% of the cases. */
	if (min_path * 100 < cases)
		ok = 0;
	path_name(min_p, pname, sizeof(pname));
	printf("%s %d difftest %s seed %" PRIu64 ": every path has at least 1%% of the cases (fewest: %ld, %s)\n",
	       min_path * 100 >= cases ? "ok" : "not ok", ++*test, name, seed,
	       min_path, pname);
	return ok;
}

int main(int argc, char **argv)
{
	int ret, f, runs = 0, ok = 1, test = 0;

	ret = parse_options(argc, argv);
	if (ret)
		return ret;
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (f = 0; f < NR_FLAVOURS; f++)
		runs += run_flavour[f];
	printf("TAP version 13\n1..%d\n", 3 * runs);
	printf("# difftest: seed %" PRIu64 ", %ld cases per flavour, %d requests per stack%s\n",
	       seed, nr_cases, requests_per_stack,
	       inject ? ", with an injected model fault" : "");
	seccomp_present = !llsock_seccomp_usable();
	if (host_only && !seccomp_present) {
		printf("Bail out! --host needs seccomp filters, which this kernel does not have\n");
		return 1;
	}
	printf("# seccomp backend: %s\n", seccomp_present ? "compared" :
	       "absent: this kernel has no seccomp filters");
	if (!host_only && !llsock_is_loaded()) {
		printf("Bail out! llsock is not loaded: run `llsock load` first\n");
		return 1;
	}
	shared = mmap(NULL, sizeof(*shared), PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (shared == MAP_FAILED) {
		printf("Bail out! mmap: %s\n", strerror(errno));
		return 1;
	}
	plain_ring_ok = !io_uring_queue_init(4, &plain_ring, 0);
	if (!host_only && mkdir(CGROUP_BASE, 0755) && errno != EEXIST) {
		printf("Bail out! mkdir %s: %s\n", CGROUP_BASE, strerror(errno));
		return 1;
	}
	if (!host_only && bind_anchor()) {
		printf("Bail out! cannot bind %s: %s\n", ANCHOR_CGROUP,
		       strerror(errno));
		return 1;
	}
	for (f = 0; f < NR_FLAVOURS; f++) {
		if (!run_flavour[f])
			continue;
		ret = run_cases(f, &test);
		if (ret < 0)
			return 1;
		if (!ret)
			ok = 0;
	}
	if (!host_only) {
		llsock_unbind_cgroup(ANCHOR_CGROUP);
		rmdir(ANCHOR_CGROUP);
		rmdir(CGROUP_BASE);
	}
	return ok ? 0 : 1;
}

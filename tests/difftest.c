// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The differential test (make difftest): random rule stacks and socket
 * requests, each answered by three oracles that must agree errno for errno:
 *
 *   native   Landlock on the patched kernel of kernel/ (a child process
 *            stacks the layers with landlock_restrict_self());
 *   llsock   libllsock and the BPF program (a child process enters the
 *            deepest of a chain of cgroups, one layer bound to each);
 *   model    tests/model.c, SEMANTICS 2 and 3 as written.
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
 * A mismatch is shrunk (layers, then rules, dropped while the three still
 * disagree) and printed as a minimal stack and request. The output is TAP;
 * once every case has run, it prints `difftest: N cases, M mismatches
 * (seed S)`, the number of cases on each path, then the mismatches. Runs
 * as root in the VM, llsock loaded.
 *
 * usage: difftest [--seed S] [--cases N] [--requests R] [--shrink K]
 *                 [--inject FAULT]
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

#include "cgroups.h"
#include "libllsock.h"
#include "llsock.h"
#include "model.h"
#include "native.h"

#define MAX_LAYERS	LLSOCK_MAX_LAYERS
#define MAX_RULES	MODEL_MAX_RULES
#define MAX_REQUESTS	256
#define CGROUP_BASE	"/sys/fs/cgroup/difftest"

/* What a layer is made of, for the three oracles. */
enum layer_kind {
	LAYER_SOCKET,		/* handles LANDLOCK_ACCESS_SOCKET_CREATE */
	LAYER_OTHER,		/* handles only a file system right */
	LAYER_BAD_CREATE,	/* created with unknown socket rights: EINVAL */
};

struct rule_try {
	__u64 allowed;
	__u32 flags;
	int family, type, protocol;
};

struct layer {
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

/* Answers for one stack: per rule attempt, per request. */
struct answers {
	int create[MAX_LAYERS][3];		/* native, llsock, model */
	int add[MAX_LAYERS][MAX_RULES][3];
	int request[MAX_REQUESTS][3];
	enum model_stage stage[MAX_REQUESTS];	/* where the model answered */
	int plain[MAX_REQUESTS];		/* the unrestricted answer */
	bool llsock_skip[MAX_LAYERS];		/* no llsock equivalent */
	char setup_error[256];			/* the harness failed */
};

enum { NATIVE, LLSOCK, MODEL };
static const char *const oracle_names[] = { "native", "llsock", "model" };

/* Options. */
static uint64_t seed;
static long nr_cases = 100000;
static int requests_per_stack = 100;
#define MAX_SHRUNK 100
static int max_shrunk = 10;
enum fault { FAULT_NONE, FAULT_MODEL_TYPE_WILDCARD };
static enum fault inject = FAULT_NONE;

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
};

#define NR_HOT 6

struct hot { int family, type, protocol; };

static void random_hot(struct hot *hot)
{
	int i = below(sizeof(real_sockets) / sizeof(real_sockets[0]));

	hot->family = real_sockets[i].family;
	hot->type = real_sockets[i].type;
	hot->protocol = real_sockets[i].protocol;
}

static void random_rule(struct rule_try *rule, const struct hot *hot)
{
	rule->allowed = NATIVE_ACCESS_SOCKET_CREATE;
	rule->flags = 0;
	if (chance(3))
		rule->allowed = chance(50) ? 0 : (chance(50) ? 2 : 3);
	if (chance(2))
		rule->flags = 1U << below(32);
	if (chance(70)) {
		rule->family = hot[below(NR_HOT)].family;
		rule->type = hot[below(NR_HOT)].type;
		rule->protocol = hot[below(NR_HOT)].protocol;
	} else {
		rule->family = random_family();
		rule->type = random_type();
		rule->protocol = random_protocol();
	}
	/* Wildcards, where they are allowed and where they are not. */
	if (chance(20))
		rule->type = -1;
	if (chance(20))
		rule->protocol = -1;
	if (chance(1))
		rule->family = -1;
}

/* A layer that lets each hot key through with probability 4/5. */
static void random_layer(struct layer *layer, const struct hot *hot)
{
	int i, max = chance(50) ? 8 : MAX_RULES;

	layer->kind = LAYER_SOCKET;
	layer->handled = NATIVE_ACCESS_SOCKET_CREATE;
	if (chance(4)) {
		layer->kind = LAYER_OTHER;
		layer->handled = 0;
	} else if (chance(3)) {
		layer->kind = LAYER_BAD_CREATE;
		layer->handled = chance(50) ? 2 : ~0ULL;
	}
	layer->nr_rules = below(max + 1);
	for (i = 0; i < layer->nr_rules; i++)
		random_rule(&layer->rules[i], hot);
	/*
	 * Dense: many protocols for one (family, type), more than llsock
	 * keeps inline in an entry (LLSOCK_INLINE_PROTOCOLS).
	 */
	if (chance(20)) {
		const struct hot *h = &hot[below(NR_HOT)];
		int type = chance(25) ? -1 : h->type;
		int n = 7 + below(18);

		for (i = 0; i < n && layer->nr_rules < MAX_RULES; i++) {
			struct rule_try *rule =
				&layer->rules[layer->nr_rules++];

			rule->allowed = NATIVE_ACCESS_SOCKET_CREATE;
			rule->flags = 0;
			rule->family = h->family;
			rule->type = type;
			rule->protocol = chance(20) ? h->protocol :
					 random_protocol();
		}
	}
	/* The hot keys, each under one of its four lookup keys. */
	for (i = 0; i < NR_HOT && layer->nr_rules < MAX_RULES; i++) {
		struct rule_try *rule;

		if (!chance(80))
			continue;
		rule = &layer->rules[below(layer->nr_rules + 1)];
		if (rule != &layer->rules[layer->nr_rules])
			layer->rules[layer->nr_rules] = *rule;
		layer->nr_rules++;
		rule->allowed = NATIVE_ACCESS_SOCKET_CREATE;
		rule->flags = 0;
		rule->family = hot[i].family;
		rule->type = chance(25) ? -1 : hot[i].type;
		rule->protocol = chance(25) ? -1 : hot[i].protocol;
	}
}

static void random_stack(struct stack *stack, const struct hot *hot)
{
	int i;

	stack->nr_layers = chance(25) ? 1 + below(3) : 1 + below(MAX_LAYERS);
	for (i = 0; i < stack->nr_layers; i++)
		random_layer(&stack->layers[i], hot);
}

static void random_request(struct request *req, const struct hot *hot)
{
	int r = below(100);

	req->call = r < 70 ? CALL_SOCKET : r < 85 ? CALL_SOCKETPAIR :
		    r < 93 ? CALL_URING : CALL_URING_ASYNC;
	if (chance(55)) {
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

static void run_calls(const struct request *reqs, int n, int *results)
{
	struct io_uring ring;
	bool have_ring = !io_uring_queue_init(4, &ring, 0);
	int i;

	for (i = 0; i < n; i++)
		results[i] = make_call(have_ring ? &ring : NULL, &reqs[i]);
	if (have_ring)
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
	int results[2][MAX_REQUESTS];
	int status[2];
};

static struct shared *shared;

static int native_layer(const struct layer *layer, struct answers *ans,
			int i)
{
	struct native_ruleset_attr attr = {
		.handled_access_socket = layer->handled,
	};
	int fd, r;

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
			native_add_rule(fd, NATIVE_RULE_SOCKET, &a,
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
	struct llsock_ruleset *ruleset = NULL;
	int r, ret;

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

		ans->add[i][r][LLSOCK] = -llsock_add_rule(
			ruleset, LLSOCK_RULE_SOCKET, &a, rule->flags);
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

		/* A file system ruleset: no socket check of section 2. */
		err = layer->kind == LAYER_OTHER ? 0 :
		      -model_create_ruleset(layer->handled);
		ans->create[i][MODEL] = err;
		if (err)
			continue;
		m->handled = layer->handled;
		m->nr_rules = 0;
		for (r = 0; r < layer->nr_rules; r++) {
			const struct rule_try *rule = &layer->rules[r];
			struct model_rule stored;

			err = -model_add_rule(layer->handled, rule->flags,
					      rule, rule->allowed,
					      rule->family, rule->type,
					      rule->protocol, &stored);
			ans->add[i][r][MODEL] = err;
			if (err)
				continue;
			if (inject == FAULT_MODEL_TYPE_WILDCARD &&
			    stored.type == MODEL_ANY)
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
	static struct model_layer mlayers[MAX_LAYERS];
	struct llsock_ruleset *rulesets[MAX_LAYERS] = {};
	int fds[MAX_LAYERS], nr_fds = 0, i;
	char path[PATH_MAX];
	size_t nr_model;
	pid_t pid[2];

	memset(ans, 0, sizeof(*ans));
	nr_model = model_layers(stack, ans, mlayers);

	/* The native stack and the llsock cgroups, layer by layer. */
	remove_cgroup_tree(CGROUP_BASE "/s");
	snprintf(path, sizeof(path), "%s/s", CGROUP_BASE);
	if (mkdir(path, 0755)) {
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
		if (fd < 0)
			continue;
		fds[nr_fds++] = fd;
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
	pid[NATIVE] = fork();
	if (pid[NATIVE] == 0)
		_exit(native_child(fds, nr_fds, reqs, nr));
	pid[LLSOCK] = fork();
	if (pid[LLSOCK] == 0)
		_exit(llsock_child(path, reqs, nr));
	for (i = 0; i < 2; i++) {
		int ret = wait_child(pid[i]);

		if (ret && !ans->setup_error[0])
			snprintf(ans->setup_error, sizeof(ans->setup_error),
				 "%s child: status %d, %s", oracle_names[i],
				 ret, strerror(shared->status[i]));
	}
	for (i = 0; i < nr; i++) {
		ans->request[i][NATIVE] = shared->results[NATIVE][i];
		ans->request[i][LLSOCK] = shared->results[LLSOCK][i];
		ans->request[i][MODEL] = model_socket(
			mlayers, nr_model, reqs[i].family, reqs[i].type,
			reqs[i].protocol, ans->plain[i] = unrestricted(&reqs[i]),
			&ans->stage[i]);
	}
out:
	for (i = 0; i < nr_fds; i++)
		close(fds[i]);
	for (i = 0; i < stack->nr_layers; i++)
		llsock_ruleset_free(rulesets[i]);
	remove_cgroup_tree(CGROUP_BASE "/s");
	llsock_gc();
}

static bool agree(const int *three, bool skip_llsock)
{
	return three[NATIVE] == three[MODEL] &&
	       (skip_llsock || three[LLSOCK] == three[MODEL]);
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

static void print_three(const int *three, bool skip_llsock)
{
	int o;

	for (o = 0; o < 3; o++) {
		if (o == LLSOCK && skip_llsock)
			continue;
		fprintf(report, "%s%s %s", o ? ", " : "", oracle_names[o],
		       errno_name(three[o]));
	}
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

static void print_rule(const struct rule_try *rule)
{
	fprintf(report, "%d.%d.%d", rule->family, rule->type, rule->protocol);
	if (rule->allowed != NATIVE_ACCESS_SOCKET_CREATE)
		fprintf(report, " allowed=%#llx", (unsigned long long)rule->allowed);
	if (rule->flags)
		fprintf(report, " flags=%#x", rule->flags);
}

static void print_stack(const struct stack *stack)
{
	int i, r;

	if (!stack->nr_layers)
		fprintf(report, "#     (no layer)\n");
	for (i = 0; i < stack->nr_layers; i++) {
		const struct layer *layer = &stack->layers[i];

		fprintf(report, "#     layer %d: ", i + 1);
		if (layer->kind == LAYER_OTHER)
			fprintf(report, "[handles a file system right only] ");
		else if (layer->kind == LAYER_BAD_CREATE)
			fprintf(report, "[handled_access_socket=%#llx] ",
			       (unsigned long long)layer->handled);
		if (!layer->nr_rules)
			fprintf(report, "no rule");
		for (r = 0; r < layer->nr_rules; r++) {
			fprintf(report, "%s", r ? ", " : "");
			print_rule(&layer->rules[r]);
		}
		fprintf(report, "\n");
	}
}

/* Shrinking: drop layers, then rules, while the oracles still disagree. */

static struct answers scratch;

static bool still_fails(const struct stack *stack, const struct request *req)
{
	run_stack(stack, req, 1, &scratch);
	return !scratch.setup_error[0] && !agree(scratch.request[0], false);
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
	PATH_MULTI_LAYER, PATH_ADD_RULE_ERRORS, PATH_SOCKETPAIR,
	PATH_URING, PATH_TYPE_FLAGS, PATH_INET_PACKET, PATH_DENSE, NR_PATHS,
};

static const char *const path_names[NR_PATHS] = {
	[PATH_ALLOWED] = "allowed (past the hook)",
	[PATH_DENIED] = "denied (EACCES)",
	[PATH_BEFORE_HOOK] = "refused before the hook",
	[PATH_UNSUPPORTED] = "unsupported family, hook reached",
	[PATH_MULTI_LAYER] = "multi-layer (2+ socket layers)",
	[PATH_ADD_RULE_ERRORS] = "add_rule errors (calls)",
	[PATH_SOCKETPAIR] = "through socketpair(2)",
	[PATH_URING] = "through IORING_OP_SOCKET (+async)",
	[PATH_TYPE_FLAGS] = "type with flags",
	[PATH_INET_PACKET] = "AF_INET + SOCK_PACKET",
	[PATH_DENSE] = "overflowing llsock's inline protocols",
};

static long paths[NR_PATHS];
static long add_rule_calls, create_calls;
/* All of them, and those of create_ruleset() and add_rule() alone. */
static long mismatches, build_mismatches;

/*
 * Whether a layer of @stack has more than LLSOCK_INLINE_PROTOCOLS distinct
 * protocol rules on the (family, type) or (family, any) entry the request
 * looks up: llsock then finds some of them in its overflow map.
 */
static bool dense_entry(const struct stack *stack, const struct answers *ans,
			const struct request *req)
{
	int family = req->family, type = req->type & MODEL_SOCK_TYPE_MASK;
	int i, r, k, w;

	if (family == AF_INET && type == SOCK_PACKET)
		family = AF_PACKET;
	for (i = 0; i < stack->nr_layers; i++) {
		const struct layer *layer = &stack->layers[i];

		if (layer->kind != LAYER_SOCKET || ans->create[i][MODEL])
			continue;
		for (w = 0; w < 2; w++) {
			int seen[MAX_RULES], nr_seen = 0;

			for (r = 0; r < layer->nr_rules; r++) {
				const struct rule_try *rule = &layer->rules[r];
				int rf = rule->family;

				if (ans->add[i][r][MODEL] || rule->protocol < 0)
					continue;
				if (rf == AF_INET && rule->type == SOCK_PACKET)
					rf = AF_PACKET;
				if (rf != family || rule->type != (w ? -1 : type))
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

static void count_request(const struct request *req, enum model_stage stage,
			  int plain, size_t socket_layers, bool dense)
{
	if (dense)
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
}

static void usage(FILE *out)
{
	fprintf(out,
		"usage: difftest [--seed S] [--cases N] [--requests R] [--shrink K]\n"
		"                [--inject FAULT]\n"
		"\n"
		"Random Landlock socket rule stacks and requests, answered by native\n"
		"Landlock, llsock and the model; every errno must agree. A case is\n"
		"one request against one stack; R requests share a stack (default\n"
		"100). Runs as root with llsock loaded, on the patched kernel.\n"
		"\n"
		"  --seed S       the generator's seed (default: from the clock)\n"
		"  --cases N      how many cases (default 100000)\n"
		"  --requests R   requests per stack, 1 to %d\n"
		"  --shrink K     shrink mismatches until K different minimal stacks\n"
		"                 are found (default 10, at most %d)\n"
		"  --inject FAULT break an oracle on purpose, to see the test fail:\n"
		"                 model-type-wildcard (the model drops type -1 rules)\n",
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

static int parse_options(int argc, char **argv)
{
	static const struct option options[] = {
		{ "seed", required_argument, NULL, 's' },
		{ "cases", required_argument, NULL, 'n' },
		{ "requests", required_argument, NULL, 'r' },
		{ "inject", required_argument, NULL, 'i' },
		{ "shrink", required_argument, NULL, 'k' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	struct timespec now;
	bool seeded = false;
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
			if (strcmp(optarg, "model-type-wildcard")) {
				fprintf(stderr, "difftest: unknown fault '%s'\n",
					optarg);
				return 2;
			}
			inject = FAULT_MODEL_TYPE_WILDCARD;
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
		if (!agree(ans->create[i], skip)) {
			mismatches++;
			build_mismatches++;
			fprintf(report, "# mismatch %ld: create_ruleset(handled_access_socket=%#llx): ",
			       mismatches, (unsigned long long)layer->handled);
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
			if (agree(three, skip))
				continue;
			mismatches++;
			build_mismatches++;
			fprintf(report, "# mismatch %ld: add_rule(handled=%#llx, ",
			       mismatches, (unsigned long long)layer->handled);
			print_rule(&layer->rules[r]);
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
static void report_request_mismatch(const struct stack *stack,
				    const struct request *req,
				    const int *three)
{
	static struct stack shrunk[MAX_SHRUNK];
	static long shrunk_from[MAX_SHRUNK];
	static int nr_shrunk, attempts, told;
	struct stack *small;
	int rules = 0, i;

	mismatches++;
	fprintf(report, "# mismatch %ld: ", mismatches);
	print_request(req);
	fprintf(report, ": ");
	print_three(three, false);
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
	print_three(scratch.request[0], false);
	fprintf(report, "\n");
}

int main(int argc, char **argv)
{
	static struct request reqs[MAX_REQUESTS];
	static struct answers ans;
	static struct stack stack;
	long cases = 0, stacks = 0, min_path;
	struct hot hot[NR_HOT];
	int ret, i, p, ok = 1, test = 0;
	size_t report_size = 0;
	char *report_text = NULL;
	time_t start = time(NULL);

	ret = parse_options(argc, argv);
	if (ret)
		return ret;
	setvbuf(stdout, NULL, _IOLBF, 0);
	report = open_memstream(&report_text, &report_size);
	if (!report) {
		printf("Bail out! open_memstream: %s\n", strerror(errno));
		return 1;
	}
	printf("TAP version 13\n1..3\n");
	printf("# difftest: seed %" PRIu64 ", %ld cases, %d requests per stack%s\n",
	       seed, nr_cases, requests_per_stack,
	       inject ? ", with an injected model fault" : "");
	ret = native_socket_rules();
	if (ret && native_abi() < 0) {
		printf("Bail out! native Landlock socket rules need the patched kernel (kernel/); Landlock is off here: %s\n",
		       strerror(-native_abi()));
		return 1;
	}
	if (ret) {
		printf("Bail out! native Landlock socket rules need the patched kernel (kernel/); this one refuses handled_access_socket: %s\n",
		       ret == -E2BIG ? "E2BIG" : strerror(-ret));
		return 1;
	}
	if (!llsock_is_loaded()) {
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
	if (mkdir(CGROUP_BASE, 0755) && errno != EEXIST) {
		printf("Bail out! mkdir %s: %s\n", CGROUP_BASE, strerror(errno));
		return 1;
	}

	rng_state = seed;
	while (cases < nr_cases) {
		int nr = requests_per_stack;
		size_t socket_layers = 0;

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
			printf("Bail out! stack %ld: %s\n", stacks,
			       ans.setup_error);
			return 1;
		}
		compare_build(&stack, &ans);
		for (i = 0; i < stack.nr_layers; i++)
			if (stack.layers[i].kind == LAYER_SOCKET &&
			    !ans.create[i][MODEL])
				socket_layers++;
		for (i = 0; i < nr; i++) {
			count_request(&reqs[i], ans.stage[i], ans.plain[i],
				      socket_layers,
				      dense_entry(&stack, &ans, &reqs[i]));
			if (!agree(ans.request[i], false))
				report_request_mismatch(&stack, &reqs[i],
							ans.request[i]);
		}
		cases += nr;
	}
	printf("difftest: %ld cases, %ld mismatches (seed %" PRIu64 ")\n",
	       cases, mismatches, seed);
	printf("# %ld stacks, %ld create_ruleset and %ld add_rule calls compared, %ld s\n",
	       stacks, create_calls, add_rule_calls,
	       (long)(time(NULL) - start));
	printf("# %-36s %10s\n", "path", "cases");
	min_path = LONG_MAX;
	for (p = 0; p < NR_PATHS; p++) {
		printf("# %-36s %10ld\n", path_names[p], paths[p]);
		if (paths[p] < min_path)
			min_path = paths[p];
	}
	fclose(report);
	fputs(report_text, stdout);
	free(report_text);

	if (mismatches)
		ok = 0;
	printf("%s %d difftest seed %" PRIu64 ": %ld cases, %ld mismatches\n",
	       mismatches > build_mismatches ? "not ok" : "ok", ++test, seed,
	       cases, mismatches - build_mismatches);
	printf("%s %d difftest seed %" PRIu64 ": %ld add_rule and %ld create_ruleset calls, %ld mismatches\n",
	       build_mismatches ? "not ok" : "ok", ++test, seed,
	       add_rule_calls, create_calls, build_mismatches);
	/* Every path gets at least 1% of the cases. */
	if (min_path * 100 < cases)
		ok = 0;
	printf("%s %d difftest seed %" PRIu64 ": every path has at least 1%% of the cases (fewest: %ld)\n",
	       min_path * 100 >= cases ? "ok" : "not ok", ++test, seed,
	       min_path);
	rmdir(CGROUP_BASE);
	return ok ? 0 : 1;
}

// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * bench: what llsock costs the calls it sits on, in guest instructions.
 *
 * Runs as root in a VM under QEMU's `-icount shift=0` (see `make bench`),
 * where one nanosecond of guest time is one guest instruction: a
 * CLOCK_MONOTONIC delta around a call counts the instructions the call
 * made the guest run, kernel included. Each call is timed on its own and
 * the median call of a batch is kept: it repeats to the instruction, while
 * a batch's total moves by several percent with deferred work (RCU
 * callbacks freeing sockets, slab refills) that lands in some batches and
 * not others. The mean call is reported beside it.
 *
 * Everything happens in one boot and one process: measure with no program,
 * load llsock, bind the rulesets, measure every configuration, unload and
 * measure with no program again (the drift check). Each configuration runs
 * in a child process that enters its cgroup: the bench itself stays
 * unrestricted, since a restricted task cannot use bpf(2), and drains the
 * denial events between batches so that every denial writes its event.
 *
 * Then the comparison, in the same boot: the same calls (socket() allowed
 * and denied, socketpair(), open(), fork + wait, getpid()) under an empty
 * BPF LSM program (the mechanism's floor), under native Landlock where the
 * kernel has socket rules (the patched kernels; llsock's grid then uses
 * the same flavour), under a seccomp filter on socket()'s family (what
 * systemd's RestrictAddressFamilies makes), and under llsock, on a grid of
 * 1 and 16 layers of 1, 100 and 10000 rules each; the guest time to apply
 * 10 and 10000 rules, and the map memory per rule (the kernel's memlock).
 * Last, the scale phase (measure_scale()).
 *
 * Prints a table of instructions per call and overhead against no program,
 * the comparison's tables, and the lines
 *   bench: worst unrestricted overhead X%, worst restricted overhead Y%
 *   bench: llsock vs native: worst ratio R at GRID (with native only)
 *   bench: unrestricted socket() P points above the empty program
 * and "plot:" lines for tests/bench-plot.gp.
 * Exit status: 0 measured (whether or not the targets are met), 1 usage
 * error, 2 a setup step or a measurement failed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/seccomp.h>
#include <bpf/bpf.h>
#include <seccomp.h>
#include <sys/personality.h>

#include "libllsock.h"
#include "cgroups.h"
#include "llsock.h"	/* LLSOCK_FILTER_SLOTS */
#include "native.h"
#include "empty.skel.h"

#define CGROUP_ROOT	"/sys/fs/cgroup"
#define BENCH_CGROUP	CGROUP_ROOT "/llsock-bench"
#define OPEN_DIR	"/tmp/llsock-bench"
/*
 * Four components: the walk checks exec permission on the four directories
 * it goes through (/, tmp, llsock-bench, d), then open() calls file_open,
 * which llsock's guard sees.
 */
#define OPEN_PATH	OPEN_DIR "/d/f"
/* A hard link to it, made and removed: inode_link and inode_unlink. */
#define LINK_PATH	OPEN_DIR "/d/g"

/* Targets of the issue, against no program. */
#define TARGET_UNRESTRICTED	2.0
#define TARGET_RESTRICTED	10.0

#define MAX_BATCHES	64
#define SETTLE_US	200000
/*
 * The denial ring buffer (256 KiB) holds about 3,600 events of 72 bytes:
 * a denied batch stays below that, so that every denial in it writes its
 * event instead of counting a lost one.
 */
#define DENIED_BATCH_MAX	2000

/* The calls measured, each checked against what it must return. */
enum call {
	CALL_SOCKET,		/* socket(AF_UNIX, SOCK_DGRAM, 0) + close */
	CALL_SOCKET_DENIED,	/* the same, refused with EACCES */
	CALL_SOCKET_NO_FAMILY,	/* socket(NO_FAMILY, ...): EAFNOSUPPORT */
	CALL_OPEN,		/* open(OPEN_PATH) + close */
	CALL_INET6,		/* socket(AF_INET6, SOCK_DGRAM, 0) + close */
	CALL_SOCKETPAIR,	/* socketpair(AF_UNIX, SOCK_DGRAM, 0) + 2 close */
	CALL_FORK,		/* fork, the child exits, wait */
	CALL_GETPID,		/* getpid(2), what a seccomp filter costs */
	CALL_UNLINK,		/* link(OPEN_PATH, LINK_PATH) + unlink */
};

/*
 * At or above NPROTO: __sock_create() fails right before the
 * socket_create hook, the no-program reference of a denial.
 */
#define NO_FAMILY	255
#define STR_(x)		#x
#define STR(x)		STR_(x)

static const int call_expect[] = {
	[CALL_SOCKET] = 0,
	[CALL_SOCKET_DENIED] = EACCES,
	[CALL_SOCKET_NO_FAMILY] = EAFNOSUPPORT,
	[CALL_OPEN] = 0,
	[CALL_INET6] = 0,
	[CALL_SOCKETPAIR] = 0,
	[CALL_FORK] = 0,
	[CALL_GETPID] = 0,
	[CALL_UNLINK] = 0,
};

/* Calls per batch of a fork row: a fork costs some 40 sockets. */
#define FORK_BATCH_MAX	500

/* What restricts the measuring task. */
enum mech {
	MECH_LLSOCK,		/* llsock, by its cgroup */
	MECH_EMPTY,		/* the empty BPF LSM program (tests/empty.bpf.c) */
	MECH_NATIVE,		/* native Landlock layers, on the task */
	MECH_SECCOMP,		/* a seccomp filter on socket()'s family */
	MECH_LLSOCK_SECCOMP,	/* llsock's seccomp backend, on the task */
};

enum phase {
	PHASE_NO_PROGRAM,	/* before llsock_load() */
	PHASE_EMPTY_PROGRAM,	/* the empty program attached, llsock not */
	PHASE_OTHERS,		/* no program: native Landlock and seccomp */
	PHASE_EMPTY,		/* loaded, nothing bound */
	PHASE_BOUND,		/* every ruleset bound */
};

/* What a row counts in. */
enum role {
	ROLE_UNRESTRICTED,	/* X of the verdict line */
	ROLE_RESTRICTED,	/* Y of the verdict line */
	ROLE_INFO,		/* shown, not judged */
};

/* One measured configuration: a call made by a task in a cgroup. */
struct sample {
	enum call call;
	const char *cgroup;	/* under BENCH_CGROUP */
	enum mech mech;
	int layers, rules;	/* of MECH_NATIVE */
	int expect;		/* errno each call must return */
	/* Guest instructions per call, clock reads taken out. */
	double median;		/* median over batches of the median call */
	double mean;		/* every call, deferred work included */
	double mean_min, mean_max;	/* of the batch means */
	double spread;		/* (max - min) / median of the batch medians, % */
};

struct row {
	int group;		/* index in group_titles */
	enum phase phase;
	enum role role;
	const char *name;
	const char *cgroup;
	enum call call;
	enum call base_call;	/* measured in the same cgroup, no program */
	struct sample result;
	const struct sample *base;
	/* Comparison rows (make_compare_rows()). */
	enum mech mech;
	int layers, rules;
	int expect;
};

static const char *const group_titles[] = {
	"socket(AF_UNIX, SOCK_DGRAM, 0) + close",
	"socket(AF_UNIX, SOCK_DGRAM, 0) denied; no program: socket(" STR(NO_FAMILY)
	", ...) failing right before the hook",
	"open(\"" OPEN_PATH "\", O_RDONLY) + close, which llsock's file_open guard sees",
};

#define LAYERS_16 "layers-16/l1/l2/l3/l4/l5/l6/l7/l8/l9/l10/l11/l12/l13/l14/l15/l16"
#define PERM_16 "perm-16/l1/l2/l3/l4/l5/l6/l7/l8/l9/l10/l11/l12/l13/l14/l15/l16"
#define MIXED_16 "mixed-16/l1/l2/l3/l4/l5/l6/l7/l8/l9/l10/l11/l12/l13/l14/l15/l16"

static struct row rows[] = {
	{ 0, PHASE_EMPTY, ROLE_INFO, "unrestricted, nothing bound anywhere",
	  "free", CALL_SOCKET, CALL_SOCKET },
	{ 0, PHASE_BOUND, ROLE_UNRESTRICTED, "unrestricted, a sibling cgroup bound",
	  "free", CALL_SOCKET, CALL_SOCKET },
	{ 0, PHASE_BOUND, ROLE_RESTRICTED, "1 layer, 1 rule",
	  "rules-1", CALL_SOCKET, CALL_SOCKET },
	{ 0, PHASE_BOUND, ROLE_RESTRICTED, "1 layer, 100 rules",
	  "rules-100", CALL_SOCKET, CALL_SOCKET },
	{ 0, PHASE_BOUND, ROLE_RESTRICTED, "1 layer, 10000 rules",
	  "rules-10000", CALL_SOCKET, CALL_SOCKET },
	{ 0, PHASE_BOUND, ROLE_RESTRICTED, "stack of 1 layer",
	  "layers-1/l1", CALL_SOCKET, CALL_SOCKET },
	{ 0, PHASE_BOUND, ROLE_RESTRICTED, "stack of 4 layers",
	  "layers-4/l1/l2/l3/l4", CALL_SOCKET, CALL_SOCKET },
	{ 0, PHASE_BOUND, ROLE_RESTRICTED, "stack of 16 layers",
	  LAYERS_16, CALL_SOCKET, CALL_SOCKET },
	{ 0, PHASE_BOUND, ROLE_RESTRICTED, "permission: 1 layer, 1 rule",
	  "perm-1", CALL_SOCKET, CALL_SOCKET },
	{ 0, PHASE_BOUND, ROLE_RESTRICTED, "permission: 1 layer, 10000 rules",
	  "perm-10000", CALL_SOCKET, CALL_SOCKET },
	{ 0, PHASE_BOUND, ROLE_RESTRICTED, "permission: stack of 16 layers",
	  PERM_16, CALL_SOCKET, CALL_SOCKET },
	{ 0, PHASE_BOUND, ROLE_RESTRICTED, "16 layers, v4 and permission in turn",
	  MIXED_16, CALL_SOCKET, CALL_SOCKET },
	{ 0, PHASE_BOUND, ROLE_INFO, "1 layer, allowed by unix.*.* only",
	  "wildcard", CALL_SOCKET, CALL_SOCKET },
	{ 0, PHASE_BOUND, ROLE_INFO, "1 layer, task 2 cgroups below it",
	  "below/a/b", CALL_SOCKET, CALL_SOCKET },
	{ 1, PHASE_BOUND, ROLE_INFO, "1 layer: EACCES + ring-buffer event",
	  "denied", CALL_SOCKET_DENIED, CALL_SOCKET_NO_FAMILY },
	{ 2, PHASE_BOUND, ROLE_INFO, "unrestricted, a sibling cgroup bound",
	  "free", CALL_OPEN, CALL_OPEN },
	{ 2, PHASE_BOUND, ROLE_INFO, "1 layer, 1 rule",
	  "rules-1", CALL_OPEN, CALL_OPEN },
};

#define NR_ROWS		(sizeof(rows) / sizeof(rows[0]))
#define NR_GROUPS	(sizeof(group_titles) / sizeof(group_titles[0]))

/*
 * The comparison: llsock, native Landlock (where the kernel has socket
 * rules), a seccomp filter and the empty program, on the same calls; the
 * restricted ones on a grid of layers and rules per layer.
 */
static const int grid_layers[] = { 1, 16 };
static const int grid_rules[] = { 1, 100, 10000 };
#define GRID_LAYERS	(sizeof(grid_layers) / sizeof(grid_layers[0]))
#define GRID_RULES	(sizeof(grid_rules) / sizeof(grid_rules[0]))

static const struct {
	enum call call, base_call;
	bool denied;		/* restricted rows: refused */
	bool grid;		/* the whole grid, or its corners */
	const char *title;
} compare_calls[] = {
	{ CALL_SOCKET, CALL_SOCKET, false, true,
	  "socket(AF_UNIX, SOCK_DGRAM, 0) + close, allowed" },
	{ CALL_INET6, CALL_SOCKET_NO_FAMILY, true, true,
	  "socket(AF_INET6, SOCK_DGRAM, 0) denied; no program: socket(" STR(NO_FAMILY)
	  ", ...) failing right before the hook" },
	{ CALL_SOCKETPAIR, CALL_SOCKETPAIR, false, true,
	  "socketpair(AF_UNIX, SOCK_DGRAM, 0) + 2 close, allowed" },
	{ CALL_OPEN, CALL_OPEN, false, false,
	  "open(\"" OPEN_PATH "\", O_RDONLY) + close" },
	{ CALL_FORK, CALL_FORK, false, false, "fork + wait" },
	{ CALL_GETPID, CALL_GETPID, false, false, "getpid()" },
	{ CALL_UNLINK, CALL_UNLINK, false, false,
	  "link(\"" OPEN_PATH "\", \"" LINK_PATH "\") + unlink" },
};
#define NR_COMPARE_CALLS	(sizeof(compare_calls) / sizeof(compare_calls[0]))
/*
 * Per call: empty, 2 unrestricted, the grid three times (llsock, native,
 * llsock's seccomp backend), seccomp.
 */
#define MAX_COMPARE	(NR_COMPARE_CALLS * (4 + 3 * GRID_LAYERS * GRID_RULES))

static struct row compare[MAX_COMPARE];
static unsigned int nr_compare;
/* The native flavour of this kernel, which the llsock grid uses too. */
static bool have_native;
/* Seccomp filters (CONFIG_SECCOMP_FILTER; the patched kernels lack it). */
static bool have_seccomp;
static enum llsock_flavour grid_flavour = LLSOCK_FLAVOUR_V4;
static char grid_names[GRID_LAYERS * GRID_RULES][64];
static char grid_cgroups[GRID_LAYERS * GRID_RULES][PATH_MAX];

/* The no-program references, one per (call, cgroup). */
static struct sample bases[NR_ROWS + MAX_COMPARE];
static unsigned int nr_bases;
/* Every base, measured again after llsock_unload(). */
#define MAX_DRIFT	(NR_ROWS + MAX_COMPARE)
static struct sample drift[MAX_DRIFT];
static struct sample *drift_base[MAX_DRIFT];
/* Their medians before load (settle_bases() may lower a base after). */
static double drift_before[MAX_DRIFT];
static unsigned int nr_drift;

static unsigned int iterations = 20000;
static unsigned int batches = 5;
static bool no_guard;
/* Bindings the scale phase makes (0: none); see measure_scale(). */
static unsigned int scale_bindings = 10000;
static bool scale_only;

static void usage(FILE *out)
{
	fprintf(out,
"Usage: bench [--iterations N] [--batches N] [--no-guard] [--bindings N]\n"
"             [--scale-only]\n"
"\n"
"Guest instructions per call with and without llsock, then what one more\n"
"binding costs with 10 and with 4,000 cgroups bound, in a VM under\n"
"-icount shift=0 (make bench). Runs as root, with llsock not loaded.\n"
"\n"
"  -n, --iterations N  calls per batch (default 20000; denied: at most %d)\n"
"  -b, --batches N     timed batches per row, after a warm-up (default 5)\n"
"      --no-guard      load llsock without its guard hooks\n"
"      --bindings N    bindings the scale phase makes, with limits for them\n"
"                      at load (default 10000; below 4010: no scale phase)\n"
"      --scale-only    the scale phase only\n"
"  -h, --help          this text\n", DENIED_BATCH_MAX);
}

static int fail(int err, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "bench: cannot ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, ": %s\n", strerror(err < 0 ? -err : err));
	return 2;
}

static void cgroup_path(char *buf, size_t size, const char *cgroup)
{
	snprintf(buf, size, "%s/%s", BENCH_CGROUP, cgroup);
}

/* mkdir -p, under BENCH_CGROUP. */
static int make_cgroup(const char *cgroup)
{
	char path[PATH_MAX], *p;

	cgroup_path(path, sizeof(path), cgroup);
	for (p = path + strlen(BENCH_CGROUP) + 1; (p = strchr(p, '/')); p++) {
		*p = '\0';
		if (mkdir(path, 0755) && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(path, 0755) && errno != EEXIST)
		return -errno;
	return 0;
}

/*
 * A ruleset of @flavour with @rules ("family.type.protocol") and @fillers
 * more rules with distinct keys that no measured call asks for:
 * inet.{stream,dgram,raw,seqpacket}.(1000 + i). 0 or -errno (said).
 */
static int make_flavour_ruleset(enum llsock_flavour flavour,
				const char *const *rules, int fillers,
				struct llsock_ruleset **out)
{
	static const int filler_types[] = {
		SOCK_STREAM, SOCK_DGRAM, SOCK_RAW, SOCK_SEQPACKET,
	};
	struct llsock_ruleset_attr attr = {
		.handled_access_socket = LLSOCK_ACCESS_SOCKET_CREATE,
	};
	struct llsock_permission_ruleset_attr pattr = {
		.handled_permissions = LLSOCK_PERMISSION_SOCKET_CREATE,
	};
	bool permission = flavour == LLSOCK_FLAVOUR_PERMISSION;
	struct llsock_ruleset *ruleset;
	char err[640] = "";
	int ret, i;

	ret = permission ? llsock_create_permission_ruleset(&pattr,
							    sizeof(pattr), 0,
							    &ruleset) :
			   llsock_create_ruleset(&attr, sizeof(attr), 0,
						 &ruleset);
	if (ret)
		return fail(ret, "create a ruleset");
	for (; *rules; rules++) {
		ret = llsock_add_rule_text(ruleset, *rules, err, sizeof(err));
		if (ret) {
			ret = fail(ret, "add rule %s (%s)", *rules, err);
			goto out;
		}
	}
	for (i = 0; i < fillers; i++) {
		struct llsock_socket_attr rule = {
			.allowed_access = LLSOCK_ACCESS_SOCKET_CREATE,
			.family = AF_INET,
			.type = filler_types[i % 4],
			.protocol = 1000 + i,
		};
		struct llsock_permission_socket_attr prule = {
			.permissions = LLSOCK_PERMISSION_SOCKET_CREATE,
			.family = AF_INET,
			.type = filler_types[i % 4],
			.protocol = 1000 + i,
		};

		ret = permission ? llsock_add_rule(ruleset,
						   LLSOCK_RULE_SOCKET_PERMISSION,
						   &prule, 0) :
				   llsock_add_rule(ruleset, LLSOCK_RULE_SOCKET,
						   &rule, 0);
		if (ret) {
			ret = fail(ret, "add filler rule %d", i);
			goto out;
		}
	}
	*out = ruleset;
	return 0;
out:
	llsock_ruleset_free(ruleset);
	return ret;
}

/* Binds to @cgroup a ruleset as make_flavour_ruleset() makes it. */
static int bind_flavour_layer(const char *cgroup, enum llsock_flavour flavour,
			      const char *const *rules, int fillers)
{
	struct llsock_ruleset *ruleset;
	char path[PATH_MAX];
	int ret;

	ret = make_flavour_ruleset(flavour, rules, fillers, &ruleset);
	if (ret)
		return ret;
	cgroup_path(path, sizeof(path), cgroup);
	ret = llsock_bind_cgroup(ruleset, path);
	if (ret)
		ret = fail(ret, "bind a ruleset to %s", path);
	llsock_ruleset_free(ruleset);
	return ret;
}

static int bind_layer(const char *cgroup, const char *const *rules, int fillers)
{
	return bind_flavour_layer(cgroup, LLSOCK_FLAVOUR_V4, rules, fillers);
}

/*
 * Binds a one-rule layer to each of @depth nested cgroups under @top: of
 * the v4 flavour, of the permission one (@permission 1), or of each in
 * turn (@permission 2).
 */
static int bind_flavour_stack_of(const char *top, int depth, int permission,
				 int fillers)
{
	static const char *const allow[] = { "unix.dgram.0", NULL };
	char cgroup[PATH_MAX];
	size_t len;
	int i, ret;

	len = snprintf(cgroup, sizeof(cgroup), "%s", top);
	for (i = 1; i <= depth; i++) {
		len += snprintf(cgroup + len, sizeof(cgroup) - len, "/l%d", i);
		ret = make_cgroup(cgroup);
		if (ret)
			return fail(ret, "create cgroup %s", cgroup);
		ret = bind_flavour_layer(cgroup,
					 permission == 1 ||
					 (permission == 2 && i % 2) ?
					 LLSOCK_FLAVOUR_PERMISSION :
					 LLSOCK_FLAVOUR_V4, allow, fillers);
		if (ret)
			return ret;
	}
	return 0;
}

static int bind_flavour_stack(const char *top, int depth, int permission)
{
	return bind_flavour_stack_of(top, depth, permission, 0);
}

static int bind_stack(const char *top, int depth)
{
	return bind_flavour_stack(top, depth, 0);
}

static int bind_all(void)
{
	static const char *const allow[] = { "unix.dgram.0", NULL };
	/*
	 * A cgroup beside the unrestricted task's, at its level: the program
	 * cannot leave on the level mask alone and has to ask the filter.
	 */
	static const char *const sibling[] = { "inet.stream.tcp", NULL };
	static const char *const wildcard[] = { "unix.*.*", NULL };
	/* unix has rules, not for dgram: one rule lookup, a miss. */
	static const char *const other[] = { "unix.stream.*", NULL };
	int ret;

	if ((ret = bind_layer("sibling", sibling, 0)) ||
	    (ret = bind_layer("rules-1", allow, 0)) ||
	    (ret = bind_layer("rules-100", allow, 99)) ||
	    (ret = bind_layer("rules-10000", allow, 9999)) ||
	    (ret = bind_layer("wildcard", wildcard, 0)) ||
	    (ret = bind_layer("below", allow, 0)) ||
	    (ret = bind_layer("denied", other, 0)) ||
	    (ret = bind_stack("layers-1", 1)) ||
	    (ret = bind_stack("layers-4", 4)) ||
	    (ret = bind_stack("layers-16", 16)) ||
	    (ret = bind_flavour_layer("perm-1", LLSOCK_FLAVOUR_PERMISSION,
				      allow, 0)) ||
	    (ret = bind_flavour_layer("perm-10000", LLSOCK_FLAVOUR_PERMISSION,
				      allow, 9999)) ||
	    (ret = bind_flavour_stack("perm-16", 16, 1)) ||
	    (ret = bind_flavour_stack("mixed-16", 16, 2)))
		return ret;
	return 0;
}

static void add_compare(enum call call, enum call base_call, enum phase phase,
			enum mech mech, const char *name, const char *cgroup,
			int layers, int rules, int expect)
{
	struct row *row = &compare[nr_compare++];

	row->group = call;
	row->phase = phase;
	row->role = ROLE_INFO;
	row->name = name;
	row->cgroup = cgroup;
	row->call = call;
	row->base_call = base_call;
	row->mech = mech;
	row->layers = layers;
	row->rules = rules;
	row->expect = expect;
}

/* Whether the grid point (@l, @r) is measured for @c. */
static bool on_grid(unsigned int c, unsigned int l, unsigned int r)
{
	return compare_calls[c].grid ||
	       (l == 0 && r == 0) ||
	       (l == GRID_LAYERS - 1 && r == GRID_RULES - 1);
}

/*
 * The seccomp backend's points: 16 layers of 10,000 rules are past what a
 * task's filters may hold, so its corners are 1 layer of 1 and of 10,000
 * rules.
 */
static bool on_seccomp_grid(unsigned int c, unsigned int l, unsigned int r)
{
	return (on_grid(c, l, r) || (l == 0 && r == GRID_RULES - 1)) &&
	       (long)grid_layers[l] * grid_rules[r] <= 10000;
}

/*
 * The grid's rows of compare_calls[@c] for @mech, where @measured says:
 * llsock's in the grid's cgroups, the others on the task in the free one.
 */
static void add_grid_rows(unsigned int c, enum phase phase, enum mech mech,
			  char (*names)[64],
			  bool (*measured)(unsigned int c, unsigned int l,
					   unsigned int r))
{
	unsigned int l, r;

	for (l = 0; l < GRID_LAYERS; l++) {
		for (r = 0; r < GRID_RULES; r++) {
			unsigned int g = l * GRID_RULES + r;

			if (!measured(c, l, r))
				continue;
			add_compare(compare_calls[c].call,
				    compare_calls[c].base_call, phase, mech,
				    names[g],
				    mech == MECH_LLSOCK ? grid_cgroups[g] : "free",
				    grid_layers[l], grid_rules[r],
				    compare_calls[c].denied ? EACCES : 0);
		}
	}
}

/* The comparison's rows, for this kernel (native Landlock or not). */
static void make_compare_rows(void)
{
	static char native_names[GRID_LAYERS * GRID_RULES][64];
	static char seccomp_names[GRID_LAYERS * GRID_RULES][64];
	unsigned int c, l, r;

	__u32 errno_action = SECCOMP_RET_ERRNO;

	if (!native_socket_rules()) {
		have_native = true;
	} else if (!native_socket_permission()) {
		have_native = true;
		grid_flavour = LLSOCK_FLAVOUR_PERMISSION;
	}
	have_seccomp = !syscall(SYS_seccomp, SECCOMP_GET_ACTION_AVAIL, 0,
				&errno_action);
	for (l = 0; l < GRID_LAYERS; l++) {
		for (r = 0; r < GRID_RULES; r++) {
			unsigned int g = l * GRID_RULES + r;
			size_t len;
			int i;

			snprintf(grid_names[g], sizeof(grid_names[g]),
				 "llsock: %d layer%s, %d rule%s", grid_layers[l],
				 grid_layers[l] > 1 ? "s" : "", grid_rules[r],
				 grid_rules[r] > 1 ? "s" : "");
			snprintf(native_names[g], sizeof(native_names[g]),
				 "native: %d layer%s, %d rule%s", grid_layers[l],
				 grid_layers[l] > 1 ? "s" : "", grid_rules[r],
				 grid_rules[r] > 1 ? "s" : "");
			snprintf(seccomp_names[g], sizeof(seccomp_names[g]),
				 "llsock seccomp: %d layer%s, %d rule%s",
				 grid_layers[l], grid_layers[l] > 1 ? "s" : "",
				 grid_rules[r], grid_rules[r] > 1 ? "s" : "");
			len = snprintf(grid_cgroups[g], sizeof(grid_cgroups[g]),
				       "grid-%d-%d", grid_layers[l],
				       grid_rules[r]);
			for (i = 1; i <= grid_layers[l]; i++)
				len += snprintf(grid_cgroups[g] + len,
						sizeof(grid_cgroups[g]) - len,
						"/l%d", i);
		}
	}
	for (c = 0; c < NR_COMPARE_CALLS; c++) {
		enum call call = compare_calls[c].call;
		enum call base = compare_calls[c].base_call;
		bool denied = compare_calls[c].denied;

		if (!denied) {
			add_compare(call, base, PHASE_EMPTY_PROGRAM, MECH_EMPTY,
				    "empty BPF LSM program", "free", 0, 0, 0);
			add_compare(call, base, PHASE_EMPTY, MECH_LLSOCK,
				    "llsock unrestricted, nothing bound",
				    "free", 0, 0, 0);
			add_compare(call, base, PHASE_BOUND, MECH_LLSOCK,
				    "llsock unrestricted, a sibling bound",
				    "free", 0, 0, 0);
		}
		add_grid_rows(c, PHASE_BOUND, MECH_LLSOCK, grid_names,
			      on_grid);
		if (have_native)
			add_grid_rows(c, PHASE_OTHERS, MECH_NATIVE,
				      native_names, on_grid);
		if (have_seccomp)
			add_grid_rows(c, PHASE_OTHERS, MECH_LLSOCK_SECCOMP,
				      seccomp_names, on_seccomp_grid);
		if (have_seccomp)
			add_compare(call, base, PHASE_OTHERS, MECH_SECCOMP,
				    "seccomp: RestrictAddressFamilies=AF_UNIX AF_INET",
				    "free", 0, 0, denied ? EAFNOSUPPORT : 0);
	}
}

/* The llsock side of the grid: a stack of layers per point. */
static int bind_grid(void)
{
	unsigned int l, r;
	int ret;

	for (l = 0; l < GRID_LAYERS; l++) {
		for (r = 0; r < GRID_RULES; r++) {
			char top[64];

			snprintf(top, sizeof(top), "grid-%d-%d", grid_layers[l],
				 grid_rules[r]);
			ret = make_cgroup(top);
			if (ret)
				return fail(ret, "create cgroup %s", top);
			ret = bind_flavour_stack_of(top, grid_layers[l],
						    grid_flavour ==
						    LLSOCK_FLAVOUR_PERMISSION,
						    grid_rules[r] - 1);
			if (ret)
				return ret;
		}
	}
	return 0;
}

static int make_all_cgroups(void)
{
	static const char *const plain[] = {
		"free", "sibling", "rules-1", "rules-100", "rules-10000",
		"wildcard", "below/a/b", "denied", "layers-1/l1",
		"layers-4/l1/l2/l3/l4", LAYERS_16, "perm-1", "perm-10000",
		PERM_16, MIXED_16,
	};
	unsigned int i;
	int ret;

	if (mkdir(BENCH_CGROUP, 0755))
		return fail(errno, "create cgroup %s", BENCH_CGROUP);
	for (i = 0; i < sizeof(plain) / sizeof(plain[0]); i++) {
		ret = make_cgroup(plain[i]);
		if (ret)
			return fail(ret, "create cgroup %s", plain[i]);
	}
	for (i = 0; i < GRID_LAYERS * GRID_RULES; i++) {
		ret = make_cgroup(grid_cgroups[i]);
		if (ret)
			return fail(ret, "create cgroup %s", grid_cgroups[i]);
	}
	return 0;
}

/*
 * The filter of the BPF program skips the domain lookup for cgroups whose
 * id (the inode number of a cgroup2 directory) shares no slot with a bound
 * one. A shared slot would make the unrestricted rows pay that lookup, so
 * say so if it happens.
 */
static void check_filter_slots(void)
{
	static const char *const bound[] = {
		"sibling", "rules-1", "rules-100", "rules-10000", "wildcard",
		"below", "denied",
	};
	char path[PATH_MAX];
	struct stat st;
	__u64 free_id;
	unsigned int i;

	cgroup_path(path, sizeof(path), "free");
	if (stat(path, &st))
		return;
	free_id = st.st_ino;
	for (i = 0; i < sizeof(bound) / sizeof(bound[0]); i++) {
		cgroup_path(path, sizeof(path), bound[i]);
		if (!stat(path, &st) &&
		    (st.st_ino % LLSOCK_FILTER_SLOTS) == (free_id % LLSOCK_FILTER_SLOTS))
			printf("note: cgroup free (id %llu) shares a filter slot with %s (id %llu)\n",
			       (unsigned long long)free_id, bound[i],
			       (unsigned long long)st.st_ino);
	}
}

struct batch_result {
	__u64 sum;		/* guest time of all the calls: instructions */
	__u32 median;		/* of the median call */
	__u32 calls;
	__u32 wrong;		/* calls that did not return as expected */
	__s32 first_errno;	/* what the first wrong one returned */
	__u32 clock;		/* cost of one clock read, after the batch */
	__u32 pad;
};

static inline __u64 now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000000000ULL + t.tv_nsec;
}

static inline int do_call(enum call call)
{
	int fd;

	switch (call) {
	case CALL_SOCKET:
	case CALL_SOCKET_DENIED:
		fd = socket(AF_UNIX, SOCK_DGRAM, 0);
		break;
	case CALL_SOCKET_NO_FAMILY:
		fd = socket(NO_FAMILY, SOCK_DGRAM, 0);
		break;
	case CALL_OPEN:
		fd = open(OPEN_PATH, O_RDONLY | O_CLOEXEC);
		break;
	case CALL_INET6:
		fd = socket(AF_INET6, SOCK_DGRAM, 0);
		break;
	case CALL_SOCKETPAIR: {
		int pair[2];

		if (socketpair(AF_UNIX, SOCK_DGRAM, 0, pair))
			return errno;
		close(pair[0]);
		fd = pair[1];
		break;
	}
	case CALL_FORK: {
		pid_t pid = fork();

		if (pid < 0)
			return errno;
		if (!pid)
			_exit(0);
		return waitpid(pid, NULL, 0) == pid ? 0 : errno;
	}
	case CALL_GETPID:
		/* The system call itself: glibc may answer from a cache. */
		syscall(SYS_getpid);
		return 0;
	case CALL_UNLINK:
		if (link(OPEN_PATH, LINK_PATH))
			return errno;
		return unlink(LINK_PATH) ? errno : 0;
	default:
		return EINVAL;
	}
	if (fd < 0)
		return errno;
	close(fd);
	return 0;
}

static int compare_u32(const void *a, const void *b)
{
	__u32 x = *(const __u32 *)a, y = *(const __u32 *)b;

	return x < y ? -1 : x > y;
}

/* Times each call on its own (see the top of the file); keeps the total. */
static void run_batch(enum call call, int expect, __u32 *times,
		      unsigned int n, struct batch_result *res)
{
	unsigned int i;
	__u64 t0, t1;
	int got;

	memset(res, 0, sizeof(*res));
	res->calls = n;
	for (i = 0; i < n; i++) {
		t0 = now();
		got = do_call(call);
		t1 = now();
		times[i] = t1 - t0;
		res->sum += t1 - t0;
		if (got != expect && !res->wrong++)
			res->first_errno = got;
	}
	qsort(times, n, sizeof(*times), compare_u32);
	res->median = times[n / 2];
}

/*
 * The cost of the two clock reads around a call, to take out. A read made
 * in the first tick after a second begins costs 6 instructions more (the
 * vDSO carries the nanoseconds over into the seconds in a loop); 2 of 600
 * runs of this loop fell there, so measure() takes the cheapest of the
 * runs made after each batch, which cannot all fall in one tick.
 */
static __u32 clock_cost(__u32 *times, unsigned int n)
{
	unsigned int i;
	__u64 t0;

	for (i = 0; i < n; i++) {
		t0 = now();
		times[i] = now() - t0;
	}
	qsort(times, n, sizeof(*times), compare_u32);
	return times[n / 2];
}

/* A layer of @rules native rules: unix.dgram.0 and fillers. */
static int native_layer(int rules)
{
	static const int filler_types[] = {
		SOCK_STREAM, SOCK_DGRAM, SOCK_RAW, SOCK_SEQPACKET,
	};
	bool permission = grid_flavour == LLSOCK_FLAVOUR_PERMISSION;
	struct native_ruleset_attr attr = {
		.handled_access_socket = NATIVE_ACCESS_SOCKET_CREATE,
	};
	struct native_permission_ruleset_attr pattr = {
		.handled_permissions = NATIVE_PERMISSION_SOCKET_CREATE,
	};
	int fd, i;

	fd = permission ? native_create_permission_ruleset(&pattr,
							   sizeof(pattr), 0) :
			  native_create_ruleset(&attr, sizeof(attr), 0);
	if (fd < 0) {
		fprintf(stderr, "bench: cannot create a native ruleset: %s\n",
			strerror(errno));
		return -1;
	}
	for (i = 0; i < rules; i++) {
		int family = i ? AF_INET : AF_UNIX;
		int type = i ? filler_types[(i - 1) % 4] : SOCK_DGRAM;
		int protocol = i ? 1000 + i - 1 : 0;
		struct native_socket_attr rule = {
			.allowed_access = NATIVE_ACCESS_SOCKET_CREATE,
			.family = family, .type = type, .protocol = protocol,
		};
		struct native_permission_socket_attr prule = {
			.permissions = NATIVE_PERMISSION_SOCKET_CREATE,
			.family = family, .type = type, .protocol = protocol,
		};

		if (permission ?
		    native_add_rule(fd, NATIVE_RULE_SOCKET_PERMISSION, &prule, 0) :
		    native_add_rule(fd, NATIVE_RULE_SOCKET, &rule, 0)) {
			fprintf(stderr, "bench: cannot add native rule %d.%d.%d: %s\n",
				family, type, protocol, strerror(errno));
			close(fd);
			return -1;
		}
	}
	return fd;
}

/*
 * What systemd's RestrictAddressFamilies=AF_UNIX AF_INET makes: socket()
 * of any other family fails with EAFNOSUPPORT (built with libseccomp).
 */
static int seccomp_families(void)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
	int ret;

	if (!ctx)
		return -ENOMEM;
	ret = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EAFNOSUPPORT),
			       SCMP_SYS(socket), 1,
			       SCMP_A0(SCMP_CMP_LT, AF_UNIX));
	if (!ret)
		ret = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EAFNOSUPPORT),
				       SCMP_SYS(socket), 1,
				       SCMP_A0(SCMP_CMP_GT, AF_INET));
	if (!ret)
		ret = seccomp_load(ctx);
	seccomp_release(ctx);
	return ret;
}

/* Restricts the measuring task as @sample says (llsock: its cgroup). */
static int restrict_task(const struct sample *sample)
{
	int fds[16] = { 0 }, i, ret = 0;

	switch (sample->mech) {
	case MECH_NATIVE:
		if (sample->layers > 16)
			return -1;
		for (i = 0; i < sample->layers; i++) {
			fds[i] = native_layer(sample->rules);
			if (fds[i] < 0) {
				ret = -1;
				break;
			}
		}
		if (!ret)
			ret = native_enter(fds, sample->layers);
		if (ret > 0 || ret < -1)
			fprintf(stderr, "bench: cannot enter %d native layers: %s\n",
				sample->layers, strerror(-ret));
		while (i--)
			close(fds[i]);
		return ret;
	case MECH_SECCOMP:
		ret = seccomp_families();
		if (ret)
			fprintf(stderr, "bench: cannot load the seccomp filter: %s\n",
				strerror(-ret));
		return ret;
	case MECH_LLSOCK_SECCOMP:
		/* The grid's layers, as llsock run's seccomp backend. */
		for (i = 0; i < sample->layers && !ret; i++) {
			static const char *const allow[] = { "unix.dgram.0",
							      NULL };
			struct llsock_ruleset *ruleset;

			ret = make_flavour_ruleset(grid_flavour, allow,
						   sample->rules - 1, &ruleset);
			if (ret)
				break;
			ret = llsock_seccomp_restrict_self(ruleset, 0);
			llsock_ruleset_free(ruleset);
			if (ret)
				fprintf(stderr, "bench: cannot install %d seccomp layers of %d rules: %s\n",
					sample->layers, sample->rules,
					strerror(-ret));
		}
		return ret;
	default:
		return 0;
	}
}

/*
 * The child side of one sample: enter the cgroup, warm up, then one timed
 * batch each time the parent says go.
 */
static void __attribute__((noreturn)) child_main(const struct sample *sample, unsigned int n,
		       int to_parent, int from_parent)
{
	char path[PATH_MAX];
	struct batch_result res;
	unsigned int b;
	__u32 *times;
	char go;

	times = calloc(n, sizeof(*times));
	if (!times)
		_exit(4);
	cgroup_path(path, sizeof(path), sample->cgroup);
	if (enter_cgroup(path))
		_exit(3);

	if (restrict_task(sample))
		_exit(5);
	/* Warm-up: page faults, caches, slabs; checked, not kept. */
	run_batch(sample->call, sample->expect, times, n, &res);
	res.clock = clock_cost(times, n);
	if (write(to_parent, &res, sizeof(res)) != sizeof(res))
		_exit(4);
	for (b = 0; b < batches; b++) {
		/* End of file: the parent gave up, and says why. */
		if (read(from_parent, &go, 1) != 1)
			_exit(0);
		run_batch(sample->call, sample->expect, times, n, &res);
		res.clock = clock_cost(times, n);
		if (write(to_parent, &res, sizeof(res)) != sizeof(res))
			_exit(4);
	}
	_exit(0);
}

static int count_event(const struct llsock_event *denial, void *ctx)
{
	(*(unsigned long *)ctx)++;
	return 0;
}

/* Reads every pending denial event; returns how many, or -errno. */
static long drain_events(void)
{
	unsigned long count = 0;
	int ret;

	ret = llsock_monitor(count_event, &count, 0, NULL);
	return ret ? ret : (long)count;
}

static int compare_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/*
 * The measuring child runs the bench again (execve), so that every row is
 * measured in a fresh address space: a fork row copies the address space
 * on each call, and the bench's, grown by the binding steps, made fork +
 * wait cost +263,713 instructions more with a sibling bound than with
 * nothing bound. Its pipes and what it measures go on the command line.
 */
static void __attribute__((noreturn))
exec_child(const struct sample *sample, unsigned int n, int to_parent,
	   int from_parent)
{
	char args[PATH_MAX + 128];

	if (fcntl(to_parent, F_SETFD, 0) || fcntl(from_parent, F_SETFD, 0))
		_exit(7);
	snprintf(args, sizeof(args), "%d %d %d %d %d %d %d %u %u %d %s",
		 to_parent, from_parent, sample->call, sample->mech,
		 sample->layers, sample->rules, sample->expect, n, batches,
		 grid_flavour, sample->cgroup);
	/*
	 * The same address-space layout in every child: with it randomised,
	 * fork + wait (which copies the page tables) moved by 2% from row
	 * to row, whatever was attached.
	 */
	if (personality(ADDR_NO_RANDOMIZE) < 0)
		_exit(7);
	execl("/proc/self/exe", "bench", "--measure-child", args, NULL);
	_exit(7);
}

/* The exec'd child: measures what exec_child() says. */
static int measure_child(const char *args)
{
	static char cgroup[PATH_MAX];
	struct sample sample = {};
	int to_parent, from_parent, call, mech, flavour;
	unsigned int n;

	if (sscanf(args, "%d %d %d %d %d %d %d %u %u %d %4095s", &to_parent,
		   &from_parent, &call, &mech, &sample.layers, &sample.rules,
		   &sample.expect, &n, &batches, &flavour, cgroup) != 11 ||
	    !n || batches > MAX_BATCHES)
		return 7;
	sample.call = call;
	sample.mech = mech;
	sample.cgroup = cgroup;
	grid_flavour = flavour;
	child_main(&sample, n, to_parent, from_parent);
}

/* Fills @sample in; returns 0, or 2 after saying what failed. */
static int measure(struct sample *sample, bool loaded)
{
	int to_parent[2], from_parent[2], status, expect;
	double medians[MAX_BATCHES], means[MAX_BATCHES], clock = 0, sum = 0;
	unsigned int n = iterations, b, calls = 0;
	struct batch_result res;
	bool ok = false;
	long events;
	pid_t pid;

	/*
	 * Let the deferred work of the previous step (RCU callbacks, freeing
	 * after a load or a bind, the previous child's exit) run now rather
	 * than in the warm-up.
	 */
	usleep(SETTLE_US);
	expect = sample->expect;
	if (expect && n > DENIED_BATCH_MAX)
		n = DENIED_BATCH_MAX;
	if (sample->call == CALL_FORK && n > FORK_BATCH_MAX)
		n = FORK_BATCH_MAX;
	if (pipe2(to_parent, O_CLOEXEC) || pipe2(from_parent, O_CLOEXEC))
		return fail(errno, "create pipes");
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return fail(errno, "fork");
	if (pid == 0) {
		close(to_parent[0]);
		close(from_parent[1]);
		exec_child(sample, n, to_parent[1], from_parent[0]);
	}
	close(to_parent[1]);
	close(from_parent[0]);

	/* The warm-up's result, then one per batch. */
	for (b = 0; b <= batches; b++) {
		if (read(to_parent[0], &res, sizeof(res)) != sizeof(res))
			break;
		if (res.wrong) {
			fprintf(stderr,
				"bench: in %s: %u of %u calls returned %s, expected %s\n",
				sample->cgroup, res.wrong, res.calls,
				res.first_errno ? strerror(res.first_errno) : "success",
				expect ? strerror(expect) : "success");
			break;
		}
		if (b == 0 || res.clock < clock)
			clock = res.clock;
		if (b > 0) {
			medians[b - 1] = res.median;
			means[b - 1] = (double)res.sum / res.calls;
			sum += res.sum;
			calls += res.calls;
		}
		/* Every denial must have written its event. */
		events = loaded ? drain_events() : 0;
		if (events < 0) {
			fail(events, "read the denial events");
			break;
		}
		if (loaded && expect == EACCES && sample->mech == MECH_LLSOCK &&
		    (unsigned long)events != res.calls) {
			fprintf(stderr, "bench: in %s: %ld denial events for %u denials\n",
				sample->cgroup, events, res.calls);
			break;
		}
		if (b == batches)
			ok = true;
		else if (write(from_parent[1], "g", 1) != 1)
			break;
	}
	close(to_parent[0]);
	close(from_parent[1]);
	if (waitpid(pid, &status, 0) != pid)
		return fail(errno, "wait for the child measuring in %s",
			    sample->cgroup);
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		fprintf(stderr, "bench: in %s: the measuring child failed (status %#x%s)\n",
			sample->cgroup, status,
			WIFEXITED(status) && WEXITSTATUS(status) == 3 ?
			", could not enter its cgroup" :
			WIFEXITED(status) && WEXITSTATUS(status) == 5 ?
			", could not restrict itself" :
			WIFEXITED(status) && WEXITSTATUS(status) == 7 ?
			", could not run the bench again" : "");
		return 2;
	}
	if (!ok)
		return 2;

	/* The clock reads out, now that the cheapest is known. */
	for (b = 0; b < batches; b++) {
		medians[b] -= clock;
		means[b] -= clock;
		if (!b || means[b] < sample->mean_min)
			sample->mean_min = means[b];
		if (!b || means[b] > sample->mean_max)
			sample->mean_max = means[b];
	}
	qsort(medians, batches, sizeof(medians[0]), compare_double);
	sample->median = batches % 2 ? medians[batches / 2] :
			 (medians[batches / 2 - 1] + medians[batches / 2]) / 2;
	sample->spread = (medians[batches - 1] - medians[0]) /
			 sample->median * 100;
	sample->mean = sum / calls - clock;
	return 0;
}

/* The no-program sample of (@call, @cgroup), measured once. */
static int measure_base(struct row *row)
{
	struct sample *base;
	unsigned int i;
	int ret;

	for (i = 0; i < nr_bases; i++) {
		if (bases[i].call == row->base_call &&
		    !strcmp(bases[i].cgroup, row->cgroup)) {
			row->base = &bases[i];
			return 0;
		}
	}
	base = &bases[nr_bases];
	base->call = row->base_call;
	base->cgroup = row->cgroup;
	base->expect = call_expect[row->base_call];
	ret = measure(base, false);
	if (ret)
		return ret;
	nr_bases++;
	row->base = base;
	return 0;
}

static int measure_phase(enum phase phase)
{
	unsigned int i;
	int ret;

	for (i = 0; i < NR_ROWS + nr_compare; i++) {
		struct row *row = i < NR_ROWS ? &rows[i] : &compare[i - NR_ROWS];

		if (phase == PHASE_NO_PROGRAM) {
			ret = measure_base(row);
		} else if (row->phase == phase) {
			row->result.call = row->call;
			row->result.cgroup = row->cgroup;
			row->result.mech = row->mech;
			row->result.layers = row->layers;
			row->result.rules = row->rules;
			row->result.expect = i < NR_ROWS ?
					     call_expect[row->call] : row->expect;
			ret = measure(&row->result, phase == PHASE_EMPTY ||
							phase == PHASE_BOUND);
		} else {
			ret = 0;
		}
		if (ret)
			return ret;
	}
	return 0;
}

/* The comparison's title of @call, or the old table's. */
static const char *call_title(enum call call)
{
	unsigned int c;

	for (c = 0; c < NR_COMPARE_CALLS; c++)
		if (compare_calls[c].call == call)
			return compare_calls[c].title;
	return call == CALL_SOCKET_NO_FAMILY ?
		       "socket(" STR(NO_FAMILY) ", ...), no such family" :
		       "socket(AF_UNIX, SOCK_DGRAM, 0) + close";
}

static double percent(double value, double base)
{
	return (value - base) / base * 100;
}

/*
 * The mean call of socket() + close with no program, over every cgroup:
 * it includes the deferred work (RCU callbacks freeing the socket, slab
 * refills) that the median call leaves out, but moves by several percent
 * from batch to batch.
 */
static void print_mean(double x_added, double y_added)
{
	double sum = 0, lo = 0, hi = 0, mean;
	unsigned int i, n = 0;

	for (i = 0; i < nr_bases; i++) {
		if (bases[i].call != CALL_SOCKET)
			continue;
		sum += bases[i].mean;
		if (!n || bases[i].mean_min < lo)
			lo = bases[i].mean_min;
		if (!n || bases[i].mean_max > hi)
			hi = bases[i].mean_max;
		n++;
	}
	if (!n)
		return;
	mean = sum / n;
	printf("mean socket() + close with no program, deferred work included: %.0f "
	       "(batches %.0f to %.0f);\n"
	       "against it, the worst unrestricted overhead is %.1f%%, the worst restricted %.1f%%\n",
	       mean, lo, hi, x_added / mean * 100, y_added / mean * 100);
}

/*
 * The drift of each call's base in the free cgroup, then the range of the
 * others' (the cgroups of the table and the grid).
 */
static void print_drift(void)
{
	double d, lo = 0, hi = 0;
	unsigned int i, others = 0;

	for (i = 0; i < nr_drift; i++) {
		d = percent(drift[i].median, drift_before[i]);
		if (!strcmp(drift[i].cgroup, "free")) {
			printf("drift: %s with no program, after unload against before load: %+.2f%%\n",
			       call_title(drift[i].call), d);
			continue;
		}
		if (!others++ || d < lo)
			lo = d;
		if (others == 1 || d > hi)
			hi = d;
	}
	if (others)
		printf("drift: the %u bases of the other cgroups, after unload against before load: %+.2f%% to %+.2f%%\n",
		       others, lo, hi);
}

static void print_table(void)
{
	static const char *const roles[] = {
		[ROLE_UNRESTRICTED] = "X", [ROLE_RESTRICTED] = "Y",
		[ROLE_INFO] = "",
	};
	double x = 0, y = 0, x_added = 0, y_added = 0, o, added;
	unsigned int i, g;

	printf("\nguest instructions per call: median over %u batches of %u calls (denied: %u), after\n"
	       "a warm-up, of the median call of each batch, clock reads taken out; no program: the\n"
	       "same call in the same cgroup before llsock is loaded or after it is unloaded, the\n"
	       "cheaper; spread: of the batch medians\n",
	       batches, iterations,
	       iterations < DENIED_BATCH_MAX ? iterations : DENIED_BATCH_MAX);
	for (g = 0; g < NR_GROUPS; g++) {
		printf("\n%s\n", group_titles[g]);
		printf("  %-40s %10s %7s %6s %9s %6s  %s\n", "", "no program",
		       "llsock", "added", "overhead", "spread", "counts in");
		for (i = 0; i < NR_ROWS; i++) {
			const struct row *row = &rows[i];
			double spread = row->result.spread;

			if (row->group != (int)g)
				continue;
			if (row->base->spread > spread)
				spread = row->base->spread;
			added = row->result.median - row->base->median;
			o = percent(row->result.median, row->base->median);
			printf("  %-40s %10.0f %7.0f %+6.0f %+8.2f%% %5.2f%%  %s\n",
			       row->name, row->base->median, row->result.median,
			       added, o, spread, roles[row->role]);
			if (row->role == ROLE_UNRESTRICTED && o > x) {
				x = o;
				x_added = added;
			}
			if (row->role == ROLE_RESTRICTED && o > y) {
				y = o;
				y_added = added;
			}
		}
	}
	printf("\n");
	print_drift();
	print_mean(x_added, y_added);
	printf("targets: unrestricted <= %.0f%%: %s; restricted <= %.0f%%: %s%s\n",
	       TARGET_UNRESTRICTED, x <= TARGET_UNRESTRICTED ? "met" : "MISSED",
	       TARGET_RESTRICTED, y <= TARGET_RESTRICTED ? "met" : "MISSED",
	       no_guard ? " (loaded with --no-guard)" : "");
	printf("bench: worst unrestricted overhead %.1f%%, worst restricted overhead %.1f%%\n",
	       x, y);
}

static const struct row *find_compare(enum call call, enum mech mech,
				      int layers, int rules)
{
	unsigned int i;

	for (i = 0; i < nr_compare; i++)
		if (compare[i].call == call && compare[i].mech == mech &&
		    compare[i].layers == layers && compare[i].rules == rules)
			return &compare[i];
	return NULL;
}

static double at_least(double x, double min)
{
	return x < min ? min : x;
}

static double row_overhead(const struct row *row)
{
	return percent(row->result.median, row->base->median);
}

/*
 * llsock's guard programs attached (links to programs named llsock_*, the
 * socket hook's aside), counted while llsock is loaded with nothing bound.
 */
static int unbound_guards = -1;

static int count_guards_attached(void)
{
	struct bpf_prog_info prog;
	struct bpf_link_info link;
	__u32 id = 0, len;
	int fd, prog_fd, n = 0;

	while (!bpf_link_get_next_id(id, &id)) {
		fd = bpf_link_get_fd_by_id(id);
		if (fd < 0)
			continue;
		memset(&link, 0, sizeof(link));
		len = sizeof(link);
		prog_fd = bpf_obj_get_info_by_fd(fd, &link, &len) ? -1 :
			  bpf_prog_get_fd_by_id(link.prog_id);
		close(fd);
		if (prog_fd < 0)
			continue;
		memset(&prog, 0, sizeof(prog));
		len = sizeof(prog);
		if (!bpf_obj_get_info_by_fd(prog_fd, &prog, &len) &&
		    !strncmp(prog.name, "llsock_", 7) &&
		    strncmp(prog.name, "llsock_socket", 13))
			n++;
		close(prog_fd);
	}
	return n;
}

/*
 * Where drift[] holds the no-program sample of @call in the free cgroup
 * after unload (drift_before[] the one before load), or -1.
 */
static int drift_of(enum call call)
{
	unsigned int i;

	for (i = 0; i < nr_drift; i++)
		if (drift[i].call == call && !strcmp(drift[i].cgroup, "free"))
			return i;
	return -1;
}

/*
 * The calls that only guards see, with llsock loaded and nothing bound,
 * against no program: measured before load and again after unload, the
 * range those two span (widened by the spreads) is what the state of the
 * machine moves a call by, whatever is attached.
 */
static void print_unbound(void)
{
	static const enum call calls[] = { CALL_OPEN, CALL_UNLINK, CALL_FORK };
	char summary[256] = "";
	size_t len = 0;
	bool met = unbound_guards == 0;
	unsigned int c;

	printf("\nllsock loaded, nothing bound: %d guard programs attached; the calls only guards see\n",
	       unbound_guards);
	for (c = 0; c < sizeof(calls) / sizeof(calls[0]); c++) {
		const struct row *row = find_compare(calls[c], MECH_LLSOCK, 0, 0);
		int d = drift_of(calls[c]);
		double before, after, lo, hi, tol, value;
		bool within;

		if (!row || row->phase != PHASE_EMPTY || d < 0)
			continue;
		/* The base itself is already the cheaper of the two. */
		before = drift_before[d];
		after = drift[d].median;
		value = row->result.median;
		lo = before < after ? before : after;
		hi = before + after - lo;
		tol = (row->result.spread + row->base->spread) / 100;
		within = value >= lo * (1 - tol) && value <= hi * (1 + tol);
		met = met && within;
		printf("  %-50s %10.0f %+7.0f %+7.2f%%; no program %.0f before load, %.0f after unload: %s\n",
		       call_title(calls[c]), value, value - row->base->median,
		       row_overhead(row), before, after,
		       within ? "within" : "OUTSIDE");
		len += snprintf(summary + len, sizeof(summary) - len, "%s%s %+.2f%%",
				len ? ", " : "",
				calls[c] == CALL_OPEN ? "open" :
				calls[c] == CALL_UNLINK ? "link + unlink" :
				"fork + wait", row_overhead(row));
	}
	printf("targets: nothing bound, no cost on open, unlink and fork: %s\n",
	       met ? "met" : "MISSED");
	printf("bench: nothing bound: %d guard programs attached; %s against no program\n",
	       unbound_guards, summary);
}

/*
 * The seccomp backend beside the BPF one, 1 layer of 10000 rules (and 1
 * rule): socket() allowed and getpid(), which every filter pays.
 */
static void print_seccomp_backend(void)
{
	static const enum call calls[] = { CALL_SOCKET, CALL_GETPID };
	unsigned int c;

	if (!have_seccomp)
		return;
	printf("bench: seccomp backend, 1 layer of 1 / 10000 rules:");
	for (c = 0; c < sizeof(calls) / sizeof(calls[0]); c++) {
		const struct row *one = find_compare(calls[c],
						     MECH_LLSOCK_SECCOMP, 1, 1);
		const struct row *big = find_compare(calls[c],
						     MECH_LLSOCK_SECCOMP, 1,
						     10000);
		const struct row *bpf = find_compare(calls[c], MECH_LLSOCK,
						     1, 10000);

		if (!one || !big)
			continue;
		printf("%s %s %+.1f%% / %+.1f%%", c ? ";" : "",
		       calls[c] == CALL_SOCKET ? "socket()" : "getpid()",
		       row_overhead(one), row_overhead(big));
		if (bpf)
			printf(" (BPF backend %+.1f%%)", row_overhead(bpf));
	}
	printf("\n");
}

/* What applying a policy costs, and the map memory per rule. */
static double apply_llsock[2], apply_native[2], bytes_per_rule;
static const int apply_rules[2] = { 10, 10000 };

static void print_compare(void)
{
	const struct row *empty, *free_row, *worst_row = NULL;
	double worst = 0, gap;
	unsigned int c, i, l, r;

	printf("\nllsock, native Landlock (%s) and a seccomp filter (%s) on the same\n"
	       "calls; grid: layers x rules per layer, the %s flavour; guest instructions per call\n",
	       have_native ? (grid_flavour == LLSOCK_FLAVOUR_PERMISSION ?
			      "the permission flavour" : "v4") :
			     "absent: this kernel has no Landlock socket rules",
	       have_seccomp ? "RestrictAddressFamilies-style" :
			      "absent: this kernel has no seccomp filters",
	       grid_flavour == LLSOCK_FLAVOUR_PERMISSION ? "permission" : "v4");
	for (c = 0; c < NR_COMPARE_CALLS; c++) {
		printf("\n%s\n", compare_calls[c].title);
		printf("  %-50s %10s %7s %7s %9s %6s\n", "", "no program",
		       "with", "added", "overhead", "spread");
		for (i = 0; i < nr_compare; i++) {
			const struct row *row = &compare[i];
			double spread = row->result.spread;

			if (row->call != compare_calls[c].call)
				continue;
			if (row->base->spread > spread)
				spread = row->base->spread;
			printf("  %-50s %10.0f %7.0f %+7.0f %+8.2f%% %5.2f%%\n",
			       row->name, row->base->median,
			       row->result.median,
			       row->result.median - row->base->median,
			       row_overhead(row), spread);
		}
	}
	printf("\napplying a policy of N rules to a fresh cgroup (llsock) or to the\n"
	       "calling task (native: create, add the rules, restrict), guest instructions:\n");
	for (i = 0; i < 2; i++) {
		printf("  %5d rules: llsock %10.0f", apply_rules[i], apply_llsock[i]);
		if (have_native)
			printf(", native %10.0f", apply_native[i]);
		printf("\n");
	}
	printf("llsock map memory per rule (the kernel's accounting, memlock, of a\n"
	       "10000-rule layer bound): %.1f bytes\n", bytes_per_rule);

	/* Plot data: overhead of socket() + close against rules and layers. */
	for (i = 0; i < nr_compare; i++) {
		const struct row *row = &compare[i];

		if (row->call == CALL_SOCKET && row->layers &&
		    (row->mech == MECH_LLSOCK || row->mech == MECH_NATIVE))
			printf("plot: %s %d %d %.3f\n",
			       row->mech == MECH_LLSOCK ? "llsock" : "native",
			       row->layers, row->rules, row_overhead(row));
	}

	for (c = 0; have_native && c < NR_COMPARE_CALLS; c++) {
		const struct row *call_worst_row = NULL;
		double call_worst = 0;

		for (l = 0; l < GRID_LAYERS; l++) {
			for (r = 0; r < GRID_RULES; r++) {
				const struct row *mine, *theirs;
				double ratio;

				if (!on_grid(c, l, r))
					continue;
				mine = find_compare(compare_calls[c].call,
						    MECH_LLSOCK, grid_layers[l],
						    grid_rules[r]);
				theirs = find_compare(compare_calls[c].call,
						      MECH_NATIVE,
						      grid_layers[l],
						      grid_rules[r]);
				if (!mine || !theirs)
					continue;
				/*
				 * Added instructions, llsock's over native's;
				 * nothing added by either (getpid()) is 0.
				 */
				ratio = at_least(mine->result.median -
						 mine->base->median, 0) /
					at_least(theirs->result.median -
						 theirs->base->median, 1);
				if (!call_worst_row || ratio > call_worst) {
					call_worst = ratio;
					call_worst_row = mine;
				}
			}
		}
		if (!call_worst_row)
			continue;
		printf("llsock vs native, %s: worst ratio %.2f at %s\n",
		       compare_calls[c].title, call_worst,
		       call_worst_row->name + strlen("llsock: "));
		/*
		 * The summary is over the grid's calls: fork + wait moves by
		 * a few percent with the state of memory, whatever is
		 * attached, and open() and getpid() have no socket rule.
		 */
		if (compare_calls[c].grid &&
		    (!worst_row || call_worst > worst)) {
			worst = call_worst;
			worst_row = call_worst_row;
		}
	}
	empty = find_compare(CALL_SOCKET, MECH_EMPTY, 0, 0);
	free_row = NULL;
	for (i = 0; i < nr_compare; i++)
		if (compare[i].call == CALL_SOCKET &&
		    compare[i].mech == MECH_LLSOCK && !compare[i].layers &&
		    (!free_row || row_overhead(&compare[i]) > row_overhead(free_row)))
			free_row = &compare[i];
	gap = empty && free_row ? row_overhead(free_row) - row_overhead(empty) : 0;
	printf("\ntargets: llsock restricted at or below native at every point: %s; "
	       "unrestricted socket() within 0.5 points of the empty program: %s (%.2f);\n"
	       "10000 rules applied in at most 50 ms: %s (%.1f ms); at most 64 bytes per rule: %s (%.1f)\n",
	       !have_native ? "not measured (no native)" :
	       worst <= 1 ? "met" : "MISSED",
	       gap <= 0.5 ? "met" : "MISSED", gap,
	       apply_llsock[1] <= 50e6 ? "met" : "MISSED", apply_llsock[1] / 1e6,
	       bytes_per_rule <= 64 ? "met" : "MISSED", bytes_per_rule);
	if (have_native && worst_row)
		printf("bench: llsock vs native: worst ratio %.2f at %s (%s)\n",
		       worst, worst_row->name + strlen("llsock: "),
		       call_title(worst_row->call));
	printf("bench: unrestricted socket() %.2f points above the empty program\n",
	       gap);
	print_seccomp_backend();
}

/* The kernel's accounting of the map pinned as @name: memlock, bytes. */
static long long map_memlock(const char *name)
{
	char path[PATH_MAX], line[256];
	long long bytes = -1;
	FILE *f;
	int fd;

	snprintf(path, sizeof(path), LLSOCK_PIN_DIR "/%s", name);
	fd = bpf_obj_get(path);
	if (fd < 0)
		return -1;
	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = fopen(path, "r");
	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "memlock: %lld", &bytes) == 1)
			break;
	if (f)
		fclose(f);
	close(fd);
	return bytes;
}

static long long maps_memlock(void)
{
	static const char *const maps[] = {
		"domains", "rules", "protocol_rules", "rulesets",
		"ruleset_rules", "cgroup_stats",
	};
	long long sum = 0, one;
	unsigned int i;

	for (i = 0; i < sizeof(maps) / sizeof(maps[0]); i++) {
		one = map_memlock(maps[i]);
		if (one < 0)
			return -1;
		sum += one;
	}
	return sum;
}

/*
 * Guest time of a native layer of @rules rules put on a child (create,
 * add, restrict), timed by the child itself, after a layer of the same
 * rules made and dropped: timed from here, with the fork and the wait of
 * the bench's address space around it, 10 rules moved by 6% from one
 * boot to the next, by 22% with that fork's own time taken out, and by
 * 31% timed in a fresh child (its first writes copy pages, its first
 * allocations refill the slabs).
 */
static int native_apply(int rules, double *time)
{
	int status, pipe_fds[2];
	__u64 took = 0;
	ssize_t got;
	pid_t pid;

	if (pipe2(pipe_fds, O_CLOEXEC))
		return fail(errno, "create a pipe");
	pid = fork();
	if (pid < 0) {
		close(pipe_fds[0]);
		close(pipe_fds[1]);
		return fail(errno, "fork");
	}
	if (!pid) {
		__u64 start;
		int fd;

		fd = native_layer(rules);
		if (fd < 0)
			_exit(1);
		close(fd);
		start = now();
		fd = native_layer(rules);
		if (fd < 0 || native_enter(&fd, 1))
			_exit(1);
		took = now() - start;
		_exit(write(pipe_fds[1], &took, sizeof(took)) == sizeof(took) ?
		      0 : 1);
	}
	close(pipe_fds[1]);
	got = read(pipe_fds[0], &took, sizeof(took));
	close(pipe_fds[0]);
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status) || got != sizeof(took))
		return fail(EINVAL, "apply a native layer of %d rules", rules);
	*time = took;
	return 0;
}

#define APPLY_SAMPLES	5

/*
 * The guest time to bind a layer of 10 and of 10000 rules to a fresh
 * cgroup (median of APPLY_SAMPLES), and the map memory a 10000-rule layer
 * takes per rule.
 */
static int measure_apply(void)
{
	double times[APPLY_SAMPLES];
	long long before, after;
	unsigned int i, k;
	int ret;

	for (i = 0; i < 2; i++) {
		for (k = 0; k < APPLY_SAMPLES; k++) {
			char cgroup[64];
			__u64 start;

			snprintf(cgroup, sizeof(cgroup), "apply-%d-%u",
				 apply_rules[i], k);
			ret = make_cgroup(cgroup);
			if (ret)
				return fail(ret, "create cgroup %s", cgroup);
			before = maps_memlock();
			start = now();
			ret = bind_flavour_layer(cgroup, grid_flavour,
						 (const char *const[]){
							 "unix.dgram.0", NULL },
						 apply_rules[i] - 1);
			times[k] = now() - start;
			after = maps_memlock();
			if (ret)
				return ret;
			if (i == 1 && k == 0)
				bytes_per_rule = before < 0 || after < 0 ? -1 :
					(double)(after - before) / apply_rules[i];
		}
		qsort(times, APPLY_SAMPLES, sizeof(times[0]), compare_double);
		apply_llsock[i] = times[APPLY_SAMPLES / 2];
		if (!have_native)
			continue;
		for (k = 0; k < APPLY_SAMPLES; k++) {
			ret = native_apply(apply_rules[i], &times[k]);
			if (ret)
				return ret;
		}
		qsort(times, APPLY_SAMPLES, sizeof(times[0]), compare_double);
		apply_native[i] = times[APPLY_SAMPLES / 2];
	}
	return 0;
}

/*
 * Every no-program base is measured twice (before load, after unload),
 * and the cheaper of the two counts, so that no overhead is understated:
 * two boots of the same code found socketpair()'s before load 2% apart
 * (10,404 and 10,182 on patched-6.12, in every cgroup), where the one
 * after unload matched (10,182; a state of the kernel's allocators, not
 * llsock's doing).
 */
static void settle_bases(void)
{
	unsigned int i;

	for (i = 0; i < nr_drift; i++) {
		struct sample *base = drift_base[i];

		drift_before[i] = base->median;
		if (drift[i].median < base->median)
			base->median = drift[i].median;
	}
}

/*
 * The no-program samples, measured again after unload: what changed
 * meanwhile is not llsock's doing, and bounds the error.
 */
static int measure_drift(void)
{
	unsigned int i;
	int ret;

	for (i = 0; i < nr_bases && nr_drift < MAX_DRIFT; i++) {
		drift[nr_drift].call = bases[i].call;
		drift[nr_drift].cgroup = bases[i].cgroup;
		drift[nr_drift].expect = bases[i].expect;
		ret = measure(&drift[nr_drift], false);
		if (ret)
			return ret;
		drift_base[nr_drift++] = &bases[i];
	}
	return 0;
}

/*
 * The scale phase: what one more binding costs with few and with many
 * cgroups bound, in guest time (instructions) of llsock_bind_cgroup() on
 * a fresh cgroup, each cgroup with a container's ruleset of 10 rules;
 * llsock loaded again with limits for @scale_bindings.
 */
#define SCALE_CGROUP		BENCH_CGROUP "/scale"
#define SCALE_SAMPLES		5
#define SCALE_FEW		10
#define SCALE_MANY		4000
#define SCALE_RULES		10
#define TARGET_SCALE		2.0

static const char *const scale_rules[SCALE_RULES] = {
	"unix.stream.0", "unix.dgram.0", "inet.stream.0", "inet.stream.tcp",
	"inet.dgram.0", "inet.dgram.udp", "inet6.stream.0",
	"inet6.stream.tcp", "inet6.dgram.0", "inet6.dgram.udp",
};

static int compare_u64(const void *a, const void *b)
{
	__u64 x = *(const __u64 *)a, y = *(const __u64 *)b;

	return x < y ? -1 : x > y;
}

/* Binds c@i; adds its guest time to @times[*@n] when @times. */
static int scale_bind(const struct llsock_ruleset *ruleset, unsigned int i,
		      __u64 *times, unsigned int *n)
{
	char path[PATH_MAX];
	__u64 start;
	int ret;

	snprintf(path, sizeof(path), SCALE_CGROUP "/c%u", i);
	if (mkdir(path, 0755) && errno != EEXIST)
		return fail(errno, "create cgroup %s", path);
	start = now();
	ret = llsock_bind_cgroup(ruleset, path);
	if (times)
		times[(*n)++] = now() - start;
	if (ret)
		return fail(ret, "bind cgroup %u of the scale phase (%s)", i,
			    path);
	return 0;
}

/* Median guest time of SCALE_SAMPLES more bindings, from c@from on. */
static int scale_sample(const struct llsock_ruleset *ruleset,
			unsigned int from, __u64 *median)
{
	__u64 times[SCALE_SAMPLES];
	unsigned int i, n = 0;
	int ret;

	for (i = 0; i < SCALE_SAMPLES; i++) {
		ret = scale_bind(ruleset, from + i, times, &n);
		if (ret)
			return ret;
	}
	qsort(times, n, sizeof(*times), compare_u64);
	*median = times[n / 2];
	return 0;
}

/* Guest time of llsock_gc() with nothing to drop. */
static int scale_gc(__u64 *time)
{
	__u64 start = now();
	int ret;

	ret = llsock_gc();
	*time = now() - start;
	return ret ? fail(ret, "run llsock_gc()") : 0;
}

static int measure_scale(void)
{
	struct llsock_load_opts opts = {
		.sz = sizeof(opts),
		.max_bindings = scale_bindings,
		.max_rules = scale_bindings * SCALE_RULES,
		.no_guard = no_guard,
	};
	struct llsock_ruleset_attr attr = {
		.handled_access_socket = LLSOCK_ACCESS_SOCKET_CREATE,
	};
	__u64 few, many, last = 0, gc_few, gc_many;
	struct llsock_ruleset *ruleset;
	unsigned int i, bound;
	char err[640] = "";
	int ret;

	if (scale_bindings < SCALE_MANY + 2 * SCALE_SAMPLES) {
		printf("scale: skipped (--bindings %u, below %u)\n",
		       scale_bindings, SCALE_MANY + 2 * SCALE_SAMPLES);
		return 0;
	}
	ret = llsock_create_ruleset(&attr, sizeof(attr), 0, &ruleset);
	if (ret)
		return fail(ret, "create the scale phase's ruleset");
	for (i = 0; !ret && i < SCALE_RULES; i++)
		ret = llsock_add_rule_text(ruleset, scale_rules[i], err,
					   sizeof(err));
	if (ret) {
		fail(ret, "add rule %s (%s)", scale_rules[i - 1], err);
		goto out_free;
	}
	if (mkdir(SCALE_CGROUP, 0755) && errno != EEXIST) {
		ret = fail(errno, "create cgroup %s", SCALE_CGROUP);
		goto out_free;
	}
	ret = llsock_load(&opts);
	if (ret) {
		fail(ret, "load llsock for %u bindings", scale_bindings);
		goto out_free;
	}
	for (bound = 0; !ret && bound < SCALE_FEW; bound++)
		ret = scale_bind(ruleset, bound, NULL, NULL);
	if (!ret)
		ret = scale_gc(&gc_few);
	if (!ret)
		ret = scale_sample(ruleset, bound, &few);
	for (bound += SCALE_SAMPLES; !ret && bound < SCALE_MANY; bound++)
		ret = scale_bind(ruleset, bound, NULL, NULL);
	if (!ret)
		ret = scale_gc(&gc_many);
	if (!ret)
		ret = scale_sample(ruleset, bound, &many);
	for (bound += SCALE_SAMPLES; !ret && bound < scale_bindings - 1;
	     bound++)
		ret = scale_bind(ruleset, bound, NULL, NULL);
	if (!ret) {
		unsigned int n = 0;

		ret = scale_bind(ruleset, bound++, &last, &n);
	}
	if (ret)
		goto out_unload;
	printf("\none more binding (a fresh cgroup, %d rules), guest instructions, median of %d:\n"
	       "  %5d bound: %12llu\n  %5d bound: %12llu (%.2fx)\n"
	       "  %5u bound: %12llu (the last one the limits allow, one sample)\n"
	       "llsock_gc() with nothing to drop: %llu at %d bound, %llu at %d\n",
	       SCALE_RULES, SCALE_SAMPLES, SCALE_FEW + 0, (unsigned long long)few,
	       SCALE_MANY, (unsigned long long)many, (double)many / few,
	       scale_bindings - 1, (unsigned long long)last,
	       (unsigned long long)gc_few, SCALE_FEW,
	       (unsigned long long)gc_many, SCALE_MANY);
	printf("target: one more binding at %d bound within %.0fx of at %d: %s\n",
	       SCALE_MANY, TARGET_SCALE, SCALE_FEW,
	       (double)many / few <= TARGET_SCALE ? "met" : "MISSED");
	printf("bench: one more binding at %d bound costs %.2fx what it costs at %d; %u bindings made\n",
	       SCALE_MANY, (double)many / few, SCALE_FEW, bound);
out_unload:
	if (llsock_unload() && !ret)
		ret = fail(errno, "unload llsock after the scale phase");
out_free:
	llsock_ruleset_free(ruleset);
	return ret ? 2 : 0;
}

/*
 * The rows measured without llsock: the empty program attached, then
 * native Landlock and seccomp, each in a child that restricts itself.
 */
static int measure_others(void)
{
	struct empty_bpf *empty;
	int ret;

	empty = empty_bpf__open_and_load();
	if (!empty)
		return fail(errno, "load the empty BPF LSM program");
	ret = empty_bpf__attach(empty);
	if (ret)
		ret = fail(ret, "attach the empty BPF LSM program");
	else
		ret = measure_phase(PHASE_EMPTY_PROGRAM);
	empty_bpf__destroy(empty);
	return ret ? ret : measure_phase(PHASE_OTHERS);
}

static int parse_count(const char *text, unsigned int min, unsigned int max,
		       unsigned int *value)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(text, &end, 10);
	if (errno || end == text || *end || v < min || v > max)
		return -EINVAL;
	*value = v;
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option options[] = {
		{ "iterations", required_argument, NULL, 'n' },
		{ "batches", required_argument, NULL, 'b' },
		{ "no-guard", no_argument, NULL, 'g' },
		{ "bindings", required_argument, NULL, 's' },
		{ "scale-only", no_argument, NULL, 'S' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct llsock_load_opts opts = { .sz = sizeof(opts) };
	struct llsock_counters counters;
	int c, ret, status = 2;

	if (argc == 3 && !strcmp(argv[1], "--measure-child"))
		return measure_child(argv[2]);

	while ((c = getopt_long(argc, argv, "n:b:h", options, NULL)) != -1) {
		switch (c) {
		case 'n':
			if (parse_count(optarg, 1, 100000000, &iterations)) {
				fprintf(stderr, "bench: bad --iterations %s\n", optarg);
				return 1;
			}
			break;
		case 'b':
			if (parse_count(optarg, 1, MAX_BATCHES, &batches)) {
				fprintf(stderr, "bench: bad --batches %s (1 to %d)\n",
					optarg, MAX_BATCHES);
				return 1;
			}
			break;
		case 'g':
			no_guard = true;
			break;
		case 's':
			if (parse_count(optarg, 0, 1000000, &scale_bindings)) {
				fprintf(stderr, "bench: bad --bindings %s (0 to 1000000)\n",
					optarg);
				return 1;
			}
			break;
		case 'S':
			scale_only = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 1;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 1;
	}
	if (geteuid()) {
		fprintf(stderr, "bench: cannot run: not root\n");
		return 2;
	}
	if (llsock_is_loaded()) {
		fprintf(stderr, "bench: cannot measure without a program: llsock is loaded\n"
			"Hint: run `llsock unload` first, or run `make bench`, which boots a VM.\n");
		return 2;
	}

	if ((mkdir(OPEN_DIR, 0755) && errno != EEXIST) ||
	    (mkdir(OPEN_DIR "/d", 0755) && errno != EEXIST) ||
	    (c = open(OPEN_PATH, O_WRONLY | O_CREAT | O_CLOEXEC, 0644)) < 0)
		return fail(errno, "create %s", OPEN_PATH);
	close(c);
	make_compare_rows();
	ret = make_all_cgroups();
	if (ret)
		goto out_remove;
	if (scale_only) {
		status = measure_scale();
		goto out_remove;
	}

	ret = measure_phase(PHASE_NO_PROGRAM);
	if (ret)
		goto out_remove;
	ret = measure_others();
	if (ret)
		goto out_remove;

	opts.no_guard = no_guard;
	/*
	 * The grid's 16 layers of 10000 rules: each domain counts its
	 * ancestors' layers, 1.36 million entries in all.
	 */
	opts.max_rules = 1 << 21;
	ret = llsock_load(&opts);
	if (ret) {
		fail(ret, "load llsock");
		fprintf(stderr, "Hint: `llsock status` says what this kernel lacks.\n");
		goto out_remove;
	}
	unbound_guards = count_guards_attached();
	ret = measure_phase(PHASE_EMPTY);
	if (ret)
		goto out_unload;
	ret = bind_all();
	if (!ret)
		ret = bind_grid();
	if (ret)
		goto out_unload;
	check_filter_slots();
	ret = measure_phase(PHASE_BOUND);
	if (!ret)
		ret = measure_apply();
	if (ret)
		goto out_unload;
	ret = llsock_get_counters(&counters);
	if (ret) {
		fail(ret, "read the counters");
		goto out_unload;
	}
	if (counters.events_lost) {
		fprintf(stderr, "bench: %llu denial events lost\n",
			(unsigned long long)counters.events_lost);
		goto out_unload;
	}
	ret = llsock_unload();
	if (ret) {
		fail(ret, "unload llsock");
		goto out_remove;
	}
	if (measure_drift())
		goto out_remove;
	settle_bases();
	print_table();
	print_compare();
	print_unbound();
	status = measure_scale();
	goto out_remove;

out_unload:
	llsock_unload();
out_remove:
	remove_cgroup_tree(BENCH_CGROUP);
	unlink(LINK_PATH);
	unlink(OPEN_PATH);
	rmdir(OPEN_DIR "/d");
	rmdir(OPEN_DIR);
	return status;
}

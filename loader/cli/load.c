// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * llsock itself: load, unload, and status (the kernel, whether llsock is
 * loaded, the policies in force).
 */
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <string.h>

#include "cli.h"

/* load */

/* What keeps this kernel, or this task, from loading llsock, said first. */
static int check_kernel(void)
{
	struct llsock_probe probe;

	llsock_probe(&probe);
	if (!probe.root) {
		cli_error("cannot load llsock: must be root");
		cli_hint("run it with sudo: loading BPF LSM programs needs CAP_BPF and CAP_SYS_ADMIN.");
		return EXIT_KERNEL;
	}
	if (probe.lsm_list_known && !probe.bpf_in_lsm_list) {
		cli_error("cannot load llsock: the kernel's LSM list (%s) lacks bpf",
			  probe.lsm_list);
		cli_hint("add bpf to the lsm= boot parameter, e.g. lsm=%s,bpf",
			 probe.lsm_list);
		return EXIT_KERNEL;
	}
	if (probe.bpf_denied) {
		cli_error("cannot load llsock: bpf(2) is denied to this task");
		cli_hint("a task that llsock restricts cannot load it; otherwise check kernel.unprivileged_bpf_disabled and lockdown.");
		return EXIT_KERNEL;
	}
	if (probe.lsm_progs_refused) {
		cli_error("cannot load llsock: this kernel (%s) refuses BPF LSM programs (EPERM before verification)",
			  probe.kernel_release);
		cli_hint("`make demo` runs llsock in a VM on a Debian kernel that accepts them.");
		return EXIT_KERNEL;
	}
	if (!probe.hooks_fit) {
		cli_error("cannot load llsock: %s", probe.hooks_unfit);
		cli_hint("this kernel (%s) changed a hook llsock attaches to; a program for the new shape is needed (bpf/hook.h; `make hooks-test` checks a kernel's BTF).",
			 probe.kernel_release);
		return EXIT_KERNEL;
	}
	if (!probe.cgroup2) {
		cli_error("cannot load llsock: no cgroup v2 hierarchy is mounted");
		cli_hint("mount it: mount -t cgroup2 none /sys/fs/cgroup");
		return EXIT_KERNEL;
	}
	return 0;
}

static struct llsock_load_opts load_opts = { .sz = sizeof(load_opts) };

static int load(const struct cli_command *cmd, int argc, char **argv)
{
	int ret;

	ret = check_kernel();
	if (ret)
		return ret;
	ret = llsock_load(&load_opts);
	if (ret == -EEXIST) {
		cli_error("cannot load llsock: already loaded");
		cli_hint("`llsock unload` first to load it again.");
		return EXIT_KERNEL;
	}
	if (ret) {
		cli_error("cannot load llsock: %s", strerror(-ret));
		cli_hint("LLSOCK_DEBUG=1 llsock load shows libbpf's log, the verifier's included.");
		return EXIT_KERNEL;
	}
	print_text("llsock loaded, pinned under /sys/fs/bpf/llsock\n");
	return 0;
}

static const struct cli_option load_options[] = {
	{ .name = "max-rules", .arg = "N",
	  .help = "at most N merged rule entries in force (default\n"
		  "65536); a change that would put more is refused",
	  .set = cli_set_uint,
	  .offset = offsetof(struct llsock_load_opts, max_rules),
	  .min = 16, .max = UINT_MAX / 2,
	  .expect = "a number from 16 to 2147483647" },
	{ .name = "max-bindings", .arg = "N",
	  .help = "at most N bound cgroups (default 4096)",
	  .set = cli_set_uint,
	  .offset = offsetof(struct llsock_load_opts, max_bindings),
	  .min = 1, .max = UINT_MAX / 2,
	  .expect = "a number from 1 to 2147483647" },
	{ .name = "no-guard",
	  .help = "do not attach the hooks that keep restricted tasks\n"
		  "from loosening their policy (bpf(2), bpffs, cgroup\n"
		  "moves, ptrace); for measurements only",
	  .set = cli_set_true,
	  .offset = offsetof(struct llsock_load_opts, no_guard) },
	{}
};

const struct cli_command cmd_load = {
	.name = "load",
	.summary = "attach the BPF program and pin it under /sys/fs/bpf/llsock",
	.usage = "[--max-rules N] [--max-bindings N] [--no-guard]",
	.description =
"Attach llsock's BPF LSM program and pin it, with its maps, under\n"
"/sys/fs/bpf/llsock, so that policies outlive this command.\n",
	.options = load_options,
	.no_args = true,
	.opts = &load_opts,
	.run = load,
};

/* unload */

static int unload(const struct cli_command *cmd, int argc, char **argv)
{
	int ret;

	ret = llsock_unload();
	if (ret)
		return cli_fail(ret, "unload", "llsock");
	print_text("llsock unloaded\n");
	return 0;
}

const struct cli_command cmd_unload = {
	.name = "unload",
	.summary = "detach it and drop every policy",
	.description =
"Detach llsock and remove its pins: every policy it enforced goes away.\n",
	.options = cli_no_options,
	.no_args = true,
	.run = unload,
};

/* status */

/* What the kernel offers llsock. */
static void print_probe(const struct llsock_probe *probe)
{
	print_string("kernel", probe->kernel_release, "kernel:     %s\n",
		     probe->kernel_release);
	print_string("lsm_list", probe->lsm_list_known ? probe->lsm_list : NULL,
		     "LSMs:       %s%s\n",
		     probe->lsm_list_known ? probe->lsm_list : "unknown",
		     !probe->lsm_list_known ? "" : probe->bpf_in_lsm_list ?
		     " (bpf: yes)" : " (bpf: no)");
	print_bool("bpf_lsm", probe->bpf_in_lsm_list, NULL);
	print_opt_bool("lsm_programs_refused", probe->root,
		       probe->lsm_progs_refused, "LSM progs:  %s\n",
		       !probe->root ? "unknown (not root)" :
		       probe->bpf_denied ? "unknown (bpf(2) denied to this task)" :
		       probe->lsm_progs_refused ? "refused by this kernel" :
		       "accepted");
	print_bool("hooks_fit", probe->hooks_fit, "hooks:      %s\n",
		   probe->hooks_fit ? "llsock's programs fit this kernel's" :
		   probe->hooks_unfit);
	print_string("cgroup2", probe->cgroup2 ? probe->cgroup2_path : NULL,
		     "cgroup v2:  %s\n",
		     probe->cgroup2 ? probe->cgroup2_path : "not mounted");
}

/*
 * The policies in force and the counters. The text sums the counters up
 * before the list of bound cgroups; JSON has them after it.
 */
static int print_loaded(const struct llsock_counters *counters)
{
	enum binding_view view = BINDING_SUMMARY;
	int ret;

	print_text("policies:   %u bound cgroup%s, %u of %u rule entries used\n",
		   counters->bindings, plural(counters->bindings),
		   counters->rule_entries, counters->max_rules);
	print_text("denials:    %llu (events lost: %llu), escape attempts denied: %llu\n",
		   (unsigned long long)counters->denied,
		   (unsigned long long)counters->events_lost,
		   (unsigned long long)counters->escapes_denied);
	print_text("audited:    %llu (allowed; audit layers would have denied them)\n",
		   (unsigned long long)counters->audited);
	print_begin_list("bindings");
	ret = llsock_foreach_binding(print_binding_object, &view);
	print_end();
	print_uint("max_bindings", counters->max_bindings, NULL);
	print_uint("rule_entries", counters->rule_entries, NULL);
	print_uint("max_rules", counters->max_rules, NULL);
	print_uint("denied", counters->denied, NULL);
	print_uint("events_lost", counters->events_lost, NULL);
	print_uint("escapes_denied", counters->escapes_denied, NULL);
	print_uint("audited", counters->audited, NULL);
	return ret;
}

static int status(const struct cli_command *cmd, int argc, char **argv)
{
	struct llsock_counters counters = {};
	enum llsock_backend backend;
	struct llsock_probe probe;
	char why[256];
	bool loaded;
	int ret = 0;

	llsock_probe(&probe);
	loaded = llsock_is_loaded();
	if (loaded)
		ret = llsock_get_counters(&counters);
	if (ret)
		return cli_fail(ret, "read", "llsock's counters");

	print_begin_object(NULL, NULL);
	print_probe(&probe);
	print_bool("loaded", loaded, "llsock:     %s\n", loaded ?
		   "loaded (pinned under /sys/fs/bpf/llsock)" : "not loaded");
	backend = llsock_run_backend(why, sizeof(why));
	print_string("run_backend", llsock_backend_name(backend),
		     "llsock run: %s backend (%s)\n",
		     llsock_backend_name(backend), why);
	print_string("run_backend_why", why, NULL);
	if (loaded)
		ret = print_loaded(&counters);
	print_end();
	/* What could be listed is printed all the same. */
	return ret ? cli_fail(ret, "list", "policies") : 0;
}

const struct cli_command cmd_status = {
	.name = "status",
	.summary = "kernel support, whether llsock is loaded, policies in force",
	.usage = "[--json]",
	.description =
"Show the kernel, its LSM list, whether it accepts BPF LSM programs,\n"
"whether llsock is loaded, and the policies in force.\n",
	.options = cli_json_option,
	.no_args = true,
	.run = status,
};

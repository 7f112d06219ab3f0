// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * llsock run: one command with a ruleset of its own: in a sandbox cgroup
 * with the ruleset bound to it, removed when the command is done, or under
 * seccomp filters compiled from it.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/magic.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"

static volatile pid_t run_child;

/* --backend: chosen by llsock_run_backend() unless given. */
static bool backend_given;
static enum llsock_backend backend;

static int set_backend(const struct cli_option *opt, void *ctx,
		       const char *arg)
{
	if (!strcmp(arg, "auto")) {
		backend_given = false;
		return 0;
	}
	if (llsock_backend_parse(arg, &backend))
		return -EINVAL;
	backend_given = true;
	return 0;
}

static void forward_signal(int sig)
{
	if (run_child > 0)
		kill(run_child, sig);
}

/* Rules from LL_SOCKET_CREATE; returns 0 or the exit status. */
static int read_env(const struct cli_command *cmd,
		    struct llsock_ruleset *ruleset)
{
	const char *env = getenv("LL_SOCKET_CREATE");
	char err[LLSOCK_ERR_SIZE];

	if (!env)
		return cli_usage_error(cmd->name,
				       "no rules: give --allow RULE, --file POLICY, or set LL_SOCKET_CREATE");
	if (llsock_parse_env(env, ruleset, err, sizeof(err)) < 0) {
		cli_error("bad LL_SOCKET_CREATE: %s", err);
		return EXIT_USAGE;
	}
	return 0;
}

/*
 * The ruleset from --allow and --file in the order given, else from
 * LL_SOCKET_CREATE. Returns 0 or the exit status.
 */
static int make_ruleset(const struct cli_command *cmd, int argc,
			struct llsock_ruleset **ruleset)
{
	int ret;

	/* Bad rules are reported before a missing CMD. */
	ret = rules_make(0, NULL, ruleset);
	if (ret)
		return ret;
	if (!argc)
		ret = cli_usage_error(cmd->name, "missing CMD");
	else if (!rules_given())
		ret = read_env(cmd, *ruleset);
	if (ret) {
		llsock_ruleset_free(*ruleset);
		*ruleset = NULL;
	}
	return ret;
}

/*
 * The terminal sends SIGINT and SIGQUIT to CMD itself, which shares our
 * process group: ignore them. Signals sent to llsock alone are passed on.
 */
static int wait_child(pid_t pid)
{
	static const int forwarded[] = { SIGTERM, SIGHUP };
	struct sigaction ignore = { .sa_handler = SIG_IGN };
	struct sigaction sa = { .sa_handler = forward_signal };
	unsigned int i;
	int status;

	run_child = pid;
	for (i = 0; i < ARRAY_SIZE(forwarded); i++)
		sigaction(forwarded[i], &sa, NULL);
	sigaction(SIGINT, &ignore, NULL);
	sigaction(SIGQUIT, &ignore, NULL);
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			status = EXIT_KERNEL << 8;
			break;
		}
	}
	return WIFEXITED(status) ? WEXITSTATUS(status) :
	       128 + WTERMSIG(status);
}

/* Runs @argv in the sandbox @path; returns its exit status. */
static int run_in(const char *path, char **argv)
{
	pid_t pid;
	int ret;

	pid = fork();
	if (pid < 0)
		return cli_fail(-errno, "start", argv[0]);
	if (pid == 0) {
		ret = llsock_sandbox_enter(path);
		if (ret) {
			cli_error("cannot enter sandbox %s: %s", path,
				  strerror(-ret));
			_exit(EXIT_KERNEL);
		}
		execvp(argv[0], argv);
		cli_error("cannot run %s: %s", argv[0], strerror(errno));
		_exit(127);
	}
	return wait_child(pid);
}

/*
 * Whether @fd, open for writing, could take a task out of its policy: a
 * cgroup file (cgroup.procs of a cgroup outside the sandbox, a cgroup v1
 * release agent) or a kernel setting (/proc/sys/kernel, /sys/kernel: the
 * helpers the kernel runs as root). @path receives what it is.
 */
static bool is_way_out(int fd, char *path, size_t size)
{
	char link[64];
	struct statfs sfs;
	ssize_t len;
	int flags;

	flags = fcntl(fd, F_GETFL);
	if (flags < 0 || (flags & O_ACCMODE) == O_RDONLY || fstatfs(fd, &sfs))
		return false;
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	len = readlink(link, path, size - 1);
	path[len < 0 ? 0 : len] = '\0';
	switch (sfs.f_type) {
	case CGROUP2_SUPER_MAGIC:
	case CGROUP_SUPER_MAGIC:
		return true;
	case PROC_SUPER_MAGIC:
		return !strncmp(path, "/proc/sys/kernel/", 17);
	case SYSFS_MAGIC:
		return !strncmp(path, "/sys/kernel/", 12);
	default:
		return false;
	}
}

/*
 * The kernel checks such a descriptor when a restricted task opens or
 * receives it (llsock's guards), not when it inherits it: CMD would get
 * every one llsock has. Refuse to start with one: 0, or the exit status.
 */
static int refuse_ways_out(const char *cmd)
{
	char path[PATH_MAX];
	struct dirent *entry;
	int ret = 0;
	DIR *dir;

	dir = opendir("/proc/self/fd");
	if (!dir)
		return cli_fail(-errno, "list the descriptors of", "llsock");
	while ((entry = readdir(dir))) {
		char *end;
		long fd = strtol(entry->d_name, &end, 10);

		if (*end || end == entry->d_name || fd == dirfd(dir) ||
		    !is_way_out(fd, path, sizeof(path)))
			continue;
		cli_error("refusing to run %s: descriptor %ld (%s) is open for writing, and the command could leave its policy with it",
			  cmd, fd, path);
		cli_hint("close it for llsock run, for example with %ld>&- in the shell.",
			 fd);
		ret = EXIT_USAGE;
		break;
	}
	closedir(dir);
	return ret;
}

/*
 * The seccomp backend: this process becomes CMD, with one more layer of
 * filters (its denials logged by the kernel where it can).
 */
static int run_seccomp(const struct llsock_ruleset *ruleset, char **argv)
{
	int ret;

	ret = llsock_seccomp_restrict_self(ruleset, LLSOCK_SECCOMP_LOG);
	if (ret == -EINVAL)
		ret = llsock_seccomp_restrict_self(ruleset, 0);
	if (ret == -E2BIG || ret == -ENOMEM) {
		cli_error("these rules make seccomp filters larger than the kernel takes for one task: %s",
			  strerror(-ret));
		cli_hint("fewer rules, or rules on ranges of protocols, make smaller filters; the BPF backend (llsock load) has no such limit.");
		return EXIT_KERNEL;
	}
	if (ret)
		return cli_fail(ret, "install", "the seccomp filters");
	execvp(argv[0], argv);
	cli_error("cannot run %s: %s", argv[0], strerror(errno));
	return 127;
}

static int run(const struct cli_command *cmd, int argc, char **argv)
{
	struct llsock_ruleset *ruleset;
	char path[PATH_MAX], why[256];
	int ret;

	ret = make_ruleset(cmd, argc, &ruleset);
	if (ret)
		return ret;
	if (!backend_given) {
		backend = llsock_run_backend(why, sizeof(why));
		if (backend == LLSOCK_BACKEND_NONE) {
			cli_error("cannot sandbox %s here: %s", argv[0], why);
			ret = EXIT_KERNEL;
			goto out;
		}
	}
	if (backend == LLSOCK_BACKEND_SECCOMP) {
		ret = run_seccomp(ruleset, argv);
		goto out;
	}
	ret = cli_need_cgroup2("create a sandbox");
	if (ret)
		goto out;
	ret = refuse_ways_out(argv[0]);
	if (ret)
		goto out;
	ret = llsock_sandbox_create(ruleset, path, sizeof(path));
	if (ret) {
		ret = cli_fail(ret, "create a sandbox", NULL);
		goto out;
	}
	ret = run_in(path, argv);
	/* Children that outlive CMD keep the cgroup, and so the policy. */
	llsock_sandbox_remove(path);
out:
	llsock_ruleset_free(ruleset);
	return ret;
}

static const struct cli_option run_options[] = {
	{ .name = "allow", .short_name = 'a', .arg = "RULE",
	  .help = "allow RULE", .set = rules_set_allow },
	{ .name = "file", .short_name = 'f', .arg = "POLICY",
	  .help = "read rules from POLICY (- for stdin)",
	  .set = rules_set_file },
	CLI_FLAVOUR_OPTION,
	{ .name = "backend", .short_name = 'b', .arg = "BACKEND",
	  .help = "bpf, seccomp or auto (default: bpf where llsock is\n"
		  "loaded and the caller is root, else seccomp)",
	  .set = set_backend, .expect = "bpf, seccomp or auto" },
	{}
};

const struct cli_command cmd_run = {
	.name = "run",
	.summary = "run one command with a ruleset of its own",
	.usage = "[--flavour FLAVOUR] [--allow RULE]... [--file POLICY]... -- CMD [ARG...]",
	.description =
"Run CMD with a ruleset of its own: CMD and everything it starts may\n"
"create only the sockets the rules allow (and that the caller's own layers\n"
"allow). With the bpf backend, when CMD and all its children have exited,\n"
"the sandbox cgroup and its policy are removed.\n"
"\n"
"Without --allow or --file, the rules come from LL_SOCKET_CREATE, as in\n"
"the Landlock sandboxer: colon-separated family.type.protocol, numbers\n"
"with -1 for any (names and * work too), read in the flavour --flavour\n"
"gives (v4 by default). An empty LL_SOCKET_CREATE allows no socket at all.\n"
"\n"
"Two backends (--backend; `llsock status` says which one a run would use\n"
"and why). bpf: CMD runs in a new child cgroup with the ruleset bound to\n"
"it; llsock must be loaded, and llsock run must be root. llsock run then\n"
"refuses to start while it has a descriptor open for writing on a cgroup\n"
"file system, or on /proc/sys/kernel or /sys/kernel: CMD would inherit it,\n"
"and could leave its policy with it. seccomp: llsock run sets\n"
"no_new_privs, installs seccomp filters compiled from the ruleset and\n"
"becomes CMD; no privilege is needed and nothing is loaded. The filters\n"
"give the same answer as the BPF program to socket(2) and socketpair(2);\n"
"they refuse io_uring, every 32-bit system call and, unless the rules\n"
"allow SCTP, SCTP's peeloff (EACCES). They follow the process tree, not a\n"
"cgroup, cannot be changed while CMD runs, and report denials only through\n"
"the kernel's audit log (type=1326 SECCOMP records). A run inside a run\n"
"adds a layer with either backend.\n",
	.options = run_options,
	.footer = CLI_FLAVOUR_HELP
"\n"
"Exit status: CMD's, 128+N if signal N killed it, 127 if it could not be\n"
"started, or llsock's own 1 or 2 if the sandbox could not be made.\n"
"\n"
"Examples: llsock run --allow unix.*.* --allow inet.stream.tcp -- curl ...\n"
"          LL_SOCKET_CREATE=1.1.-1:1.2.-1:2.1.6 \\\n"
"                  llsock run --flavour permission -- curl ...\n",
	.in_order = true,
	.run = run,
};

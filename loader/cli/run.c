// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * llsock run: one command in a sandbox cgroup of its own, with a ruleset
 * bound to it, removed when the command is done.
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

static int run(const struct cli_command *cmd, int argc, char **argv)
{
	struct llsock_ruleset *ruleset;
	char path[PATH_MAX];
	int ret;

	ret = make_ruleset(cmd, argc, &ruleset);
	if (ret)
		return ret;
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
	{}
};

const struct cli_command cmd_run = {
	.name = "run",
	.summary = "run one command with a ruleset of its own",
	.usage = "[--flavour FLAVOUR] [--allow RULE]... [--file POLICY]... -- CMD [ARG...]",
	.description =
"Run CMD in a new child cgroup of the caller's, with a ruleset of its own\n"
"bound to it: CMD and everything it starts may create only the sockets the\n"
"rules allow (and that the caller's own layers allow). When CMD and all its\n"
"children have exited, the cgroup and its policy are removed.\n"
"\n"
"Without --allow or --file, the rules come from LL_SOCKET_CREATE, as in\n"
"the Landlock sandboxer: colon-separated family.type.protocol, numbers\n"
"with -1 for any (names and * work too), read in the flavour --flavour\n"
"gives (v4 by default). An empty LL_SOCKET_CREATE allows no socket at all.\n"
"\n"
"llsock run refuses to start while it has a descriptor open for writing on\n"
"a cgroup file system, or on /proc/sys/kernel or /sys/kernel: CMD would\n"
"inherit it, and could leave its policy with it.\n",
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

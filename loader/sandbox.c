// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Restricting a process: a child cgroup of its own, with the ruleset bound,
 * which the process then enters. Binding before entering means the process
 * is never in the new cgroup without its policy.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

int llsock_sandbox_create(const struct llsock_ruleset *ruleset, char *path,
			  size_t size)
{
	char parent[PATH_MAX];
	unsigned int i;
	int ret;

	if (!ruleset)
		return -EBADF;
	ret = llsock_own_cgroup(parent, sizeof(parent));
	if (ret)
		return ret;
	for (i = 0;; i++) {
		if ((size_t)snprintf(path, size, "%s/llsock-%d-%u", parent,
				     getpid(), i) >= size)
			return -ENAMETOOLONG;
		if (!mkdir(path, 0755))
			break;
		if (errno != EEXIST || i == 1000)
			return -errno;
	}
	ret = llsock_bind_cgroup(ruleset, path);
	if (ret)
		rmdir(path);
	return ret;
}

int llsock_sandbox_enter(const char *path)
{
	char procs[PATH_MAX], pid[32];
	ssize_t len;
	int fd;

	if ((size_t)snprintf(procs, sizeof(procs), "%s/cgroup.procs", path) >=
	    sizeof(procs))
		return -ENAMETOOLONG;
	fd = open(procs, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	/* A process id moves every thread of the process. */
	len = snprintf(pid, sizeof(pid), "%d\n", getpid());
	if (write(fd, pid, len) != len) {
		int ret = -errno;

		close(fd);
		return ret;
	}
	close(fd);
	return 0;
}

int llsock_sandbox_remove(const char *path)
{
	if (rmdir(path))
		return -errno;
	return llsock_gc();
}

int llsock_restrict_self(const struct llsock_ruleset *ruleset, __u32 flags,
			 char *cgroup_path, size_t size)
{
	char path[PATH_MAX];
	int ret;

	if (flags)
		return -EINVAL;
	ret = llsock_sandbox_create(ruleset, path, sizeof(path));
	if (ret)
		return ret;
	/* Report a short buffer before the caller is restricted, not after. */
	if (cgroup_path && strlen(path) >= size)
		ret = -ENAMETOOLONG;
	if (!ret)
		ret = llsock_sandbox_enter(path);
	if (ret) {
		llsock_sandbox_remove(path);
		return ret;
	}
	if (cgroup_path)
		strcpy(cgroup_path, path);
	return 0;
}

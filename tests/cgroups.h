/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Moving into and removing cgroups, for the suites and the benchmark. */
#ifndef LLSOCK_TESTS_CGROUPS_H
#define LLSOCK_TESTS_CGROUPS_H

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static inline int write_file(const char *path, const char *text)
{
	int fd, ret = 0;
	ssize_t len = strlen(text);

	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (write(fd, text, len) != len)
		ret = -errno;
	close(fd);
	return ret;
}

/* Moves the calling process into the cgroup directory @path. */
static inline int enter_cgroup(const char *path)
{
	char procs[PATH_MAX], pid[32];

	snprintf(procs, sizeof(procs), "%s/cgroup.procs", path);
	snprintf(pid, sizeof(pid), "%d", getpid());
	return write_file(procs, pid);
}

/*
 * Removes the cgroup @path and everything below it, deepest first.
 * Cgroups of tasks that just exited can stay busy for a moment: retry.
 */
static inline int remove_cgroup_tree(const char *path)
{
	struct dirent *entry;
	char child[PATH_MAX];
	int ret = 0, tries;
	DIR *dir;

	dir = opendir(path);
	if (!dir)
		return errno == ENOENT ? 0 : -errno;
	while ((entry = readdir(dir))) {
		if (entry->d_type != DT_DIR || entry->d_name[0] == '.')
			continue;
		snprintf(child, sizeof(child), "%s/%s", path, entry->d_name);
		if (remove_cgroup_tree(child))
			ret = -EBUSY;
	}
	closedir(dir);
	for (tries = 0; tries < 100; tries++) {
		if (!rmdir(path) || errno == ENOENT)
			return ret;
		if (errno != EBUSY)
			return -errno;
		usleep(10000);
	}
	return -EBUSY;
}

#endif /* LLSOCK_TESTS_CGROUPS_H */

// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The cgroup v2 hierarchy: where it is mounted, ids, levels, ancestors. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "internal.h"

/* Handle type of kernfs file handles: the 64-bit node id. */
#define FILEID_KERNFS		0xfe
/* kernfs numbers its root node 1: the root cgroup's id. */
#define ROOT_CGROUP_ID		1

/* Unescapes the octal escapes of /proc/self/mountinfo in place. */
static void unescape(char *s)
{
	char *out = s;

	while (*s) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' &&
		    s[2] >= '0' && s[2] <= '7' && s[3] >= '0' && s[3] <= '7') {
			*out++ = (s[1] - '0') * 64 + (s[2] - '0') * 8 +
				 (s[3] - '0');
			s += 4;
		} else {
			*out++ = *s++;
		}
	}
	*out = '\0';
}

int llsock_cgroup2_mount(char *buf, size_t size)
{
	char line[4096];
	FILE *file;
	int ret = -ENOENT;

	file = fopen("/proc/self/mountinfo", "re");
	if (!file)
		return -errno;
	while (fgets(line, sizeof(line), file)) {
		char root[PATH_MAX], point[PATH_MAX], *sep;
		char fstype[64];

		/* Fields: id parent dev root point options ... - fstype ... */
		if (sscanf(line, "%*s %*s %*s %4095s %4095s", root, point) != 2)
			continue;
		sep = strstr(line, " - ");
		if (!sep || sscanf(sep, " - %63s", fstype) != 1)
			continue;
		if (strcmp(fstype, "cgroup2"))
			continue;
		unescape(root);
		unescape(point);
		/* A mount of a subtree cannot name every cgroup. */
		if (strcmp(root, "/"))
			continue;
		if (strlen(point) >= size) {
			ret = -ENAMETOOLONG;
			break;
		}
		strcpy(buf, point);
		ret = 0;
		break;
	}
	fclose(file);
	return ret;
}

int llsock_own_cgroup(char *path, size_t size)
{
	return llsock_pid_cgroup(0, path, size);
}

int llsock_pid_cgroup(pid_t pid, char *path, size_t size)
{
	char mount[PATH_MAX], line[PATH_MAX + 16], proc[64];
	FILE *file;
	int ret;

	ret = llsock_cgroup2_mount(mount, sizeof(mount));
	if (ret)
		return ret;
	if (pid)
		snprintf(proc, sizeof(proc), "/proc/%d/cgroup", (int)pid);
	else
		snprintf(proc, sizeof(proc), "/proc/self/cgroup");
	file = fopen(proc, "re");
	if (!file)
		return -errno;
	ret = -ENOENT;
	while (fgets(line, sizeof(line), file)) {
		if (strncmp(line, "0::", 3))
			continue;
		line[strcspn(line, "\n")] = '\0';
		if ((size_t)snprintf(path, size, "%s%s", mount,
				     strcmp(line + 3, "/") ? line + 3 : "") >=
		    size)
			ret = -ENAMETOOLONG;
		else
			ret = 0;
		break;
	}
	fclose(file);
	return ret;
}

int llsock_cgroup_contains_self(const char *path)
{
	int fd, ret;

	fd = llsock_cgroup_open(path);
	if (fd < 0)
		return fd;
	ret = llsock_cgroup_fd_contains_self(fd);
	close(fd);
	return ret;
}

int llsock_cgroup_fd_contains_self(int cgroup_fd)
{
	char own[PATH_MAX];
	__u64 target, id;
	int fd, ret, level;

	ret = llsock_cgroup_id(cgroup_fd, &target);
	if (ret)
		return ret;
	ret = llsock_own_cgroup(own, sizeof(own));
	if (ret)
		return ret;
	fd = llsock_cgroup_open(own);
	if (fd < 0)
		return fd;
	/* From the caller's cgroup up to the root: is @path on the way? */
	for (level = 0;; level++) {
		int up;

		ret = llsock_cgroup_id(fd, &id);
		if (ret || id == target || id == ROOT_CGROUP_ID)
			break;
		if (level == 4096) {
			ret = -ELOOP;
			break;
		}
		up = openat(fd, "..", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (up < 0) {
			ret = -errno;
			break;
		}
		close(fd);
		fd = up;
	}
	close(fd);
	if (ret == -ENOTDIR)	/* walked out of the cgroup2 mount */
		ret = -EXDEV;
	return ret ? ret : id == target;
}

int llsock_cgroup_open(const char *path)
{
	int fd;

	if (!path)
		return -EFAULT;
	fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

int llsock_cgroup_check_fd(int fd)
{
	struct statfs sfs;
	struct stat st;

	if (fstatfs(fd, &sfs) || fstat(fd, &st))
		return -errno;
	if (sfs.f_type != CGROUP2_SUPER_MAGIC || !S_ISDIR(st.st_mode))
		return -ENOTDIR;
	return 0;
}

int llsock_cgroup_id(int fd, __u64 *id)
{
	struct stat st;
	int ret;

	ret = llsock_cgroup_check_fd(fd);
	if (ret)
		return ret;
	if (fstat(fd, &st))
		return -errno;
	/* On cgroup v2, a directory's inode number is the cgroup id. */
	*id = st.st_ino;
	return 0;
}

int llsock_cgroup_ancestry(int fd, __u64 *ids, int max)
{
	__u64 path[LLSOCK_MAX_LEVEL + 2];
	int n = 0, cur, next, ret, i;

	cur = dup(fd);
	if (cur < 0)
		return -errno;
	for (;;) {
		__u64 id = 0;

		ret = llsock_cgroup_id(cur, &id);
		if (ret == -ENOTDIR) {
			/* Walked out of a cgroup2 mount below the root. */
			ret = -EXDEV;
			break;
		}
		if (ret)
			break;
		if (n == (int)(sizeof(path) / sizeof(path[0]))) {
			ret = -E2BIG;
			break;
		}
		path[n++] = id;
		if (id == ROOT_CGROUP_ID) {
			ret = 0;
			break;
		}
		next = openat(cur, "..", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (next < 0) {
			ret = -errno;
			break;
		}
		close(cur);
		cur = next;
	}
	close(cur);
	if (ret)
		return ret;
	if (n > max)
		return -E2BIG;
	for (i = 0; i < n; i++)
		ids[i] = path[n - 1 - i];
	return n - 1;
}

DIR *llsock_opendir_at(int dir_fd)
{
	DIR *dir;
	int fd;

	fd = openat(dir_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	dir = fdopendir(fd);
	if (!dir) {
		int err = errno;

		close(fd);
		errno = err;
	}
	return dir;
}

int llsock_cgroup_open_mount(void)
{
	char mount[PATH_MAX];
	int ret, fd;

	ret = llsock_cgroup2_mount(mount, sizeof(mount));
	if (ret)
		return ret;
	fd = open(mount, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

int llsock_cgroup_open_id_at(int mount_fd, __u64 id)
{
	struct {
		struct file_handle handle;
		__u64 id;
	} fh;
	int fd;

	fh.handle.handle_bytes = sizeof(fh.id);
	fh.handle.handle_type = FILEID_KERNFS;
	fh.id = id;
	fd = open_by_handle_at(mount_fd, &fh.handle,
			       O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		fd = -errno;
	/* A removed cgroup: ESTALE, or ENOENT on some kernels. */
	return fd == -ENOENT ? -ESTALE : fd;
}

int llsock_cgroup_open_id(__u64 id)
{
	int mount_fd, fd;

	mount_fd = llsock_cgroup_open_mount();
	if (mount_fd < 0)
		return mount_fd;
	fd = llsock_cgroup_open_id_at(mount_fd, id);
	close(mount_fd);
	return fd;
}

int llsock_cgroup_path(__u64 cgroup_id, char *buf, size_t size)
{
	char link[64];
	ssize_t len;
	int fd;

	fd = llsock_cgroup_open_id(cgroup_id);
	if (fd < 0)
		return fd;
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	len = readlink(link, buf, size);
	close(fd);
	if (len < 0)
		return -errno;
	if ((size_t)len >= size)
		return -ENAMETOOLONG;
	buf[len] = '\0';
	return 0;
}

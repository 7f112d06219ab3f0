/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Native Landlock socket rules, as the patched kernels of kernel/ expose
 * them, through raw system calls: the v4 flavour (SEMANTICS 1, the 6.12
 * series) and the permission flavour (SEMANTICS 5, the 7.3 series). The
 * build host's uapi headers predate both, so their ABI is written out here
 * under names of our own: the layouts are those of SEMANTICS 1 and 5.
 */
#ifndef LLSOCK_TESTS_NATIVE_H
#define LLSOCK_TESTS_NATIVE_H

#include <errno.h>
#include <stddef.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/types.h>

#ifndef __NR_landlock_create_ruleset
#define __NR_landlock_create_ruleset	444
#define __NR_landlock_add_rule		445
#define __NR_landlock_restrict_self	446
#endif

#define NATIVE_CREATE_RULESET_VERSION	(1U << 0)
#define NATIVE_ACCESS_FS_EXECUTE	(1ULL << 0)
#define NATIVE_ACCESS_SOCKET_CREATE	(1ULL << 0)
#define NATIVE_RULE_SOCKET		3
/* SEMANTICS 5: bits 0 and 1 are upstream's namespace and capability. */
#define NATIVE_PERMISSION_SOCKET_CREATE	(1ULL << 2)
#define NATIVE_RULE_SOCKET_PERMISSION	5
#define NATIVE_SOCKET_WILDCARD_PROTOCOL	(1U << 0)

/* struct landlock_ruleset_attr, with handled_access_socket after scoped. */
struct native_ruleset_attr {
	__u64 handled_access_fs;
	__u64 handled_access_net;
	__u64 scoped;
	__u64 handled_access_socket;
};

/* struct landlock_socket_attr. */
struct native_socket_attr {
	__u64 allowed_access;
	__s32 family;
	__s32 type;
	__s32 protocol;
} __attribute__((packed));

/*
 * struct landlock_ruleset_attr of the permission flavour: Linux 7.3's
 * fields, then handled_permissions at offset 48.
 */
struct native_permission_ruleset_attr {
	__u64 handled_access_fs;
	__u64 handled_access_net;
	__u64 scoped;
	__u64 quiet_access_fs;
	__u64 quiet_access_net;
	__u64 quiet_scoped;
	__u64 handled_permissions;
};

/* struct landlock_socket_attr of the permission flavour. */
struct native_permission_socket_attr {
	__u64 permissions;
	__u32 wildcards;
	__u32 family;
	__u32 type;
	__u32 protocol;
};

_Static_assert(sizeof(struct native_ruleset_attr) == 32,
	       "landlock_ruleset_attr is 32 bytes with socket rules");
_Static_assert(sizeof(struct native_socket_attr) == 20,
	       "landlock_socket_attr is 20 bytes");
_Static_assert(offsetof(struct native_permission_ruleset_attr,
			handled_permissions) == 48,
	       "handled_permissions is at offset 48");
_Static_assert(sizeof(struct native_permission_ruleset_attr) == 56,
	       "landlock_ruleset_attr is 56 bytes with handled_permissions");
_Static_assert(sizeof(struct native_permission_socket_attr) == 24,
	       "landlock_socket_attr of the permission flavour is 24 bytes");

/* Each call returns what the system call does: -1 and errno on failure. */
static inline int native_create_ruleset(const struct native_ruleset_attr *attr,
					size_t size, __u32 flags)
{
	return syscall(__NR_landlock_create_ruleset, attr, size, flags);
}

static inline int native_create_permission_ruleset(
	const struct native_permission_ruleset_attr *attr, size_t size,
	__u32 flags)
{
	return syscall(__NR_landlock_create_ruleset, attr, size, flags);
}

static inline int native_add_rule(int ruleset_fd, int rule_type,
				  const void *rule_attr, __u32 flags)
{
	return syscall(__NR_landlock_add_rule, ruleset_fd, rule_type,
		       rule_attr, flags);
}

static inline int native_restrict_self(int ruleset_fd, __u32 flags)
{
	return syscall(__NR_landlock_restrict_self, ruleset_fd, flags);
}

/* The running kernel's Landlock ABI version, or -errno. */
static inline int native_abi(void)
{
	int abi = native_create_ruleset(NULL, 0,
					NATIVE_CREATE_RULESET_VERSION);

	return abi < 0 ? -errno : abi;
}

/*
 * 0 when this kernel has Landlock socket rules, else -errno: a kernel
 * without them refuses the attribute's last 8 bytes, non-zero and beyond
 * the struct it knows (E2BIG), or has no Landlock at all. The ABI version
 * alone does not tell: upstream's ABI 7 (6.15) has no socket rules.
 */
static inline int native_socket_rules(void)
{
	struct native_ruleset_attr attr = {
		.handled_access_socket = NATIVE_ACCESS_SOCKET_CREATE,
	};
	int fd = native_create_ruleset(&attr, sizeof(attr), 0);

	if (fd < 0)
		return -errno;
	close(fd);
	return 0;
}

/*
 * 0 when this kernel has the socket permission (SEMANTICS 5), else -errno:
 * a kernel without handled_permissions refuses the attribute's last 8
 * bytes, non-zero and beyond the struct it knows (E2BIG); one with
 * handled_permissions but no socket permission refuses the bit (EINVAL);
 * or it has no Landlock at all.
 */
static inline int native_socket_permission(void)
{
	struct native_permission_ruleset_attr attr = {
		.handled_permissions = NATIVE_PERMISSION_SOCKET_CREATE,
	};
	int fd = native_create_permission_ruleset(&attr, sizeof(attr), 0);

	if (fd < 0)
		return -errno;
	close(fd);
	return 0;
}

/*
 * Stacks the layers @fds[0..@n) on the calling process, first to last, as
 * nested landlock_restrict_self() calls. Returns 0 or -errno.
 */
static inline int native_enter(const int *fds, int n)
{
	int i;

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		return -errno;
	for (i = 0; i < n; i++)
		if (native_restrict_self(fds[i], 0))
			return -errno;
	return 0;
}

#endif /* LLSOCK_TESTS_NATIVE_H */

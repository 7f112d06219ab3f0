/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * How the kernel itself creates a socket, seen by a witness BPF program on
 * socket_create (tests/observe.bpf.c), apart from llsock.
 */
#ifndef LLSOCK_TESTS_OBSERVE_H
#define LLSOCK_TESTS_OBSERVE_H

#include <errno.h>
#include <unistd.h>

#include "observe.skel.h"

struct observed {
	__u64 user_requests;	/* socket_create with kern == 0 */
	__u64 kernel_sockets;	/* kern != 0 */
};

/*
 * Runs @fn(@arg) in this process with the witness attached for (@family,
 * @type, @protocol), and says how the hook saw those sockets. Returns
 * @fn's result, or -errno when the witness could not be attached.
 */
static inline int observe_socket_create(int family, int type, int protocol,
					int (*fn)(void *), void *arg,
					struct observed *seen)
{
	struct observe_bpf *skel;
	int ret;

	skel = observe_bpf__open();
	if (!skel)
		return -errno;
	skel->rodata->target_tgid = getpid();
	skel->rodata->target_family = family;
	skel->rodata->target_type = type;
	skel->rodata->target_protocol = protocol;
	ret = observe_bpf__load(skel);
	if (!ret)
		ret = observe_bpf__attach(skel);
	if (ret) {
		observe_bpf__destroy(skel);
		return ret;
	}
	ret = fn(arg);
	seen->user_requests = skel->bss->user_requests;
	seen->kernel_sockets = skel->bss->kernel_sockets;
	observe_bpf__destroy(skel);
	return ret;
}

#endif /* LLSOCK_TESTS_OBSERVE_H */

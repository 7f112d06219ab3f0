// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * A witness for the tests: counts the socket_create hook calls of one
 * process for one (family, type, protocol), kernel sockets (kern != 0) and
 * user requests apart. It decides nothing (returns 0). Tests use it to ask
 * the kernel how it creates a socket (SCTP peeloff: as a user request up
 * to 6.x, with sock_create_lite() and kern = 1 from 7.x), independently
 * of llsock, whose answer they then judge.
 */
#include "vmlinux.h"
#include "hook.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/* Set before loading (tests/observe.h). */
const volatile __u32 target_tgid;
const volatile int target_family, target_type, target_protocol;

/* Read through the mmaped .bss. */
__u64 user_requests, kernel_sockets;

LLSOCK_LSM(socket_create, observe_socket_create,
	   int family, int type, int protocol, int kern)
{
	if (bpf_get_current_pid_tgid() >> 32 != target_tgid)
		return 0;
	if (family != target_family || type != target_type ||
	    protocol != target_protocol)
		return 0;
	if (kern)
		__sync_fetch_and_add(&kernel_sockets, 1);
	else
		__sync_fetch_and_add(&user_requests, 1);
	return 0;
}

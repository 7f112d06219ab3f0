// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The floor of the mechanism, for `make bench`: a BPF LSM program on
 * socket_create that allows everything, so that what llsock adds on top of
 * the trampoline and the hook call can be told apart from them.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "Dual BSD/GPL";

SEC("lsm/socket_create")
int BPF_PROG(empty_socket_create)
{
	return 0;
}

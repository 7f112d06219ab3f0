// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * A slow reader of llsock's domains, for tests/lifecycle_test.c: on one
 * socket_create request of one process, it looks up the domain of one
 * cgroup in llsock's pinned llsock_domains (the loader reuses the pin),
 * copies it, spins for a while (still inside the program, so under the
 * RCU read lock every BPF LSM program runs under), and compares the
 * element with its copy. A domain that changes under a reader is what
 * llsock's publish protocol must never let happen. It decides nothing.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "hook.h"
#include "llsock.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

LLSOCK_DOMAINS_MAP(llsock_domains);

/* Set before loading. */
const volatile __u32 target_tgid;
const volatile int target_protocol;
const volatile __u64 target_cgroup;
const volatile __u64 spin_ns;

/* Read through the mmaped .bss; spinning is 1 while the reader spins. */
__u64 reads, changes, spun_ns, spinning;

struct spin {
	__u64 until;
};

static long spin_step(__u64 i, void *ctx)
{
	struct spin *spin = ctx;

	return bpf_ktime_get_ns() >= spin->until;
}

_Static_assert(sizeof(struct llsock_domain) % sizeof(__u64) == 0,
	       "compared in 64-bit words");

static __always_inline bool differs(const struct llsock_domain *a,
				    const struct llsock_domain *b)
{
	const __u64 *x = (const __u64 *)a, *y = (const __u64 *)b;
	unsigned int i;

	for (i = 0; i < sizeof(*a) / sizeof(__u64); i++)
		if (x[i] != y[i])
			return true;
	return false;
}

LLSOCK_LSM(socket_create, reader_socket_create,
	   int family, int type, int protocol, int kern)
{
	struct llsock_domain *domain, copy;
	__u64 id = target_cgroup, start;
	struct spin spin;

	if (bpf_get_current_pid_tgid() >> 32 != target_tgid ||
	    protocol != target_protocol)
		return 0;
	domain = bpf_map_lookup_elem(&llsock_domains, &id);
	if (!domain)
		return 0;
	__builtin_memcpy(&copy, domain, sizeof(copy));
	start = bpf_ktime_get_ns();
	spin.until = start + spin_ns;
	spinning = 1;
	bpf_loop(1 << 23, spin_step, &spin, 0);
	spinning = 0;
	spun_ns = bpf_ktime_get_ns() - start;
	__sync_fetch_and_add(&reads, 1);
	if (differs(&copy, domain))
		__sync_fetch_and_add(&changes, 1);
	return 0;
}

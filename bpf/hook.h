/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * LLSOCK_LSM(): how every lsm/ program of this project is declared.
 *
 * Hooks gain arguments from one kernel to the next (bpf() got `bool kernel`
 * in 6.16), and a BPF LSM program reads its arguments by position: one
 * that declares more than the hook has reads the hook's return value or
 * garbage, and the verifier then refuses it, or worse, accepts it. So each
 * program declares only the arguments it uses, and says which in its BTF:
 * a decl tag "llsock.args:<the arguments as written>" on the program's
 * function. The loader compares it with bpf_lsm_<hook> in the running
 * kernel's BTF before loading, and tests/hooks_test.c with the BTF of every
 * kernel of the test matrix (loader/hooks.c does both).
 *
 * A hook whose arguments really differ between kernels gets one program per
 * shape, all with the same section; the loader loads the one that fits.
 */
#ifndef LLSOCK_HOOK_H
#define LLSOCK_HOOK_H

/* The prefix of the decl tag; loader/hooks.c reads it. */
#define LLSOCK_ARGS_TAG		"llsock.args:"

#ifdef __BPF__
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

/*
 * LLSOCK_LSM(hook, name, args...) - an lsm/@hook program called @name,
 * reading the hook's first arguments as @args (possibly none). Use it as
 * BPF_PROG: LLSOCK_LSM(file_open, llsock_file_open, struct file *file) { }
 */
#define LLSOCK_LSM(hook, name, args...)					\
	SEC("lsm/" #hook)						\
	__attribute__((btf_decl_tag(LLSOCK_ARGS_TAG #args)))		\
	int BPF_PROG(name, ##args)

#endif /* __BPF__ */
#endif /* LLSOCK_HOOK_H */

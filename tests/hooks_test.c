// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Host test: every lsm/ program fits the hook it attaches to, on every
 * kernel of the test matrix.
 *
 * Each program says in its BTF which of the hook's arguments it reads
 * (bpf/hook.h); this reads the BTF of each kernel (Debian's stock kernels,
 * the patched ones) and checks, with the loader's own code
 * (loader/hooks.c), that those are the first parameters of
 * bpf_lsm_<hook> there, with the same types. So the next kernel that
 * changes a hook fails this test instead of a user's `llsock load`.
 *
 * usage: hooks_test OBJECT... -- NAME=BTF...
 *
 * OBJECT is a BPF object (build/llsock.bpf.o first: the loader's program
 * choice is checked on it); BTF a kernel's raw BTF or an ELF vmlinux
 * (vmlinux.h.gen --btf makes one from a bzImage).
 */
/* llsock-suite: host args */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "kselftest.h"
#include "internal.h"
#include "hook.h"

#define MAX_PROGRAMS	64
#define MAX_KERNELS	16

struct program {
	const char *object;
	char name[64];
	char hook[64];
	char args[256];		/* NULL-free copy of the decl tag */
	bool has_args;
	int fits;		/* kernels it fits */
};

static struct program programs[MAX_PROGRAMS];
static int nr_programs;

static int silent(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	return 0;
}

static int read_object(const char *path)
{
	struct bpf_object *obj;
	struct bpf_program *prog;
	const struct btf *btf;

	obj = bpf_object__open_file(path, NULL);
	if (!obj) {
		ksft_print_msg("cannot open %s: %s\n", path, strerror(errno));
		return -1;
	}
	btf = bpf_object__btf(obj);
	bpf_object__for_each_program(prog, obj) {
		const char *sec = bpf_program__section_name(prog);
		struct program *p;
		const char *args;

		if (strncmp(sec, "lsm/", 4))
			continue;
		if (nr_programs == MAX_PROGRAMS) {
			ksft_print_msg("more than %d programs\n", MAX_PROGRAMS);
			bpf_object__close(obj);
			return -1;
		}
		p = &programs[nr_programs++];
		p->object = path;
		snprintf(p->name, sizeof(p->name), "%s", bpf_program__name(prog));
		snprintf(p->hook, sizeof(p->hook), "%s", sec + 4);
		args = btf ? llsock_hook_declared_args(btf, p->name) : NULL;
		p->has_args = args != NULL;
		snprintf(p->args, sizeof(p->args), "%s", args ? args : "");
	}
	bpf_object__close(obj);
	return 0;
}

/*
 * The checker itself must be able to say no: on each kernel, the argument
 * lists that broke `llsock load` once (the verdict read as a fifth
 * socket_create argument) and wrong types are refused, and other
 * spellings of the right types are accepted.
 */
static bool checks_spellings(const struct btf *btf, char *why, size_t size)
{
	static const struct {
		const char *hook, *args;
		bool fits;
	} lists[] = {
		{ "socket_create", "int family, int type, int protocol, int kern, int ret", false },
		{ "socket_create", "long family", false },
		{ "socket_create", "unsigned int family", false },
		{ "socket_create", "int family, int type, int protocol, bool kern", false },
		{ "socket_create", "struct sock *sk", false },
		{ "socket_create", "signed int family, int type", true },
		{ "ptrace_access_check", "struct task_struct *child, unsigned int mode", true },
		{ "ptrace_access_check", "const struct task_struct *child, unsigned mode", true },
		{ "ptrace_access_check", "struct task_struct *child, int mode", false },
		{ "ptrace_access_check", "struct task_struct **child", false },
		{ "task_alloc", "struct task_struct *task, __u64 clone_flags", true },
		{ "task_alloc", "struct task_struct *task, unsigned long long flags", true },
		{ "task_alloc", "struct task_struct *task, long clone_flags", false },
		{ "task_alloc", "struct task_struct *task, no_such_type flags", false },
		{ "file_open", "struct inode *inode", false },
		{ "file_open", "int fd", false },
		{ "file_open", "void *file", false },
		{ "file_open", "struct file", false },
		{ "no_such_hook", "int x", false },
	};
	char ignored[512];
	unsigned int i;

	for (i = 0; i < sizeof(lists) / sizeof(lists[0]); i++) {
		bool fits = !llsock_hook_check(btf, lists[i].hook,
					       lists[i].args, ignored,
					       sizeof(ignored));

		if (fits != lists[i].fits) {
			snprintf(why, size, "lsm/%s (%s) was %s", lists[i].hook,
				 lists[i].args, fits ? "accepted" : "refused");
			return false;
		}
	}
	return true;
}

/*
 * A kernel's BTF with just bpf_lsm_socket_create, of @nr_args int
 * parameters (the hook has four).
 */
static struct btf *fake_kernel(int nr_args)
{
	struct btf *btf = btf__new_empty();
	int int_id, proto, i;

	if (!btf)
		return NULL;
	int_id = btf__add_int(btf, "int", 4, BTF_INT_SIGNED);
	proto = btf__add_func_proto(btf, int_id);
	for (i = 0; i < nr_args; i++)
		btf__add_func_param(btf, "arg", int_id);
	btf__add_func(btf, "bpf_lsm_socket_create", BTF_FUNC_GLOBAL, proto);
	return btf;
}

/*
 * What llsock load does with the running kernel's BTF: the program that
 * fits is kept; where none fits, loading stops and says why.
 */
static void selects_on_fake_kernels(const char *path)
{
	struct bpf_object *obj;
	struct bpf_program *prog;
	struct btf *btf;
	char why[512] = "";
	int ret;

	/* Three arguments: llsock_socket_create reads a fourth. */
	obj = bpf_object__open_file(path, NULL);
	btf = fake_kernel(3);
	ret = obj && btf ? llsock_hooks_select(obj, btf, why, sizeof(why)) : -1;
	/* It names the hook, and what this kernel's passes. */
	ksft_test_result(ret == -ENOEXEC && strstr(why, "socket_create") &&
			 strstr(why, "(int arg, int arg, int arg)"),
			 "a kernel whose socket_create has 3 arguments loads nothing: %s\n",
			 why);
	btf__free(btf);
	bpf_object__close(obj);

	/* The four arguments, and no guard to load: socket_create is kept. */
	obj = bpf_object__open_file(path, NULL);
	btf = fake_kernel(4);
	ret = -1;
	if (obj && btf) {
		bpf_object__for_each_program(prog, obj)
			if (strcmp(bpf_program__section_name(prog),
				   "lsm/socket_create"))
				bpf_program__set_autoload(prog, false);
		ret = llsock_hooks_select(obj, btf, why, sizeof(why));
	}
	ksft_test_result(!ret, "a kernel with the four socket_create arguments loads the program\n");
	btf__free(btf);
	bpf_object__close(obj);
}

int main(int argc, char **argv)
{
	const char *kernels[MAX_KERNELS], *paths[MAX_KERNELS];
	char hooks[MAX_PROGRAMS][64];
	int nr_kernels = 0, nr_hooks = 0, i, j, k;
	bool objects = true;

	libbpf_set_print(silent);
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--")) {
			objects = false;
		} else if (objects) {
			if (read_object(argv[i]))
				return KSFT_FAIL;
		} else {
			char *eq = strchr(argv[i], '=');

			if (!eq || nr_kernels == MAX_KERNELS) {
				fprintf(stderr, "usage: %s OBJECT... -- NAME=BTF...\n",
					argv[0]);
				return KSFT_FAIL;
			}
			*eq = '\0';
			kernels[nr_kernels] = argv[i];
			paths[nr_kernels++] = eq + 1;
		}
	}
	if (!nr_programs || !nr_kernels) {
		fprintf(stderr, "usage: %s OBJECT... -- NAME=BTF...\n", argv[0]);
		return KSFT_FAIL;
	}
	for (i = 0; i < nr_programs; i++) {
		for (j = 0; j < nr_hooks; j++)
			if (!strcmp(hooks[j], programs[i].hook))
				break;
		if (j == nr_hooks)
			snprintf(hooks[nr_hooks++], sizeof(hooks[0]), "%s",
				 programs[i].hook);
	}

	ksft_print_header();
	/* Per kernel: each hook, and the negative control; then each program. */
	ksft_set_plan(nr_kernels * (nr_hooks + 1) + nr_programs + 2);
	selects_on_fake_kernels(programs[0].object);
	for (k = 0; k < nr_kernels; k++) {
		struct btf *btf = btf__parse(paths[k], NULL);
		char why[512], params[512];

		if (!btf) {
			ksft_print_msg("cannot read the BTF of %s in %s: %s\n",
				       kernels[k], paths[k], strerror(errno));
			for (j = 0; j < nr_hooks + 1; j++)
				ksft_test_result_fail("%s: BTF unreadable\n",
						      kernels[k]);
			continue;
		}
		for (j = 0; j < nr_hooks; j++) {
			const char *fit = NULL;

			llsock_hook_describe(btf, hooks[j], params,
					     sizeof(params));
			ksft_print_msg("%s: bpf_lsm_%s(%s)\n", kernels[k],
				       hooks[j], params);
			for (i = 0; i < nr_programs; i++) {
				struct program *p = &programs[i];

				if (strcmp(p->hook, hooks[j]))
					continue;
				if (!p->has_args) {
					ksft_print_msg("  %s: no %s decl tag (declare it with LLSOCK_LSM)\n",
						       p->name, LLSOCK_ARGS_TAG);
					continue;
				}
				if (llsock_hook_check(btf, p->hook, p->args, why,
						      sizeof(why))) {
					ksft_print_msg("  %s (%s) does not fit: %s\n",
						       p->name, p->args, why);
					continue;
				}
				p->fits++;
				if (!fit)
					fit = p->name;
			}
			ksft_test_result(fit != NULL, "%s: lsm/%s%s%s\n",
					 kernels[k], hooks[j],
					 fit ? " loads " : ": no program fits",
					 fit ? fit : "");
		}
		why[0] = '\0';
		ksft_test_result(checks_spellings(btf, why, sizeof(why)),
				 "%s: wrong argument lists are refused, other spellings accepted%s%s\n",
				 kernels[k], why[0] ? ": " : "", why);
		btf__free(btf);
	}
	/* A program that fits no kernel of the matrix is dead code, or wrong. */
	for (i = 0; i < nr_programs; i++)
		ksft_test_result(programs[i].fits > 0,
				 "%s (lsm/%s, %s) fits %d of %d kernels\n",
				 programs[i].name, programs[i].hook,
				 programs[i].args[0] ? programs[i].args : "no arguments",
				 programs[i].fits, nr_kernels);
	ksft_finished();
}

// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Hook signatures: whether each lsm/ program of an object fits a kernel.
 *
 * A BPF LSM program reads the hook's arguments by position, and hooks gain
 * arguments across kernels. Every program says in a BTF decl tag which
 * arguments it reads (bpf/hook.h); here they are compared, by position,
 * with the parameters of bpf_lsm_<hook> in a kernel's BTF: the running
 * kernel's when loading, and every kernel of the test matrix in
 * tests/hooks_test.c. A program fits when its arguments are the hook's
 * first ones, with the same types: scalars of the same size and
 * signedness, pointers to the same struct or union.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "internal.h"
#include "../bpf/hook.h"

#define HOOK_PREFIX	"bpf_lsm_"

/* What a parameter is, as far as reading it from the context goes. */
struct arg_shape {
	enum { SHAPE_SCALAR, SHAPE_POINTER, SHAPE_OTHER } kind;
	/* SHAPE_SCALAR: size in bytes and sign; SHAPE_POINTER: the pointee. */
	unsigned int size;
	bool is_signed;
	unsigned int depth;	/* levels of pointer */
	char pointee[64];	/* "struct inode", "void", "int"... */
};

const char *llsock_hook_declared_args(const struct btf *obj_btf,
				      const char *prog_name)
{
	size_t prefix = strlen(LLSOCK_ARGS_TAG);
	__u32 i, n = btf__type_cnt(obj_btf);

	for (i = 1; i < n; i++) {
		const struct btf_type *t = btf__type_by_id(obj_btf, i);
		const struct btf_type *target;
		const char *name;

		if (!btf_is_decl_tag(t) || btf_decl_tag(t)->component_idx != -1)
			continue;
		name = btf__name_by_offset(obj_btf, t->name_off);
		if (!name || strncmp(name, LLSOCK_ARGS_TAG, prefix))
			continue;
		target = btf__type_by_id(obj_btf, t->type);
		if (target && btf_is_func(target) &&
		    !strcmp(btf__name_by_offset(obj_btf, target->name_off),
			    prog_name))
			return name + prefix;
	}
	return NULL;
}

/* The shape of a kernel type: typedefs and qualifiers see through. */
static int btf_shape(const struct btf *btf, __u32 id, struct arg_shape *shape)
{
	const struct btf_type *t;
	const char *name;

	memset(shape, 0, sizeof(*shape));
	t = btf__type_by_id(btf, btf__resolve_type(btf, id));
	if (!t)
		return -EINVAL;
	if (btf_is_int(t)) {
		shape->kind = SHAPE_SCALAR;
		shape->size = t->size;
		shape->is_signed = btf_int_encoding(t) & BTF_INT_SIGNED;
		return 0;
	}
	if (btf_is_any_enum(t)) {
		shape->kind = SHAPE_SCALAR;
		shape->size = t->size;
		shape->is_signed = btf_kflag(t);
		return 0;
	}
	if (!btf_is_ptr(t)) {
		shape->kind = SHAPE_OTHER;
		return 0;
	}
	shape->kind = SHAPE_POINTER;
	while (btf_is_ptr(t)) {
		shape->depth++;
		if (!t->type) {
			snprintf(shape->pointee, sizeof(shape->pointee), "void");
			return 0;
		}
		t = btf__type_by_id(btf, btf__resolve_type(btf, t->type));
		if (!t)
			return -EINVAL;
	}
	name = btf__name_by_offset(btf, t->name_off);
	if (btf_is_struct(t) || btf_is_union(t))
		snprintf(shape->pointee, sizeof(shape->pointee), "%s %s",
			 btf_is_struct(t) ? "struct" : "union", name);
	else if (btf_is_int(t) || btf_is_any_enum(t))
		snprintf(shape->pointee, sizeof(shape->pointee), "%s%u",
			 btf_is_int(t) && !(btf_int_encoding(t) & BTF_INT_SIGNED) ?
			 "u" : "s", t->size * 8);
	else
		snprintf(shape->pointee, sizeof(shape->pointee), "kind %u",
			 btf_kind(t));
	return 0;
}

/*
 * The shape of one declared argument, "struct inode *dir" or "unsigned
 * long flags": C keywords for the integers, any other type name looked up
 * in the kernel's BTF (a typedef such as u64 or umode_t).
 */
static int declared_shape(const struct btf *btf, const char *text,
			  struct arg_shape *shape, char *why, size_t size)
{
	char words[8][64];
	int nr_words = 0, longs = 0, i, last;
	bool is_unsigned = false, is_signed = false, is_short = false;
	bool is_char = false, is_bool = false, is_int = false;
	const char *p = text;
	unsigned int depth = 0;
	__s32 id;

	memset(shape, 0, sizeof(*shape));
	while (*p) {
		size_t len = 0;

		if (*p == '*') {
			depth++;
			p++;
			continue;
		}
		if (isspace((unsigned char)*p)) {
			p++;
			continue;
		}
		while (isalnum((unsigned char)p[len]) || p[len] == '_')
			len++;
		if (!len || len >= sizeof(words[0]) || nr_words == 8) {
			llsock_set_error(why, size, "cannot read the argument \"%s\"", text);
			return -EINVAL;
		}
		memcpy(words[nr_words], p, len);
		words[nr_words++][len] = '\0';
		p += len;
	}
	/* The last word is the argument's name. */
	if (nr_words < 2) {
		llsock_set_error(why, size, "the argument \"%s\" has no name", text);
		return -EINVAL;
	}
	last = nr_words - 1;

	if (depth) {
		shape->kind = SHAPE_POINTER;
		shape->depth = depth;
	}
	for (i = 0; i < last; i++) {
		const char *w = words[i];

		if (!strcmp(w, "const") || !strcmp(w, "volatile"))
			continue;
		if (!strcmp(w, "struct") || !strcmp(w, "union")) {
			if (i + 1 >= last || !depth) {
				llsock_set_error(why, size,
						 "\"%s\": only pointers to a %s are read",
						 text, w);
				return -EINVAL;
			}
			snprintf(shape->pointee, sizeof(shape->pointee), "%s %s",
				 w, words[i + 1]);
			return 0;
		}
		if (!strcmp(w, "unsigned"))
			is_unsigned = true;
		else if (!strcmp(w, "signed"))
			is_signed = true;
		else if (!strcmp(w, "long"))
			longs++;
		else if (!strcmp(w, "short"))
			is_short = true;
		else if (!strcmp(w, "char"))
			is_char = true;
		else if (!strcmp(w, "int"))
			is_int = true;
		else if (!strcmp(w, "bool") || !strcmp(w, "_Bool"))
			is_bool = true;
		else if (!strcmp(w, "void") && depth)
			snprintf(shape->pointee, sizeof(shape->pointee), "void");
		else {
			/* A typedef of the kernel's. */
			struct arg_shape target;

			id = btf__find_by_name_kind(btf, w, BTF_KIND_TYPEDEF);
			if (id < 0) {
				llsock_set_error(why, size,
						 "\"%s\": this kernel has no type %s",
						 text, w);
				return -EINVAL;
			}
			if (btf_shape(btf, id, &target))
				return -EINVAL;
			if (!depth) {
				*shape = target;
				return 0;
			}
			if (target.kind == SHAPE_POINTER) {
				shape->depth += target.depth;
				memcpy(shape->pointee, target.pointee,
				       sizeof(shape->pointee));
			} else if (target.kind == SHAPE_SCALAR) {
				snprintf(shape->pointee, sizeof(shape->pointee),
					 "%s%u", target.is_signed ? "s" : "u",
					 target.size * 8);
			} else {
				snprintf(shape->pointee, sizeof(shape->pointee),
					 "%s", w);
			}
			return 0;
		}
	}
	if (shape->pointee[0])
		return 0;

	/* An integer spelt with C's keywords. */
	if (is_bool) {
		shape->size = 1;
	} else if (is_char) {
		shape->size = 1;
		/* char is signed on x86-64, the only target here. */
		shape->is_signed = !is_unsigned;
	} else if (is_short) {
		shape->size = 2;
		shape->is_signed = !is_unsigned;
	} else if (longs) {
		shape->size = 8;
		shape->is_signed = !is_unsigned;
	} else if (is_int || is_unsigned || is_signed) {
		shape->size = 4;
		shape->is_signed = !is_unsigned;
	} else {
		llsock_set_error(why, size, "cannot read the argument \"%s\"", text);
		return -EINVAL;
	}
	if (depth) {
		snprintf(shape->pointee, sizeof(shape->pointee), "%s%u",
			 shape->is_signed ? "s" : "u", shape->size * 8);
		shape->size = 0;
		shape->is_signed = false;
	} else {
		shape->kind = SHAPE_SCALAR;
	}
	return 0;
}

static bool same_shape(const struct arg_shape *a, const struct arg_shape *b)
{
	if (a->kind != b->kind)
		return false;
	switch (a->kind) {
	case SHAPE_SCALAR:
		return a->size == b->size && a->is_signed == b->is_signed;
	case SHAPE_POINTER:
		return a->depth == b->depth && !strcmp(a->pointee, b->pointee);
	default:
		return false;
	}
}

static const struct btf_type *hook_proto(const struct btf *vmlinux,
					 const char *hook)
{
	char name[128];
	__s32 id;

	snprintf(name, sizeof(name), HOOK_PREFIX "%s", hook);
	id = btf__find_by_name_kind(vmlinux, name, BTF_KIND_FUNC);
	if (id < 0)
		return NULL;
	return btf__type_by_id(vmlinux, btf__type_by_id(vmlinux, id)->type);
}

struct text {
	char *buf;
	size_t size, len;
};

static void text_printf(void *ctx, const char *fmt, va_list args)
{
	struct text *text = ctx;
	int n;

	if (text->len >= text->size)
		return;
	n = vsnprintf(text->buf + text->len, text->size - text->len, fmt, args);
	if (n > 0)
		text->len += n;
	if (text->len >= text->size)
		text->len = text->size - 1;
}

static void text_add(struct text *text, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	text_printf(text, fmt, ap);
	va_end(ap);
}

int llsock_hook_describe(const struct btf *vmlinux, const char *hook,
			 char *buf, size_t size)
{
	const struct btf_type *proto = hook_proto(vmlinux, hook);
	struct text text = { .buf = buf, .size = size };
	const struct btf_param *params;
	struct btf_dump *dump;
	int i, ret = 0;

	if (!size)
		return -EINVAL;
	buf[0] = '\0';
	if (!proto)
		return -ENOENT;
	dump = btf_dump__new(vmlinux, text_printf, &text, NULL);
	if (!dump)
		return -errno;
	params = btf_params(proto);
	for (i = 0; i < btf_vlen(proto); i++) {
		LIBBPF_OPTS(btf_dump_emit_type_decl_opts, opts,
			.field_name = btf__name_by_offset(vmlinux,
							  params[i].name_off),
		);

		if (i)
			text_add(&text, ", ");
		ret = btf_dump__emit_type_decl(dump, params[i].type, &opts);
		if (ret)
			break;
	}
	btf_dump__free(dump);
	return ret;
}

int llsock_hook_check(const struct btf *vmlinux, const char *hook,
		      const char *args, char *why, size_t size)
{
	const struct btf_type *proto = hook_proto(vmlinux, hook);
	char arg[128], params[512];
	const char *p = args, *end;
	struct arg_shape want, have;
	int i, ret;

	llsock_set_error(why, size, "%s", "");
	if (!proto) {
		llsock_set_error(why, size,
				 "this kernel has no %s%s in its BTF",
				 HOOK_PREFIX, hook);
		return -ENOENT;
	}
	llsock_hook_describe(vmlinux, hook, params, sizeof(params));
	for (i = 0; *p; i++) {
		while (isspace((unsigned char)*p))
			p++;
		end = strchr(p, ',');
		if (!end)
			end = p + strlen(p);
		if ((size_t)(end - p) >= sizeof(arg)) {
			llsock_set_error(why, size, "cannot read the arguments \"%s\"", args);
			return -EINVAL;
		}
		memcpy(arg, p, end - p);
		arg[end - p] = '\0';
		p = *end ? end + 1 : end;

		if (i >= btf_vlen(proto)) {
			llsock_set_error(why, size,
					 "it reads argument %d (%s), but this kernel's %s hook has %d: (%s)",
					 i + 1, arg, hook, btf_vlen(proto),
					 params);
			return -EINVAL;
		}
		ret = declared_shape(vmlinux, arg, &want, why, size);
		if (ret)
			return ret;
		ret = btf_shape(vmlinux, btf_params(proto)[i].type, &have);
		if (ret || !same_shape(&want, &have)) {
			llsock_set_error(why, size,
					 "its argument %d (%s) is not what this kernel's %s hook passes there: (%s)",
					 i + 1, arg, hook, params);
			return -EINVAL;
		}
	}
	return 0;
}

#define MAX_HOOKS	32

int llsock_hooks_select(struct bpf_object *obj, const struct btf *vmlinux,
			char *why, size_t size)
{
	const char *hooks[MAX_HOOKS];
	bool chosen[MAX_HOOKS] = {};
	char reason[MAX_HOOKS][512];
	struct bpf_program *prog;
	int nr_hooks = 0, i;

	bpf_object__for_each_program(prog, obj) {
		const char *sec = bpf_program__section_name(prog);
		const char *name = bpf_program__name(prog);
		const struct btf *obj_btf = bpf_object__btf(obj);
		const char *args, *hook;

		if (strncmp(sec, "lsm/", 4) || !bpf_program__autoload(prog))
			continue;
		hook = sec + 4;
		for (i = 0; i < nr_hooks; i++)
			if (!strcmp(hooks[i], hook))
				break;
		if (i == nr_hooks) {
			if (nr_hooks == MAX_HOOKS)
				return -E2BIG;
			hooks[nr_hooks] = hook;
			reason[nr_hooks][0] = '\0';
			nr_hooks++;
		}
		/* The first program that fits a hook is the one loaded. */
		if (chosen[i]) {
			bpf_program__set_autoload(prog, false);
			continue;
		}
		args = obj_btf ? llsock_hook_declared_args(obj_btf, name) : NULL;
		if (!args) {
			snprintf(reason[i], sizeof(reason[i]),
				 "%s (lsm/%s) does not say which arguments it reads",
				 name, hook);
		} else {
			int len = snprintf(reason[i], sizeof(reason[i]),
					   "%s (lsm/%s) does not fit: ", name,
					   hook);

			if (len < 0 || (size_t)len >= sizeof(reason[i]))
				len = 0;
			if (!llsock_hook_check(vmlinux, hook, args,
					       reason[i] + len,
					       sizeof(reason[i]) - len)) {
				chosen[i] = true;
				continue;
			}
		}
		bpf_program__set_autoload(prog, false);
	}
	for (i = 0; i < nr_hooks; i++) {
		if (!chosen[i]) {
			llsock_set_error(why, size, "%s", reason[i]);
			return -ENOEXEC;
		}
	}
	return 0;
}

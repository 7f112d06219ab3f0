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

/*
 * A type as far as reading it from a program's context goes, written
 * "s32", "u64", "struct inode *", "void *": scalars by size and sign,
 * pointers by what they point to. Typedefs and qualifiers do not count.
 */
#define DESC_SIZE	144

static void scalar_desc(char *desc, unsigned int bytes, bool is_signed)
{
	snprintf(desc, DESC_SIZE, "%c%u", is_signed ? 's' : 'u', bytes * 8);
}

static void add_stars(char *desc, unsigned int depth)
{
	size_t len = strlen(desc);

	if (depth && len + 1 < DESC_SIZE)
		desc[len++] = ' ';
	while (depth-- && len + 1 < DESC_SIZE)
		desc[len++] = '*';
	desc[len] = '\0';
}

/* The description of the kernel's type @id. */
static void btf_desc(const struct btf *btf, __u32 id, char *desc)
{
	const struct btf_type *t;
	unsigned int depth = 0;

	t = btf__type_by_id(btf, btf__resolve_type(btf, id));
	while (t && btf_is_ptr(t)) {
		depth++;
		/* Type 0 is void. */
		t = t->type ? btf__type_by_id(btf,
					      btf__resolve_type(btf, t->type)) :
			      NULL;
	}
	if (!t)
		snprintf(desc, DESC_SIZE, "void");
	else if (btf_is_int(t))
		scalar_desc(desc, t->size, btf_int_encoding(t) & BTF_INT_SIGNED);
	else if (btf_is_any_enum(t))
		scalar_desc(desc, t->size, btf_kflag(t));
	else if (btf_is_struct(t) || btf_is_union(t))
		snprintf(desc, DESC_SIZE, "%s %s",
			 btf_is_struct(t) ? "struct" : "union",
			 btf__name_by_offset(btf, t->name_off));
	else
		snprintf(desc, DESC_SIZE, "(BTF kind %u)", btf_kind(t));
	add_stars(desc, depth);
}

/*
 * An integer spelt with C's keywords ("unsigned long", "int"...) on
 * x86-64, the only target here; -EINVAL when a word is not one of them.
 */
static int keyword_desc(char words[][64], int count, char *desc)
{
	static const struct {
		const char *word;
		unsigned int bytes;
	} keywords[] = {
		{ "_Bool", 1 }, { "bool", 1 }, { "char", 1 }, { "short", 2 },
		{ "int", 4 }, { "long", 8 }, { "signed", 4 }, { "unsigned", 4 },
	};
	unsigned int bytes = 0, k;
	bool is_unsigned = false, is_bool = false;
	int i;

	for (i = 0; i < count; i++) {
		for (k = 0; k < sizeof(keywords) / sizeof(keywords[0]); k++)
			if (!strcmp(words[i], keywords[k].word))
				break;
		if (k == sizeof(keywords) / sizeof(keywords[0]))
			return -EINVAL;
		is_unsigned |= !strcmp(words[i], "unsigned");
		is_bool |= keywords[k].bytes == 1 && words[i][0] != 'c';
		/* int, signed and unsigned say 4 bytes only when alone. */
		if (!bytes || (keywords[k].bytes != 4 && (bytes == 4 ||
		    keywords[k].bytes < bytes)))
			bytes = keywords[k].bytes;
	}
	/* char is signed on x86-64. */
	scalar_desc(desc, bytes, !is_unsigned && !is_bool);
	return 0;
}

/* Splits @text into words, and counts its stars. */
static int split_words(const char *text, char words[][64], int max,
		       unsigned int *depth)
{
	int count = 0;
	size_t len;

	*depth = 0;
	while (*text) {
		if (*text == '*' || isspace((unsigned char)*text)) {
			*depth += *text++ == '*';
			continue;
		}
		for (len = 0; isalnum((unsigned char)text[len]) ||
			      text[len] == '_'; len++)
			;
		if (!len || len >= 64 || count == max)
			return -EINVAL;
		memcpy(words[count], text, len);
		words[count++][len] = '\0';
		text += len;
	}
	return count;
}

/*
 * The description of one declared argument, "struct inode *dir" or
 * "unsigned long flags": qualifiers dropped, the last word its name, any
 * type name other than C's keywords looked up in the kernel's BTF (a
 * typedef such as u64 or umode_t, or an enum, by its size and sign).
 */
static int declared_desc(const struct btf *btf, const char *text, char *desc,
			 char *why, size_t size)
{
	char words[8][64];
	unsigned int depth;
	int count, i, n = 0;
	__s32 id;

	count = split_words(text, words, 8, &depth);
	/* The types, without qualifiers and the argument's name. */
	for (i = 0; i < count - 1; i++)
		if (strcmp(words[i], "const") && strcmp(words[i], "volatile"))
			memmove(words[n++], words[i], sizeof(words[0]));
	if (count < 2 || !n) {
		llsock_set_error(why, size, "cannot read the argument \"%s\"",
				 text);
		return -EINVAL;
	}
	if (n == 2 && (!strcmp(words[0], "struct") ||
		       !strcmp(words[0], "union"))) {
		snprintf(desc, DESC_SIZE, "%s %s", words[0], words[1]);
	} else if (n == 2 && !strcmp(words[0], "enum")) {
		/* A scalar of the enum's size and sign in this kernel. */
		id = btf__find_by_name_kind(btf, words[1], BTF_KIND_ENUM);
		if (id < 0)
			id = btf__find_by_name_kind(btf, words[1],
						    BTF_KIND_ENUM64);
		if (id < 0) {
			llsock_set_error(why, size,
					 "\"%s\": this kernel has no enum %s",
					 text, words[1]);
			return -EINVAL;
		}
		btf_desc(btf, id, desc);
	} else if (n == 1 && !strcmp(words[0], "void")) {
		snprintf(desc, DESC_SIZE, "void");
	} else if (keyword_desc(words, n, desc)) {
		id = n == 1 ? btf__find_by_name_kind(btf, words[0],
						     BTF_KIND_TYPEDEF) : -1;
		if (id < 0) {
			llsock_set_error(why, size,
					 "\"%s\": this kernel has no type %s",
					 text, words[0]);
			return -EINVAL;
		}
		btf_desc(btf, id, desc);
	}
	add_stars(desc, depth);
	return 0;
}

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
	char arg[128], params[512], want[DESC_SIZE], have[DESC_SIZE];
	const char *p = args, *end;
	int i, ret;

	llsock_set_error(why, size, "%s", "");
	if (!proto) {
		llsock_set_error(why, size,
				 "this kernel has no %s%s in its BTF",
				 HOOK_PREFIX, hook);
		return -ENOENT;
	}
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
			/*
			 * Described only for a message: a btf_dump walks all
			 * of vmlinux's types, 0.5 s of each load in QEMU.
			 */
			llsock_hook_describe(vmlinux, hook, params,
					     sizeof(params));
			llsock_set_error(why, size,
					 "it reads argument %d (%s), but this kernel's %s hook has %d: (%s)",
					 i + 1, arg, hook, btf_vlen(proto),
					 params);
			return -EINVAL;
		}
		ret = declared_desc(vmlinux, arg, want, why, size);
		if (ret)
			return ret;
		btf_desc(vmlinux, btf_params(proto)[i].type, have);
		if (strcmp(want, have)) {
			llsock_hook_describe(vmlinux, hook, params,
					     sizeof(params));
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

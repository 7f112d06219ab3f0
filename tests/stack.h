/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * A stack of layers for the semantics suites, built by one of two
 * backends chosen at build time, so that the same tests run against both:
 *
 *   llsock (default)   each layer is a ruleset bound to a new child cgroup
 *                      of the previous layer's (SEMANTICS 6); a task
 *                      enters the stack by moving into the deepest one.
 *   native             (STACK_NATIVE=1) each layer is a Landlock ruleset
 *                      of the patched kernel; a task enters the stack with
 *                      one landlock_restrict_self() per layer, in order.
 *
 * The test process builds the stack and stays outside it; it checks what
 * the stack allows from child processes that enter it, or enters it itself
 * once the stack is complete (it can add no layer after that). A failed
 * push_layer() leaves the stack as it was, on both backends.
 */
#ifndef LLSOCK_TESTS_STACK_H
#define LLSOCK_TESTS_STACK_H

#include "common.h"
#include "native.h"

/* One rule attribute serves both: the layouts of SEMANTICS 1 and 5. */
_Static_assert(sizeof(struct llsock_socket_attr) ==
	       sizeof(struct native_socket_attr), "one socket rule layout");
_Static_assert(sizeof(struct llsock_permission_socket_attr) ==
	       sizeof(struct native_permission_socket_attr),
	       "one socket permission rule layout");
_Static_assert(sizeof(struct llsock_permission_ruleset_attr) ==
	       sizeof(struct native_permission_ruleset_attr),
	       "one permission ruleset layout");

#ifndef STACK_NATIVE
#define STACK_NATIVE 0
#endif

#if STACK_NATIVE
#define STACK_BACKEND "native Landlock"
#else
#define STACK_BACKEND "llsock"
#endif

struct stack {
	/* Of the layers push_layer() adds from now on: v4 by default. */
	enum llsock_flavour flavour;
	struct test_cgroup cg;			/* llsock */
	int fds[LLSOCK_MAX_LAYERS + 1];		/* native, one per layer */
	int layers;
};

/*
 * NULL when this backend works on the running kernel for rulesets of
 * @flavour, else why not: a reason to skip (native) or to fail (llsock,
 * which `llsock load` must have loaded before the suite).
 */
static inline const char *stack_unavailable_for(enum llsock_flavour flavour)
{
	static char why[200];
	bool permission = flavour == LLSOCK_FLAVOUR_PERMISSION;
	int abi, err;

	if (!STACK_NATIVE)
		return llsock_is_loaded() ? NULL :
		       "llsock is not loaded: run `llsock load` first";
	err = permission ? native_socket_permission() : native_socket_rules();
	if (!err)
		return NULL;
	abi = native_abi();
	if (abi < 0)
		snprintf(why, sizeof(why),
			 "native Landlock socket %s need the patched kernel (kernel/); Landlock is off here: %s",
			 permission ? "permissions" : "rules", strerror(-abi));
	else
		snprintf(why, sizeof(why),
			 "native Landlock socket %s need the patched kernel (kernel/%s); this kernel's Landlock (ABI %d) refuses %s: %s",
			 permission ? "permissions" : "rules",
			 permission ? "patched-7.3" : "patched-6.12", abi,
			 permission ? "handled_permissions" :
				      "handled_access_socket",
			 err == -E2BIG ? "E2BIG" : strerror(-err));
	return why;
}

static inline const char *stack_unavailable(void)
{
	return stack_unavailable_for(LLSOCK_FLAVOUR_V4);
}

static inline int stack_init(struct stack *stack, const char *name,
			     enum llsock_flavour flavour)
{
	memset(stack, 0, sizeof(*stack));
	stack->flavour = flavour;
	if (STACK_NATIVE)
		return 0;
	return test_cgroup_enter(&stack->cg, name);
}

/* In FIXTURE_TEARDOWN_PARENT: the llsock stack's cgroups go away. */
static inline void stack_fini(struct stack *stack)
{
	if (!STACK_NATIVE)
		test_cgroup_remove(&stack->cg);
}

/*
 * In FIXTURE_SETUP: the backend must be there for layers of @_flavour
 * (native: skipped with the reason on kernels without it), then the stack
 * starts empty.
 */
#define STACK_SETUP_FLAVOUR(_stack, _name, _flavour)			\
	do {								\
		const char *_why = stack_unavailable_for(_flavour);	\
									\
		if (_why) {						\
			if (STACK_NATIVE)				\
				SKIP(return, "%s", _why);		\
			TH_LOG("%s", _why);				\
			ASSERT_TRUE(false);				\
		}							\
		ASSERT_EQ(0, stack_init(_stack, _name, _flavour));	\
	} while (0)

#define STACK_SETUP(_stack, _name)					\
	STACK_SETUP_FLAVOUR(_stack, _name, LLSOCK_FLAVOUR_V4)

static inline int native_enter_child(void *arg)
{
	const struct stack *stack = arg;
	int err = native_enter(stack->fds, stack->layers);

	return err ? -err : 0;
}

/*
 * A native layer: a ruleset of the NULL-terminated rules, checked by
 * entering the stack with it in a child process (the kernel's E2BIG comes
 * from landlock_restrict_self()).
 */
/* A native ruleset of @flavour handling socket creation: an fd or -errno. */
static inline int native_flavour_ruleset(enum llsock_flavour flavour)
{
	struct native_ruleset_attr attr = {
		.handled_access_socket = NATIVE_ACCESS_SOCKET_CREATE,
	};
	struct native_permission_ruleset_attr pattr = {
		.handled_permissions = NATIVE_PERMISSION_SOCKET_CREATE,
	};
	int fd = flavour == LLSOCK_FLAVOUR_PERMISSION ?
			 native_create_permission_ruleset(&pattr, sizeof(pattr),
							  0) :
			 native_create_ruleset(&attr, sizeof(attr), 0);

	return fd < 0 ? -errno : fd;
}

/* Adds the rule @text, read as @flavour reads it, to the native @fd. */
static inline int native_add_text(int fd, enum llsock_flavour flavour,
				  const char *text)
{
	struct llsock_permission_socket_attr prule;
	struct llsock_socket_attr rule;
	int ret;

	if (flavour == LLSOCK_FLAVOUR_PERMISSION) {
		ret = llsock_parse_permission_rule(text, &prule, NULL, 0);
		if (!ret && native_add_rule(fd, NATIVE_RULE_SOCKET_PERMISSION,
					    &prule, 0))
			ret = -errno;
	} else {
		ret = llsock_parse_rule(text, &rule, NULL, 0);
		if (!ret && native_add_rule(fd, NATIVE_RULE_SOCKET, &rule, 0))
			ret = -errno;
	}
	return ret;
}

static inline int native_push_v(struct stack *stack, const char *first,
				va_list ap)
{
	const char *text;
	int fd, ret = 0;

	if (stack->layers > LLSOCK_MAX_LAYERS)
		return -E2BIG;
	fd = native_flavour_ruleset(stack->flavour);
	if (fd < 0)
		return fd;
	for (text = first; text && !ret; text = va_arg(ap, const char *))
		ret = native_add_text(fd, stack->flavour, text);
	if (!ret) {
		stack->fds[stack->layers++] = fd;
		ret = run_child(native_enter_child, stack);
		if (ret) {
			stack->layers--;
			ret = ret > 0 && ret < 128 ? -ret : -ECHILD;
		}
	}
	if (ret)
		close(fd);
	return ret;
}

static inline int llsock_push_v(struct stack *stack, const char *first,
				va_list ap)
{
	struct test_cgroup *cg = &stack->cg;
	char path[PATH_MAX];
	int ret;

	snprintf(path, sizeof(path), "%s/l%d", cg->top, stack->layers + 1);
	if (mkdir(path, 0755))
		return -errno;
	ret = bind_flavour_rules_v(path, stack->flavour, first, ap);
	if (ret) {
		rmdir(path);
		return ret;
	}
	snprintf(cg->top, sizeof(cg->top), "%s", path);
	stack->layers++;
	return 0;
}

/*
 * Adds a layer on top of the stack: a ruleset handling socket creation
 * with the NULL-terminated "family.type.protocol" rules. Returns 0 or
 * -errno; on failure, the stack is unchanged.
 */
static inline int push_layer(struct stack *stack, const char *first, ...)
{
	va_list ap;
	int ret;

	va_start(ap, first);
	ret = STACK_NATIVE ? native_push_v(stack, first, ap) :
			     llsock_push_v(stack, first, ap);
	va_end(ap);
	return ret;
}

/* Puts the calling process in the stack, for good. */
static inline int enter_stack(const struct stack *stack)
{
	if (STACK_NATIVE)
		return native_enter(stack->fds, stack->layers);
	return enter_cgroup(stack->cg.top);
}

static inline int enter_stack_at(const void *stack)
{
	return enter_stack(stack);
}

/* Runs @fn in a child process that enters the stack first. */
static inline int run_in_stack(struct stack *stack, int (*fn)(void *),
			       void *arg)
{
	return run_entered(enter_stack_at, stack, fn, arg);
}

/* socket(2)'s errno for a task in the stack. */
static inline int try_in_stack(struct stack *stack, int family, int type,
			       int protocol)
{
	struct socket_request r = { family, type, protocol };

	return run_in_stack(stack, try_request, &r);
}

/*
 * A ruleset of either backend, for the validation suites: libllsock's, or
 * a native Landlock ruleset's descriptor.
 */
struct ruleset {
	struct llsock_ruleset *llsock;
	int fd;
};

static inline void ruleset_init(struct ruleset *ruleset)
{
	ruleset->llsock = NULL;
	ruleset->fd = -1;
}

static inline void free_ruleset(struct ruleset *ruleset)
{
	llsock_ruleset_free(ruleset->llsock);
	if (ruleset->fd >= 0)
		close(ruleset->fd);
	ruleset_init(ruleset);
}

/*
 * In FIXTURE_SETUP of a validation suite: libllsock needs nothing of the
 * kernel; native Landlock needs rulesets of @_flavour (skipped with the
 * reason on kernels without them).
 */
#define BACKEND_SETUP(_flavour)						\
	do {								\
		const char *_why = STACK_NATIVE ?			\
				   stack_unavailable_for(_flavour) : NULL; \
									\
		if (_why)						\
			SKIP(return, "%s", _why);			\
	} while (0)

#endif /* LLSOCK_TESTS_STACK_H */

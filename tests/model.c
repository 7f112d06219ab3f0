// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <sys/socket.h>

#include "model.h"
#include "canon.h"

static const struct llsock_canon_rule canon_rules[] = LLSOCK_CANON_RULES;
#define NR_CANON_RULES (sizeof(canon_rules) / sizeof(canon_rules[0]))

int model_create_ruleset(__u64 handled_socket)
{
	if (handled_socket & ~MODEL_ACCESS_SOCKET_CREATE)
		return -EINVAL;
	if (!handled_socket)
		return -ENOMSG;
	return 0;
}

int model_add_rule(__u64 handled, __u32 flags, const void *attr,
		   __u64 allowed, int family, int type, int protocol,
		   struct model_rule *stored)
{
	if (flags)
		return -EINVAL;
	if (!attr)
		return -EFAULT;
	if (!allowed)
		return -ENOMSG;
	if ((allowed | handled) != handled)
		return -EINVAL;
	if (family < 0 || family > LLSOCK_FAMILY_MAX)
		return -EINVAL;
	if (type != MODEL_ANY && (type < 0 || type > LLSOCK_TYPE_MAX))
		return -EINVAL;
	if (protocol != MODEL_ANY &&
	    (protocol < 0 || protocol > LLSOCK_PROTOCOL_MAX))
		return -EINVAL;
	if (family == AF_INET && type == SOCK_PACKET)
		family = AF_PACKET;
	stored->allowed = allowed;
	stored->wildcards = 0;
	stored->family = family;
	stored->type = type;
	stored->protocol = protocol;
	return 0;
}

int model_create_permission_ruleset(__u64 handled_permissions)
{
	if (handled_permissions & ~MODEL_PERMISSION_SOCKET_CREATE)
		return -EINVAL;
	if (!handled_permissions)
		return -ENOMSG;
	return 0;
}

void model_canonical(int *family, int *type, int *protocol)
{
	llsock_canonical(canon_rules, NR_CANON_RULES, family, type, protocol);
}

int model_add_permission_rule(__u64 handled, __u32 flags, const void *attr,
			      __u64 permissions, __u32 wildcards,
			      __u32 family, __u32 type, __u32 protocol,
			      struct model_rule *stored)
{
	int f = (int)family, t = (int)type, p = (int)protocol;

	if (flags)
		return -EINVAL;
	if (!attr)
		return -EFAULT;
	if (!permissions)
		return -ENOMSG;
	if ((permissions | handled) != handled ||
	    (permissions & ~MODEL_PERMISSION_SOCKET_CREATE))
		return -EINVAL;
	if (wildcards & ~MODEL_WILDCARD_PROTOCOL)
		return -EINVAL;
	if ((wildcards & MODEL_WILDCARD_PROTOCOL) && protocol)
		return -EINVAL;
	/*
	 * "Rules are canonicalised at insertion": a rule for any protocol
	 * names the sockets of every protocol of (family, type), so only the
	 * rewrites that hold whatever the protocol apply to it.
	 */
	if (wildcards & MODEL_WILDCARD_PROTOCOL)
		llsock_canonical_any_protocol(canon_rules, NR_CANON_RULES, &f,
					      &t);
	else
		model_canonical(&f, &t, &p);
	stored->allowed = permissions;
	stored->wildcards = wildcards;
	stored->family = f;
	stored->type = t;
	stored->protocol = p;
	return 0;
}

static bool layer_has(const struct model_layer *layer, int family, int type,
		      int protocol)
{
	size_t i;

	for (i = 0; i < layer->nr_rules; i++) {
		const struct model_rule *rule = &layer->rules[i];

		if (rule->family == family && rule->type == type &&
		    rule->protocol == protocol && !rule->wildcards &&
		    (rule->allowed & MODEL_ACCESS_SOCKET_CREATE))
			return true;
	}
	return false;
}

/* SEMANTICS 5: a rule for the canonical key, or for its (family, type). */
static bool permission_layer_allows(const struct model_layer *layer,
				    int family, int type, int protocol)
{
	size_t i;

	model_canonical(&family, &type, &protocol);
	for (i = 0; i < layer->nr_rules; i++) {
		const struct model_rule *rule = &layer->rules[i];

		if (!(rule->allowed & MODEL_PERMISSION_SOCKET_CREATE) ||
		    rule->family != family || rule->type != type)
			continue;
		if (rule->wildcards & MODEL_WILDCARD_PROTOCOL)
			return true;
		if (rule->protocol == protocol)
			return true;
	}
	return false;
}

int model_verdict(const struct model_layer *layers, size_t nr_layers,
		  int family, int type, int protocol)
{
	size_t i;

	for (i = 0; i < nr_layers; i++) {
		const struct model_layer *layer = &layers[i];

		if (layer->flavour == MODEL_PERMISSION) {
			if (!(layer->handled & MODEL_PERMISSION_SOCKET_CREATE) ||
			    permission_layer_allows(layer, family, type,
						    protocol))
				continue;
			return EACCES;
		}
		if (!(layer->handled & MODEL_ACCESS_SOCKET_CREATE))
			continue;
		if (layer_has(layer, family, type, protocol) ||
		    layer_has(layer, family, MODEL_ANY, protocol) ||
		    layer_has(layer, family, type, MODEL_ANY) ||
		    layer_has(layer, family, MODEL_ANY, MODEL_ANY))
			continue;
		return EACCES;
	}
	return 0;
}

int model_socket(const struct model_layer *layers, size_t nr_layers,
		 int family, int type, int protocol, int kernel_errno,
		 enum model_stage *stage)
{
	enum model_stage dummy;
	int flags = type & ~MODEL_SOCK_TYPE_MASK;

	if (!stage)
		stage = &dummy;
	*stage = MODEL_BEFORE_HOOK;
	if (flags & ~(SOCK_NONBLOCK | SOCK_CLOEXEC))
		return EINVAL;
	type &= MODEL_SOCK_TYPE_MASK;
	if (family < 0 || family >= MODEL_NPROTO)
		return EAFNOSUPPORT;
	if (type < 0 || type >= MODEL_SOCK_MAX)
		return EINVAL;
	if (family == AF_INET && type == SOCK_PACKET)
		family = AF_PACKET;
	if (model_verdict(layers, nr_layers, family, type, protocol)) {
		*stage = MODEL_HOOK_DENIED;
		return EACCES;
	}
	*stage = MODEL_PAST_HOOK;
	return kernel_errno;
}

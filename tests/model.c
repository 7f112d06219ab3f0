// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <sys/socket.h>

#include "model.h"

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
	stored->family = family;
	stored->type = type;
	stored->protocol = protocol;
	return 0;
}

static bool layer_has(const struct model_layer *layer, int family, int type,
		      int protocol)
{
	size_t i;

	for (i = 0; i < layer->nr_rules; i++) {
		const struct model_rule *rule = &layer->rules[i];

		if (rule->family == family && rule->type == type &&
		    rule->protocol == protocol &&
		    (rule->allowed & MODEL_ACCESS_SOCKET_CREATE))
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

// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Enforcement of Landlock socket rules (SEMANTICS 3), the same tests on
 * either backend of stack.h: llsock's cgroup layers (section 6), built as
 * socket_test, or native Landlock on the patched kernel, built with
 * STACK_NATIVE=1 as socket_native_test (skipped, with the reason, on
 * kernels without it). Runs as root in the VM; llsock must be loaded.
 */
/* llsock-suite: vm native */
#include "stack.h"
#include "observe.h"

#include <arpa/inet.h>
#include <liburing.h>
#include <netinet/in.h>
#include <stdint.h>
#include <sys/un.h>
/* The uapi header needs the socket types first. */
#include <linux/sctp.h>

#ifndef AF_SMC
#define AF_SMC 43
#endif
#ifndef IPPROTO_MPTCP
#define IPPROTO_MPTCP 262
#endif
#ifndef IPPROTO_L2TP
#define IPPROTO_L2TP 115
#endif
#ifndef SOL_SCTP
#define SOL_SCTP 132
#endif

/* What socket(2) gives without any restriction. */
static int unrestricted_errno(int family, int type, int protocol)
{
	return try_socket(family, type, protocol);
}

static bool kernel_lacks(int err)
{
	return err == EAFNOSUPPORT || err == EPROTONOSUPPORT ||
	       err == ESOCKTNOSUPPORT || err == EPROTOTYPE ||
	       err == EOPNOTSUPP || err == ENOPROTOOPT;
}

FIXTURE(socket)
{
	struct stack stack;
};

FIXTURE_SETUP(socket)
{
	STACK_SETUP(&self->stack, "socket");
}

FIXTURE_TEARDOWN_PARENT(socket)
{
	stack_fini(&self->stack);
}

/* Each family: allowed by an exact rule, denied once an empty layer is on. */
FIXTURE(family)
{
	struct stack stack;
};

FIXTURE_VARIANT(family)
{
	int family;
	int type;
	int protocol;
	const char *needs;
};

FIXTURE_SETUP(family)
{
	STACK_SETUP(&self->stack, "family");
}

FIXTURE_TEARDOWN_PARENT(family)
{
	stack_fini(&self->stack);
}

#define FAMILY(name, f, t, p, what)					\
	FIXTURE_VARIANT_ADD(family, name) {				\
		.family = f, .type = t, .protocol = p, .needs = what	\
	}

FAMILY(unix_stream, AF_UNIX, SOCK_STREAM, 0, "AF_UNIX");
FAMILY(unix_dgram, AF_UNIX, SOCK_DGRAM, 0, "AF_UNIX");
FAMILY(unix_seqpacket, AF_UNIX, SOCK_SEQPACKET, 0, "AF_UNIX");
FAMILY(inet_tcp, AF_INET, SOCK_STREAM, IPPROTO_TCP, "TCP");
FAMILY(inet_stream_default, AF_INET, SOCK_STREAM, 0, "TCP");
FAMILY(inet_udp, AF_INET, SOCK_DGRAM, IPPROTO_UDP, "UDP");
FAMILY(inet_dgram_default, AF_INET, SOCK_DGRAM, 0, "UDP");
FAMILY(inet_udplite, AF_INET, SOCK_DGRAM, IPPROTO_UDPLITE, "UDP-Lite");
FAMILY(inet_raw_icmp, AF_INET, SOCK_RAW, IPPROTO_ICMP, "raw IPv4");
FAMILY(inet_raw_raw, AF_INET, SOCK_RAW, IPPROTO_RAW, "raw IPv4");
FAMILY(inet_sctp_seqpacket, AF_INET, SOCK_SEQPACKET, IPPROTO_SCTP,
       "SCTP (module sctp)");
FAMILY(inet_sctp_stream, AF_INET, SOCK_STREAM, IPPROTO_SCTP,
       "SCTP (module sctp)");
FAMILY(inet_mptcp, AF_INET, SOCK_STREAM, IPPROTO_MPTCP, "MPTCP");
FAMILY(inet_dccp, AF_INET, SOCK_DCCP, IPPROTO_DCCP, "DCCP (module dccp_ipv4)");
FAMILY(inet_l2tp, AF_INET, SOCK_DGRAM, IPPROTO_L2TP, "L2TP (module l2tp_ip)");
FAMILY(inet6_tcp, AF_INET6, SOCK_STREAM, IPPROTO_TCP, "IPv6 TCP");
FAMILY(inet6_udp, AF_INET6, SOCK_DGRAM, IPPROTO_UDP, "IPv6 UDP");
FAMILY(inet6_raw_icmpv6, AF_INET6, SOCK_RAW, IPPROTO_ICMPV6, "raw IPv6");
FAMILY(inet6_sctp, AF_INET6, SOCK_SEQPACKET, IPPROTO_SCTP,
       "SCTP (module sctp)");
FAMILY(inet6_mptcp, AF_INET6, SOCK_STREAM, IPPROTO_MPTCP, "MPTCP over IPv6");
FAMILY(packet_raw, AF_PACKET, SOCK_RAW, 0x0300, "AF_PACKET");
FAMILY(packet_dgram, AF_PACKET, SOCK_DGRAM, 0x0300, "AF_PACKET");
FAMILY(netlink_route, AF_NETLINK, SOCK_RAW, 0, "AF_NETLINK");
FAMILY(netlink_generic, AF_NETLINK, SOCK_DGRAM, 16, "AF_NETLINK");
FAMILY(vsock_stream, 40, SOCK_STREAM, 0, "AF_VSOCK (module vsock)");
FAMILY(vsock_seqpacket, 40, SOCK_SEQPACKET, 0, "AF_VSOCK (module vsock)");
FAMILY(xdp, 44, SOCK_RAW, 0, "AF_XDP");
FAMILY(tipc_rdm, 30, SOCK_RDM, 0, "AF_TIPC (module tipc)");
FAMILY(tipc_stream, 30, SOCK_STREAM, 0, "AF_TIPC (module tipc)");
FAMILY(smc, AF_SMC, SOCK_STREAM, 0, "AF_SMC (module smc)");
FAMILY(smc6, AF_SMC, SOCK_STREAM, 1, "AF_SMC (module smc)");
FAMILY(rds, 21, SOCK_SEQPACKET, 0, "AF_RDS (module rds)");
FAMILY(key, 15, SOCK_RAW, 2, "AF_KEY (module af_key)");
FAMILY(alg, 38, SOCK_SEQPACKET, 0, "AF_ALG (module af_alg)");
FAMILY(kcm, 41, SOCK_DGRAM, 0, "AF_KCM (module kcm)");
FAMILY(can_raw, 29, SOCK_RAW, 1, "AF_CAN (CONFIG_CAN_RAW)");

TEST_F(family, exact_rule_then_empty_layer)
{
	char rule[64];
	int err;

	err = unrestricted_errno(variant->family, variant->type,
				 variant->protocol);
	if (kernel_lacks(err))
		SKIP(return, "this kernel lacks %s (socket: %s)",
		     variant->needs, strerror(err));
	ASSERT_EQ(0, err);

	snprintf(rule, sizeof(rule), "%d.%d.%d", variant->family,
		 variant->type, variant->protocol);
	ASSERT_EQ(0, push_layer(&self->stack, rule, NULL));
	ASSERT_EQ(0, try_in_stack(&self->stack, variant->family, variant->type,
				  variant->protocol));
	ASSERT_EQ(0, push_layer(&self->stack, NULL));
	ASSERT_EQ(EACCES, try_in_stack(&self->stack, variant->family,
				       variant->type, variant->protocol));
}

/* Layers: AND across layers, and a later layer never restores a right. */

TEST_F(socket, empty_layer_then_allowing_layer)
{
	ASSERT_EQ(0, push_layer(&self->stack, "inet.stream.tcp", NULL));
	ASSERT_EQ(0, try_in_stack(&self->stack, AF_INET, SOCK_STREAM, IPPROTO_TCP));
	ASSERT_EQ(0, push_layer(&self->stack, NULL));
	ASSERT_EQ(EACCES, try_in_stack(&self->stack, AF_INET, SOCK_STREAM, IPPROTO_TCP));
	ASSERT_EQ(0, push_layer(&self->stack, "inet.stream.tcp", "unix.*.*", NULL));
	ASSERT_EQ(EACCES, try_in_stack(&self->stack, AF_INET, SOCK_STREAM, IPPROTO_TCP));
	ASSERT_EQ(EACCES, try_in_stack(&self->stack, AF_UNIX, SOCK_STREAM, 0));
}

TEST_F(socket, narrowing_layers)
{
	int sctp = unrestricted_errno(AF_INET, SOCK_STREAM, IPPROTO_SCTP);

	ASSERT_EQ(0, push_layer(&self->stack, "inet.*.*", NULL));
	ASSERT_EQ(0, try_in_stack(&self->stack, AF_INET, SOCK_DGRAM, IPPROTO_UDP));
	ASSERT_EQ(0, try_in_stack(&self->stack, AF_INET, SOCK_STREAM, IPPROTO_TCP));
	ASSERT_EQ(sctp, try_in_stack(&self->stack, AF_INET, SOCK_STREAM, IPPROTO_SCTP));
	ASSERT_EQ(EACCES, try_in_stack(&self->stack, AF_INET6, SOCK_STREAM, IPPROTO_TCP));

	ASSERT_EQ(0, push_layer(&self->stack, "inet.stream.*", NULL));
	ASSERT_EQ(EACCES, try_in_stack(&self->stack, AF_INET, SOCK_DGRAM, IPPROTO_UDP));
	ASSERT_EQ(0, try_in_stack(&self->stack, AF_INET, SOCK_STREAM, IPPROTO_TCP));
	ASSERT_EQ(sctp, try_in_stack(&self->stack, AF_INET, SOCK_STREAM, IPPROTO_SCTP));

	ASSERT_EQ(0, push_layer(&self->stack, "inet.stream.0", NULL));
	ASSERT_EQ(0, try_in_stack(&self->stack, AF_INET, SOCK_STREAM, 0));
	ASSERT_EQ(EACCES, try_in_stack(&self->stack, AF_INET, SOCK_STREAM, IPPROTO_SCTP));
	ASSERT_EQ(EACCES, try_in_stack(&self->stack, AF_INET, SOCK_STREAM, IPPROTO_TCP));
	ASSERT_EQ(EACCES, try_in_stack(&self->stack, AF_INET, SOCK_DGRAM, 0));
}

#if !STACK_NATIVE
/* How many layers llsock applies to the tasks of @cgroup, or -errno. */
static int layers_in_force(const char *cgroup)
{
	struct llsock_binding_info info;
	int ret;

	ret = llsock_get_binding(cgroup, &info, NULL);
	if (ret)
		return ret;
	ret = info.nr_layers;
	llsock_binding_info_free(&info);
	return ret;
}
#endif

TEST_F(socket, sixteen_layers_and_no_more)
{
	int i;

	for (i = 0; i < LLSOCK_MAX_LAYERS; i++)
		ASSERT_EQ(0, push_layer(&self->stack, "unix.dgram.0", "inet.*.*", NULL))
		{
			TH_LOG("layer %d", i + 1);
		}
	ASSERT_EQ(0, try_in_stack(&self->stack, AF_UNIX, SOCK_DGRAM, 0));
	ASSERT_EQ(-E2BIG, push_layer(&self->stack, "unix.dgram.0", NULL));
	/* The failed 17th layer left nothing behind: still allowed. */
	ASSERT_EQ(0, try_in_stack(&self->stack, AF_UNIX, SOCK_DGRAM, 0));
	ASSERT_EQ(EACCES, try_in_stack(&self->stack, AF_UNIX, SOCK_STREAM, 0));

#if !STACK_NATIVE
	/* And llsock's own view of the stack agrees. */
	ASSERT_EQ(LLSOCK_MAX_LAYERS, layers_in_force(self->stack.cg.top));
#endif
}

/* Keys: the four lookups, and no aliasing but the kernel's own. */

TEST_F(socket, no_protocol_aliasing_default_rule)
{
	ASSERT_EQ(0, push_layer(&self->stack, "inet.stream.0", NULL));
	ASSERT_EQ(0, try_in_stack(&self->stack, AF_INET, SOCK_STREAM, 0));
	ASSERT_EQ(EACCES, try_in_stack(&self->stack, AF_INET, SOCK_STREAM, IPPROTO_TCP));
}

TEST_F(socket, no_protocol_aliasing_tcp_rule)
{
	ASSERT_EQ(0, push_layer(&self->stack, "inet.stream.tcp", NULL));
	ASSERT_EQ(0, try_in_stack(&self->stack, AF_INET, SOCK_STREAM, IPPROTO_TCP));
	ASSERT_EQ(EACCES, try_in_stack(&self->stack, AF_INET, SOCK_STREAM, 0));
}

TEST_F(socket, wildcard_type)
{
	ASSERT_EQ(0, push_layer(&self->stack, "inet.*.udp", NULL));
	ASSERT_EQ(0, try_in_stack(&self->stack, AF_INET, SOCK_DGRAM, IPPROTO_UDP));
	ASSERT_EQ(EACCES, try_in_stack(&self->stack, AF_INET, SOCK_DGRAM, 0));
	ASSERT_EQ(EACCES, try_in_stack(&self->stack, AF_INET6, SOCK_DGRAM, IPPROTO_UDP));
}

TEST_F(socket, wildcard_protocol)
{
	ASSERT_EQ(0, push_layer(&self->stack, "inet.dgram.*", NULL));
	ASSERT_EQ(0, try_in_stack(&self->stack, AF_INET, SOCK_DGRAM, 0));
	ASSERT_EQ(0, try_in_stack(&self->stack, AF_INET, SOCK_DGRAM, IPPROTO_UDP));
	ASSERT_EQ(EACCES, try_in_stack(&self->stack, AF_INET, SOCK_STREAM, IPPROTO_TCP));
}

TEST_F(socket, wildcard_type_and_protocol)
{
	ASSERT_EQ(0, push_layer(&self->stack, "unix.*.*", NULL));
	ASSERT_EQ(0, try_in_stack(&self->stack, AF_UNIX, SOCK_STREAM, 0));
	ASSERT_EQ(0, try_in_stack(&self->stack, AF_UNIX, SOCK_DGRAM, 0));
	ASSERT_EQ(0, try_in_stack(&self->stack, AF_UNIX, SOCK_SEQPACKET, 0));
	ASSERT_EQ(EACCES, try_in_stack(&self->stack, AF_INET, SOCK_STREAM, 0));
}

/* Each layer may be satisfied by a different one of the four keys. */
TEST_F(socket, each_layer_its_own_key)
{
	ASSERT_EQ(0, push_layer(&self->stack, "inet.dgram.udp", NULL));
	ASSERT_EQ(0, push_layer(&self->stack, "inet.*.udp", NULL));
	ASSERT_EQ(0, push_layer(&self->stack, "inet.dgram.*", NULL));
	ASSERT_EQ(0, push_layer(&self->stack, "inet.*.*", NULL));
	ASSERT_EQ(0, try_in_stack(&self->stack, AF_INET, SOCK_DGRAM, IPPROTO_UDP));
	ASSERT_EQ(EACCES, try_in_stack(&self->stack, AF_INET, SOCK_DGRAM, 0));
	ASSERT_EQ(EACCES, try_in_stack(&self->stack, AF_INET, SOCK_STREAM, IPPROTO_TCP));
}

TEST_F(socket, type_flags_ignored)
{
	ASSERT_EQ(0, push_layer(&self->stack, "unix.dgram.0", NULL));
	ASSERT_EQ(0, try_in_stack(&self->stack, AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0));
	ASSERT_EQ(0, try_in_stack(&self->stack, AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0));
	ASSERT_EQ(0, try_in_stack(&self->stack, AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK |
					  SOCK_CLOEXEC, 0));
	ASSERT_EQ(EACCES, try_in_stack(&self->stack, AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
}

TEST_F(socket, inet_packet_alias_inet_rule)
{
	int err = unrestricted_errno(AF_PACKET, SOCK_PACKET, htons(0x0003));

	ASSERT_EQ(0, err);
	/* Stored as packet.packet.768: the kernel rewrites the request. */
	ASSERT_EQ(0, push_layer(&self->stack, "inet.packet.768", NULL));
	ASSERT_EQ(0, try_in_stack(&self->stack, AF_INET, SOCK_PACKET, htons(0x0003)));
	ASSERT_EQ(0, try_in_stack(&self->stack, AF_PACKET, SOCK_PACKET, htons(0x0003)));
	ASSERT_EQ(EACCES, try_in_stack(&self->stack, AF_INET, SOCK_STREAM, 0));
}

TEST_F(socket, inet_packet_alias_packet_rule)
{
	ASSERT_EQ(0, push_layer(&self->stack, "packet.packet.768", NULL));
	ASSERT_EQ(0, try_in_stack(&self->stack, AF_INET, SOCK_PACKET, htons(0x0003)));
	ASSERT_EQ(0, try_in_stack(&self->stack, AF_PACKET, SOCK_PACKET, htons(0x0003)));
}

TEST_F(socket, inet_packet_alias_not_an_inet_request)
{
	/* The hook sees AF_PACKET: an inet rule of any type does not match. */
	ASSERT_EQ(0, push_layer(&self->stack, "inet.*.*", NULL));
	ASSERT_EQ(EACCES, try_in_stack(&self->stack, AF_INET, SOCK_PACKET, htons(0x0003)));
	ASSERT_EQ(0, try_in_stack(&self->stack, AF_INET, SOCK_RAW, IPPROTO_ICMP));
}

/* Requests this kernel does not support. */

FIXTURE(unsupported)
{
	struct stack stack;
};

FIXTURE_VARIANT(unsupported)
{
	int family;
	int type;
	int protocol;
};

FIXTURE_SETUP(unsupported)
{
	STACK_SETUP(&self->stack, "unsupported");
}

FIXTURE_TEARDOWN_PARENT(unsupported)
{
	stack_fini(&self->stack);
}

/* DECnet, gone from Linux; a type inet lacks; a protocol inet lacks. */
FIXTURE_VARIANT_ADD(unsupported, family) { 12, SOCK_STREAM, 0 };
FIXTURE_VARIANT_ADD(unsupported, type) { AF_INET, SOCK_RDM, 0 };
FIXTURE_VARIANT_ADD(unsupported, protocol) { AF_INET, SOCK_STREAM, 99 };
FIXTURE_VARIANT_ADD(unsupported, negative_protocol) { AF_INET, SOCK_STREAM, -5 };
FIXTURE_VARIANT_ADD(unsupported, netlink_protocol) { AF_NETLINK, SOCK_RAW, 31 };

TEST_F(unsupported, kernel_error_if_allowed)
{
	char rule[64];
	int err = unrestricted_errno(variant->family, variant->type,
				     variant->protocol);

	ASSERT_NE(0, err);
	ASSERT_NE(EACCES, err);
	snprintf(rule, sizeof(rule), "%d.%d.*", variant->family,
		 variant->type);
	ASSERT_EQ(0, push_layer(&self->stack, rule, NULL));
	ASSERT_EQ(err, try_in_stack(&self->stack, variant->family, variant->type,
				  variant->protocol));
}

TEST_F(unsupported, eacces_if_not_allowed)
{
	ASSERT_EQ(0, push_layer(&self->stack, "unix.*.*", NULL));
	ASSERT_EQ(EACCES, try_in_stack(&self->stack, variant->family, variant->type,
				     variant->protocol));
}

/* The kernel rejects these before the hook, restricted or not. */
TEST_F(socket, out_of_range_requests)
{
	ASSERT_EQ(0, push_layer(&self->stack, NULL));
	ASSERT_EQ(EAFNOSUPPORT, try_in_stack(&self->stack, 46, SOCK_STREAM, 0));
	ASSERT_EQ(EAFNOSUPPORT, try_in_stack(&self->stack, 254, SOCK_STREAM, 0));
	ASSERT_EQ(EAFNOSUPPORT, try_in_stack(&self->stack, -1, SOCK_STREAM, 0));
	ASSERT_EQ(EINVAL, try_in_stack(&self->stack, AF_INET, 11, 0));
	ASSERT_EQ(EINVAL, try_in_stack(&self->stack, AF_INET, 15, 0));
}

/* Every way to create a socket from user space. */

TEST_F(socket, socketpair)
{
	int sv[2];

	ASSERT_EQ(0, push_layer(&self->stack, "unix.dgram.0", NULL));
	ASSERT_EQ(0, enter_stack(&self->stack));
	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_DGRAM, 0, sv));
	close(sv[0]);
	close(sv[1]);
	ASSERT_EQ(-1, socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	ASSERT_EQ(EACCES, errno);
}

static int uring_socket(struct io_uring *ring, int family, int type,
			int protocol)
{
	struct io_uring_cqe *cqe;
	struct io_uring_sqe *sqe;
	int res;

	sqe = io_uring_get_sqe(ring);
	if (!sqe)
		return -EBUSY;
	io_uring_prep_socket(sqe, family, type, protocol, 0);
	if (io_uring_submit(ring) != 1)
		return -EIO;
	if (io_uring_wait_cqe(ring, &cqe))
		return -EIO;
	res = cqe->res;
	io_uring_cqe_seen(ring, cqe);
	if (res >= 0) {
		close(res);
		res = 0;
	}
	return res;
}

TEST_F(socket, io_uring_socket)
{
	struct io_uring ring;
	int ret;

	ret = io_uring_queue_init(4, &ring, 0);
	if (ret)
		SKIP(return, "io_uring unavailable: %s", strerror(-ret));
	ret = uring_socket(&ring, AF_UNIX, SOCK_DGRAM, 0);
	if (ret == -EINVAL || ret == -EOPNOTSUPP) {
		io_uring_queue_exit(&ring);
		SKIP(return, "IORING_OP_SOCKET unsupported: %s",
		     strerror(-ret));
	}
	ASSERT_EQ(0, ret);

	ASSERT_EQ(0, push_layer(&self->stack, "unix.dgram.0", NULL));
	ASSERT_EQ(0, enter_stack(&self->stack));
	ASSERT_EQ(0, uring_socket(&ring, AF_UNIX, SOCK_DGRAM, 0));
	ASSERT_EQ(-EACCES, uring_socket(&ring, AF_INET, SOCK_DGRAM, 0));
	io_uring_queue_exit(&ring);
}

/* Forced to io_uring's async workers, threads of the task: same answer. */
TEST_F(socket, io_uring_socket_async)
{
	struct io_uring_sqe *sqe;
	struct io_uring_cqe *cqe;
	struct io_uring ring;
	int ret;

	ret = io_uring_queue_init(4, &ring, 0);
	if (ret)
		SKIP(return, "io_uring unavailable: %s", strerror(-ret));
	ASSERT_EQ(0, push_layer(&self->stack, "unix.dgram.0", NULL));
	ASSERT_EQ(0, enter_stack(&self->stack));
	sqe = io_uring_get_sqe(&ring);
	ASSERT_NE(NULL, sqe);
	io_uring_prep_socket(sqe, AF_INET, SOCK_STREAM, 0, 0);
	sqe->flags |= IOSQE_ASYNC;
	ASSERT_EQ(1, io_uring_submit(&ring));
	ASSERT_EQ(0, io_uring_wait_cqe(&ring, &cqe));
	ret = cqe->res;
	io_uring_cqe_seen(&ring, cqe);
	if (ret == -EINVAL || ret == -EOPNOTSUPP) {
		io_uring_queue_exit(&ring);
		SKIP(return, "IORING_OP_SOCKET unsupported: %s",
		     strerror(-ret));
	}
	ASSERT_EQ(-EACCES, ret);
	io_uring_queue_exit(&ring);
}

static int listen_loopback(int family, int type, int protocol,
			   struct sockaddr_in *addr)
{
	socklen_t len = sizeof(*addr);
	int fd;

	fd = socket(family, type, protocol);
	if (fd < 0)
		return -errno;
	memset(addr, 0, sizeof(*addr));
	addr->sin_family = AF_INET;
	addr->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (struct sockaddr *)addr, sizeof(*addr)) ||
	    listen(fd, 4) ||
	    getsockname(fd, (struct sockaddr *)addr, &len)) {
		int err = -errno;

		close(fd);
		return err;
	}
	return fd;
}

static int peeloff_first_association(int fd)
{
	struct {
		struct sctp_assoc_ids ids;
		sctp_assoc_t more[4];
	} list;
	sctp_peeloff_arg_t arg = {};
	socklen_t len = sizeof(list);

	if (getsockopt(fd, SOL_SCTP, SCTP_GET_ASSOC_ID_LIST, &list, &len) < 0)
		return -errno;
	if (list.ids.gaids_number_of_ids < 1)
		return -ENOENT;
	arg.associd = list.ids.gaids_assoc_id[0];
	len = sizeof(arg);
	/* Some kernels return the new descriptor, others 0. */
	if (getsockopt(fd, SOL_SCTP, SCTP_SOCKOPT_PEELOFF, &arg, &len) < 0)
		return -errno;
	close(arg.sd);
	return 0;
}

FIXTURE(sctp)
{
	struct stack stack;
};

FIXTURE_VARIANT(sctp)
{
	const char *extra_rule;
	int expected;
};

/* Peeloff makes a new (inet, seqpacket, sctp) socket. */
FIXTURE_VARIANT_ADD(sctp, peeloff_denied) { NULL, -EACCES };
FIXTURE_VARIANT_ADD(sctp, peeloff_allowed) { "inet.seqpacket.sctp", 0 };

FIXTURE_SETUP(sctp)
{
	STACK_SETUP(&self->stack, "sctp");
}

FIXTURE_TEARDOWN_PARENT(sctp)
{
	stack_fini(&self->stack);
}

/* A client associated with a server over loopback; -errno on failure. */
static int associate(int *server, int *client)
{
	struct sockaddr_in addr;
	int err;

	*server = listen_loopback(AF_INET, SOCK_SEQPACKET, IPPROTO_SCTP, &addr);
	if (*server < 0)
		return *server;
	*client = socket(AF_INET, SOCK_SEQPACKET, IPPROTO_SCTP);
	if (*client < 0 ||
	    connect(*client, (struct sockaddr *)&addr, sizeof(addr))) {
		err = -errno;
		if (*client >= 0)
			close(*client);
		close(*server);
		return err;
	}
	return 0;
}

static int peeloff_client(void *arg)
{
	return peeloff_first_association(*(int *)arg);
}

TEST_F(sctp, peeloff)
{
	struct observed seen = {};
	int server, client, err, expected;

	err = unrestricted_errno(AF_INET, SOCK_SEQPACKET, IPPROTO_SCTP);
	if (kernel_lacks(err))
		SKIP(return, "this kernel lacks SCTP (module sctp): %s",
		     strerror(err));
	/*
	 * Whether this kernel asks socket_create about the peeled-off socket
	 * as a user request: up to 6.x it does (sock_create()); from 7.x it
	 * makes it with sock_create_lite(), kern = 1, so no socket rule,
	 * native or llsock's, sees it (SEMANTICS 3).
	 */
	ASSERT_EQ(0, associate(&server, &client));
	ASSERT_EQ(0, observe_socket_create(AF_INET, SOCK_SEQPACKET,
					   IPPROTO_SCTP, peeloff_client,
					   &client, &seen));
	close(client);
	close(server);
	ASSERT_EQ(1, seen.user_requests + seen.kernel_sockets);
	expected = variant->expected;
	if (seen.kernel_sockets) {
		TH_LOG("this kernel creates the peeled-off socket as a kernel socket (kern = 1): it is not restricted, natively either");
		expected = 0;
	}

	/* An association, made before the restriction. */
	ASSERT_EQ(0, associate(&server, &client));
	ASSERT_EQ(0, push_layer(&self->stack, "inet.stream.sctp",
				variant->extra_rule, NULL));
	ASSERT_EQ(0, enter_stack(&self->stack));
	ASSERT_EQ(expected, peeloff_first_association(client));
	close(client);
	close(server);
}

TEST_F(socket, accept_not_restricted)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	socklen_t len;
	int server, client, conn;

	/* Abstract name, unique to this test process. */
	len = offsetof(struct sockaddr_un, sun_path) + 1 +
	      snprintf(addr.sun_path + 1, sizeof(addr.sun_path) - 1,
		       "llsock-accept-%d", getpid());
	server = socket(AF_UNIX, SOCK_STREAM, 0);
	ASSERT_LE(0, server);
	ASSERT_EQ(0, bind(server, (struct sockaddr *)&addr, len));
	ASSERT_EQ(0, listen(server, 1));
	client = socket(AF_UNIX, SOCK_STREAM, 0);
	ASSERT_LE(0, client);

	ASSERT_EQ(0, push_layer(&self->stack, NULL));
	ASSERT_EQ(0, enter_stack(&self->stack));
	ASSERT_EQ(EACCES, try_socket(AF_UNIX, SOCK_STREAM, 0));
	ASSERT_EQ(0, connect(client, (struct sockaddr *)&addr, len));
	conn = accept(server, NULL, NULL);
	ASSERT_LE(0, conn);
	ASSERT_EQ(1, write(client, "x", 1));
	close(conn);
	close(client);
	close(server);
}

/* A TCP-like connection over loopback: listen, connect, accept, echo. */
static int loopback_exchange(int family, int type, int protocol)
{
	struct sockaddr_in addr;
	int server, client, conn, ret = 0;
	char byte = 0;

	server = listen_loopback(family, type, protocol, &addr);
	if (server < 0)
		return server;
	client = socket(family, type, protocol);
	if (client < 0) {
		ret = -errno;
		goto out_server;
	}
	if (connect(client, (struct sockaddr *)&addr, sizeof(addr))) {
		ret = -errno;
		goto out_client;
	}
	conn = accept(server, NULL, NULL);
	if (conn < 0) {
		ret = -errno;
		goto out_client;
	}
	if (write(client, "k", 1) != 1 || read(conn, &byte, 1) != 1 ||
	    byte != 'k')
		ret = -EIO;
	close(conn);
out_client:
	close(client);
out_server:
	close(server);
	return ret;
}

/*
 * MPTCP makes its TCP subflows with sock_create_kern(): kernel sockets,
 * which are never restricted, so that MPTCP works with only MPTCP allowed.
 */
TEST_F(socket, kernel_sockets_mptcp)
{
	int err = unrestricted_errno(AF_INET, SOCK_STREAM, IPPROTO_MPTCP);

	if (kernel_lacks(err))
		SKIP(return, "this kernel lacks MPTCP: %s", strerror(err));
	ASSERT_EQ(0, push_layer(&self->stack, "inet.stream.mptcp", NULL));
	ASSERT_EQ(0, enter_stack(&self->stack));
	ASSERT_EQ(EACCES, try_socket(AF_INET, SOCK_STREAM, IPPROTO_TCP));
	ASSERT_EQ(0, loopback_exchange(AF_INET, SOCK_STREAM, IPPROTO_MPTCP));
}

/* SMC makes its internal TCP socket with sock_create_kern() too. */
TEST_F(socket, kernel_sockets_smc)
{
	int err = unrestricted_errno(AF_SMC, SOCK_STREAM, 0);

	if (kernel_lacks(err))
		SKIP(return, "this kernel lacks AF_SMC (module smc): %s",
		     strerror(err));
	ASSERT_EQ(0, push_layer(&self->stack, "smc.stream.0", NULL));
	ASSERT_EQ(0, enter_stack(&self->stack));
	ASSERT_EQ(EACCES, try_socket(AF_INET, SOCK_STREAM, IPPROTO_TCP));
	ASSERT_EQ(EACCES, try_socket(AF_INET, SOCK_STREAM, 0));
	ASSERT_EQ(0, loopback_exchange(AF_SMC, SOCK_STREAM, 0));
}

/* 32-bit x86 programs: socketcall(2) and the compat socket(2). */

struct compat_call {
	const char *program;
	const char *call;
	int family, type, protocol;
};

static int exec_compat(void *arg)
{
	const struct compat_call *c = arg;
	char f[16], t[16], p[16];

	snprintf(f, sizeof(f), "%d", c->family);
	snprintf(t, sizeof(t), "%d", c->type);
	snprintf(p, sizeof(p), "%d", c->protocol);
	execl(c->program, "socketcall32", c->call, f, t, p, (char *)NULL);
	/* Not an errno socket() gives: tells the caller exec failed. */
	return errno == ENOEXEC ? 254 : 253;
}

FIXTURE(compat)
{
	struct stack stack;
	char program[PATH_MAX];
};

FIXTURE_VARIANT(compat)
{
	const char *call;
};

FIXTURE_VARIANT_ADD(compat, socketcall) { "socketcall" };
FIXTURE_VARIANT_ADD(compat, socket) { "socket" };

FIXTURE_SETUP(compat)
{
	ssize_t len;
	char *slash;

	STACK_SETUP(&self->stack, "compat");
	/* socketcall32 sits next to this program. */
	len = readlink("/proc/self/exe", self->program,
		       sizeof(self->program) - 16);
	ASSERT_LT(0, len);
	self->program[len] = '\0';
	slash = strrchr(self->program, '/');
	strcpy(slash + 1, "socketcall32");
}

FIXTURE_TEARDOWN_PARENT(compat)
{
	stack_fini(&self->stack);
}

TEST_F(compat, restricted)
{
	struct compat_call allowed = { self->program, variant->call,
				       AF_UNIX, SOCK_DGRAM, 0 };
	struct compat_call denied = { self->program, variant->call,
				      AF_INET, SOCK_STREAM, 0 };
	int ret;

	ret = run_child(exec_compat, &allowed);
	if (ret == 253)
		SKIP(return, "no %s: build the 32-bit helper (gcc-multilib)",
		     self->program);
	if (ret == 254)
		SKIP(return, "this kernel runs no 32-bit x86 programs (ia32_emulation)");
	ASSERT_EQ(0, ret);
	ASSERT_EQ(0, push_layer(&self->stack, "unix.dgram.0", NULL));
	ASSERT_EQ(0, run_in_stack(&self->stack, exec_compat, &allowed));
	ASSERT_EQ(EACCES, run_in_stack(&self->stack, exec_compat, &denied));
}

/* The domain stays across fork and exec. */

static int child_checks(void *arg)
{
	if (try_socket(AF_UNIX, SOCK_DGRAM, 0))
		return 1;
	if (try_socket(AF_INET, SOCK_STREAM, 0) != EACCES)
		return 2;
	return 0;
}

static int grandchild_checks(void *arg)
{
	return run_child(child_checks, arg);
}

TEST_F(socket, fork_stays_restricted)
{
	ASSERT_EQ(0, push_layer(&self->stack, "unix.dgram.0", NULL));
	ASSERT_EQ(0, enter_stack(&self->stack));
	ASSERT_EQ(0, run_child(child_checks, NULL));
	ASSERT_EQ(0, run_child(grandchild_checks, NULL));
}

/* The test binary, run with --try-socket F T P, exits with socket's errno. */
static int exec_try_socket(int family, int type, int protocol)
{
	char f[16], t[16], p[16];
	int status;
	pid_t pid;

	snprintf(f, sizeof(f), "%d", family);
	snprintf(t, sizeof(t), "%d", type);
	snprintf(p, sizeof(p), "%d", protocol);
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		execl("/proc/self/exe", "socket_test", "--try-socket", f, t, p,
		      (char *)NULL);
		_exit(255);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -ECHILD;
	return WEXITSTATUS(status);
}

TEST_F(socket, exec_stays_restricted)
{
	ASSERT_EQ(0, exec_try_socket(AF_INET, SOCK_STREAM, 0));
	ASSERT_EQ(0, push_layer(&self->stack, "unix.dgram.0", NULL));
	ASSERT_EQ(0, enter_stack(&self->stack));
	ASSERT_EQ(0, exec_try_socket(AF_UNIX, SOCK_DGRAM, 0));
	ASSERT_EQ(EACCES, exec_try_socket(AF_INET, SOCK_STREAM, 0));
}

LLSOCK_TEST_MAIN

// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * One socket request, for seccomp_test to run under `llsock run`:
 *
 *   sockprobe socket|socketpair|uring|int80|x32 FAMILY TYPE PROTOCOL
 *   sockprobe peeloff          getsockopt(SOL_SCTP, SCTP_SOCKOPT_PEELOFF)
 *                              on a fresh AF_UNIX socket
 *
 * uring: io_uring_setup() then IORING_OP_SOCKET; int80: socket(2) through
 * the i386 entry (int $0x80) of this 64-bit process; x32: through the x32
 * one (__X32_SYSCALL_BIT). Prints "NAME: errno" (0 for success) and exits
 * with that errno.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <liburing.h>

#define X32_SYSCALL_BIT		0x40000000
#define I386_NR_SOCKET		359
#define SOL_SCTP_		132
#define SCTP_SOCKOPT_PEELOFF_	102

static int uring(int family, int type, int protocol)
{
	struct io_uring_cqe *cqe;
	struct io_uring_sqe *sqe;
	struct io_uring ring;
	int ret;

	ret = io_uring_queue_init(4, &ring, 0);
	if (ret)
		return -ret;
	sqe = io_uring_get_sqe(&ring);
	io_uring_prep_socket(sqe, family, type, protocol, 0);
	if (io_uring_submit(&ring) != 1 || io_uring_wait_cqe(&ring, &cqe))
		return EIO;
	ret = cqe->res;
	io_uring_queue_exit(&ring);
	if (ret >= 0) {
		close(ret);
		return 0;
	}
	return -ret;
}

static long int80(long nr, long a, long b, long c)
{
	long ret;

	asm volatile("int $0x80"
		     : "=a"(ret)
		     : "a"(nr), "b"(a), "c"(b), "d"(c)
		     : "memory", "r8", "r9", "r10", "r11");
	return ret;
}

int main(int argc, char **argv)
{
	int family, type, protocol, fd, sv[2], err = 0;
	socklen_t len;
	char buf[64];
	long ret;

	if (argc == 2 && !strcmp(argv[1], "peeloff")) {
		fd = socket(AF_UNIX, SOCK_STREAM, 0);
		if (fd < 0)
			return 255;
		len = sizeof(buf);
		memset(buf, 0, sizeof(buf));
		err = getsockopt(fd, SOL_SCTP_, SCTP_SOCKOPT_PEELOFF_, buf,
				 &len) ? errno : 0;
		printf("peeloff: %d\n", err);
		return err;
	}
	if (argc != 5) {
		fprintf(stderr, "usage: sockprobe socket|socketpair|uring|int80|x32 FAMILY TYPE PROTOCOL\n"
				"       sockprobe peeloff\n");
		return 255;
	}
	family = atoi(argv[2]);
	type = atoi(argv[3]);
	protocol = atoi(argv[4]);
	if (!strcmp(argv[1], "socket")) {
		fd = socket(family, type, protocol);
		err = fd < 0 ? errno : (close(fd), 0);
	} else if (!strcmp(argv[1], "socketpair")) {
		err = socketpair(family, type, protocol, sv) ? errno : 0;
	} else if (!strcmp(argv[1], "uring")) {
		err = uring(family, type, protocol);
	} else if (!strcmp(argv[1], "int80")) {
		ret = int80(I386_NR_SOCKET, family, type, protocol);
		err = ret < 0 ? -ret : (close(ret), 0);
	} else if (!strcmp(argv[1], "x32")) {
		ret = syscall(X32_SYSCALL_BIT | __NR_socket, family, type,
			      protocol);
		err = ret < 0 ? errno : (close(ret), 0);
	} else {
		return 255;
	}
	printf("%s: %d\n", argv[1], err);
	return err;
}

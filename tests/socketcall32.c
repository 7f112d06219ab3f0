// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * A 32-bit x86 program that creates a socket through socketcall(2), the
 * old multiplexer, and through the direct 32-bit socket(2), so that the
 * suites can check that both compat paths are restricted.
 *
 * usage: socketcall32 socketcall|socket FAMILY TYPE PROTOCOL
 * Exit status: 0 if the socket was created, else its errno.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define SYS_SOCKET_CALL	1	/* socketcall's call number for socket() */

int main(int argc, char **argv)
{
	long args[3];
	long fd;

	if (argc != 5)
		return 255;
	args[0] = atol(argv[2]);
	args[1] = atol(argv[3]);
	args[2] = atol(argv[4]);
	if (!strcmp(argv[1], "socketcall"))
		fd = syscall(__NR_socketcall, SYS_SOCKET_CALL, args);
	else
		fd = syscall(__NR_socket, args[0], args[1], args[2]);
	if (fd < 0)
		return errno;
	close(fd);
	return 0;
}

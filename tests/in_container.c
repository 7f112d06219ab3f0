// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * What runc_test's containers run (static, copied into their root):
 *
 *   in_container socket FAMILY TYPE PROTOCOL   one socket()
 *   in_container bpf                           one bpf(BPF_MAP_CREATE)
 *   in_container leave CGROUP_PROCS            write our pid there
 *
 * Prints "NAME: errno" (0 for success) and exits with that errno.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/bpf.h>

int main(int argc, char **argv)
{
	int err = 0, fd;

	if (argc == 5 && !strcmp(argv[1], "socket")) {
		fd = socket(atoi(argv[2]), atoi(argv[3]), atoi(argv[4]));
		err = fd < 0 ? errno : 0;
	} else if (argc == 2 && !strcmp(argv[1], "bpf")) {
		union bpf_attr attr;

		memset(&attr, 0, sizeof(attr));
		attr.map_type = BPF_MAP_TYPE_ARRAY;
		attr.key_size = 4;
		attr.value_size = 4;
		attr.max_entries = 1;
		fd = syscall(__NR_bpf, BPF_MAP_CREATE, &attr, sizeof(attr));
		err = fd < 0 ? errno : 0;
	} else if (argc == 3 && !strcmp(argv[1], "leave")) {
		char pid[32];
		int len = snprintf(pid, sizeof(pid), "%d\n", getpid());

		fd = open(argv[2], O_WRONLY);
		if (fd < 0 || write(fd, pid, len) != len)
			err = errno;
	} else {
		fprintf(stderr, "usage: in_container socket F T P | bpf | leave FILE\n");
		return 100;
	}
	printf("%s: %d\n", argv[1], err);
	return err;
}

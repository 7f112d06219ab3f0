/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * What the files of the llsock command share: exit statuses and messages.
 */
#ifndef LLSOCK_CLI_H
#define LLSOCK_CLI_H

#include <stdbool.h>
#include <stddef.h>

#include "libllsock.h"

#define EXIT_USAGE	1	/* usage error or bad policy */
#define EXIT_KERNEL	2	/* kernel or BPF error */

/* Messages: stderr, "llsock: ..." then "Hint: ..." where the cause is known. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void cli_hint(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int cli_usage_error(const char *command, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int cli_fail(int err, const char *what, const char *object);
int cli_need_cgroup2(const char *what);
void cli_cgroup_name(__u64 id, char *buf, size_t size);

#endif /* LLSOCK_CLI_H */

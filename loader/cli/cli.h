/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * What the files of the llsock command share: exit statuses and messages,
 * and the printer that writes text or JSON.
 */
#ifndef LLSOCK_CLI_H
#define LLSOCK_CLI_H

#include <stdbool.h>
#include <stddef.h>

#include "libllsock.h"

#define EXIT_USAGE	1	/* usage error or bad policy */
#define EXIT_KERNEL	2	/* kernel or BPF error */

/* "s" for a count other than one: "1 rule", "2 rules". */
static inline const char *plural(unsigned long n)
{
	return n == 1 ? "" : "s";
}

/* Messages: stderr, "llsock: ..." then "Hint: ..." where the cause is known. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void cli_hint(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int cli_usage_error(const char *command, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int cli_fail(int err, const char *what, const char *object);
int cli_need_cgroup2(const char *what);
void cli_cgroup_name(__u64 id, char *buf, size_t size);

/*
 * The printer: a command describes its output once, as objects, lists and
 * fields; each field has its JSON key and value and, where the text output
 * shows it, a printf format for its text (NULL: JSON only). With --json the
 * calls build one JSON document, printed when the outermost object ends;
 * without, each call prints its text as it comes.
 */
void print_use_json(void);
void print_stream(void);
void print_begin_object(const char *key, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void print_begin_list(const char *key);
void print_end(void);
void print_discard(void);
void print_text(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void print_string(const char *key, const char *value, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void print_int(const char *key, long long value, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void print_uint(const char *key, unsigned long long value,
		const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void print_bool(const char *key, bool value, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void print_opt_bool(const char *key, bool known, bool value,
		    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

#endif /* LLSOCK_CLI_H */

/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* The maps pinned under LLSOCK_PIN_DIR, opened together and locked. */
#ifndef LLSOCK_STORE_H
#define LLSOCK_STORE_H

#include <stdbool.h>
#include <stddef.h>

#include "../bpf/llsock.h"

enum store_map {
	STORE_STATE,
	STORE_DOMAINS,
	STORE_RULES,
	STORE_PROTOCOL_RULES,
	STORE_RULESETS,
	STORE_RULESET_RULES,
	STORE_EVENTS,
	STORE_STATS,
	STORE_SYNC,
	STORE_NR_MAPS,
};

struct llsock_store {
	int dir_fd;		/* the pin directory, flock()ed */
	int fd[STORE_NR_MAPS];
	struct llsock_state *state;	/* mmap of llsock_state */
};

/* Pin name of each map: LLSOCK_PIN_DIR "/" name. */
const char *llsock_store_map_name(enum store_map map);

/*
 * Opens and locks the store: shared for readers, exclusive for @write.
 * -ENOPKG when llsock is not loaded.
 */
int llsock_store_open(struct llsock_store *store, bool write);
void llsock_store_close(struct llsock_store *store);

int llsock_map_dump(int fd, size_t key_size, size_t value_size, void **keys,
		    void **values, size_t *count);

#endif /* LLSOCK_STORE_H */

// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Denial events: the BPF program's ring buffer, read for llsock monitor. */
#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <unistd.h>

#include <bpf/libbpf.h>

#include "internal.h"
#include "store.h"

struct monitor {
	llsock_denial_fn fn;
	void *ctx;
	int stop;
};

static int on_event(void *ctx, void *data, size_t size)
{
	struct monitor *monitor = ctx;

	if (size < sizeof(struct llsock_event))
		return 0;
	monitor->stop = monitor->fn(data, monitor->ctx);
	/* Non-zero stops ring_buffer__poll() at this event. */
	return monitor->stop ? 1 : 0;
}

int llsock_monitor(llsock_denial_fn fn, void *ctx, int timeout_ms,
		   volatile bool *stop)
{
	struct monitor monitor = { .fn = fn, .ctx = ctx };
	struct ring_buffer *rb;
	struct llsock_store store;
	int ret, events_fd;

	ret = llsock_store_open(&store, false);
	if (ret)
		return ret;
	events_fd = dup(STORE_FD(&store, events));
	/* Do not hold the lock while waiting for events. */
	llsock_store_close(&store);
	if (events_fd < 0)
		return -errno;
	rb = ring_buffer__new(events_fd, on_event, &monitor, NULL);
	if (!rb) {
		ret = -errno;
		goto out;
	}
	while (!monitor.stop && !(stop && *stop)) {
		ret = ring_buffer__poll(rb, timeout_ms < 0 ? 200 : timeout_ms);
		if (ret == -EINTR)
			continue;
		if (ret < 0)
			break;
		if (ret == 0 && timeout_ms >= 0)
			break;
		ret = 0;
	}
	if (ret > 0)
		ret = 0;
	ring_buffer__free(rb);
out:
	close(events_fd);
	return ret;
}

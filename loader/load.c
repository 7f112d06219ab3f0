// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Loading: attach the BPF program and pin its links and maps under
 * LLSOCK_PIN_DIR, so that the policy outlives the process that set it.
 * Also what the running kernel offers, and the denial events.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/utsname.h>
#include <unistd.h>
#include <zlib.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "internal.h"
#include "store.h"
#include "llsock.skel.h"

#define BPF_FS_MAGIC		0xcafe4a11
#define BPFFS_PATH		"/sys/fs/bpf"

/* Default sizes, raised with llsock_load_opts. */
#define DEFAULT_MAX_RULES	65536
#define DEFAULT_MAX_BINDINGS	4096

/*
 * The hook an lsm/ program attaches to; llsock's link for it is pinned as
 * link_<hook>. socket_create is the policy; every other hook is a guard,
 * which keeps restricted tasks from loosening it.
 */
static const char *program_hook(const struct bpf_program *prog)
{
	const char *sec = bpf_program__section_name(prog);

	return strncmp(sec, "lsm/", 4) ? NULL : sec + 4;
}

static bool is_guard(const struct bpf_program *prog)
{
	const char *hook = program_hook(prog);

	return hook && strcmp(hook, "socket_create");
}

static int ensure_bpffs(void)
{
	struct statfs sfs;

	if (!statfs(BPFFS_PATH, &sfs) && sfs.f_type == BPF_FS_MAGIC)
		return 0;
	if (mkdir(BPFFS_PATH, 0700) && errno != EEXIST)
		return -errno;
	if (mount("bpf", BPFFS_PATH, "bpf", 0, "mode=0700"))
		return -errno;
	return 0;
}

static int map_of(struct llsock_bpf *skel, enum store_map which,
		  struct bpf_map **map)
{
	switch (which) {
	case STORE_STATE:
		*map = skel->maps.llsock_state;
		return 0;
	case STORE_DOMAINS:
		*map = skel->maps.llsock_domains;
		return 0;
	case STORE_RULES:
		*map = skel->maps.llsock_rules;
		return 0;
	case STORE_PROTOCOL_RULES:
		*map = skel->maps.llsock_protocol_rules;
		return 0;
	case STORE_RULESETS:
		*map = skel->maps.llsock_rulesets;
		return 0;
	case STORE_RULESET_RULES:
		*map = skel->maps.llsock_ruleset_rules;
		return 0;
	case STORE_EVENTS:
		*map = skel->maps.llsock_events;
		return 0;
	case STORE_STATS:
		*map = skel->maps.llsock_stats;
		return 0;
	case STORE_SYNC:
		*map = skel->maps.llsock_sync;
		return 0;
	default:
		return -EINVAL;
	}
}

#define MAX_PINS	64

/* The names in the pin directory @dir_fd (at most MAX_PINS), or -errno. */
static int read_pins(int dir_fd, char names[][NAME_MAX + 1])
{
	struct dirent *entry;
	int n = 0, fd;
	DIR *dir;

	fd = dup(dir_fd);
	if (fd < 0)
		return -errno;
	dir = fdopendir(fd);
	if (!dir) {
		close(fd);
		return -errno;
	}
	/* The descriptor shares its offset with @dir_fd: start over. */
	rewinddir(dir);
	while ((entry = readdir(dir)) && n < MAX_PINS) {
		if (entry->d_name[0] == '.')
			continue;
		snprintf(names[n++], NAME_MAX + 1, "%s", entry->d_name);
	}
	closedir(dir);
	return n;
}

static bool is_link_pin(const char *name)
{
	return !strncmp(name, "link_", 5);
}

/*
 * Removes every pin llsock may have made: links first, so that the program
 * is detached before the maps it reads go away.
 */
static int unpin_all(int dir_fd)
{
	char names[MAX_PINS][NAME_MAX + 1];
	int n, i, pass, ret = 0;

	/* Read the whole directory before changing it. */
	n = read_pins(dir_fd, names);
	if (n < 0)
		return n;
	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < n; i++) {
			if (is_link_pin(names[i]) != (pass == 0))
				continue;
			if (unlinkat(dir_fd, names[i], 0) && !ret)
				ret = -errno;
		}
	}
	return ret;
}

/* The pin keeps the link, and so the program, attached after we exit. */
static int attach_and_pin(struct bpf_program *prog)
{
	struct bpf_link *link;
	char path[128];
	int ret;

	link = bpf_program__attach_lsm(prog);
	if (!link)
		return -errno;
	snprintf(path, sizeof(path), LLSOCK_PIN_DIR "/link_%s",
		 program_hook(prog));
	ret = bpf_link__pin(link, path);
	/* Closes our descriptor; detaches only if the pin failed. */
	bpf_link__destroy(link);
	return ret;
}

int llsock_load(const struct llsock_load_opts *opts)
{
	__u32 max_rules = DEFAULT_MAX_RULES, max_bindings = DEFAULT_MAX_BINDINGS;
	struct bpf_program *prog;
	struct llsock_bpf *skel;
	struct btf *vmlinux;
	bool no_guard = false;
	char path[128];
	int dir_fd, ret, pass, i;

	if (opts && opts->sz >= sizeof(*opts)) {
		if (opts->max_rules)
			max_rules = opts->max_rules;
		if (opts->max_bindings)
			max_bindings = opts->max_bindings;
		no_guard = opts->no_guard;
	}

	ret = ensure_bpffs();
	if (ret)
		return ret;
	if (mkdir(LLSOCK_PIN_DIR, 0700)) {
		if (errno == EEXIST && llsock_is_loaded())
			return -EEXIST;
		if (errno != EEXIST)
			return -errno;
	}
	dir_fd = open(LLSOCK_PIN_DIR, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dir_fd < 0)
		return -errno;
	if (flock(dir_fd, LOCK_EX)) {
		ret = -errno;
		goto err_close_dir;
	}
	/* Another llsock load may have won while we waited for the lock. */
	if (llsock_is_loaded()) {
		ret = -EEXIST;
		goto err_close_dir;
	}
	/* Leftovers of an interrupted load or unload. */
	unpin_all(dir_fd);

	skel = llsock_bpf__open();
	if (!skel) {
		ret = -errno;
		goto err_close_dir;
	}
	bpf_map__set_max_entries(skel->maps.llsock_rules, max_rules);
	bpf_map__set_max_entries(skel->maps.llsock_protocol_rules, max_rules);
	bpf_map__set_max_entries(skel->maps.llsock_ruleset_rules, max_rules);
	/* Room for the old and the new domain of each binding meanwhile. */
	bpf_map__set_max_entries(skel->maps.llsock_domains, max_bindings);
	bpf_map__set_max_entries(skel->maps.llsock_rulesets,
				 2 * max_bindings);
	bpf_object__for_each_program(prog, skel->obj)
		if (no_guard && is_guard(prog))
			bpf_program__set_autoload(prog, false);
	/* Of each hook, the program that reads its arguments right here. */
	vmlinux = btf__load_vmlinux_btf();
	if (!vmlinux) {
		ret = -errno;
		goto err_destroy;
	}
	ret = llsock_hooks_select(skel->obj, vmlinux, NULL, 0);
	btf__free(vmlinux);
	if (ret)
		goto err_destroy;

	ret = llsock_bpf__load(skel);
	if (ret)
		goto err_destroy;

	for (i = 0; i < STORE_NR_MAPS; i++) {
		struct bpf_map *map;

		ret = map_of(skel, i, &map);
		if (ret)
			goto err_unpin;
		snprintf(path, sizeof(path), LLSOCK_PIN_DIR "/%s",
			 llsock_store_map_name(i));
		ret = bpf_map__pin(map, path);
		if (ret)
			goto err_unpin;
	}

	/* The guards first: no task is restricted before the socket hook. */
	for (pass = 0; pass < 2; pass++) {
		bpf_object__for_each_program(prog, skel->obj) {
			if (!bpf_program__autoload(prog) ||
			    is_guard(prog) != (pass == 0))
				continue;
			ret = attach_and_pin(prog);
			if (ret)
				goto err_unpin;
		}
	}

	llsock_bpf__destroy(skel);
	close(dir_fd);
	return 0;

err_unpin:
	unpin_all(dir_fd);
err_destroy:
	llsock_bpf__destroy(skel);
err_close_dir:
	close(dir_fd);
	rmdir(LLSOCK_PIN_DIR);
	return ret;
}

bool llsock_is_loaded(void)
{
	return !access(LLSOCK_PIN_DIR "/link_socket_create", F_OK);
}

/*
 * The ids of the programs llsock's pinned links attach. A link is released
 * in a workqueue after its last reference goes, so unpinning returns before
 * the program is detached; its id disappears only after.
 */
static int pinned_program_ids(int dir_fd, __u32 *ids, int max)
{
	char names[MAX_PINS][NAME_MAX + 1];
	char path[sizeof(LLSOCK_PIN_DIR) + NAME_MAX + 2];
	struct bpf_link_info info;
	int n = 0, nr_pins, i, fd;
	__u32 len;

	nr_pins = read_pins(dir_fd, names);
	for (i = 0; i < nr_pins && n < max; i++) {
		if (!is_link_pin(names[i]))
			continue;
		snprintf(path, sizeof(path), LLSOCK_PIN_DIR "/%.*s", NAME_MAX,
			 names[i]);
		fd = bpf_obj_get(path);
		if (fd < 0)
			continue;
		memset(&info, 0, sizeof(info));
		len = sizeof(info);
		if (!bpf_obj_get_info_by_fd(fd, &info, &len))
			ids[n++] = info.prog_id;
		close(fd);
	}
	return n;
}

/* Waits, up to about 5 s, until none of the programs @ids is left. */
static int wait_programs_gone(const __u32 *ids, int n)
{
	int i, tries, fd;

	for (i = 0; i < n; i++) {
		for (tries = 0;; tries++) {
			fd = bpf_prog_get_fd_by_id(ids[i]);
			if (fd < 0)
				break;
			close(fd);
			if (tries == 500)
				return -ETIMEDOUT;
			usleep(10000);
		}
	}
	return 0;
}

int llsock_unload(void)
{
	__u32 ids[16];
	int dir_fd, ret, n;

	dir_fd = open(LLSOCK_PIN_DIR, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dir_fd < 0)
		return errno == ENOENT ? -ENOPKG : -errno;
	if (flock(dir_fd, LOCK_EX)) {
		close(dir_fd);
		return -errno;
	}
	if (!llsock_is_loaded()) {
		close(dir_fd);
		return -ENOPKG;
	}
	n = pinned_program_ids(dir_fd, ids, 16);
	ret = unpin_all(dir_fd);
	close(dir_fd);
	if (ret)
		return ret;
	if (rmdir(LLSOCK_PIN_DIR) && errno != ENOENT)
		return -errno;
	/* Return once nothing llsock attached is enforced any more. */
	return wait_programs_gone(ids, n);
}

/* The LSM list: securityfs, else the lsm= boot parameter, else CONFIG_LSM. */
static bool read_lsm_list(char *buf, size_t size)
{
	char path[256], line[4096], *p;
	struct utsname uts;
	gzFile gz;
	FILE *file;
	bool found = false;

	file = fopen("/sys/kernel/security/lsm", "re");
	if (file) {
		found = fgets(buf, size, file) != NULL;
		fclose(file);
		if (found)
			return true;
	}
	file = fopen("/proc/cmdline", "re");
	if (file) {
		if (fgets(line, sizeof(line), file)) {
			for (p = strtok(line, " \n"); p; p = strtok(NULL, " \n")) {
				if (!strncmp(p, "lsm=", 4)) {
					snprintf(buf, size, "%s", p + 4);
					found = true;
				}
			}
		}
		fclose(file);
		if (found)
			return true;
	}
	if (uname(&uts))
		return false;
	snprintf(path, sizeof(path), "/boot/config-%s", uts.release);
	gz = gzopen(path, "r");
	if (!gz)
		gz = gzopen("/proc/config.gz", "r");
	if (!gz)
		return false;
	while (gzgets(gz, line, sizeof(line))) {
		if (!strncmp(line, "CONFIG_LSM=\"", 12)) {
			p = strchr(line + 12, '"');
			if (p)
				*p = '\0';
			if (strlen(line + 12) >= size)
				break;
			strcpy(buf, line + 12);
			found = true;
			break;
		}
	}
	gzclose(gz);
	return found;
}

static bool list_has(const char *list, const char *name)
{
	size_t len = strlen(name);
	const char *p = list;

	while ((p = strstr(p, name))) {
		if ((p == list || p[-1] == ',') &&
		    (p[len] == ',' || p[len] == '\0' || p[len] == '\n'))
			return true;
		p += len;
	}
	return false;
}

/*
 * Loads the smallest LSM program. Some kernels refuse every LSM program
 * with EPERM before the verifier even runs (the verifier log stays empty),
 * whatever the caller's capabilities.
 */
static bool lsm_progs_refused(void)
{
	const struct bpf_insn insns[] = {
		{ .code = 0xb7, .dst_reg = 0, .imm = 0 },	/* r0 = 0 */
		{ .code = 0x95 },				/* exit */
	};
	char log[256] = "";
	LIBBPF_OPTS(bpf_prog_load_opts, opts,
		.expected_attach_type = BPF_LSM_MAC,
		.log_buf = log,
		.log_size = sizeof(log),
		.log_level = 1,
	);
	struct btf *btf;
	int id, fd;

	btf = btf__load_vmlinux_btf();
	if (!btf)
		return false;
	id = btf__find_by_name_kind(btf, "bpf_lsm_socket_create",
				    BTF_KIND_FUNC);
	btf__free(btf);
	if (id < 0)
		return false;
	opts.attach_btf_id = id;
	fd = bpf_prog_load(BPF_PROG_TYPE_LSM, "llsock_probe", "GPL", insns, 2,
			   &opts);
	if (fd >= 0) {
		close(fd);
		return false;
	}
	return fd == -EPERM && !log[0] && geteuid() == 0;
}

/* Whether bpf(2) itself is denied, as it is to tasks llsock restricts. */
static bool bpf_denied(void)
{
	int fd;

	fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, "llsock_probe", sizeof(__u32),
			    sizeof(__u32), 1, NULL);
	if (fd >= 0) {
		close(fd);
		return false;
	}
	return fd == -EPERM;
}

/* Whether llsock's programs fit the running kernel's hooks (hooks.c). */
static void probe_hooks(struct llsock_probe *probe)
{
	struct llsock_bpf *skel;
	struct btf *vmlinux;

	vmlinux = btf__load_vmlinux_btf();
	if (!vmlinux) {
		snprintf(probe->hooks_unfit, sizeof(probe->hooks_unfit),
			 "this kernel's BTF is unreadable (/sys/kernel/btf/vmlinux: %s)",
			 strerror(errno));
		return;
	}
	skel = llsock_bpf__open();
	if (skel) {
		probe->hooks_fit = !llsock_hooks_select(skel->obj, vmlinux,
							probe->hooks_unfit,
							sizeof(probe->hooks_unfit));
		llsock_bpf__destroy(skel);
	} else {
		snprintf(probe->hooks_unfit, sizeof(probe->hooks_unfit),
			 "cannot open llsock's BPF object: %s", strerror(errno));
	}
	btf__free(vmlinux);
}

int llsock_probe(struct llsock_probe *probe)
{
	struct utsname uts;

	memset(probe, 0, sizeof(*probe));
	if (!uname(&uts))
		snprintf(probe->kernel_release, sizeof(probe->kernel_release),
			 "%s", uts.release);
	probe->lsm_list_known = read_lsm_list(probe->lsm_list,
					      sizeof(probe->lsm_list));
	probe->lsm_list[strcspn(probe->lsm_list, "\n")] = '\0';
	probe->bpf_in_lsm_list = probe->lsm_list_known &&
				 list_has(probe->lsm_list, "bpf");
	probe->cgroup2 = !llsock_cgroup2_mount(probe->cgroup2_path,
					       sizeof(probe->cgroup2_path));
	probe->root = geteuid() == 0;
	probe_hooks(probe);
	if (probe->root) {
		probe->bpf_denied = bpf_denied();
		probe->lsm_progs_refused = !probe->bpf_denied &&
					   lsm_progs_refused();
	}
	return 0;
}

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
	events_fd = dup(store.fd[STORE_EVENTS]);
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

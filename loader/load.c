// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Loading: attach the BPF programs and pin their links and maps under
 * LLSOCK_PIN_DIR, so that the policy outlives the process that set it;
 * and unloading.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "internal.h"
#include "store.h"

#define BPFFS_PATH		"/sys/fs/bpf"
/* The pin of the socket hook's link: llsock is loaded while it is there. */
#define SOCKET_LINK_PIN		"link_socket_create"

/* Default sizes, raised with llsock_load_opts. */
#define DEFAULT_MAX_RULES	65536
#define DEFAULT_MAX_BINDINGS	4096

/*
 * The hook an lsm/ program attaches to; llsock's link for it is pinned as
 * link_<hook>. socket_create is the policy, attached at load; every other
 * hook is a guard, which keeps restricted tasks from loosening it. A guard
 * only ever refuses a restricted task, and there is none while no domain
 * exists: so a guard program is pinned at load (prog_<hook>) and attached
 * only while some cgroup is bound (llsock_guards_attach(), before a change
 * publishes a domain; llsock_guards_settle(), after the last one goes).
 * A host where nothing is bound pays nothing on open(), unlink(), fork()
 * or ptrace().
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

#define MAX_PINS	128
#define GUARD_PROG_PREFIX	"prog_"

/* The names in the pin directory @dir_fd (at most MAX_PINS), or -errno. */
static int read_pins(int dir_fd, char names[][NAME_MAX + 1])
{
	struct dirent *entry;
	int n = 0;
	DIR *dir;

	dir = llsock_opendir_at(dir_fd);
	if (!dir)
		return -errno;
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

#ifdef LLSOCK_FAULT_INJECTION
#include <signal.h>

void llsock_fault_point(void)
{
	static long left = -1;

	if (left < 0) {
		const char *at = getenv("LLSOCK_KILL_AT");

		left = at ? atol(at) : 0;
	}
	if (left > 0 && --left == 0)
		raise(SIGKILL);
}
#endif

/*
 * When unpin_all() removes a pin: first the socket hook's link, so that no
 * policy is in force any more, for any task, before a guard goes; then the
 * guards' links; then the maps, once no program reads them. An unload
 * killed half-way leaves the old policies whole, or none and some guards,
 * which the next load or unload removes.
 */
static int unpin_rank(const char *name)
{
	if (!strcmp(name, SOCKET_LINK_PIN))
		return 0;
	return is_link_pin(name) ? 1 : 2;
}

/* Removes every pin llsock may have made, in unpin_rank() order. */
static int unpin_all(int dir_fd)
{
	char names[MAX_PINS][NAME_MAX + 1];
	int n, i, rank, ret = 0;

	/* Read the whole directory before changing it. */
	n = read_pins(dir_fd, names);
	if (n < 0)
		return n;
	for (rank = 0; rank < 3; rank++) {
		for (i = 0; i < n; i++) {
			if (unpin_rank(names[i]) != rank)
				continue;
			llsock_fault_point();
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
	llsock_fault_point();
	snprintf(path, sizeof(path), LLSOCK_PIN_DIR "/link_%s",
		 program_hook(prog));
	ret = bpf_link__pin(link, path);
	/* Closes our descriptor; detaches only if the pin failed. */
	bpf_link__destroy(link);
	return ret;
}

/* The guard program pinned as @name in @dir_fd, attached, its link pinned. */
static int attach_pinned_guard(int dir_fd, const char *name)
{
	const char *hook = name + strlen(GUARD_PROG_PREFIX);
	char link_name[NAME_MAX + 1], path[PATH_MAX];
	int prog_fd, link_fd, ret, tries;

	snprintf(link_name, sizeof(link_name), "link_%s", hook);
	if (!faccessat(dir_fd, link_name, F_OK, 0))
		return 0;
	snprintf(path, sizeof(path), LLSOCK_PIN_DIR "/%.*s", NAME_MAX, name);
	prog_fd = bpf_obj_get(path);
	if (prog_fd < 0)
		return prog_fd;
	/*
	 * The link of the last detach is released by a kernel work item
	 * after an RCU grace period; until then the program is still in the
	 * hook's trampoline, and attaching it again is -EBUSY.
	 */
	for (tries = 0;; tries++) {
		link_fd = bpf_link_create(prog_fd, 0, BPF_LSM_MAC, NULL);
		if (link_fd != -EBUSY || tries == 1000)
			break;
		usleep(5000);
	}
	close(prog_fd);
	if (link_fd < 0)
		return link_fd;
	/* Killed here, the link goes with our descriptor: not attached. */
	llsock_fault_point();
	snprintf(path, sizeof(path), LLSOCK_PIN_DIR "/%.*s", NAME_MAX,
		 link_name);
	ret = bpf_obj_pin(link_fd, path);
	close(link_fd);
	return ret;
}

int llsock_guards_attach(int dir_fd)
{
	char names[MAX_PINS][NAME_MAX + 1];
	int n, i, ret;

	n = read_pins(dir_fd, names);
	if (n < 0)
		return n;
	for (i = 0; i < n; i++) {
		if (strncmp(names[i], GUARD_PROG_PREFIX,
			    strlen(GUARD_PROG_PREFIX)))
			continue;
		ret = attach_pinned_guard(dir_fd, names[i]);
		if (ret)
			return ret;
	}
	return 0;
}

/*
 * Only the links of guards pinned as programs: a store loaded by an older
 * llsock, whose guards were attached for good, keeps them.
 */
static int detach_guards(int dir_fd)
{
	char names[MAX_PINS][NAME_MAX + 1];
	char prog_name[NAME_MAX + 1];
	int n, i, ret = 0;

	n = read_pins(dir_fd, names);
	if (n < 0)
		return n;
	for (i = 0; i < n; i++) {
		if (!is_link_pin(names[i]) || !strcmp(names[i], SOCKET_LINK_PIN))
			continue;
		snprintf(prog_name, sizeof(prog_name), GUARD_PROG_PREFIX "%s",
			 names[i] + strlen("link_"));
		if (faccessat(dir_fd, prog_name, F_OK, 0))
			continue;
		llsock_fault_point();
		if (unlinkat(dir_fd, names[i], 0) && !ret)
			ret = -errno;
	}
	return ret;
}

int llsock_guards_settle(int dir_fd, int domains_fd)
{
	__u64 key;
	int ret;

	ret = bpf_map_get_next_key(domains_fd, NULL, &key);
	if (ret != -ENOENT)
		return ret;
	/* No domain: no task is restricted, nothing for a guard to refuse. */
	return detach_guards(dir_fd);
}

/*
 * Takes the pin directory, exclusively, for a load: -EEXIST when llsock is
 * loaded already. Leftovers of an interrupted load or unload are removed.
 */
static int lock_for_load(int *dir_fd)
{
	int ret;

	ret = ensure_bpffs();
	if (ret)
		return ret;
	/* What a killed load or unload left is removed below. */
	if (mkdir(LLSOCK_PIN_DIR, 0700) && errno != EEXIST)
		return -errno;
	*dir_fd = open(LLSOCK_PIN_DIR, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (*dir_fd < 0)
		return -errno;
	ret = flock(*dir_fd, LOCK_EX) ? -errno : 0;
	/* Another llsock load may have won while we waited for the lock. */
	if (!ret && llsock_is_loaded())
		ret = -EEXIST;
	if (ret) {
		close(*dir_fd);
		return ret;
	}
	unpin_all(*dir_fd);
	return 0;
}

/* The inode number of the caller's mount namespace. */
static int own_mount_namespace(__u32 *inum)
{
	struct stat st;

	if (stat("/proc/self/ns/mnt", &st))
		return -errno;
	*inum = st.st_ino;
	return 0;
}

/* Map sizes, and the programs to load: per hook, the one that fits. */
static int prepare(struct llsock_bpf *skel, const struct llsock_load_opts *opts)
{
	__u32 max_rules = DEFAULT_MAX_RULES, max_bindings = DEFAULT_MAX_BINDINGS;
	struct bpf_program *prog;
	struct btf *vmlinux;
	bool no_guard = false;
	int ret;

	if (opts && opts->sz >= sizeof(*opts)) {
		if (opts->max_rules)
			max_rules = opts->max_rules;
		if (opts->max_bindings)
			max_bindings = opts->max_bindings;
		no_guard = opts->no_guard;
	}
	if (max_rules > UINT32_MAX / 2 || max_bindings > UINT32_MAX / 2)
		return -EINVAL;
	/*
	 * A change writes its new tables before it deletes the old ones:
	 * room for twice the rules that may be in force (max_rules, checked
	 * before a change merges anything, bind.c), so that a policy of any
	 * size allowed can replace another. The maps are not preallocated:
	 * the room costs nothing until used.
	 */
	bpf_map__set_max_entries(skel->maps.llsock_rules, 2 * max_rules);
	bpf_map__set_max_entries(skel->maps.llsock_protocol_rules,
				 2 * max_rules);
	/* Chunks of rules: at most one per rule. */
	bpf_map__set_max_entries(skel->maps.llsock_ruleset_rules,
				 2 * max_rules);
	bpf_map__set_max_entries(skel->maps.llsock_domains, max_bindings);
	/* Room for those of removed cgroups, until the next sweep. */
	bpf_map__set_max_entries(skel->maps.llsock_cgroup_stats,
				 2 * max_bindings);
	/* Room for the old and the new ruleset of each binding meanwhile. */
	bpf_map__set_max_entries(skel->maps.llsock_rulesets,
				 2 * max_bindings);
	bpf_object__for_each_program(prog, skel->obj)
		if (no_guard && is_guard(prog))
			bpf_program__set_autoload(prog, false);
	/* The mount guards keep to the namespace the pins are mounted in. */
	ret = own_mount_namespace(&skel->rodata->llsock_mnt_ns);
	if (ret)
		return ret;
	/* Of each hook, the program that reads its arguments right here. */
	vmlinux = btf__load_vmlinux_btf();
	if (!vmlinux)
		return -errno;
	ret = llsock_hooks_select(skel->obj, vmlinux, NULL, 0);
	btf__free(vmlinux);
	return ret;
}

/*
 * Every map of the object, pinned where llsock_store_open() looks, but the
 * read-only data (the canonicalisation table), which the programs hold and
 * nothing else reads.
 */
static int pin_maps(struct llsock_bpf *skel)
{
	char path[PATH_MAX];
	struct bpf_map *map;
	int ret;

	bpf_object__for_each_map(map, skel->obj) {
		if (bpf_map__is_internal(map))
			continue;
		llsock_pin_path(map, path, sizeof(path));
		ret = bpf_map__pin(map, path);
		if (ret)
			return ret;
	}
	return 0;
}

/*
 * The guards pinned, to be attached with the first binding; the socket
 * hook attached last: llsock_is_loaded() says so only once everything is
 * in place.
 */
static int attach_all(struct llsock_bpf *skel)
{
	struct bpf_program *prog;
	char path[PATH_MAX];
	int ret;

	bpf_object__for_each_program(prog, skel->obj) {
		if (!bpf_program__autoload(prog) || !is_guard(prog))
			continue;
		snprintf(path, sizeof(path),
			 LLSOCK_PIN_DIR "/" GUARD_PROG_PREFIX "%s",
			 program_hook(prog));
		llsock_fault_point();
		ret = bpf_program__pin(prog, path);
		if (ret)
			return ret;
	}
	bpf_object__for_each_program(prog, skel->obj)
		if (bpf_program__autoload(prog) && !is_guard(prog))
			return attach_and_pin(prog);
	return -ENOENT;
}

int llsock_load(const struct llsock_load_opts *opts)
{
	struct llsock_bpf *skel;
	int dir_fd = -1, ret;

	ret = lock_for_load(&dir_fd);
	if (ret)
		return ret;
	skel = llsock_bpf__open();
	if (!skel) {
		ret = -errno;
		goto err_close_dir;
	}
	ret = prepare(skel, opts);
	if (!ret)
		ret = llsock_bpf__load(skel);
	if (ret)
		goto err_destroy;
	ret = pin_maps(skel);
	if (!ret)
		ret = attach_all(skel);
	if (ret)
		goto err_unpin;
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

/* The socket hook's link is pinned last (attach_all()), unpinned first. */
bool llsock_is_loaded(void)
{
	return !access(LLSOCK_PIN_DIR "/" SOCKET_LINK_PIN, F_OK);
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
	char names[MAX_PINS][NAME_MAX + 1];
	int dir_fd, ret, n, leftovers;
	__u32 ids[MAX_PINS];
	bool loaded;

	dir_fd = open(LLSOCK_PIN_DIR, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dir_fd < 0)
		return errno == ENOENT ? -ENOPKG : -errno;
	if (flock(dir_fd, LOCK_EX)) {
		close(dir_fd);
		return -errno;
	}
	/*
	 * Not loaded, but pins left by a load or an unload that was killed:
	 * finish removing them (an unload), and say nothing was loaded only
	 * when there was nothing at all.
	 */
	loaded = llsock_is_loaded();
	leftovers = read_pins(dir_fd, names);
	if (leftovers < 0) {
		close(dir_fd);
		return leftovers;
	}
	n = pinned_program_ids(dir_fd, ids, MAX_PINS);
	ret = unpin_all(dir_fd);
	close(dir_fd);
	if (ret)
		return ret;
	if (rmdir(LLSOCK_PIN_DIR) && errno != ENOENT)
		return -errno;
	/* Return once nothing llsock attached is enforced any more. */
	ret = wait_programs_gone(ids, n);
	if (!ret && !loaded && !leftovers)
		ret = -ENOPKG;
	return ret;
}

// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * What the running kernel offers llsock: the LSM list, whether it accepts
 * BPF LSM programs at all, whether llsock's programs fit its hooks, and
 * the cgroup v2 hierarchy. Asked once per command, to say in one sentence
 * why llsock cannot work here when it cannot.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>
#include <zlib.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "internal.h"
#include "llsock.skel.h"

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

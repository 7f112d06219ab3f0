# Test programs, host and VM. Included by the top Makefile.
#
# A suite is a file tests/NAME_test.c (kselftest harness), found by
# wildcard: adding one is adding the file. Where it runs is said by a line
# of its own in the file, exactly:
#
#   /* llsock-suite: WORD... */
#
# no such line  the VM only: built static, run in the VM of every kernel
#               by tests/suites.sh (make vm-test)
# host          the host: built by make host-tests, run by tests/check
#               (its part host-NAME, without _test)
# vm            the VM as well (with host)
# native        also NAME_native_test, a VM suite: the same source built
#               with STACK_NATIVE=1, on native Landlock (tests/stack.h)
# args          it needs arguments: built, but run only by its own target
#               (hooks_test: make hooks-test), never by tests/check
#
# In the VM, suites run in name order, lifecycle_test last (it unloads and
# reloads llsock; tests/suites.sh).

# kselftest_harness.h comes from Debian's linux-source-6.12, extracted
# into the cache at build time; never copied into the repository.
KSFT_DIR	= $(BUILD)/ksft
TEST_CPPFLAGS	= $(CPPFLAGS) -I$(KSFT_DIR) -Itests
# The harness compares ints with size_t: -Wall only, as the kernel selftests.
TEST_WARNINGS	:= -Wall -Wno-format-truncation

SUITE_SRCS	:= $(wildcard tests/*_test.c)
SUITES		:= $(SUITE_SRCS:tests/%.c=%)
# NAME:WORD for each word of each suite's marker line.
SUITE_MARKS	:= $(shell awk '/^\/\* llsock-suite: .* \*\/$$/ { \
			n = FILENAME; sub(/^.*\//, "", n); sub(/\.c$$/, "", n); \
			for (i = 3; i < NF; i++) print n ":" $$i }' $(SUITE_SRCS))
suites_with	= $(patsubst %:$(1),%,$(filter %:$(1),$(SUITE_MARKS)))
$(foreach m,$(filter-out %:host %:vm %:native %:args,$(SUITE_MARKS)),\
	$(error tests/$(word 1,$(subst :, ,$(m))).c: '$(word 2,$(subst :, ,$(m)))' \
		in its llsock-suite line is none of host, vm, native, args))
SUITES_MARKED	:= $(sort $(foreach m,$(SUITE_MARKS),$(word 1,$(subst :, ,$(m)))))

HOST_SUITES	:= $(call suites_with,host)
# What tests/check runs on the host.
HOST_RUN_SUITES	:= $(filter-out $(call suites_with,args),$(HOST_SUITES))
VM_SUITES	:= $(sort $(filter-out $(SUITES_MARKED),$(SUITES)) \
		   $(call suites_with,vm) \
		   $(patsubst %_test,%_native_test,$(call suites_with,native)))

# The headers keep their dates from the kernel tarball: a stamp says when
# the link to them was made.
$(BUILD)/.ksft: tests/ksft-headers tests/cache.sh | $(BUILD)
	$(call msg,KSFT,$(KSFT_DIR))
	$(Q)ln -sfn "$$(tests/ksft-headers)" $(KSFT_DIR)
	$(Q)test -f $(KSFT_DIR)/kselftest_harness.h
	$(Q)touch $@

# One object per source, for the host and the static link alike. Header
# dependencies come from the compiler (-MMD -MP); the generated headers
# must be there before the first compilation.
TEST_OBJ	= $(BUILD)/test-objs
OBJ_WARNINGS	= $(TEST_WARNINGS)
$(TEST_OBJ)/model.o: OBJ_WARNINGS = $(WARNINGS)
$(TEST_OBJ)/difftest.o: OBJ_WARNINGS = $(WARNINGS) -Wno-format-truncation
# NAME_native_test: NAME_test.c on native Landlock (tests/stack.h).
$(TEST_OBJ)/%_native_test.o: OBJ_DEFS = -DSTACK_NATIVE=1

$(TEST_OBJ)/%_native_test.o: tests/%_test.c $(BUILD)/.ksft | $(BUILD)/observe.skel.h $(BUILD)/reader.skel.h
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(OBJ_DEFS) $(TEST_CPPFLAGS) $(CFLAGS) $(OBJ_WARNINGS) $(DEPFLAGS) -c $< -o $@

$(TEST_OBJ)/%.o: tests/%.c $(BUILD)/.ksft | $(BUILD)/observe.skel.h $(BUILD)/reader.skel.h
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(TEST_CPPFLAGS) $(CFLAGS) $(OBJ_WARNINGS) $(DEPFLAGS) -c $< -o $@

# The permission series' canonicalisation, as its patch adds it to the
# kernel (tests/kernel-canon), for tests/canon_kernel_test.c.
KERNEL_CANON_PATCH := $(shell grep -l 'canon_rewrites\[\] = {' kernel/patched-7.3/patches/*.patch 2>/dev/null)
$(BUILD)/tests/kernel-canon.h: tests/kernel-canon $(KERNEL_CANON_PATCH)
	$(call msg,GEN,$@)
	$(Q)test -n "$(KERNEL_CANON_PATCH)" || { \
		echo "no patch of kernel/patched-7.3/patches adds canon_rewrites[]" >&2; exit 1; }
	$(Q)mkdir -p $(@D)
	$(Q)tests/kernel-canon $(KERNEL_CANON_PATCH) > $@.tmp && mv $@.tmp $@
$(TEST_OBJ)/canon_kernel_test.o: $(BUILD)/tests/kernel-canon.h
$(TEST_OBJ)/canon_kernel_test.o: TEST_CPPFLAGS += -I$(BUILD)/tests

-include $(wildcard $(TEST_OBJ)/*.d)
# Kept: made through the patterns above, not named anywhere.
.SECONDARY: $(patsubst tests/%.c,$(TEST_OBJ)/%.o,$(wildcard tests/*.c)) \
	    $(patsubst %_test,$(TEST_OBJ)/%_native_test.o,$(call suites_with,native))

# Host programs link the reference model (tests/model.c) too.
$(BUILD)/tests/%: $(TEST_OBJ)/%.o $(TEST_OBJ)/model.o $(BUILD)/libllsock.a
	$(call msg,CCLD,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $(filter %.o,$^) $(filter %.a,$^) $(LIBS) -o $@

# What runs in the VM is static: its initramfs has no shared libraries.
$(BUILD)/static/tests/%: $(TEST_OBJ)/%.o $(BUILD)/libllsock.a
	$(call msg,CCLD,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) -static $(CFLAGS) $(filter %.o,$^) $(filter %.a,$^) \
		$(STATIC_LIBS) -luring -o $@

# The differential test compares with the model, in the patched kernel's VM.
$(BUILD)/static/tests/difftest: $(TEST_OBJ)/model.o

# A 32-bit x86 program, for the compat paths (socketcall(2)).
$(BUILD)/static/tests/socketcall32: tests/socketcall32.c
	$(call msg,CCLD,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) -m32 -static $(CFLAGS) $(TEST_WARNINGS) $< -o $@

# What runc_test's containers run.
$(BUILD)/static/tests/in_container: tests/in_container.c
	$(call msg,CCLD,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) -static $(CFLAGS) $(TEST_WARNINGS) $< -o $@

# llsock with LLSOCK_FAULT_INJECTION in loader/bind.c and load.c, for
# crash_test.
FAULTY_OBJS	:= $(BUILD)/faulty/bind.o $(BUILD)/faulty/load.o
$(FAULTY_OBJS): $(BUILD)/faulty/%.o: loader/%.c $(BUILD)/llsock.skel.h
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) $(WARNINGS) $(DEPFLAGS) \
		-DLLSOCK_FAULT_INJECTION -c $< -o $@

$(BUILD)/static/tests/llsock-faulty: $(CLI_OBJS) $(FAULTY_OBJS) \
		$(filter-out $(FAULTY_OBJS:$(BUILD)/faulty/%=$(BUILD)/lib/%),$(LIB_OBJS))
	$(call msg,CCLD,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) -static $(CFLAGS) $^ $(STATIC_LIBS) -o $@

-include $(wildcard $(BUILD)/faulty/*.d)

# seccomp_test runs these under `llsock run`.
host-tests: $(HOST_SUITES:%=$(BUILD)/tests/%) $(BUILD)/llsock \
	  $(BUILD)/static/tests/sockprobe $(BUILD)/static/tests/socketcall32 \
	  $(BUILD)/static/tests/difftest
vm-tests: $(VM_SUITES:%=$(BUILD)/static/tests/%) $(BUILD)/static/llsock \
	  $(BUILD)/static/tests/socketcall32 $(BUILD)/static/tests/difftest \
	  $(BUILD)/static/tests/in_container \
	  $(BUILD)/static/tests/llsock-faulty

# For tests/check: the host suites it runs.
list-host-suites:
	@echo $(HOST_RUN_SUITES)

# The VM: KERNEL is debian-6.1, debian-6.12, debian-backports (Debian's
# stock cloud kernels, fetched and cached by tests/vm/debian-kernel),
# patched-6.12 or patched-7.3 (kernel/'s builds, made by `make kernel`;
# patched is another name for patched-6.12) or a bzImage path.
# TESTS chooses among the VM suites (default: all), ARGS goes to each
# suite (the harness's options): `make vm-test TESTS=socket_test
# ARGS='-r socket.wildcard_type'` runs one test.
#
# These modules carry the families the suites cover; Debian builds them as
# modules, and not every kernel has each of them (DCCP left Linux in 6.16,
# Debian's 7.3 cloud kernel has no SMC): the runner loads those the kernel
# has, and the tests of the others skip with the reason. The patched
# kernels have no modules: everything is built in.
KERNEL		?= debian-6.12
TESTS		?=
ARGS		?=
VM_MODULES	?= sctp smc tipc vsock_loopback af_key kcm algif_hash rds \
		   l2tp_ip dccp_ipv4
# Added to the guest's kernel command line by vm-test, vm-shell and
# difftest (not by the benchmark): expedited RCU grace periods. The tests
# make and tear down cgroups, BPF map entries and Landlock domains, and
# the guests spent most of their time idle, waiting for normal grace
# periods (a third of a host core used): 2,000 differential cases of v4
# took 6.8 s with normal grace periods, 1.4 s with expedited ones, and
# the suites on Debian's 6.12 kernel 73 s against 38 s. Grace
# periods change when memory is freed, not what any call answers; set
# VM_APPEND= to run with normal ones.
VM_APPEND	?= rcupdate.rcu_expedited=1
# crash_test's load and unload killed at the first point and every STEP-th
# from FIRST (CRASH_POINTS=STEP/FIRST), not at every one: each point costs
# a whole llsock load. make check sets it on all its kernels but one.
CRASH_POINTS	?=
VM_CMDLINE	= $(strip $(VM_APPEND) \
		  $(if $(CRASH_POINTS),llsock.crash_points=$(CRASH_POINTS)))
VM_APPEND_ARG	= $(if $(VM_CMDLINE),--append ' $(VM_CMDLINE)')
VM_SELECTED	= $(or $(TESTS),$(VM_SUITES))
VM_FILES	= $(BUILD)/static/llsock $(VM_SELECTED:%=$(BUILD)/static/tests/%) \
		  $(BUILD)/static/tests/socketcall32 \
		  $(BUILD)/static/tests/llsock-faulty policies \
		  $(BUILD)/static/tests/in_container $(RUNC) $(CRUN)
# Debian's runc and crun (tests/deps vm), for runc_test: in the VM as
# /test/runc and /test/crun.
RUNC		?= /usr/sbin/runc
CRUN		?= /usr/bin/crun
$(RUNC) $(CRUN):
	$(Q)tests/deps vm
# KERNEL's name when it is one of kernel/'s builds, else empty.
VM_PATCHED	= $(filter $(PATCHED_KERNELS),$(call patched_name,$(KERNEL)))
VM_DEPS		= $(VM_FILES) $(if $(VM_PATCHED),kernel-$(VM_PATCHED) \
		  $(BUILD)/absent-families/$(VM_PATCHED))

ifneq ($(filter vm-test vm-shell,$(MAKECMDGOALS)),)
ifneq ($(filter-out $(VM_SUITES),$(TESTS)),)
$(error TESTS: $(filter-out $(VM_SUITES),$(TESTS)) is not a VM suite; they are: $(VM_SUITES))
endif
endif

# The address families each patched kernel cannot have, one a line (the
# number, then why), from the table of kernel/README.md ("Address
# families"), where a cell of the kernel's column starting with "no" says
# it cannot. families_test reads it in the guest as /test/absent-families.
$(BUILD)/absent-families/%: kernel/README.md
	$(call msg,GEN,$@)
	$(Q)mkdir -p $(@D)
	$(Q)awk -F'|' -v kernel='$*' ' \
		/^## / { in_table = ($$0 == "## Address families"); next } \
		!in_table || !/^\|/ { next } \
		!col { for (i = 2; i < NF; i++) { c = $$i; gsub(/[ `]/, "", c); \
			if (c == kernel) col = i; if (c == "whynot") why = i } \
			if (!col || !why) { print "kernel/README.md: no column " kernel " or \"why not\"" > "/dev/stderr"; exit 1 } \
			next } \
		{ n = $$2; sub(/^ */, "", n); if (n !~ /^[0-9]/) next; \
		  rows++; c = $$col; sub(/^ */, "", c); \
		  r = $$why; sub(/^ */, "", r); sub(/ *$$/, "", r); \
		  if (c ~ /^no( |$$)/) print (n + 0) " " r } \
		END { if (!rows) { print "kernel/README.md: no \"Address families\" table" > "/dev/stderr"; exit 1 } }' \
		kernel/README.md >$@.tmp
	$(Q)mv $@.tmp $@

# The start of every VM recipe: sets $kernel and, in "$@", what the
# kernel brings. A patched kernel brings the list of the families it
# cannot have (families_test); its full run (no TESTS) also brings its
# tree's Landlock selftests, which tests/suites.sh runs first, and, when
# its series has one, the check of its sandboxer sample
# (kernel/NAME/sandboxer-test.sh), run as one more suite.
VM_SETUP	= set --; kernel='$(KERNEL)'; \
		  $(if $(VM_PATCHED), \
			dir=$$(kernel/build --kernel $(VM_PATCHED) --print-dir) && \
				kernel=$$dir/bzImage || exit 2; \
			set -- --file $(BUILD)/absent-families/$(VM_PATCHED):absent-families; \
			$(if $(TESTS),, \
			set -- "$$@" --file "$$dir/selftests:landlock"; \
			if [ -f kernel/$(VM_PATCHED)/sandboxer-test.sh ]; then \
				set -- "$$@" --file "$$dir/sandboxer" \
					--file kernel/$(VM_PATCHED)/sandboxer-test.sh:sandboxer_test \
					--file kernel/sandboxer-check.sh; \
			fi;))
# The VM's own time limit. A kernel's suites took 385 to 641 s in make
# check on 2026-12-03 beside another VM, 966 s beside two more with
# crash_test killing at every point: above the runner's default of 900 s.
VM_TIMEOUT	?= 1800
VM_RUN		= tests/vm/run --kernel "$$kernel" $(VM_APPEND_ARG) \
		  $(if $(VM_TIMEOUT),--timeout $(VM_TIMEOUT)) \
		  $(if $(VM_PATCHED),,$(VM_MODULES:%=--module-if-present %)) \
		  $(VM_FILES:%=--file %) --file tests/suites.sh "$$@"

vm-test: $(VM_DEPS)
	$(Q)$(VM_SETUP) $(VM_RUN) -c 'sh suites.sh $(ARGS)'

# 1,000 containers started and stopped under runc, through the hook
# (runc_test's churn test, 20 in make check): nothing may be left behind.
CHURN		?= 1000
container-churn:
	$(Q)$(MAKE) --no-print-directory vm-test TESTS=runc_test \
		ARGS='-r runc.starts_and_stops_leave_nothing' \
		VM_APPEND='$(VM_APPEND) llsock.runc_churn=$(CHURN)' \
		VM_TIMEOUT=$$(( $(CHURN) * 4 + 600 ))

# A shell in the VM with llsock and the suites in /test, llsock loaded.
vm-shell: $(VM_DEPS)
	$(Q)$(VM_SETUP) $(VM_RUN) --shell -c 'cd /test && ./llsock load; \
		echo "llsock is loaded; suites: $(VM_SELECTED)"'

# The VM runner's own test (tests/vm/README.md), on Debian's kernels.
SMOKE_KERNELS	?= debian-6.1 debian-6.12 debian-backports
vm-smoke:
	$(Q)tests/vm/smoke $(SMOKE_KERNELS)

.PHONY: host-tests vm-tests vm-test vm-shell vm-smoke list-host-suites \
	container-churn

# make difftest: native Landlock, llsock and the model on random stacks
# (tests/difftest.c), each flavour in the VM of the kernel that has it
# natively: v4 on DIFFTEST_V4_KERNEL (the patched 6.12 kernel),
# permission on DIFFTEST_PERMISSION_KERNEL (the patched 7.3 kernel), and
# the stacks of mixed flavours (mixed; llsock and the model only: no
# kernel has both) in the second VM. DIFFTEST_FLAVOUR is v4, permission,
# mixed or both (the default: all three), or a comma-separated list. On a kernel without the flavour (a stock one, for example
# DIFFTEST_PERMISSION_KERNEL=debian-6.12) llsock and the model are
# compared and the output says that the native side is absent.
# DIFFTEST_SEED is a seed or a list of seeds, one run each (default: a
# fresh one, printed); DIFFTEST_CASES the cases of each flavour's run.
DIFFTEST_FLAVOUR ?= both
DIFFTEST_V4_KERNEL ?= patched-6.12
DIFFTEST_PERMISSION_KERNEL ?= patched-7.3
DIFFTEST_SEED	?=
DIFFTEST_CASES	?= 100000
# no: leave out the host run (make check runs it as a part of its own).
DIFFTEST_HOST	?= yes
# About 0.35 s per 100 cases with normal grace periods, 0.07 s with
# expedited ones: the default timeout allows 2 s, plus 10 minutes for
# the boot and the injected-fault checks.
DIFFTEST_TIMEOUT ?=

# FLAVOURS@KERNEL, one VM each: v4 on its kernel, permission and mixed
# (as asked) on the permission flavour's.
comma		:= ,
empty		:=
space		:= $(empty) $(empty)
DIFFTEST_ASKED	= $(subst $(comma), ,$(DIFFTEST_FLAVOUR))
DIFFTEST_ON_PERMISSION = $(subst $(space),$(comma),$(strip \
		  $(if $(filter permission both,$(DIFFTEST_ASKED)),permission) \
		  $(if $(filter mixed both,$(DIFFTEST_ASKED)),mixed)))
DIFFTEST_RUNS	= $(if $(filter v4 both,$(DIFFTEST_ASKED)),v4@$(DIFFTEST_V4_KERNEL)) \
		  $(if $(DIFFTEST_ON_PERMISSION),$(DIFFTEST_ON_PERMISSION)@$(DIFFTEST_PERMISSION_KERNEL))
DIFFTEST_KERNELS = $(foreach r,$(DIFFTEST_RUNS),$(lastword $(subst @, ,$(r))))
# A kernel name as tests/vm/run takes it: Debian's by name, the patched
# ones by their image (built by `make kernel`), or an image path.
DIFFTEST_IMAGE	= case $$1 in \
		  patched) kernel/build --kernel patched-6.12 --print-path ;; \
		  patched-*) kernel/build --kernel "$$1" --print-path ;; \
		  *) echo "$$1" ;; \
		  esac

# Checked first, before a kernel build that may take 20 minutes.
difftest-args:
	$(Q)case ',$(DIFFTEST_FLAVOUR),' in *,,* | *' '*) bad=1 ;; *) bad= ;; esac; \
	for f in $(or $(DIFFTEST_ASKED),''); do case $$f in v4|permission|mixed|both) ;; *) bad=1 ;; esac; done; \
	if [ -n "$$bad" ]; then \
		echo "difftest: DIFFTEST_FLAVOUR must be v4, permission, mixed or both, or a comma-separated list of them, not '$(DIFFTEST_FLAVOUR)'" >&2; \
		exit 1; fi; \
	case '$(DIFFTEST_CASES)' in ''|0*|*[!0-9]*) \
		echo "difftest: DIFFTEST_CASES must be a number of cases, not '$(DIFFTEST_CASES)'" >&2; \
		exit 1 ;; esac; \
	for seed in $(DIFFTEST_SEED); do case $$seed in 0?*|*[!0-9]*) \
		echo "difftest: DIFFTEST_SEED must be numbers (seeds), not '$$seed'" >&2; \
		exit 1 ;; esac; done

difftest: difftest-args $(BUILD)/static/tests/difftest $(BUILD)/static/llsock \
	  $(foreach k,$(sort $(filter $(PATCHED_KERNELS),$(foreach k,$(DIFFTEST_KERNELS),$(call patched_name,$(k))))),kernel-$(k))
	$(Q)[ "$(DIFFTEST_HOST)" = no ] || $(MAKE) --no-print-directory difftest-host
	$(Q)seeds='$(DIFFTEST_SEED)'; \
	[ -n "$$seeds" ] || seeds=$$(od -An -N6 -tu8 /dev/urandom | tr -d ' '); \
	echo "difftest: seed(s) $$seeds, $(DIFFTEST_CASES) cases each, flavour $(DIFFTEST_FLAVOUR)"; \
	image() { $(DIFFTEST_IMAGE); }; \
	status=0; \
	for run in $(DIFFTEST_RUNS); do \
		flavours=$${run%@*}; kernel=$${run#*@}; \
		echo "difftest: flavour $$flavours on $$kernel"; \
		runs=$$(echo $$flavours | tr , ' ' | wc -w); \
		timeout='$(DIFFTEST_TIMEOUT)'; \
		[ -n "$$timeout" ] || timeout=$$(( $$(echo $$seeds | wc -w) * \
			$$runs * $(DIFFTEST_CASES) / 50 + 600 )); \
		path=$$(image "$$kernel") || exit 2; \
		tests/vm/run --kernel "$$path" --timeout "$$timeout" \
			$(VM_APPEND_ARG) \
			--file $(BUILD)/static/llsock \
			--file $(BUILD)/static/tests/difftest \
			--file tests/difftest-guest.sh \
			-c "sh difftest-guest.sh $(DIFFTEST_CASES) $$flavours $$seeds" || \
			status=1; \
	done; \
	exit $$status

# make difftest-host: the seccomp backend against the model on this
# machine, no VM (seccomp needs no privilege), DIFFTEST_CASES per flavour
# and seed; make difftest runs it first. In the VMs, difftest compares the
# seccomp backend too, with native Landlock and llsock.
# Its own log file each time: make check runs it beside the VM parts.
difftest-host: difftest-args $(BUILD)/static/tests/difftest
	$(Q)seeds='$(DIFFTEST_SEED)'; \
	[ -n "$$seeds" ] || seeds=$$(od -An -N6 -tu8 /dev/urandom | tr -d ' '); \
	echo "difftest-host: seed(s) $$seeds, $(DIFFTEST_CASES) cases each, flavour $(DIFFTEST_FLAVOUR)"; \
	log=$$(mktemp "$${TMPDIR:-/tmp}/difftest-host.XXXXXX") || exit 1; \
	tests/difftest-host.sh $(BUILD)/static/tests/difftest \
		$(DIFFTEST_CASES) $(DIFFTEST_FLAVOUR) $$seeds > $$log; \
	cat $$log; \
	sum=$$(tests/tap-judge --summary $$log | tail -n 1); \
	rm -f $$log; \
	echo "difftest-host: $$sum"; \
	case "$$sum" in *', 0 failed'*) ;; *) exit 1 ;; esac

.PHONY: difftest difftest-args difftest-host

# make hooks-test: every lsm/ program of llsock (and of the tests) against
# bpf_lsm_<hook> in the BTF of every kernel of the matrix (HOOK_KERNELS:
# Debian's kernels by name, kernel/'s builds by name, or image paths).
HOOK_KERNELS	?= debian-6.1 debian-6.12 debian-backports $(PATCHED_KERNELS)
HOOK_PATCHED	= $(filter $(PATCHED_KERNELS),$(foreach k,$(HOOK_KERNELS),$(call patched_name,$(k))))
HOOK_OBJECTS	= $(BUILD)/llsock.bpf.o $(BUILD)/observe.bpf.o $(BUILD)/reader.bpf.o

hooks-test: $(BUILD)/tests/hooks_test $(HOOK_OBJECTS) \
	    $(HOOK_PATCHED:%=kernel-%)
	$(Q)mkdir -p $(BUILD)/btf
	$(Q)set -e; args=; for k in $(HOOK_KERNELS); do \
		case $$k in \
		debian-*) image=$$(tests/vm/debian-kernel $$k)/vmlinuz ;; \
		patched) image=$$(kernel/build --kernel patched-6.12 --print-path) ;; \
		patched-*) image=$$(kernel/build --kernel $$k --print-path) ;; \
		*) image=$$k; k=$$(basename $$k) ;; \
		esac; \
		./vmlinux.h.gen --btf "$$image" > $(BUILD)/btf/$$k.btf; \
		args="$$args $$k=$(BUILD)/btf/$$k.btf"; \
	done; \
	$(BUILD)/tests/hooks_test $(HOOK_OBJECTS) -- $$args

.PHONY: hooks-test

# make bench: the empty BPF LSM program beside llsock's, and libseccomp for
# the seccomp filter it is compared with.
$(TEST_OBJ)/bench.o: | $(BUILD)/empty.skel.h
$(BUILD)/static/tests/bench: STATIC_LIBS += -lseccomp

# Test programs, host and VM. Included by the top Makefile.

# kselftest_harness.h comes from Debian's linux-source-6.12, extracted
# into the cache at build time; never copied into the repository.
KSFT_DIR	= $(BUILD)/ksft
TEST_CPPFLAGS	= $(CPPFLAGS) -I$(KSFT_DIR) -Itests
# The harness compares ints with size_t: -Wall only, as the kernel selftests.
TEST_WARNINGS	:= -Wall -Wno-format-truncation

# Suites built for both the host and the VM.
HOST_TESTS	:= unit_test model_test validate_test
# NAME_native_test is NAME_test on native Landlock (tests/stack.h).
VM_TESTS	:= validate_test validate_native_test socket_test \
		   socket_native_test guard_test policy_test lifecycle_test
TEST_DEPS	:= tests/common.h tests/cgroups.h tests/stack.h tests/native.h \
		   tests/observe.h loader/libllsock.h loader/internal.h \
		   $(BUILD)/.ksft $(BUILD)/observe.skel.h

# The headers keep their dates from the kernel tarball: a stamp says when
# the link to them was made.
$(BUILD)/.ksft: tests/ksft-headers | $(BUILD)
	$(call msg,KSFT,$(KSFT_DIR))
	$(Q)ln -sfn "$$(tests/ksft-headers)" $(KSFT_DIR)
	$(Q)test -f $(KSFT_DIR)/kselftest_harness.h
	$(Q)touch $@

$(BUILD)/tests/model.o: tests/model.c tests/model.h | $(BUILD)/tests
	$(call msg,CC,$@)
	$(Q)$(CC) $(TEST_CPPFLAGS) $(CFLAGS) $(WARNINGS) -c $< -o $@

$(BUILD)/tests/%: tests/%.c $(TEST_DEPS) $(BUILD)/tests/model.o $(BUILD)/libllsock.a | $(BUILD)/tests
	$(call msg,CCLD,$@)
	$(Q)$(CC) $(TEST_CPPFLAGS) $(CFLAGS) $(TEST_WARNINGS) $< \
		$(BUILD)/tests/model.o $(BUILD)/libllsock.a $(LIBS) -o $@

$(BUILD)/static/tests/%: tests/%.c $(TEST_DEPS) $(BUILD)/libllsock.a
	$(call msg,CCLD,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) -static $(TEST_CPPFLAGS) $(CFLAGS) $(TEST_WARNINGS) $< \
		$(BUILD)/libllsock.a $(STATIC_LIBS) -luring -o $@

# NAME_native_test: NAME_test.c on native Landlock (tests/stack.h).
$(BUILD)/static/tests/%_native_test: tests/%_test.c $(TEST_DEPS) $(BUILD)/libllsock.a
	$(call msg,CCLD,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) -static -DSTACK_NATIVE=1 $(TEST_CPPFLAGS) $(CFLAGS) \
		$(TEST_WARNINGS) $< $(BUILD)/libllsock.a $(STATIC_LIBS) \
		-luring -o $@

# The differential test and its model, for the patched kernel's VM.
$(BUILD)/static/tests/difftest: tests/difftest.c tests/model.c tests/model.h \
		tests/native.h tests/cgroups.h $(BUILD)/libllsock.a
	$(call msg,CCLD,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) -static $(TEST_CPPFLAGS) $(CFLAGS) $(WARNINGS) \
		-Wno-format-truncation $< tests/model.c \
		$(BUILD)/libllsock.a $(STATIC_LIBS) -luring -o $@

# A 32-bit x86 program, for the compat paths (socketcall(2)).
$(BUILD)/static/tests/socketcall32: tests/socketcall32.c
	$(call msg,CCLD,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) -m32 -static $(CFLAGS) $(TEST_WARNINGS) $< -o $@

host-tests: $(HOST_TESTS:%=$(BUILD)/tests/%) $(BUILD)/tests/hooks_test $(BUILD)/llsock
vm-tests: $(VM_TESTS:%=$(BUILD)/static/tests/%) $(BUILD)/static/llsock \
	  $(BUILD)/static/tests/socketcall32 $(BUILD)/static/tests/difftest

# The VM: KERNEL is debian-6.1, debian-6.12, debian-backports (Debian's
# stock cloud kernels, fetched and cached by tests/vm/debian-kernel) or a
# bzImage path. These modules carry the families the suites cover; Debian
# builds them as modules, and not every kernel has each of them (DCCP left
# Linux in 6.16, Debian's 7.3 cloud kernel has no SMC): the runner loads
# those the kernel has, and the tests of the others skip with the reason.
KERNEL		?= debian-6.12
VM_MODULES	?= sctp smc tipc vsock_loopback af_key kcm algif_hash rds \
		   l2tp_ip dccp_ipv4
VM_FILES	= $(BUILD)/static/llsock $(VM_TESTS:%=$(BUILD)/static/tests/%) \
		  $(BUILD)/static/tests/socketcall32
VM_RUN		= tests/vm/run --kernel $(KERNEL) \
		  $(VM_MODULES:%=--module-if-present %) $(VM_FILES:%=--file %)

# KERNEL=patched: the in-kernel reference (kernel/), whose VM run starts
# with the tree's Landlock selftests; everything is built in, no module.
ifeq ($(KERNEL),patched)
vm-test: vm-tests
	$(Q)$(MAKE) --no-print-directory vm-test-patched \
		KERNEL_VM_FILES='$(VM_FILES)' \
		KERNEL_VM_SCRIPTS='tests/suites.sh kernel/sandboxer-test.sh'

vm-shell: vm-tests kernel
	$(Q)tests/deps vm
	$(Q)tests/vm/run --kernel "$$($(KERNEL_PATH_CMD))" $(VM_FILES:%=--file %) \
		--shell -c 'cd /test && ./llsock load; \
		echo "llsock is loaded; suites: $(VM_TESTS)"'
else
vm-test: vm-tests
	$(Q)tests/deps vm
	$(Q)$(VM_RUN) tests/suites.sh

# A shell in the VM with llsock and the suites in /test, llsock loaded.
vm-shell: vm-tests
	$(Q)tests/deps vm
	$(Q)$(VM_RUN) --shell -c 'cd /test && ./llsock load; \
		echo "llsock is loaded; suites: $(VM_TESTS)"'
endif

.PHONY: host-tests vm-tests vm-test vm-shell

# make difftest: native Landlock, llsock and the model on random stacks, in
# the patched kernel's VM (tests/difftest.c). DIFFTEST_SEED is a seed or a
# list of seeds, one run each (default: a fresh one, printed);
# DIFFTEST_CASES the cases of each run.
DIFFTEST_SEED	?=
DIFFTEST_CASES	?= 100000
# About 0.35 s per 100 cases here: the default timeout allows 2 s, plus
# 10 minutes for the boot and the injected-fault check.
DIFFTEST_TIMEOUT ?=

# Checked first, before a kernel build that may take 20 minutes.
difftest-args:
	$(Q)case '$(DIFFTEST_CASES)' in ''|0*|*[!0-9]*) \
		echo "difftest: DIFFTEST_CASES must be a number of cases, not '$(DIFFTEST_CASES)'" >&2; \
		exit 1 ;; esac; \
	for seed in $(DIFFTEST_SEED); do case $$seed in 0?*|*[!0-9]*) \
		echo "difftest: DIFFTEST_SEED must be numbers (seeds), not '$$seed'" >&2; \
		exit 1 ;; esac; done

difftest: difftest-args $(BUILD)/static/tests/difftest $(BUILD)/static/llsock kernel
	$(Q)tests/deps vm
	$(Q)seeds='$(DIFFTEST_SEED)'; \
	[ -n "$$seeds" ] || seeds=$$(od -An -N6 -tu8 /dev/urandom | tr -d ' '); \
	echo "difftest: seed(s) $$seeds, $(DIFFTEST_CASES) cases each"; \
	timeout='$(DIFFTEST_TIMEOUT)'; \
	[ -n "$$timeout" ] || \
		timeout=$$(( $$(echo $$seeds | wc -w) * $(DIFFTEST_CASES) / 50 + 600 )); \
	tests/vm/run --kernel "$$($(KERNEL_PATH_CMD))" \
		--timeout "$$timeout" \
		--file $(BUILD)/static/llsock --file $(BUILD)/static/tests/difftest \
		--file tests/difftest-guest.sh \
		-c "sh difftest-guest.sh $(DIFFTEST_CASES) $$seeds"

.PHONY: difftest difftest-args

# make hooks-test: every lsm/ program of llsock (and of the tests) against
# bpf_lsm_<hook> in the BTF of every kernel of the matrix (HOOK_KERNELS:
# Debian's kernels by name, `patched` for kernel/'s build, or image paths).
HOOK_KERNELS	?= debian-6.1 debian-6.12 debian-backports patched
HOOK_OBJECTS	= $(BUILD)/llsock.bpf.o $(BUILD)/observe.bpf.o

hooks-test: $(BUILD)/tests/hooks_test $(HOOK_OBJECTS) \
	    $(if $(filter patched,$(HOOK_KERNELS)),kernel)
	$(Q)mkdir -p $(BUILD)/btf
	$(Q)set -e; args=; for k in $(HOOK_KERNELS); do \
		case $$k in \
		debian-*) image=$$(tests/vm/debian-kernel $$k)/vmlinuz ;; \
		patched) image=$$($(KERNEL_PATH_CMD)) ;; \
		*) image=$$k; k=$$(basename $$k) ;; \
		esac; \
		./vmlinux.h.gen --btf "$$image" > $(BUILD)/btf/$$k.btf; \
		args="$$args $$k=$(BUILD)/btf/$$k.btf"; \
	done; \
	$(BUILD)/tests/hooks_test $(HOOK_OBJECTS) -- $$args

.PHONY: hooks-test

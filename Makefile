# llsock: `make` builds, `make check` tests, `make demo` shows the main job.
# `make V=1` prints the full commands.

BUILD		?= build
# The kernel types for CO-RE, from one pinned source whatever kernel this
# machine runs: the BTF of Debian's 6.12 cloud kernel (fetched and cached
# like the VM's). CO-RE relocates every field access to the running
# kernel's layout; tests/hooks_test checks the programs' hook arguments
# against each kernel of the test matrix.
VMLINUX_BTF	?= debian-6.12
CACHE		?= $(HOME)/.cache/llsock

CC		?= gcc
CLANG		?= clang
BPFTOOL		?= bpftool
LLVM_STRIP	?= llvm-strip

CFLAGS		?= -O2 -g
WARNINGS	:= -Wall -Wextra -Wno-unused-parameter -Wno-missing-field-initializers
CPPFLAGS	+= -I$(BUILD) -Ibpf -Iloader
LIBS		:= -lbpf -lelf -lz
STATIC_LIBS	:= -lbpf -lelf -lz -ljson-c

ifeq ($(V),1)
Q :=
msg :=
else
Q := @
msg = @printf '  %-8s %s\n' "$(1)" "$(2)";
endif

.DELETE_ON_ERROR:
.PHONY: all clean check demo deps fresh-check

# libllsock is every loader/*.c; the llsock command, loader/cli/*.c. One
# set of objects (position-independent) serves the static and the shared
# links. Header dependencies come from the compiler (-MMD -MP).
LIB_SRCS	:= $(wildcard loader/*.c)
CLI_SRCS	:= $(wildcard loader/cli/*.c)
LIB_OBJS	:= $(LIB_SRCS:loader/%.c=$(BUILD)/lib/%.o)
CLI_OBJS	:= $(CLI_SRCS:loader/cli/%.c=$(BUILD)/cli/%.o)
DEPFLAGS	= -MMD -MP

all: $(BUILD)/llsock $(BUILD)/libllsock.a $(BUILD)/static/llsock vm-tests

$(BUILD) $(BUILD)/lib $(BUILD)/cli $(BUILD)/static $(BUILD)/tests:
	$(Q)mkdir -p $@

# Tools from Debian packages; installed when missing. Each step installs
# its own; `make deps` (or `tests/deps all`, before make is there)
# installs them all at once.
deps:
	$(Q)tests/deps all

$(BUILD)/.deps: tests/deps | $(BUILD)
	$(Q)tests/deps build
	$(Q)touch $@

$(BUILD)/vmlinux.h: vmlinux.h.gen | $(BUILD)/.deps
	$(call msg,GEN,$@)
	$(Q)case "$(VMLINUX_BTF)" in \
	debian-*) src=$$(tests/vm/debian-kernel $(VMLINUX_BTF))/vmlinuz ;; \
	*) src=$(VMLINUX_BTF) ;; \
	esac && { echo "/* Generated from $$src. */"; ./vmlinux.h.gen "$$src"; } > $@

# llsock's BPF object (bpf/), and the tests' own (tests/*.bpf.c).
vpath %.bpf.c bpf tests

$(BUILD)/%.bpf.o: %.bpf.c $(BUILD)/vmlinux.h
	$(call msg,BPF,$@)
	$(Q)$(CLANG) -g -O2 -target bpf -mcpu=v3 -D__TARGET_ARCH_x86 \
		$(WARNINGS) $(DEPFLAGS) -I$(BUILD) -Ibpf -c $< -o $@
	$(Q)$(LLVM_STRIP) -g $@

# Made through the patterns above, kept all the same.
.SECONDARY: $(BUILD)/llsock.bpf.o $(BUILD)/llsock.skel.h $(BUILD)/observe.bpf.o \
	    $(BUILD)/reader.bpf.o $(BUILD)/reader.skel.h \
	    $(BUILD)/observe.skel.h $(BUILD)/empty.bpf.o $(BUILD)/empty.skel.h

$(BUILD)/%.skel.h: $(BUILD)/%.bpf.o
	$(call msg,GEN-SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name $*_bpf > $@

# The skeleton is generated: every object waits for it on a first build.
$(BUILD)/lib/%.o: loader/%.c $(BUILD)/llsock.skel.h | $(BUILD)/lib
	$(call msg,CC,$@)
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) $(WARNINGS) $(DEPFLAGS) -fPIC -c $< -o $@

$(BUILD)/cli/%.o: loader/cli/%.c $(BUILD)/llsock.skel.h | $(BUILD)/cli
	$(call msg,CC,$@)
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) $(WARNINGS) $(DEPFLAGS) -c $< -o $@

$(BUILD)/libllsock.a: $(LIB_OBJS)
	$(call msg,AR,$@)
	$(Q)rm -f $@
	$(Q)$(AR) rcs $@ $^

$(BUILD)/llsock: $(CLI_OBJS) $(BUILD)/libllsock.a
	$(call msg,CCLD,$@)
	$(Q)$(CC) $(CFLAGS) $^ $(LIBS) -ljson-c -o $@

# What runs in the VM is static: its initramfs has no shared libraries.
$(BUILD)/static/llsock: $(CLI_OBJS) $(BUILD)/libllsock.a | $(BUILD)/static
	$(call msg,CCLD,$@)
	$(Q)$(CC) -static $(CFLAGS) $^ $(STATIC_LIBS) -o $@

-include $(LIB_OBJS:.o=.d) $(CLI_OBJS:.o=.d) $(wildcard $(BUILD)/*.bpf.d)

# kernel.mk first: tests.mk names its patched kernels in prerequisites.
include kernel/kernel.mk
include tests/tests.mk
include tests/bench.mk
include tests/fuzz/fuzz.mk

# Every test: host suites, then the VM suites on Debian's 6.1, 6.12 and
# 7.3 and on both patched kernels (tests/check).
check: all host-tests vm-tests $(BUILD)/fuzz/llsock_fuzz
	$(Q)tests/deps vm source kernel
	$(Q)BUILD=$(BUILD) tests/check

# The main job, end to end: on this machine if its kernel runs BPF LSM
# programs, else in a VM on Debian's stock 6.12 kernel.
# Its last part runs a container under Debian's runc ($(RUNC), which
# tests/deps vm installs for the VM; here, when the host has none, the
# demo skips that part and says why).
demo: all $(BUILD)/static/llsock $(BUILD)/static/tests/in_container
	$(Q)if [ "$$(id -u)" = 0 ] && $(BUILD)/llsock status --json | \
		grep -q '"lsm_programs_refused": *false'; then \
		LLSOCK=$(abspath $(BUILD)/llsock) RUNC=$(RUNC) \
		IN_CONTAINER=$(abspath $(BUILD)/static/tests/in_container) \
		POLICY_DIR=$(abspath policies) tests/demo.sh; \
	else \
		echo "demo: this kernel cannot run BPF LSM programs here; running the demo in a VM on Debian's 6.12 kernel"; \
		tests/deps vm && \
		tests/vm/run --kernel debian-6.12 \
			--file $(BUILD)/static/llsock:/bin/llsock \
			--file $(RUNC) \
			--file $(BUILD)/static/tests/in_container \
			--file policies/web.policy:/etc/llsock/policies/ \
			tests/demo.sh; \
	fi

# A minimal Debian root from this machine's apt sources, and in it the
# dependency step, the build, the host tests, the demo, one VM suite and
# both patched kernels: proves the install step is complete (slow).
fresh-check:
	$(Q)tests/fresh-check

clean:
	$(call msg,CLEAN,$(BUILD))
	$(Q)rm -rf $(BUILD)

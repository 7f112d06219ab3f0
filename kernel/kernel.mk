# The in-kernel reference (kernel/README.md). Included by the top Makefile.
#
#   make kernel            build Debian's linux-source-6.12 with kernel/series
#                          applied and kernel/config, cached outside the clone
#                          (an unchanged key costs nothing)
#   make kernel-path       print the bzImage path of the current key
#   make kernel-checkpatch each patch through the tree's checkpatch.pl
#   make vm-test-patched   boot it and run every Landlock selftest of the
#                          patched tree, then KERNEL_VM_SCRIPTS

# More suites for the patched kernel's VM run. KERNEL_VM_FILES go into the
# initramfs (tests/vm/run --file: HOST[:GUEST], /test/BASENAME by default);
# KERNEL_VM_SCRIPTS are guest scripts run after the selftests, in order,
# from /test. Their TAP output is judged with the selftests'.
KERNEL_VM_FILES		?=
KERNEL_VM_SCRIPTS	?=
# Boot to power-off: about 10 s for the upstream selftests, under two
# minutes with the llsock suites.
KERNEL_VM_TIMEOUT	?= 900

# The bzImage of the current key, built or not (the path depends on the
# key only). Recipes that run after `make kernel` should rather call
# $(KERNEL_PATH_CMD): on a fresh machine the source package, whose version
# is part of the key, is only there once `make kernel` has installed it.
KERNEL_PATH_CMD		:= kernel/build --print-path

.PHONY: kernel kernel-path vm-test-patched

kernel:
	$(Q)kernel/build

kernel-path:
	$(Q)$(KERNEL_PATH_CMD)

vm-test-patched: kernel
	$(Q)tests/deps vm
	$(Q)dir=$$(kernel/build --print-dir) && \
	tests/vm/run --kernel "$$dir/bzImage" --timeout $(KERNEL_VM_TIMEOUT) \
		--file "$$dir/selftests:/kernel/" --file kernel/vm-guest.sh:/kernel/ \
		--file "$$dir/sandboxer:/kernel/" \
		$(KERNEL_VM_FILES:%=--file %) \
		$(KERNEL_VM_SCRIPTS:%=--file %:/kernel/scripts/) \
		-c 'sh /kernel/vm-guest.sh $(addprefix /kernel/scripts/,$(notdir $(KERNEL_VM_SCRIPTS)))'

# Each patch of the series through the tree's own checkpatch.pl --strict
# (kernel/README.md lists the reports kept on purpose, and why).
.PHONY: kernel-checkpatch
kernel-checkpatch: kernel
	$(Q)tests/deps kernel
	$(Q)tree=$$(kernel/build --print-dir)/linux && \
	for p in $$(sed 's/#.*//' kernel/series); do \
		echo "== $$p"; \
		(cd "$$tree" && scripts/checkpatch.pl --strict --terse \
			"$(CURDIR)/kernel/patches/$$p") || true; \
	done

# The in-kernel reference (kernel/README.md). Included by the top Makefile.
#
#   make kernel            build Debian's linux-source-6.12 with kernel/series
#                          applied and kernel/config, cached outside the clone
#                          (an unchanged key costs nothing)
#   make kernel-path       print the bzImage path of the current key
#   make kernel-checkpatch each patch through the tree's checkpatch.pl
#
# Its VM run is `make vm-test KERNEL=patched` (tests/tests.mk): the tree's
# Landlock selftests, the llsock suites, the sandboxer sample.

# The bzImage of the current key, built or not (the path depends on the
# key only), and its build directory. Recipes that run after `make kernel`
# should rather call these: on a fresh machine the source package, whose
# version is part of the key, is only there once `make kernel` has
# installed it.
KERNEL_PATH_CMD		:= kernel/build --print-path
KERNEL_DIR_CMD		:= kernel/build --print-dir

.PHONY: kernel kernel-path

kernel:
	$(Q)kernel/build

kernel-path:
	$(Q)$(KERNEL_PATH_CMD)

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

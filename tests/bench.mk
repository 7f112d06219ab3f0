# `make bench`: llsock's cost in guest instructions per call, measured in a
# VM under QEMU's -icount shift=0 (see tests/bench.c). Included by the top
# Makefile.
#
# The tables stream as each VM prints them; the summary lines of each
# kernel (bench: ...) are held back and printed last, once tests/bench-run
# has judged its run: a missed target does not fail the build, a VM or
# measurement failure does. Outputs, logs and plots of the last run stay
# in $(BUILD)/bench.

# One boot of each: the patched kernels for the comparison with native
# Landlock, Debian's stock kernel for llsock alone and the scale phase.
BENCH_KERNELS	?= patched-6.12 patched-7.3 debian-6.12
BENCH_TIMEOUT	?= 2400
# Passed to the bench in the guest, e.g. BENCH_ARGS='--no-guard -b 9'.
BENCH_ARGS	?=

.PHONY: bench
bench: $(BUILD)/static/tests/bench \
       $(foreach k,$(filter patched-%,$(BENCH_KERNELS)),kernel-$(k))
	$(call msg,BENCH,$(BENCH_KERNELS) -icount shift=0)
	$(Q)tests/deps vm bench
	$(Q)tests/bench-run $(BUILD)/bench $(BUILD)/static/tests/bench \
		$(BENCH_TIMEOUT) $(BENCH_KERNELS) -- $(BENCH_ARGS)

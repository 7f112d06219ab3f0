# `make bench`: llsock's cost in guest instructions per call, measured in a
# VM under QEMU's -icount shift=0 (see tests/bench.c). Included by the top
# Makefile.
#
# The table streams as the VM prints it; the verdict line
#   bench: worst unrestricted overhead X%, worst restricted overhead Y%
# is held back and printed last, once the runner has judged the run: a
# missed target does not fail the build, a VM or measurement failure does.
# Logs of the last run stay in $(BUILD)/bench.

BENCH_KERNEL	?= debian-6.12
BENCH_TIMEOUT	?= 1500
# Passed to the bench in the guest, e.g. BENCH_ARGS='--no-guard -b 9'.
BENCH_ARGS	?=

.PHONY: bench
bench: $(BUILD)/static/tests/bench
	$(call msg,BENCH,$(BENCH_KERNEL) -icount shift=0)
	$(Q)rm -rf $(BUILD)/bench && mkdir -p $(BUILD)/bench
	$(Q){ tests/vm/run --kernel $(BENCH_KERNEL) --icount \
		--timeout $(BENCH_TIMEOUT) --log $(BUILD)/bench/log \
		--file $(BUILD)/static/tests/bench --file tests/bench-guest.sh \
		-c 'sh /test/bench-guest.sh $(BENCH_ARGS)' 2>&1; \
		echo $$? >$(BUILD)/bench/status; } | \
		tee $(BUILD)/bench/out | grep --line-buffered -v '^bench: worst ' || true
	$(Q)if [ "$$(cat $(BUILD)/bench/status)" != 0 ]; then \
		echo "bench: the VM run failed; logs in $(BUILD)/bench/log" >&2; \
		exit 1; \
	fi; \
	if [ "$$(grep -c '^bench: worst ' $(BUILD)/bench/out)" != 1 ]; then \
		echo "bench: no verdict line in the VM's output; logs in $(BUILD)/bench/log" >&2; \
		exit 1; \
	fi; \
	grep '^bench: worst ' $(BUILD)/bench/out

#!/bin/sh
# make difftest's guest script (tests/vm/run, patched kernel): load llsock,
# check that the differential test catches a fault injected into the
# model, then run it once per seed.
#
# usage (in the guest): sh difftest-guest.sh CASES SEED...
cases=$1
shift
cd /test || exit 1
if ! ./llsock load; then
	echo "Bail out! llsock load failed"
	exit 1
fi

# A model that ignores type wildcards must be caught, and its mismatches
# shrunk to one layer of one rule. This run's own TAP would count as
# failures: it goes to a file, and one verdict line sums it up.
echo "TAP version 13"
echo "1..1"
./difftest --seed 7 --cases 1000 --shrink 1 --inject model-type-wildcard >/tmp/fault.log 2>&1
status=$?
# The first shrunk stack: the lines between "shrunk" and "which gives".
first_stack() {
	awk '/^#   shrunk/ { on = 1; next } /^#   which gives/ { exit } on' /tmp/fault.log
}
if [ "$status" = 1 ] && grep -q '^difftest: 1000 cases, [1-9][0-9]* mismatches' /tmp/fault.log &&
	[ "$(first_stack | wc -l)" = 1 ] &&
	first_stack | grep -q '^#     layer 1: [0-9]*\.-1\.[-0-9]*$'; then
	echo "ok 1 difftest catches a model fault and shrinks it to one rule ($(grep '^difftest:' /tmp/fault.log))"
else
	sed 's/^/# /' /tmp/fault.log | head -n 40
	echo "not ok 1 difftest did not catch the injected model fault (status $status)"
fi

for seed in "$@"; do
	./difftest --seed "$seed" --cases "$cases"
	status=$?
	# 1 is a failure it reported in its TAP; anything else is not.
	[ "$status" -le 1 ] ||
		echo "Bail out! difftest --seed $seed --cases $cases: status $status"
done
exit 0

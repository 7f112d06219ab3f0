#!/bin/sh
# The differential test on the host (make difftest-host; make check runs
# it with 10,000 cases): the seccomp backend against the model, no VM and
# no BPF program needed (this machine's kernel refuses them). First, a
# seccomp child that leaves out its last layer must be caught; then one
# run per seed.
#
# usage: tests/difftest-host.sh DIFFTEST CASES FLAVOURS SEED...
difftest=$1
cases=$2
flavours=$3
shift 3
log=$(mktemp "${TMPDIR:-/tmp}/difftest-host.XXXXXX") || exit 1
trap 'rm -f "$log"' EXIT

echo "TAP version 13"
echo "1..1"
"$difftest" --host --flavour v4 --seed 7 --cases 1000 --shrink 1 \
	--inject-seccomp >"$log" 2>&1
status=$?
if [ "$status" = 1 ] &&
	grep -q "^difftest: flavour v4: 1000 cases, [1-9][0-9]* mismatches" "$log" &&
	grep -q "^# mismatch 1: .*: model [A-Z0-9]*, seccomp " "$log"; then
	echo "ok 1 difftest --host catches a seccomp backend that leaves out a layer ($(grep '^difftest:' "$log"))"
else
	sed 's/^/# /' "$log" | head -n 40
	echo "not ok 1 difftest --host did not catch a seccomp backend that leaves out a layer (status $status)"
fi

for seed in "$@"; do
	"$difftest" --host --flavour "$flavours" --seed "$seed" --cases "$cases"
	status=$?
	# 1 is a failure it reported in its TAP; anything else is not.
	[ "$status" -le 1 ] ||
		echo "Bail out! difftest --host --flavour $flavours --seed $seed --cases $cases: status $status"
done
exit 0

#!/bin/sh
# make difftest's guest script (tests/vm/run): load llsock, check that the
# differential test catches a fault injected into the model for each
# flavour run that has one, then run it once per seed.
#
# usage (in the guest): sh difftest-guest.sh CASES FLAVOURS SEED...
# FLAVOURS is difftest's --flavour: v4, permission, mixed, both, or a
# comma-separated list of them.
cases=$1
flavours=$2
shift 2
cd /test || exit 1
# The default limits: its stacks (16 nested layers of up to 64 rules,
# each domain repeating its ancestors' layers, a v4 rule of any type
# counting 16) count about 17,000 rule entries on average when 16 deep, far
# below 65,536; a larger limit makes every change slower (the kernel walks
# every bucket of the rule maps when llsock reads them). A stack over it
# would fail its bind, loudly, not pass.
if ! ./llsock load; then
	echo "Bail out! llsock load failed"
	exit 1
fi

# The faults: one per flavour that has one, FLAVOUR:FAULT:SHRUNK, where
# SHRUNK is what the one rule of the shrunk stack looks like.
faults=
case ",$flavours," in *,v4,* | *,both,*)
	faults="$faults v4:model-type-wildcard:[0-9]*\\.-1\\.[-0-9]*" ;;
esac
case ",$flavours," in *,permission,* | *,both,*)
	faults="$faults permission:model-protocol-wildcard:[0-9]*\\.[0-9]*\\.\\*" ;;
esac
seeds=$*
set -- $faults
if [ $# -gt 0 ]; then # mixed stacks alone have no fault of their own
	echo "TAP version 13"
	echo "1..$#"
fi

# A model that ignores a kind of wildcard must be caught, and its
# mismatches shrunk to one layer of one rule. This run's own TAP would
# count as failures: it goes to a file, and one verdict line sums it up.
# The first shrunk stack: the lines between "shrunk" and "which gives".
first_stack() {
	awk '/^#   shrunk/ { on = 1; next } /^#   which gives/ { exit } on' /tmp/fault.log
}
n=0
for fault in "$@"; do
	n=$((n + 1))
	flavour=${fault%%:*}
	rest=${fault#*:}
	name=${rest%%:*}
	shrunk=${rest#*:}
	./difftest --flavour "$flavour" --seed 7 --cases 1000 --shrink 1 \
		--inject "$name" >/tmp/fault.log 2>&1
	status=$?
	if [ "$status" = 1 ] &&
		grep -q "^difftest: flavour $flavour: 1000 cases, [1-9][0-9]* mismatches" /tmp/fault.log &&
		[ "$(first_stack | wc -l)" = 1 ] &&
		first_stack | grep -q "^#     layer 1: $shrunk\$"; then
		echo "ok $n difftest catches a $flavour model fault ($name) and shrinks it to one rule ($(grep '^difftest:' /tmp/fault.log))"
	else
		sed 's/^/# /' /tmp/fault.log | head -n 40
		echo "not ok $n difftest did not catch the injected $flavour model fault $name (status $status)"
	fi
done

for seed in $seeds; do
	./difftest --flavour "$flavours" --seed "$seed" --cases "$cases"
	status=$?
	# 1 is a failure it reported in its TAP; anything else is not.
	[ "$status" -le 1 ] ||
		echo "Bail out! difftest --flavour $flavours --seed $seed --cases $cases: status $status"
done
exit 0

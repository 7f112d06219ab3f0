#!/bin/sh
# The guest script of `make vm-test`, on every kernel (tests/vm/run runs it
# from /test). It runs what the run brought:
#
# 1. the kernel tree's Landlock selftests, when /test/landlock holds them
#    (KERNEL=patched-6.12 or patched-7.3: kernel/build's selftests/), from
#    that directory (fs_test makes tmp/ there and runs ./true), before
#    llsock is loaded: the programs its kselftest-list.txt names (the
#    tree's TEST_GEN_PROGS, in order), or else every *_test there. The
#    harness's tests print their own TAP; a program that is not a test
#    (fs_bench, a benchmark) counts as one test, passed when it exits 0,
#    as kselftest's runner counts it;
# 2. `llsock load`, then every suite: each program /test/*_test, in name
#    order, lifecycle_test last since it unloads and reloads llsock. ARGs
#    go to each suite (the harness's -r FIXTURE.TEST, -t TEST, -f FIXTURE,
#    -v VARIANT...).
#
# usage (in the guest): sh suites.sh [ARG...]
#
# Each program prints TAP; the runner counts its results. A program that
# ends with a status the kselftest harness does not use (0, 1: failures,
# in its TAP; 4: all skipped) may have left no TAP: it is a failure here.
cd /test || exit 1

run() { # PROGRAM [ARG...]
	"$@"
	rc=$?
	case $rc in
	0 | 1 | 4) ;;
	*) echo "Bail out! $1 exited with status $rc" ;;
	esac
}

# PROGRAM [ARG...] as one TAP test of its own.
run_one() {
	echo "TAP version 13"
	echo "1..1"
	if "$@"; then
		echo "ok 1 $1"
	else
		echo "not ok 1 $1 # exit status $?"
	fi
}

if [ -d landlock ]; then
	if [ -f landlock/kselftest-list.txt ]; then
		tests=$(sed -n 's/^landlock://p' landlock/kselftest-list.txt)
	else
		tests=$(cd landlock && ls -- *_test)
	fi
	for t in $tests; do
		echo "# kernel: landlock/$t"
		case $t in
		*_test) (cd landlock && run "./$t") ;;
		# Its defaults (10,000 nested directories, 100,000 walks up
		# them) take hours under TCG; this size still checks that
		# every walk is denied.
		fs_bench) (cd landlock && run_one ./fs_bench -d 100 -n 1000) ;;
		*) (cd landlock && run_one "./$t") ;;
		esac
	done
fi

suites=
for t in ./*_test; do
	[ -f "$t" ] && [ -x "$t" ] && [ "$t" != ./lifecycle_test ] &&
		suites="$suites $t"
done
[ ! -x ./lifecycle_test ] || suites="$suites ./lifecycle_test"
[ -n "$suites" ] || exit 0

if ! ./llsock load; then
	echo "Bail out! llsock load failed"
	exit 1
fi
for t in $suites; do
	start=$(date +%s)
	LLSOCK=/test/llsock run "$t" "$@"
	echo "# suites: ${t#./} took $(($(date +%s) - start)) s"
done
# Failures are in the TAP; the script itself succeeded if it got here.
exit 0

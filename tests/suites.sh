#!/bin/sh
# The guest script of `make vm-test`, on every kernel (tests/vm/run runs it
# from /test). It runs what the run brought:
#
# 1. the kernel tree's Landlock selftests, when /test/landlock holds them
#    (KERNEL=patched: kernel/build's selftests/), from that directory
#    (fs_test makes tmp/ there and runs ./true), before llsock is loaded;
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

if [ -d landlock ]; then
	for t in landlock/*_test; do
		echo "# kernel: $t"
		(cd landlock && run "./${t#landlock/}")
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
	LLSOCK=/test/llsock run "$t" "$@"
done
# Failures are in the TAP; the script itself succeeded if it got here.
exit 0

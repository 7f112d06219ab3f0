#!/bin/sh
# The llsock suites, run inside the VM (tests/vm/run GUEST-SCRIPT): load
# llsock, then every suite, lifecycle last since it unloads and reloads.
# Each suite prints TAP; the runner counts its results.
cd /test || exit 1
if ! ./llsock load; then
	echo "Bail out! llsock load failed"
	exit 1
fi
./validate_test
./validate_native_test
./socket_test
./socket_native_test
./guard_test
LLSOCK=/test/llsock ./policy_test
./lifecycle_test
# Failures are in the TAP; the script itself succeeded if it got here.
exit 0

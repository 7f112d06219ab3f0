#!/bin/sh
# The v4 sample sandboxer's LL_SOCKET_CREATE, in the patched 6.12 kernel's
# VM: runs the llsock suites' probe (socket_test --try-socket F T P exits
# with the errno of socket(F, T, P)) under the sandboxer. Prints TAP.
#
# `make vm-test KERNEL=patched-6.12` puts it in the guest as
# /test/sandboxer_test, with kernel/build's sandboxer as /test/sandboxer:
# tests/suites.sh runs it as one more suite.
sandboxer=/test/sandboxer
probe=/test/socket_test
# check(), $n and $failed: kernel/sandboxer-check.sh, next to this script.
. "${0%/*}/sandboxer-check.sh"

echo "TAP version 13"
echo "1..7"
check "unix socket allowed by 1.-1.-1" 0 LL_SOCKET_CREATE=1.-1.-1 \
	"$sandboxer" "$probe" --try-socket 1 1 0
check "inet socket denied by 1.-1.-1" 13 LL_SOCKET_CREATE=1.-1.-1 \
	"$sandboxer" "$probe" --try-socket 2 1 0
check "tcp allowed by 2.1.6" 0 LL_SOCKET_CREATE=1.-1.-1:2.1.6 \
	"$sandboxer" "$probe" --try-socket 2 1 6
check "protocol 0 is not tcp" 13 LL_SOCKET_CREATE=2.1.6 \
	"$sandboxer" "$probe" --try-socket 2 1 0
check "an empty list allows nothing" 13 LL_SOCKET_CREATE= \
	"$sandboxer" "$probe" --try-socket 1 1 0
check "unset, sockets are not restricted" 0 LL_SOCKET_CREATE_UNSET=1 \
	"$sandboxer" "$probe" --try-socket 2 2 0
check "a malformed entry is refused" 1 LL_SOCKET_CREATE=2.1 \
	"$sandboxer" "$probe" --try-socket 1 1 0
[ "$failed" = 0 ]

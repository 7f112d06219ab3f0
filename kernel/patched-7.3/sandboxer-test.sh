#!/bin/sh
# The sample sandboxer's LL_SOCKET_CREATE on the permission series (patched
# 7.3 kernel): runs the llsock suites' probe (socket_test --try-socket F T P
# exits with the errno of socket(F, T, P), 0 when it succeeds) under the
# sandboxer. Prints TAP.
#
# In the guest as /test/sandboxer_test, with the series' sandboxer as
# /test/sandboxer; tests/suites.sh runs it as one more suite. PROBE names
# another probe with the same interface.
# No pathname expansion: "2.2.*" is a rule, not a pattern.
set -f
sandboxer=/test/sandboxer
probe=${PROBE:-/test/socket_test}
# check(), $n and $failed: kernel/sandboxer-check.sh, next to this script.
. "${0%/*}/sandboxer-check.sh"

echo "TAP version 13"
echo "1..14"
check "unix stream socket allowed by 1.1.0" 0 LL_SOCKET_CREATE=1.1.0 \
	"$sandboxer" "$probe" --try-socket 1 1 0
check "inet stream socket denied (EACCES) by 1.1.0" 13 \
	LL_SOCKET_CREATE=1.1.0 "$sandboxer" "$probe" --try-socket 2 1 0
check "2.1.0 allows its canonical twin, IPPROTO_TCP" 0 \
	LL_SOCKET_CREATE=1.1.0:2.1.0 "$sandboxer" "$probe" --try-socket 2 1 6
check "2.1.6 allows its canonical twin, protocol 0" 0 \
	LL_SOCKET_CREATE=2.1.6 "$sandboxer" "$probe" --try-socket 2 1 0
check "2.1.6 does not allow SCTP (2.1.132)" 13 LL_SOCKET_CREATE=2.1.6 \
	"$sandboxer" "$probe" --try-socket 2 1 132
check "unix SOCK_RAW is the twin of SOCK_DGRAM" 0 LL_SOCKET_CREATE=1.2.0 \
	"$sandboxer" "$probe" --try-socket 1 3 0
check "2.2.* allows any inet datagram protocol (0)" 0 \
	LL_SOCKET_CREATE=2.2.* "$sandboxer" "$probe" --try-socket 2 2 0
check "2.2.-1 allows any inet datagram protocol (UDP)" 0 \
	LL_SOCKET_CREATE=2.2.-1 "$sandboxer" "$probe" --try-socket 2 2 17
check "2.2.* does not allow another type" 13 LL_SOCKET_CREATE=2.2.* \
	"$sandboxer" "$probe" --try-socket 2 1 0
check "no wildcard for the type: 2.*.0 is refused" 1 \
	LL_SOCKET_CREATE=2.*.0 "$sandboxer" "$probe" --try-socket 2 1 0
check "no wildcard for the family: -1.1.0 is refused" 1 \
	LL_SOCKET_CREATE=-1.1.0 "$sandboxer" "$probe" --try-socket 2 1 0
check "an empty list allows nothing" 13 LL_SOCKET_CREATE= \
	"$sandboxer" "$probe" --try-socket 1 1 0
check "unset, sockets are not restricted" 0 LL_SOCKET_CREATE_UNSET=1 \
	"$sandboxer" "$probe" --try-socket 2 2 0
check "a malformed entry is refused" 1 LL_SOCKET_CREATE=2.1 \
	"$sandboxer" "$probe" --try-socket 1 1 0
[ "$failed" = 0 ]

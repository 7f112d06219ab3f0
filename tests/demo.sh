#!/bin/sh
# llsock's main job, end to end: load llsock, sandbox a small web
# workload that may create only local sockets and TCP sockets, and show
# what works and what does not. Runs as root where llsock can be loaded
# (in the VM that `make demo` boots when the host cannot load BPF LSM
# programs). Exits non-zero if anything does not go as described.
set -u

LLSOCK=${LLSOCK:-llsock}
work=$(mktemp -d)
failed=0

say() { printf '\n== %s\n' "$*"; }
run() { printf '$ %s\n' "$*"; "$@"; }
expect() {	# expect WHAT STATUS: the last command's status was STATUS
	if [ "$2" = 0 ]; then
		printf '   -> %s: OK\n' "$1"
	else
		printf '   -> %s: FAILED, not as expected\n' "$1"
		failed=1
	fi
}

say "Load llsock (a BPF LSM program on socket_create), then check it"
run "$LLSOCK" load || exit 2
run "$LLSOCK" status

say "The policy: local sockets, and TCP asked for either way"
cat > "$work/web.policy" <<'POLICY'
# A web server and its client, nothing else.
unix.*.*
inet.stream.0      # socket(AF_INET, SOCK_STREAM, 0): TCP by default
inet.stream.tcp    # socket(AF_INET, SOCK_STREAM, IPPROTO_TCP)
POLICY
cat "$work/web.policy"

mkdir -p "$work/www"
echo "hello from a sandboxed web server" > "$work/www/index.html"

# The workload, run by `llsock run`: every process it starts is in its
# sandbox cgroup, with the policy bound to it.
cat > "$work/workload.sh" <<WORKLOAD
set -u
echo "[sandbox] in cgroup \$(cut -d: -f3 /proc/self/cgroup)"
echo "[sandbox] TCP: httpd on 127.0.0.1:8080, then wget from it"
busybox httpd -f -p 127.0.0.1:8080 -h "$work/www" &
server=\$!
sleep 1
busybox wget -q -O - http://127.0.0.1:8080/index.html; tcp=\$?
kill \$server
echo "[sandbox] UDP: nslookup (a DNS query over UDP)"
busybox nslookup -timeout=1 example.com 127.0.0.1 2>&1 | head -n 2
echo "[sandbox] raw: ping (ICMP)"
busybox ping -c 1 -W 1 127.0.0.1 2>&1 | grep -i -E "socket|permission" | head -n 1
echo "[sandbox] netlink: ip link"
busybox ip link 2>&1 | head -n 1
echo "[sandbox] done"
exit \$tcp
WORKLOAD

say "Run the workload in a sandbox of its own"
"$LLSOCK" monitor --timeout 3 > "$work/denials" &
monitor=$!
run "$LLSOCK" run --file "$work/web.policy" -- sh "$work/workload.sh" \
	> "$work/out" 2>&1
status=$?
cat "$work/out"
expect "TCP over loopback works (the page came back)" \
	"$([ $status = 0 ] && grep -q "hello from a sandboxed web server" "$work/out" && echo 0 || echo 1)"
expect "UDP is denied with EACCES" \
	"$(grep -q "socket: Permission denied" "$work/out" && echo 0 || echo 1)"
expect "raw ICMP is denied with EACCES" \
	"$(grep -q "can't create raw socket: Permission denied" "$work/out" && echo 0 || echo 1)"
expect "netlink is denied with EACCES" \
	"$(grep -q "^ip: socket: Permission denied" "$work/out" && echo 0 || echo 1)"

say "Each denial, as llsock reports it (Landlock's audit fields, and more)"
wait $monitor
cat "$work/denials"
expect "denials were reported" \
	"$(grep -q "blockers=socket.create" "$work/denials" && echo 0 || echo 1)"

say "Policies outlive the command that set them: a cgroup for a container"
mkdir -p /sys/fs/cgroup/demo-container
run "$LLSOCK" apply /sys/fs/cgroup/demo-container --file "$work/web.policy"
run "$LLSOCK" show
run "$LLSOCK" show /sys/fs/cgroup/demo-container
run "$LLSOCK" clear /sys/fs/cgroup/demo-container
rmdir /sys/fs/cgroup/demo-container

rm -rf "$work"
say "$([ $failed = 0 ] && echo "demo: every step went as described" || echo "demo: some steps FAILED")"
exit $failed

#!/bin/sh
# llsock's main job, end to end: load llsock, sandbox a small web
# workload that may create only local sockets and TCP sockets, and show
# what works and what does not; then a container that runc starts through
# llsock's OCI hook with the web preset, and `llsock metrics` counting its
# denial. Runs as root where llsock can be loaded (in the VM that `make
# demo` boots when the host cannot load BPF LSM programs). Exits non-zero
# if anything does not go as described.
set -u

LLSOCK=${LLSOCK:-llsock}
# The container part: Debian's runc, the helper its container runs, and
# where the hook finds the preset (`make demo` puts each in the VM there).
RUNC=${RUNC:-runc}
IN_CONTAINER=${IN_CONTAINER:-in_container}
POLICY_DIR=${POLICY_DIR:-/etc/llsock/policies}
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

# A container under runc, its policy named by an annotation: runc runs
# `llsock oci-hook` at createRuntime, which binds the preset the
# annotation names to the container's cgroup before any process of the
# workload runs, and again at poststop, which drops the binding.
container() {
	runc=$(command -v "$RUNC") || {
		say "SKIP the container part: no runc here (\`tests/deps vm\` installs Debian's; RUNC= names another)"
		return 0
	}
	hook=$(command -v "$LLSOCK")
	in_container=$(command -v "$IN_CONTAINER") || {
		echo "demo: no $IN_CONTAINER (make builds build/static/tests/in_container)" >&2
		failed=1
		return 1
	}
	bundle=$work/bundle
	state=$work/runc
	cgroup=/sys/fs/cgroup/llsock-demo/web
	name=llsock-demo-web

	say "A container started by runc, with the annotation org.llsock.policy=web"
	# The container's root: busybox (static) for sleep, and the helper
	# that makes one socket() and prints its errno.
	mkdir -p "$bundle/rootfs/bin" "$state"
	cp /bin/busybox "$in_container" "$bundle/rootfs/bin/" || {
		failed=1
		return 1
	}
	ln -s busybox "$bundle/rootfs/bin/sleep"
	chroot "$bundle/rootfs" /bin/busybox true 2>/dev/null || {
		say "SKIP the container part: /bin/busybox needs shared libraries (Debian's busybox-static has none)"
		return 0
	}
	cat > "$bundle/config.json" <<CONFIG
{"ociVersion": "1.0.2",
 "process": {"terminal": false, "user": {"uid": 0, "gid": 0},
  "args": ["sleep", "600"], "env": ["PATH=/bin"], "cwd": "/",
  "capabilities": {"bounding": [], "effective": [], "permitted": []},
  "noNewPrivileges": true},
 "root": {"path": "rootfs", "readonly": false},
 "mounts": [{"destination": "/proc", "type": "proc", "source": "proc"}],
 "annotations": {"org.llsock.policy": "web"},
 "hooks": {
  "createRuntime": [{"path": "$hook", "args": ["llsock", "oci-hook", "--policy-dir", "$POLICY_DIR"]}],
  "poststop": [{"path": "$hook", "args": ["llsock", "oci-hook"]}]},
 "linux": {"cgroupsPath": "/llsock-demo/web",
  "namespaces": [{"type": "pid"}, {"type": "ipc"}, {"type": "uts"},
   {"type": "mount"}, {"type": "network"}, {"type": "cgroup"}]}}
CONFIG
	echo "config.json: the annotation and the hooks"
	grep -E '"annotations"|"hooks"|Runtime"|"poststop"' "$bundle/config.json"
	echo "$POLICY_DIR/web.policy, the preset it names (its rules):"
	grep -v '^#' "$POLICY_DIR/web.policy"
	# The VM's root is its initramfs, where pivot_root(2) cannot work.
	nopivot=
	grep -q '^rootfs / ' /proc/mounts && nopivot=--no-pivot
	bindings=$("$LLSOCK" metrics | grep '^llsock_bindings ')
	run "$runc" --root "$state" run -d $nopivot --bundle "$bundle" "$name" \
		< /dev/null > "$work/container.out" 2>&1
	status=$?
	cat "$work/container.out"
	expect "runc started the container (the hook bound its policy)" $status
	[ $status = 0 ] || return 1
	run "$LLSOCK" show "$cgroup"

	say "Sockets inside the container"
	run "$runc" --root "$state" exec "$name" in_container socket 2 1 6
	expect "TCP (socket(AF_INET, SOCK_STREAM, IPPROTO_TCP)) is allowed" $?
	run "$runc" --root "$state" exec "$name" in_container socket 2 2 0
	expect "UDP (socket(AF_INET, SOCK_DGRAM, 0)) is denied with EACCES (13)" \
		"$([ $? = 13 ] && echo 0 || echo 1)"

	say "llsock metrics counts the denial, against the container's cgroup"
	printf '$ %s metrics | grep -E %s\n' "$LLSOCK" "'^llsock_(denied_total|bindings|cgroup_denied_total)'"
	"$LLSOCK" metrics > "$work/metrics"
	grep -E '^llsock_(denied_total|bindings|cgroup_denied_total)' "$work/metrics"
	expect "the container's cgroup has 1 denial" \
		"$(grep -qx "llsock_cgroup_denied_total{cgroup=\"$cgroup\"} 1" "$work/metrics" && echo 0 || echo 1)"

	say "Stop and delete the container: the poststop hook drops its binding"
	run "$runc" --root "$state" kill "$name" KILL
	run "$runc" --root "$state" delete --force "$name"
	expect "runc deleted the container" $?
	printf '$ %s metrics | grep %s\n' "$LLSOCK" "'^llsock_bindings '"
	"$LLSOCK" metrics | grep '^llsock_bindings ' | tee "$work/bindings"
	expect "the binding is gone (as before the container: $bindings)" \
		"$([ "$(cat "$work/bindings")" = "$bindings" ] && echo 0 || echo 1)"
	run "$LLSOCK" show
	expect "its cgroup is gone, and no longer listed" \
		"$([ ! -e "$cgroup" ] && ! "$LLSOCK" show | grep -q "$cgroup" && echo 0 || echo 1)"
	rmdir "$(dirname "$cgroup")"
}
container

rm -rf "$work"
say "$([ $failed = 0 ] && echo "demo: every step went as described" || echo "demo: some steps FAILED")"
exit $failed

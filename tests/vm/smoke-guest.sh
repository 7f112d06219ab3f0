# Guest side of tests/vm/smoke: checks what the runner promises every
# guest script, as TAP, then runs the stand-in test binary.
# Usage in the guest: sh smoke-guest.sh MODULE...

n=0
check() { # DESCRIPTION COMMAND...
	desc=$1
	shift
	n=$((n + 1))
	if "$@" >/dev/null 2>&1; then
		echo "ok $n $desc"
	else
		echo "not ok $n $desc"
	fi
}
mounted() { # FSTYPE MOUNTPOINT
	grep -q "^[^ ]* $2 $1 " /proc/mounts
}

echo "TAP version 13"
echo "1..$((8 + $#))"
echo "# kernel $(uname -r)"
echo "# lsm: $(cat /sys/kernel/security/lsm)"
check "bpf is an active LSM" grep -qw bpf /sys/kernel/security/lsm
check "cgroup2 at /sys/fs/cgroup" mounted cgroup2 /sys/fs/cgroup
check "bpffs at /sys/fs/bpf" mounted bpf /sys/fs/bpf
check "securityfs at /sys/kernel/security" mounted securityfs /sys/kernel/security
check "debugfs at /sys/kernel/debug" mounted debugfs /sys/kernel/debug
check "tmpfs at /tmp" mounted tmpfs /tmp
check "lo is up" sh -c 'ip link show lo | grep -q "[<,]UP[,>]"'
# The root is a mount with a parent (tests/vm/init), not rootfs, which
# pivot_root(2) refuses with EINVAL.
check "pivot_root works from the root" unshare -m sh -c '
	mount --make-rprivate / && mkdir -p /tmp/new &&
	mount -t tmpfs new /tmp/new && mkdir /tmp/new/old &&
	cd /tmp/new && pivot_root . old'
for m in "$@"; do
	check "module $m loaded" test -d "/sys/module/$m"
done
./smoke

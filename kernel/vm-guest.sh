#!/bin/sh
# The patched kernel's VM run (make vm-test-patched): runs inside the guest
# of tests/vm/run. First every Landlock selftest of the patched tree, then
# each extra guest script given as an argument (the llsock suites, say),
# from /test as tests/vm/run runs its scripts.
#
# usage (in the guest): sh /kernel/vm-guest.sh [SCRIPT...]
#
# The selftests come from kernel/build's selftests/ directory, put in the
# initramfs at /kernel/selftests: every *_test program there, the `true`
# helper that fs_test executes as ./true, and whatever a patch adds.
#
# The upstream tests expect a normal root file system: fs_test calls
# pivot_root(2) in its own mount namespace, which the kernel refuses while
# the caller's root is the initramfs (rootfs has no parent mount: EINVAL).
# So they run in a private mount namespace whose root is a tmpfs moved over
# rootfs, as switch_root does at the end of a real initramfs: the tests
# then see a root mount with a parent, like on an installed system, and
# are not "chrooted" for unshare(CLONE_NEWUSER). Their working directory,
# where fs_test creates tmp/ and finds ./true, is writable tmpfs.

selftests=/kernel/selftests

if [ "${1:-}" = --in-namespace ]; then
	# In the private mount namespace, as root of the guest: build the new
	# root, move it over /, and run the tests from it.
	set -e
	mount --make-rprivate /
	new=/kernel/root
	mkdir -p "$new"
	mount -t tmpfs -o mode=0755 root "$new"
	mkdir -p "$new/bin" "$new/dev" "$new/proc" "$new/sys" "$new/tmp" \
		"$new/run" "$new/etc" "$new/root" "$new/landlock"
	cp /usr/bin/busybox "$new/bin/busybox"
	for applet in $(busybox --list); do
		[ "$applet" = busybox ] || ln -s busybox "$new/bin/$applet"
	done
	ln -s bin "$new/sbin"
	mkdir -p "$new/usr"
	ln -s ../bin "$new/usr/bin"
	ln -s ../bin "$new/usr/sbin"
	cp /etc/passwd /etc/group /etc/hosts "$new/etc/"
	cp -a "$selftests/." "$new/landlock/"
	mount --rbind /dev "$new/dev"
	mount --rbind /sys "$new/sys"
	mount -t proc proc "$new/proc"
	mount -t tmpfs -o mode=1777 tmp "$new/tmp"
	mount -t tmpfs -o mode=0755 run "$new/run"
	cd "$new"
	mount --move . /
	set +e
	exec chroot . /bin/sh -c '
		cd /landlock || exit 1
		for t in ./*_test; do
			echo "# kernel: $t"
			"$t"
			rc=$?
			# The harness exits 0, 1 (failures, in its TAP) or 4
			# (all skipped); anything else may have left no TAP.
			case $rc in
			0 | 1 | 4) ;;
			*) echo "Bail out! $t exited with status $rc" ;;
			esac
		done
		exit 0'
fi

status=0
if ! ls "$selftests"/*_test >/dev/null 2>&1; then
	echo "Bail out! no Landlock selftests in $selftests"
	exit 1
fi
# fs_test's layout3_fs.hostfs variant needs a UML host file system; every
# other skip is a problem to fix in kernel/config or here.
unshare -m /bin/sh "$0" --in-namespace || {
	echo "Bail out! the Landlock selftests could not run (status $?)"
	status=1
}

for script in "$@"; do
	echo "# kernel: $script"
	(cd /test && /bin/sh "$script") || {
		echo "# kernel: $script exited with status $?"
		status=1
	}
done
exit $status

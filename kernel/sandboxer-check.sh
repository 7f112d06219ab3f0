# Sourced by each series' sandboxer-test.sh (in the guest, from the same
# directory): check NAME EXPECTED-STATUS ENV COMMAND... runs COMMAND with
# the variable assignment ENV (and the sandboxer's file system lists),
# and prints one TAP line, counted in $n and $failed.
n=0 failed=0

check() { # NAME EXPECTED-STATUS ENV COMMAND...
	name=$1 expected=$2 env=$3
	shift 3
	n=$((n + 1))
	env LL_FS_RO=/ LL_FS_RW=/tmp:/dev $env "$@" >/dev/null 2>&1
	status=$?
	if [ "$status" = "$expected" ]; then
		echo "ok $n $name"
	else
		echo "not ok $n $name"
		echo "# expected status $expected, got $status"
		failed=$((failed + 1))
	fi
}

#!/bin/bash
# Host tests of the llsock command: help, usage errors, rule and policy
# checking, JSON output, and what each command says where it cannot work
# (this kernel refusing BPF LSM programs, llsock not loaded, not root);
# then the usage errors of difftest and of make difftest's variables.
# Enforcement itself is tested in the VM. Prints TAP and, last,
# `N passed, M failed` (`, K skipped` when K > 0); exit 0 when none failed.
#
# usage: tests/cli_test.sh        (LLSOCK=path/to/llsock, default build/llsock;
#                                  DIFFTEST=path, default build/static/tests/difftest)
#
# Runs in a few seconds and changes nothing on the host: it never loads
# llsock (the one `llsock load` it runs is on a kernel that refuses it),
# and checks at the end that no sandbox cgroup or pin was left behind.
set -u

here=$(cd "$(dirname "$0")" && pwd)
LLSOCK=${LLSOCK:-$here/../build/llsock}
case $LLSOCK in /*) ;; *) LLSOCK=$PWD/$LLSOCK ;; esac
commands=(load unload status apply show clear gc run monitor check)
nobody=(setpriv --reuid=65534 --regid=65534 --clear-groups)

if [ ! -x "$LLSOCK" ]; then
	echo "TAP version 13"
	echo "Bail out! cannot run $LLSOCK: no such executable (run make)"
	exit 1
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/llsock-cli-test.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM HUP

# Results go to a file first, so that the plan can come before them.
n=0 passed=0 failed=0 skipped=0
name='' problems=() cmdline=''

begin() { # NAME
	name=$1
	problems=()
	cmdline=''
}

problem() {
	problems+=("$*")
}

end_test() {
	local p
	n=$((n + 1))
	if [ ${#problems[@]} -eq 0 ]; then
		passed=$((passed + 1))
		echo "ok $n $name"
		return
	fi
	failed=$((failed + 1))
	echo "not ok $n $name"
	echo "# \$ $cmdline"
	for p in "${problems[@]}"; do echo "# $p"; done
	echo "# got status $rc, stdout:"
	sed 's/^/#   /' "$tmp/out"
	echo "# stderr:"
	sed 's/^/#   /' "$tmp/err"
} >>"$tmp/tap"

skip() { # NAME REASON
	n=$((n + 1))
	skipped=$((skipped + 1))
	echo "ok $n $1 # SKIP $2" >>"$tmp/tap"
}

# Runs COMMAND... with stdin from $stdin_file (default /dev/null), a time
# limit, and no LL_SOCKET_CREATE unless given; sets rc, $tmp/out, $tmp/err.
stdin_file=/dev/null
call() {
	rc=0
	timeout -k 1 10 env -u LL_SOCKET_CREATE "$@" \
		<"$stdin_file" >"$tmp/out" 2>"$tmp/err" || rc=$?
	stdin_file=/dev/null
}

ll() { # ARGS...
	cmdline="llsock $*"
	call "$LLSOCK" "$@"
}

ll_env() { # VAR=VALUE ARGS...
	cmdline="$1 llsock ${*:2}"
	call "$1" "$LLSOCK" "${@:2}"
}

ll_nobody() { # ARGS...
	cmdline="${nobody[*]} llsock $*"
	call "${nobody[@]}" "$LLSOCK" "$@"
}

expect_rc() {
	[ "$rc" = "$1" ] || problem "expected exit status $1"
}

expect_out() { # TEXT: stdout is exactly TEXT (and a newline)
	printf '%s\n' "$1" | cmp -s - "$tmp/out" ||
		problem "expected stdout: $(printf '%s' "$1" | tr '\n' '|')"
}

expect_out_has() {
	grep -qF -- "$1" "$tmp/out" || problem "expected on stdout: $1"
}

expect_err_has() {
	grep -qF -- "$1" "$tmp/err" || problem "expected on stderr: $1"
}

expect_err_matches() { # ERE DESCRIPTION
	grep -qE -- "$1" "$tmp/err" || problem "expected on stderr: $2"
}

expect_out_empty() {
	[ ! -s "$tmp/out" ] || problem "expected nothing on stdout"
}

expect_err_empty() {
	[ ! -s "$tmp/err" ] || problem "expected nothing on stderr"
}

# stdout is one JSON document and FILTER (jq, with ARGS) is true of it.
expect_json() { # FILTER [JQ-ARGS...]
	if ! jq -e -s 'length == 1' "$tmp/out" >/dev/null 2>&1; then
		problem "expected one valid JSON document on stdout"
	elif ! jq -e "${@:2}" "$1" "$tmp/out" >/dev/null 2>&1; then
		problem "expected JSON with: $1"
	fi
}

# What this host allows, found without asking llsock.
is_root=''
[ "$(id -u)" = 0 ] && is_root=1
have_jq=''
command -v jq >/dev/null && have_jq=1
no_jq='jq is not installed (apt-get install jq)'

# Whether this kernel has BPF LSM but refuses its programs: it has the
# hooks (bpf_lsm_* in kallsyms), and yet libbpf's probe (bpftool feature
# probe) cannot load an LSM program as root, though it can load others.
# lsm_why says why the state is not known, or why it is not refused.
lsm_state='' lsm_why=''
if [ -z "$is_root" ]; then
	lsm_why='not root: whether this kernel accepts BPF LSM programs is unknown'
elif ! command -v bpftool >/dev/null; then
	lsm_why='bpftool is not installed, needed to probe BPF LSM support'
elif ! grep -qw bpf_lsm_socket_create /proc/kallsyms 2>/dev/null; then
	lsm_why='this kernel is built without BPF LSM'
else
	probe=$(bpftool feature probe kernel 2>/dev/null |
		grep -E 'program_type (lsm|socket_filter) is')
	case $probe in
	*'socket_filter is NOT'*) lsm_why='bpf(2) is denied to this task' ;;
	*'lsm is NOT available'*) lsm_state=refused ;;
	*available*)
		lsm_state=accepted
		lsm_why='this kernel accepts BPF LSM programs: the test is for one that refuses them'
		;;
	*) lsm_why='bpftool feature probe did not tell about LSM programs' ;;
	esac
fi

# The caller's cgroup v2 directory, an existing cgroup to name.
cgroup2=$(awk '{
	for (i = 7; i < NF; i++)
		if ($i == "-") {
			if ($(i + 1) == "cgroup2") { print $5; exit }
			break
		}
}' /proc/self/mountinfo)
own_cgroup=''
if [ -n "$cgroup2" ]; then
	own_cgroup=$cgroup2$(sed -n 's/^0:://p' /proc/self/cgroup)
	own_cgroup=${own_cgroup%/}
	[ -d "$own_cgroup" ] || own_cgroup=''
fi

# Leftovers: sandbox cgroups of `llsock run` and llsock's pins.
leftovers() {
	[ -z "$own_cgroup" ] || find "$own_cgroup" -maxdepth 1 -name 'llsock-*' -type d
	[ ! -e /sys/fs/bpf/llsock ] || echo /sys/fs/bpf/llsock
}
leftovers | sort >"$tmp/before"
loaded=''
[ ! -e /sys/fs/bpf/llsock ] || loaded=1

# Help and usage.

for arg in --help -h help; do
	begin "llsock $arg lists every command"
	ll "$arg"
	expect_rc 0
	expect_out_has "Usage: llsock COMMAND"
	for c in "${commands[@]}"; do
		grep -qE "^  $c +[a-z]" "$tmp/out" || problem "expected command $c listed"
	done
	expect_out_has "Exit status: 0 ok, 1 usage error or bad policy, 2 kernel or BPF error."
	expect_err_empty
	end_test
done

for c in "${commands[@]}"; do
	begin "llsock $c --help and -h print its usage"
	for arg in --help -h; do
		ll "$c" "$arg"
		[ "$rc" = 0 ] || problem "expected exit status 0 for $arg"
		head -n 1 "$tmp/out" | grep -qE "^Usage: llsock $c( |\$)" ||
			problem "expected first line 'Usage: llsock $c ...' for $arg"
		[ ! -s "$tmp/err" ] || problem "expected nothing on stderr for $arg"
	done
	end_test
done

begin "llsock without a command is a usage error"
ll
expect_rc 1
expect_err_has "llsock: missing COMMAND"
expect_err_has "Try 'llsock --help'."
expect_out_empty
end_test

begin "an unknown command is a usage error"
ll frobnicate
expect_rc 1
expect_err_has 'llsock: unknown command "frobnicate"'
expect_err_has "Try 'llsock --help'."
expect_out_empty
end_test

begin "an unknown option before the command is a usage error"
ll --frobnicate
expect_rc 1
expect_err_has "--frobnicate"
expect_err_has "Try 'llsock --help'."
expect_out_empty
end_test

begin "an unknown long option of a command is a usage error"
ll status --frobnicate
expect_rc 1
expect_err_has "--frobnicate"
expect_err_has "Try 'llsock status --help'."
expect_out_empty
end_test

begin "an unknown short option of a command is a usage error"
ll check -x inet.stream.tcp
expect_rc 1
expect_err_has "unknown option -x"
expect_err_has "Try 'llsock check --help'."
expect_out_empty
end_test

begin "an unknown short option bundled with a good one is named"
ll check -xj inet.stream.tcp
expect_rc 1
expect_err_has "unknown option -x"
expect_err_has "Try 'llsock check --help'."
expect_out_empty
end_test

begin "an option without its value is a usage error"
ll check --file
expect_rc 1
expect_err_has "--file"
expect_err_has "Try 'llsock check --help'."
expect_out_empty
end_test

begin "an unexpected argument is a usage error"
ll unload extra
expect_rc 1
expect_err_has 'llsock: unexpected argument "extra"'
expect_err_has "Try 'llsock unload --help'."
expect_out_empty
end_test

begin "llsock --version"
ll --version
expect_rc 0
grep -qE '^llsock [0-9]+\.[0-9]+' "$tmp/out" || problem "expected 'llsock VERSION'"
expect_err_empty
end_test

# check: rules.

check_rule() { # RULE NORMALIZED
	begin "check $1 prints $2"
	ll check "$1"
	expect_rc 0
	expect_out "$2"
	expect_err_empty
	end_test
}
check_rule inet.stream.6 inet.stream.tcp
check_rule 2.-1.-1 'inet.*.*'
check_rule inet.packet.0 packet.packet.0
check_rule 'unix.*.*' 'unix.*.*'
check_rule unix.dgram.-1 'unix.dgram.*'
check_rule AF_INET6.SOCK_DGRAM.IPPROTO_UDP inet6.dgram.udp
check_rule PF_INET.raw.ICMP inet.raw.icmp
check_rule inet.stream.0 inet.stream.0
check_rule netlink.raw.0 netlink.raw.route
check_rule 10.2.17 inet6.dgram.udp
check_rule 46.1.0 46.stream.0

begin "check prints several rules in their order"
ll check 'unix.*.*' inet.stream.6 'inet6.*.*' vsock.stream.0
expect_rc 0
expect_out $'unix.*.*\ninet.stream.tcp\ninet6.*.*\nvsock.stream.0'
expect_err_empty
end_test

begin "check without rules says no socket may be created"
ll check
expect_rc 0
expect_out "(no rule: no socket may be created)"
expect_err_empty
end_test

bad_rule() { # RULE MESSAGE
	begin "check $1 fails: $2"
	ll check "$1"
	expect_rc 1
	expect_err_has "llsock: bad rule \"$1\": "
	expect_err_has "$2"
	expect_out_empty
	end_test
}
bad_rule 255.stream.tcp "family 255 out of range: accepted 0..254"
bad_rule 300.1.1 "family 300 out of range"
bad_rule '*.stream.tcp' "the family cannot be a wildcard"
bad_rule inet.foo.tcp 'unknown type name "foo"'
bad_rule inet.256.0 "type 256 out of range: accepted 0..254, or -1 or * for any"
bad_rule inet.stream.65535 "protocol 65535 out of range: accepted 0..65534, or -1 or * for any"
bad_rule inet.stream.foo 'unknown protocol name "foo"'
bad_rule inet.stream '"inet.stream" is not family.type.protocol'
bad_rule a.b.c.d '"a.b.c.d" is not family.type.protocol'
bad_rule inet..tcp "empty type"
bad_rule nosuch.stream.0 'unknown family name "nosuch"'

begin "check with one bad rule among good ones prints nothing"
ll check inet.stream.tcp 300.1.1 'unix.*.*'
expect_rc 1
expect_err_has 'llsock: bad rule "300.1.1": family 300 out of range'
expect_out_empty
end_test

# check: policy files.

cat >"$tmp/policy" <<'EOF'
# A web server: local sockets, TCP and UDP.
unix.*.*		# any local socket

	inet.stream.tcp
inet6.stream.6
   # an indented comment
AF_INET.SOCK_DGRAM.IPPROTO_UDP
EOF
policy_rules=$'unix.*.*\ninet.stream.tcp\ninet6.stream.tcp\ninet.dgram.udp'

begin "check --file reads a policy with comments and blank lines"
ll check --file "$tmp/policy"
expect_rc 0
expect_out "$policy_rules"
expect_err_empty
end_test

for preset in policies/*.policy; do
	begin "the preset $preset is a valid policy, and says what it breaks"
	ll check --file "$preset"
	expect_rc 0
	expect_err_empty
	grep -q '^# What it breaks: ' "$preset" ||
		problem "expected a line '# What it breaks: ' in $preset"
	end_test
done

begin "gc with an argument is a usage error"
ll gc extra
expect_rc 1
expect_err_has 'llsock: unexpected argument "extra"'
expect_out_empty
end_test

begin "metrics with an argument is a usage error"
ll metrics extra
expect_rc 1
expect_err_has 'llsock: unexpected argument "extra"'
expect_out_empty
end_test

begin "apply --help tells of --audit"
ll apply --help
expect_rc 0
expect_out_has '--audit'
end_test

begin "check -f POLICY RULE: the policy's rules, then the rule"
ll check -f "$tmp/policy" packet.raw.all
expect_rc 0
expect_out "$policy_rules"$'\npacket.raw.all'
expect_err_empty
end_test

begin "check --file - reads the policy from stdin"
stdin_file=$tmp/policy
ll check --file -
expect_rc 0
expect_out "$policy_rules"
expect_err_empty
end_test

printf 'unix.*.*\n# a comment\n\ninet.stream.nosuch\ninet.stream.tcp\n' >"$tmp/bad-policy"
begin "check --file: a bad rule is reported with its line number"
ll check --file "$tmp/bad-policy"
expect_rc 1
expect_err_has "llsock: bad policy $tmp/bad-policy: line 4: unknown protocol name \"nosuch\""
expect_out_empty
end_test

printf 'inet.stream.tcp\nunix.*.* inet.dgram.udp\n' >"$tmp/two-per-line"
begin "check --file: two rules on a line are an error"
ll check --file "$tmp/two-per-line"
expect_rc 1
expect_err_has "line 2: one rule per line"
expect_out_empty
end_test

begin "check --file with a missing file fails"
ll check --file "$tmp/missing"
expect_rc 1
expect_err_has "llsock: cannot open policy $tmp/missing: No such file or directory"
expect_out_empty
end_test

# check --json.

if [ -n "$have_jq" ]; then
	begin "check --json prints the rules as JSON on stdout only"
	ll check --json inet.stream.6 'unix.*.*' inet.packet.0
	expect_rc 0
	expect_json '.rules | length == 3
		and .[0] == {rule: "inet.stream.tcp", family: 2, type: 1, protocol: 6}
		and .[1] == {rule: "unix.*.*", family: 1, type: -1, protocol: -1}
		and .[2] == {rule: "packet.packet.0", family: 17, type: 10, protocol: 0}'
	expect_err_empty
	end_test

	begin "check --json --file - reads stdin"
	stdin_file=$tmp/policy
	ll check --json --file -
	expect_rc 0
	expect_json '[.rules[].rule] == ["unix.*.*", "inet.stream.tcp", "inet6.stream.tcp", "inet.dgram.udp"]'
	expect_err_empty
	end_test

	begin "check --json without rules prints an empty list"
	ll check --json
	expect_rc 0
	expect_json '.rules == []'
	expect_err_empty
	end_test
else
	skip "check --json prints the rules as JSON on stdout only" "$no_jq"
	skip "check --json --file - reads stdin" "$no_jq"
	skip "check --json without rules prints an empty list" "$no_jq"
fi

begin "check --json with a bad rule: the error on stderr, nothing on stdout"
ll check --json inet.stream.tcp inet.bad.0
expect_rc 1
expect_err_has 'llsock: bad rule "inet.bad.0": unknown type name "bad"'
expect_out_empty
end_test

# check: the permission flavour, --flavour and a policy's flavour line.

check_permission() { # NAME EXPECTED-STDOUT ARGS...
	begin "$1"
	ll check "${@:3}"
	expect_rc 0
	expect_out "$2"
	expect_err_empty
	end_test
}
check_permission "check --flavour permission accepts protocol wildcards" \
	$'flavour permission\nunix.stream.*\ninet.dgram.*\nunix.dgram.*' \
	--flavour permission 'unix.stream.*' inet.dgram.-1 1.2.-1
check_permission "check --flavour permission prints canonical keys" \
	$'flavour permission\ninet.stream.tcp\ninet6.dgram.udp\npacket.packet.0' \
	--flavour permission inet.stream.0 inet6.dgram.0 inet.packet.0
check_permission "check --flavour permission merges a rule with its canonical twin" \
	$'flavour permission\ninet.stream.tcp' \
	--flavour permission inet.stream.0 inet.stream.tcp 2.1.6
check_permission "check --flavour v4 keeps type wildcards and protocol 0" \
	$'inet.*.*\ninet.stream.0' --flavour v4 'inet.*.*' inet.stream.0

# The whole refusal, up to the last rule of the expansion.
expansion() { # FAMILY PROTOCOL
	local t list=''
	for t in stream dgram raw rdm seqpacket dccp packet; do
		list+="${list:+ }$1.$t.$2"
	done
	printf '%s.*.%s: the permission flavour has no type wildcard; a family-wide allow-list is one rule per type: %s' \
		"$1" "$2" "$list"
}

for spec in 'inet.*.*|inet|*' 'inet6.*.tcp|inet6|tcp' 'unix.-1.0|unix|0'; do
	IFS='|' read -r rule family protocol <<<"$spec"
	begin "check --flavour permission refuses $rule with its expansion"
	ll check --flavour permission inet.stream.tcp "$rule"
	expect_rc 1
	expect_err_has "llsock: bad rule \"$rule\": $(expansion "$family" "$protocol")"
	expect_out_empty
	end_test
done

printf 'flavour permission\nunix.stream.*\nAF_IEEE802154.*.*\n' >"$tmp/perm-wildcard"
begin "a policy's refused type wildcard is printed whole, with its line"
ll check --file "$tmp/perm-wildcard"
expect_rc 1
expect_err_has "llsock: bad policy $tmp/perm-wildcard: line 3: $(expansion AF_IEEE802154 '*')"
[ "$(grep -c . "$tmp/err")" = 1 ] || problem "expected the message on one line"
grep -qF -- "AF_IEEE802154.packet.*" "$tmp/err" ||
	problem "expected the message whole, up to AF_IEEE802154.packet.*"
expect_out_empty
end_test

begin "run --flavour permission reads LL_SOCKET_CREATE in that flavour"
ll_env 'LL_SOCKET_CREATE=1.1.-1:ieee802154.-1.-1' run --flavour permission -- touch "$tmp/ran"
expect_rc 1
expect_err_has "llsock: bad LL_SOCKET_CREATE: entry 2: $(expansion ieee802154 -1)"
expect_out_empty
[ ! -e "$tmp/ran" ] || problem "expected the command not to run"
end_test

for c in check apply run; do
	begin "$c with a bad --flavour is a usage error"
	case $c in
	check) ll check --flavour v5 'unix.*.*' ;;
	apply) ll apply "$tmp" --flavour v5 'unix.*.*' ;;
	run) ll run --flavour v5 --allow 'unix.*.*' -- touch "$tmp/ran" ;;
	esac
	expect_rc 1
	expect_err_has 'llsock: --flavour: expected v4 or permission, got "v5"'
	expect_err_has "Try 'llsock $c --help'."
	expect_out_empty
	[ ! -e "$tmp/ran" ] || problem "expected the command not to run"
	end_test

	begin "$c --help documents --flavour and the policy's flavour line"
	ll "$c" --help
	expect_rc 0
	expect_out_has "--flavour FLAVOUR"
	expect_out_has 'A POLICY says its'
	expect_out_has '"flavour permission"'
	end_test
done

cat >"$tmp/perm-policy" <<'EOF'
# A web server, in the permission flavour.
flavour permission	# before the first rule
unix.stream.*
inet.stream.0
inet6.stream.tcp
EOF
perm_rules=$'flavour permission\nunix.stream.*\ninet.stream.tcp\ninet6.stream.tcp'
printf 'flavour v4\nunix.*.*\n' >"$tmp/v4-policy"
printf 'inet.dgram.0\n' >"$tmp/plain-policy"

check_permission "check --file picks the policy's flavour up" \
	"$perm_rules" --file "$tmp/perm-policy"
check_permission "check --flavour permission --file: the two agree" \
	"$perm_rules" --flavour permission --file "$tmp/perm-policy"
check_permission "check: a policy without a flavour line takes the other's" \
	$'flavour permission\ninet.dgram.udp\nunix.stream.*\ninet.stream.tcp\ninet6.stream.tcp' \
	--file "$tmp/plain-policy" --file "$tmp/perm-policy"
check_permission "check: a policy's flavour applies to the RULEs too" \
	"$perm_rules"$'\ninet.dgram.udp' --file "$tmp/perm-policy" inet.dgram.0
check_permission "check --file: a v4 policy says so" \
	'unix.*.*' --file "$tmp/v4-policy"

begin "check --file - reads the flavour line from stdin"
stdin_file=$tmp/perm-policy
ll check --file -
expect_rc 0
expect_out "$perm_rules"
expect_err_empty
end_test

begin "check's text reads back as the same ruleset"
ll check --flavour permission 'unix.stream.*' inet.stream.0 inet6.dgram.-1
cp "$tmp/out" "$tmp/printed"
ll check --file "$tmp/printed"
expect_rc 0
expect_out "$(cat "$tmp/printed")"
expect_out_has "flavour permission"
end_test

begin "check: --flavour v4 and a permission policy disagree"
ll check --flavour v4 --file "$tmp/perm-policy"
expect_rc 1
expect_err_has "llsock: policy $tmp/perm-policy is of the permission flavour (line 2), but --flavour v4 was given"
expect_err_matches '^Hint: ' "a Hint: line"
expect_out_empty
end_test

begin "check: two policies of different flavours disagree"
ll check --file "$tmp/perm-policy" --file "$tmp/plain-policy" --file "$tmp/v4-policy"
expect_rc 1
expect_err_has "llsock: policy $tmp/v4-policy is of the v4 flavour (line 1), but policy $tmp/perm-policy is of the permission flavour (line 2)"
expect_out_empty
end_test

begin "apply: flavours that disagree fail before touching the cgroup"
ll apply "$tmp" --flavour permission --file "$tmp/v4-policy"
expect_rc 1
expect_err_has "llsock: policy $tmp/v4-policy is of the v4 flavour (line 1), but --flavour permission was given"
expect_out_empty
end_test

bad_directive() { # NAME POLICY-TEXT MESSAGE
	begin "check --file: $1"
	printf '%s' "$2" >"$tmp/bad-directive"
	ll check --file "$tmp/bad-directive"
	expect_rc 1
	expect_err_has "llsock: bad policy $tmp/bad-directive: $3"
	expect_out_empty
	end_test
}
bad_directive "a flavour line after a rule is an error" \
	$'# comment\nunix.stream.0\n\nflavour permission\ninet.stream.tcp\n' \
	"line 4: the flavour line must come before the first rule (line 2)"
bad_directive "a second flavour line is an error" \
	$'flavour permission\nflavour permission\nunix.stream.0\n' \
	"line 2: the flavour is already given on line 1"
bad_directive "an unknown flavour is an error" \
	$'flavour v5\nunix.stream.0\n' 'line 1: unknown flavour "v5": v4 or permission'
bad_directive "a flavour line names one flavour" \
	$'flavour v4 permission\n' \
	'line 1: expected "flavour v4" or "flavour permission", got "flavour v4 permission"'
bad_directive "a flavour line without a name is an error" \
	$'  flavour  # which?\n' \
	'line 1: expected "flavour v4" or "flavour permission", got "flavour"'
bad_directive "a type wildcard in a permission policy is refused" \
	$'flavour permission\ninet.*.tcp\n' "line 2: $(expansion inet tcp)"

if [ -n "$have_jq" ]; then
	begin "check --json --flavour permission: flavour, handled_permissions, canonical keys"
	ll check --json --flavour permission inet.stream.0 'unix.stream.*'
	expect_rc 0
	expect_json '.flavour == "permission" and .handled_permissions == 4
		and (has("handled_access_socket") | not)
		and .rules == [{rule: "inet.stream.tcp", family: 2, type: 1, protocol: 6, wildcards: 0},
			       {rule: "unix.stream.*", family: 1, type: 1, protocol: 0, wildcards: 1}]'
	expect_err_empty
	end_test

	begin "check --json: a v4 ruleset says its flavour and handled_access_socket"
	ll check --json inet.stream.0
	expect_rc 0
	expect_json '.flavour == "v4" and .handled_access_socket == 1
		and (has("handled_permissions") | not)
		and .rules == [{rule: "inet.stream.0", family: 2, type: 1, protocol: 0}]'
	expect_err_empty
	end_test

	begin "check --json --file: the policy's flavour"
	ll check --json --file "$tmp/perm-policy"
	expect_rc 0
	expect_json '.flavour == "permission" and [.rules[].rule] == ["unix.stream.*", "inet.stream.tcp", "inet6.stream.tcp"]'
	expect_err_empty
	end_test
else
	skip "check --json --flavour permission: flavour, handled_permissions, canonical keys" "$no_jq"
	skip "check --json: a v4 ruleset says its flavour and handled_access_socket" "$no_jq"
	skip "check --json --file: the policy's flavour" "$no_jq"
fi

# status and load on a kernel that refuses BPF LSM programs.

if [ "$lsm_state" = refused ]; then
	begin "status says this kernel refuses LSM programs"
	ll status
	expect_rc 0
	expect_out_has "kernel:     $(uname -r)"
	expect_out_has "LSM progs:  refused by this kernel"
	expect_out_has "hooks:      llsock's programs fit this kernel's"
	expect_out_has "llsock:     not loaded"
	expect_err_empty
	end_test

	if [ -n "$have_jq" ]; then
		begin "status --json says this kernel refuses LSM programs"
		ll status --json
		expect_rc 0
		# shellcheck disable=SC2016 # $k is jq's
		expect_json '.kernel == $k and .lsm_programs_refused == true and .hooks_fit == true and .loaded == false' \
			--arg k "$(uname -r)"
		expect_err_empty
		end_test
	else
		skip "status --json says this kernel refuses LSM programs" "$no_jq"
	fi

	begin "load fails: this kernel refuses LSM programs, and how to go on"
	ll load
	expect_rc 2
	expect_err_has "llsock: cannot load llsock: this kernel ($(uname -r)) refuses BPF LSM programs"
	# shellcheck disable=SC2016 # backquotes in the text
	expect_err_matches '^Hint: .*`make demo`' "a Hint: line mentioning \`make demo\`"
	expect_out_empty
	if [ "$rc" = 0 ]; then
		# The probe was wrong: leave the host as it was.
		"$LLSOCK" unload >/dev/null 2>&1
		problem "llsock loaded (and was unloaded again)"
	fi
	end_test
else
	skip "status says this kernel refuses LSM programs" "$lsm_why"
	skip "status --json says this kernel refuses LSM programs" "$lsm_why"
	skip "load fails: this kernel refuses LSM programs, and how to go on" "$lsm_why"
fi

begin "load with a bad --max-rules is a usage error"
ll load --max-rules 3
expect_rc 1
expect_err_has 'llsock: --max-rules: expected a number from 16 to 2147483647, got "3"'
expect_err_has "Try 'llsock load --help'."
end_test

begin "load with a --max-rules too large to double is a usage error"
ll load --max-rules 2147483648
expect_rc 1
expect_err_has 'llsock: --max-rules: expected a number from 16 to 2147483647, got "2147483648"'
end_test

begin "load with a bad --max-bindings is a usage error"
ll load --max-bindings 0
expect_rc 1
expect_err_has 'llsock: --max-bindings: expected a number from 1 to 2147483647, got "0"'
end_test

# Not root. As root, the tests drop to nobody; as another user, they
# run as that user.

as_user=''
user_why=''
if [ -z "$is_root" ]; then
	as_user=self
elif ! command -v setpriv >/dev/null; then
	user_why='setpriv (util-linux) is not installed'
elif ! "${nobody[@]}" "$LLSOCK" --version >/dev/null 2>&1; then
	user_why="nobody (uid 65534) cannot run $LLSOCK"
else
	as_user=nobody
fi
ll_user() {
	if [ "$as_user" = nobody ]; then
		ll_nobody "$@"
	else
		ll "$@"
	fi
}

not_root() { # NAME ARGS...
	local test_name=$1
	shift
	if [ -z "$as_user" ]; then
		skip "$test_name" "$user_why"
		return 1
	fi
	begin "$test_name"
	ll_user "$@"
}

# Where the cause is known (not root), the Hint says it.
root_hint='^(llsock: .*(must be|as) root|Hint: .*as root|Hint: run it with sudo)'
root_text="a message that llsock must run as root"

if not_root "not root: load fails and says it needs root" load; then
	expect_rc 2
	expect_err_has "llsock: cannot load llsock: must be root"
	expect_err_matches '^Hint: ' "a Hint: line"
	expect_out_empty
	end_test
fi

if not_root "not root: apply fails and says it needs root" \
	apply "${own_cgroup:-/sys/fs/cgroup}" inet.stream.tcp; then
	expect_rc 2
	expect_err_has "llsock: cannot apply policy to"
	expect_err_matches "$root_hint" "$root_text"
	expect_out_empty
	end_test
fi

if not_root "not root: unload fails and says it needs root" unload; then
	expect_rc 2
	expect_err_has "llsock: cannot unload llsock"
	expect_err_matches "$root_hint" "$root_text"
	expect_out_empty
	end_test
fi

if not_root "not root: run --backend bpf fails and says it needs root" \
	run --backend bpf --allow 'unix.*.*' -- true; then
	expect_rc 2
	expect_err_has "llsock: cannot create a sandbox"
	expect_err_matches "$root_hint" "$root_text"
	expect_out_empty
	end_test
fi

# Without privilege, run sandboxes with seccomp filters (seccomp_test
# checks what they enforce).
if not_root "not root: run works through the seccomp backend" \
	run --allow 'unix.*.*' -- sh -c 'grep -q "^Seccomp:.*2" /proc/self/status'; then
	expect_rc 0
	expect_err_empty
	expect_out_empty
	end_test
fi

if not_root "not root: status works and says LSM support is unknown" status; then
	expect_rc 0
	expect_out_has "LSM progs:  unknown (not root)"
	expect_err_empty
	end_test
fi

if [ -z "$have_jq" ]; then
	skip "not root: status --json has lsm_programs_refused null" "$no_jq"
elif not_root "not root: status --json has lsm_programs_refused null" status --json; then
	expect_rc 0
	expect_json '.lsm_programs_refused == null and (.loaded | type) == "boolean"'
	expect_err_empty
	end_test
fi

if not_root "not root: check needs no privilege" check inet.stream.6; then
	expect_rc 0
	expect_out "inet.stream.tcp"
	expect_err_empty
	end_test
fi

# Commands that need llsock loaded, as root while it is not.

not_loaded() { # NAME ARGS...
	local test_name=$1
	shift
	if [ -z "$is_root" ]; then
		skip "$test_name" "not root: the command would fail for want of privilege first"
		return 1
	fi
	if [ -n "$loaded" ]; then
		skip "$test_name" "llsock is loaded on this host"
		return 1
	fi
	begin "$test_name"
	ll "$@"
}
# shellcheck disable=SC2016 # backquotes in the text
load_hint='Hint: llsock is not loaded: run `llsock load` first.'

for spec in "apply|cannot apply policy to $own_cgroup" "clear|cannot clear $own_cgroup" \
	"show|cannot show $own_cgroup"; do
	c=${spec%%|*}
	test_name="not loaded: $c CGROUP fails and says to run llsock load"
	if [ -z "$own_cgroup" ]; then
		skip "$test_name" "no cgroup v2 hierarchy is mounted"
		continue
	fi
	args=("$c" "$own_cgroup")
	[ "$c" != apply ] || args+=(inet.stream.tcp)
	if not_loaded "$test_name" "${args[@]}"; then
		expect_rc 2
		expect_err_has "llsock: ${spec#*|}"
		expect_err_has "$load_hint"
		expect_out_empty
		end_test
	fi
done

for args in "show" "show --json" "unload" "gc" "monitor --timeout 1" "monitor --json --count 1"; do
	# shellcheck disable=SC2086 # ARGS are words
	if not_loaded "not loaded: $args fails and says to run llsock load" $args; then
		expect_rc 2
		expect_err_matches '^llsock: cannot ' "llsock: cannot ..."
		expect_err_has "$load_hint"
		expect_out_empty
		end_test
	fi
done

if not_loaded "not loaded: metrics says so, in the Prometheus format" metrics; then
	expect_rc 0
	expect_out $'# HELP llsock_loaded 1 when llsock is loaded and enforcing.\n# TYPE llsock_loaded gauge\nllsock_loaded 0'
	end_test
fi

begin "oci-hook with a state that is not JSON fails, so that the runtime refuses"
printf 'not json' >"$tmp/state"
stdin_file=$tmp/state
ll oci-hook
expect_rc 1
expect_err_has "llsock: the container state on stdin is not a JSON object"
expect_out_empty
end_test

begin "oci-hook with a bad annotation fails and names it"
printf '{"id":"c1","pid":1,"annotations":{"org.llsock.policy":"../x"}}' >"$tmp/state"
stdin_file=$tmp/state
ll oci-hook
expect_rc 1
expect_err_has 'llsock: container c1: bad org.llsock.policy "../x"'
end_test

begin "oci-hook leaves a container without llsock's annotations alone"
printf '{"id":"c1","pid":1,"annotations":{"other":"x"}}' >"$tmp/state"
stdin_file=$tmp/state
ll oci-hook
expect_rc 0
expect_err_empty
end_test

printf '{"id":"c1","pid":1,"annotations":{"org.llsock.rules":"unix.*.*"}}' >"$tmp/state"
stdin_file=$tmp/state
if not_loaded "not loaded: oci-hook fails for an annotated container" oci-hook; then
	expect_rc 2
	expect_err_has "llsock: cannot apply the policy of container c1: llsock is not loaded"
	end_test
fi
stdin_file=/dev/null

if not_loaded "not loaded: run --backend bpf fails, says to run llsock load, leaves no cgroup" \
	run --backend bpf --allow 'unix.*.*' -- true; then
	expect_rc 2
	expect_err_has "llsock: cannot create a sandbox"
	expect_err_has "$load_hint"
	expect_out_empty
	[ -z "$(leftovers | sort | comm -13 "$tmp/before" -)" ] ||
		problem "expected no new llsock-* cgroup in $own_cgroup"
	end_test
fi

if not_loaded "not loaded: run uses the seccomp backend, leaves no cgroup" \
	run --allow 'unix.*.*' -- sh -c 'grep -q "^Seccomp:.*2" /proc/self/status'; then
	expect_rc 0
	expect_err_empty
	expect_out_empty
	[ -z "$(leftovers | sort | comm -13 "$tmp/before" -)" ] ||
		problem "expected no new llsock-* cgroup in $own_cgroup"
	end_test
fi

if not_loaded "not loaded: status says run would use the seccomp backend" status; then
	expect_rc 0
	expect_out_has "llsock run: seccomp backend (llsock is not loaded"
	end_test
fi

begin "run --backend with an unknown backend is a usage error"
ll run --backend cgroup --allow 'unix.*.*' -- true
expect_rc 1
expect_err_has 'llsock: --backend: expected bpf, seccomp or auto, got "cgroup"'
expect_out_empty
end_test

# run: the ruleset comes first.

begin "run without rules nor LL_SOCKET_CREATE is a usage error"
ll run -- true
expect_rc 1
expect_err_has "llsock: no rules: give --allow RULE, --file POLICY, or set LL_SOCKET_CREATE"
expect_err_has "Try 'llsock run --help'."
expect_out_empty
end_test

begin "run with a bad LL_SOCKET_CREATE names the bad entry"
ll_env 'LL_SOCKET_CREATE=unix.*.*:2.1.6:inet.bad.0' run -- true
expect_rc 1
expect_err_has 'llsock: bad LL_SOCKET_CREATE: entry 3: unknown type name "bad"'
expect_out_empty
end_test

begin "run with an out-of-range LL_SOCKET_CREATE entry names it"
ll_env 'LL_SOCKET_CREATE=1.-1.-1:300.1.1' run -- true
expect_rc 1
expect_err_has 'llsock: bad LL_SOCKET_CREATE: entry 2: family 300 out of range'
expect_out_empty
end_test

begin "run --allow with a bad rule fails before running anything"
ll run --allow bad.rule -- touch "$tmp/ran"
expect_rc 1
expect_err_has 'llsock: bad rule "bad.rule": "bad.rule" is not family.type.protocol'
expect_out_empty
[ ! -e "$tmp/ran" ] || problem "expected the command not to run"
end_test

begin "run --file with a missing policy fails"
ll run --file "$tmp/missing" -- true
expect_rc 1
expect_err_has "llsock: cannot open policy $tmp/missing: No such file or directory"
expect_out_empty
end_test

begin "run without a command is a usage error"
ll run --allow 'unix.*.*'
expect_rc 1
expect_err_has "llsock: missing CMD"
expect_err_has "Try 'llsock run --help'."
expect_out_empty
end_test

# monitor: options.

begin "monitor --count 0 is a usage error"
ll monitor --count 0
expect_rc 1
expect_err_has 'llsock: --count: expected a positive number, got "0"'
expect_err_has "Try 'llsock monitor --help'."
expect_out_empty
end_test

begin "monitor --timeout x is a usage error"
ll monitor --timeout x
expect_rc 1
expect_err_has 'llsock: --timeout: expected seconds (0..86400), got "x"'
expect_err_has "Try 'llsock monitor --help'."
expect_out_empty
end_test

begin "monitor --timeout past a day is a usage error"
ll monitor --timeout 86401
expect_rc 1
expect_err_has 'got "86401"'
expect_out_empty
end_test

# Other usage errors of the commands that take a CGROUP.

begin "apply without a CGROUP is a usage error"
ll apply
expect_rc 1
expect_err_has "llsock: missing CGROUP"
expect_err_has "Try 'llsock apply --help'."
end_test

# Not a cgroup either: should the rule ever be checked last, nothing binds.
begin "apply with a bad rule fails before touching the cgroup"
ll apply "$tmp" bad.rule
expect_rc 1
expect_err_has 'llsock: bad rule "bad.rule"'
expect_out_empty
end_test

begin "clear without a CGROUP is a usage error"
ll clear
expect_rc 1
expect_err_has "llsock: expected one CGROUP"
expect_err_has "Try 'llsock clear --help'."
end_test

begin "show with two CGROUPs is a usage error"
ll show / /
expect_rc 1
expect_err_has "llsock: expected at most one CGROUP"
expect_err_has "Try 'llsock show --help'."
end_test

begin "help COMMAND prints that command's usage"
ll help check
expect_rc 0
expect_out_has "Usage: llsock check"
end_test

begin "run --help wins over a bad rule before it"
ll run --allow bad.rule --help
expect_rc 0
expect_out_has "Usage: llsock run"
end_test

begin "a directory that is not a cgroup is named as such"
ll clear /tmp
expect_rc 1
expect_err_has "llsock: cannot clear /tmp: not a cgroup v2 directory"
end_test

begin "a policy that is a directory cannot be read"
ll check --file /tmp
expect_rc 1
expect_err_has "llsock: cannot read policy /tmp: Is a directory"
end_test

begin "a rule on a key already given merges into it"
ll check inet.stream.tcp inet.stream.6 2.1.6 inet.packet.0 packet.packet.0
expect_rc 0
[ "$(cat "$tmp/out")" = "$(printf 'inet.stream.tcp\npacket.packet.0')" ] ||
	problem "expected the two distinct rules, once each"
end_test

# The differential test's own options and make's checks of its variables
# (the runs themselves need a VM: make difftest). Usage errors exit 2
# before anything else happens.

DIFFTEST=${DIFFTEST:-$here/../build/static/tests/difftest}
case $DIFFTEST in /*) ;; *) DIFFTEST=$PWD/$DIFFTEST ;; esac
dt() { # ARGS...
	cmdline="difftest $*"
	call "$DIFFTEST" "$@"
}
if [ ! -x "$DIFFTEST" ]; then
	skip "difftest options" "no $DIFFTEST (make vm-tests builds it)"
else
	begin "difftest --help"
	dt --help
	expect_rc 0
	expect_out_has "usage: difftest [--seed S] [--cases N]"
	expect_out_has "--inject FAULT"
	expect_out_has "--flavour F"
	expect_err_empty
	end_test

	for bad in "--cases 0|--cases takes 1 to 1000000000, not '0'" \
		"--cases 12x|--cases takes 1 to 1000000000, not '12x'" \
		"--requests 257|--requests takes 1 to 256, not '257'" \
		"--shrink -1|--shrink takes 0 to 100, not '-1'" \
		"--seed abc|bad --seed 'abc'" \
		"--seed -5|bad --seed '-5'" \
		"--inject nothing|unknown fault 'nothing'" \
		"--flavour v5|--flavour takes v4, permission, mixed or both (or a comma-separated list of them), not 'v5'" \
		"--flavour v4,perm|--flavour takes v4, permission, mixed or both (or a comma-separated list of them), not 'v4,perm'" \
		"--flavour ,|--flavour takes v4, permission, mixed or both (or a comma-separated list of them), not ','"; do
		args=${bad%%|*}
		begin "difftest $args is a usage error"
		# shellcheck disable=SC2086 # ARGS are two words
		dt $args
		expect_rc 2
		expect_err_has "difftest: ${bad#*|}"
		expect_out_empty
		end_test
	done

	begin "difftest with an operand is a usage error"
	dt --cases 5 extra
	expect_rc 2
	expect_err_has "usage: difftest"
	expect_out_empty
	end_test
fi

flavours_are="DIFFTEST_FLAVOUR must be v4, permission, mixed or both, or a comma-separated list of them"
for bad in "DIFFTEST_FLAVOUR=mixd|$flavours_are, not 'mixd'" \
	"DIFFTEST_FLAVOUR=|$flavours_are, not ''" \
	"DIFFTEST_FLAVOUR=v4,|$flavours_are, not 'v4,'" \
	"DIFFTEST_FLAVOUR=v4,,mixed|$flavours_are, not 'v4,,mixed'" \
	"DIFFTEST_FLAVOUR=v4 mixed|$flavours_are, not 'v4 mixed'" \
	"DIFFTEST_CASES=abc|DIFFTEST_CASES must be a number of cases, not 'abc'" \
	"DIFFTEST_CASES=0|DIFFTEST_CASES must be a number of cases, not '0'" \
	"DIFFTEST_CASES=010|DIFFTEST_CASES must be a number of cases, not '010'" \
	"DIFFTEST_SEED=007|DIFFTEST_SEED must be numbers (seeds), not '007'" \
	"DIFFTEST_SEED=1 x|DIFFTEST_SEED must be numbers (seeds), not 'x'"; do
	var=${bad%%|*}
	begin "make difftest checks $var before it builds anything"
	cmdline="make difftest-args '$var'"
	call make -C "$here/.." --no-print-directory difftest-args "$var"
	[ "$rc" != 0 ] || problem "expected a non-zero exit status"
	expect_err_has "difftest: ${bad#*|}"
	end_test
done

# Each list of flavours runs v4 on its kernel and the others together on
# the permission flavour's.
for good in "v4|v4@patched-6.12" "mixed|mixed@patched-7.3" \
	"permission,v4|v4@patched-6.12 permission@patched-7.3" \
	"mixed,permission|permission,mixed@patched-7.3" \
	"both|v4@patched-6.12 permission,mixed@patched-7.3"; do
	flavour=${good%%|*}
	begin "make difftest DIFFTEST_FLAVOUR=$flavour runs ${good#*|}"
	cmdline="make difftest-args DIFFTEST_FLAVOUR=$flavour"
	call make -C "$here/.." --no-print-directory difftest-runs \
		DIFFTEST_FLAVOUR="$flavour" \
		--eval 'difftest-runs: difftest-args ; @echo $(strip $(DIFFTEST_RUNS))'
	expect_rc 0
	[ "$(cat "$tmp/out")" = "${good#*|}" ] || problem "expected the runs ${good#*|}"
	end_test
done

# make fuzz's runner: bad arguments are refused before anything runs.
for bad in "|usage: tests/fuzz/run" "--seconds 0 /bin/true|must be a positive number of seconds, not '0'" \
	"--seconds 1x /bin/true|must be a positive number of seconds, not '1x'" \
	"--work|usage: tests/fuzz/run" "/no/such/fuzzer|no fuzzer at /no/such/fuzzer"; do
	args=${bad%%|*}
	begin "tests/fuzz/run ${args:-without arguments} is refused"
	cmdline="tests/fuzz/run $args"
	# shellcheck disable=SC2086
	call "$here/fuzz/run" $args
	expect_rc 2
	expect_err_has "${bad#*|}"
	expect_out_empty
	end_test
done

# make bench's run-to-run comparison: figure by figure, 1% by default.
cat >"$tmp/bench-a" <<'OUT'
socket() + close
  unrestricted, a sibling bound                  5074    5289   +215    +4.24%  0.00%  X
  llsock: 1 layer, 1 rule                        5074    5535   +461    +9.09%  0.00%
     10 rules: llsock    1500000, native     200000
10000-rule layer bound): 168.1 bytes
OUT
sed 's/5535/5600/' "$tmp/bench-a" >"$tmp/bench-b"
begin "bench-agree finds two runs alike"
cmdline="tests/bench-agree A A"
call "$here/bench-agree" "$tmp/bench-a" "$tmp/bench-a"
expect_rc 0
expect_out_has "bench: two runs agree within 0.00% on 7 figures"
end_test

begin "bench-agree names the figure that moved by more than 1%"
cmdline="tests/bench-agree A B"
call "$here/bench-agree" "$tmp/bench-a" "$tmp/bench-b"
expect_rc 1
expect_out_has "bench-agree: socket() + close | llsock: 1 layer, 1 rule | with: 5535, then 5600 (1.17%)"
expect_out_has "bench: two runs DISAGREE"
end_test

begin "bench-agree -l 2 lets 1.17% pass"
cmdline="tests/bench-agree -l 2 A B"
call "$here/bench-agree" -l 2 "$tmp/bench-a" "$tmp/bench-b"
expect_rc 0
expect_out_has "bench: two runs agree within 1.17% on 7 figures (worst: socket() + close | llsock: 1 layer, 1 rule | with)"
end_test

begin "bench-agree without two outputs is a usage error"
call "$here/bench-agree" "$tmp/bench-a"
expect_rc 2
expect_err_has "usage: tests/bench-agree"
end_test

# The scripts around the kernels: usage errors say so, and change nothing.

begin "apt-suite without arguments prints its usage"
call "$here/apt-suite"
expect_rc 2
expect_err_has "usage: tests/apt-suite SUITE update"
expect_out_empty
end_test

begin "apt-suite refuses a suite name it would put in a path"
call "$here/apt-suite" '../x' update
expect_rc 1
expect_err_has "apt-suite: cannot use suite '../x': not a suite name"
end_test

begin "apt-suite runs nothing but apt-get and apt-cache"
call "$here/apt-suite" trixie-backports rm -rf /
expect_rc 1
expect_err_has "apt-suite: cannot run 'rm': only update, apt-get and apt-cache are run here"
end_test

begin "debian-kernel names the kernels it knows"
call "$here/vm/debian-kernel" debian-5.10
expect_rc 1
expect_err_has "vm: cannot fetch kernel 'debian-5.10': unknown name (debian-6.1, debian-6.12 or debian-backports)"
expect_out_empty
end_test

begin "vmlinux.h.gen --btf refuses a file without BTF"
printf 'not a kernel\n' >"$tmp/not-a-kernel"
call "$here/../vmlinux.h.gen" --btf "$tmp/not-a-kernel"
expect_rc 1
expect_err_has "is neither BTF, an ELF vmlinux nor a kernel image"
expect_out_empty
end_test

begin "the VM runner wants a module name after --module-if-present"
call "$here/vm/run" --kernel /nonexistent --module-if-present
expect_rc 2
expect_err_has "vm: --module-if-present needs a value"
end_test

if [ -x "$here/../build/tests/hooks_test" ]; then
	begin "hooks_test without kernels prints its usage"
	call "$here/../build/tests/hooks_test" "$here/../build/llsock.bpf.o"
	[ "$rc" != 0 ] || problem "expected a non-zero exit status"
	expect_err_has "usage: "
	end_test

	begin "hooks_test says which kernel BTF it cannot read"
	call "$here/../build/tests/hooks_test" "$here/../build/llsock.bpf.o" \
		-- "none=$tmp/not-a-kernel"
	[ "$rc" != 0 ] || problem "expected a non-zero exit status"
	expect_out_has "cannot read the BTF of none"
	expect_out_has "not ok"
	end_test
else
	skip "hooks_test without kernels prints its usage" "build/tests/hooks_test not built"
	skip "hooks_test says which kernel BTF it cannot read" "build/tests/hooks_test not built"
fi

# Nothing left behind.

begin "no sandbox cgroup or pin left behind"
cmdline="find $own_cgroup -name 'llsock-*'; ls /sys/fs/bpf/llsock"
rc=0
: >"$tmp/out"
leftovers | sort | comm -13 "$tmp/before" - >"$tmp/err"
[ ! -s "$tmp/err" ] || problem "expected no new llsock-* cgroup, nor /sys/fs/bpf/llsock"
end_test

echo "TAP version 13"
echo "1..$n"
cat "$tmp/tap"
if [ "$skipped" -gt 0 ]; then
	echo "$passed passed, $failed failed, $skipped skipped"
else
	echo "$passed passed, $failed failed"
fi
[ "$failed" -eq 0 ]

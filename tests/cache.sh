# shellcheck shell=bash
# The cache outside the clone, ${LLSOCK_CACHE:-$HOME/.cache/llsock}: every
# download and build kept between runs (Debian's kernels, the kselftest
# headers, the patched kernel and its pristine source) is one directory,
# filled once under a lock and moved into place complete, so that no
# reader ever sees half of one. Sourced by the bash scripts that fill it;
# see tests/vm/README.md ("The cache").
#
#   cache_root                      the cache's top directory
#   cache_ready DIR [STAMP]         true when DIR is complete (and its
#                                   marker says STAMP)
#   cache_fill DIR [STAMP] -- FUNCTION [ARG...]
#
# cache_fill does nothing when DIR is ready. Otherwise it takes the lock
# of DIR's parent (PARENT/.lock: one filler at a time per parent; it says
# so on stderr when it has to wait), looks again (the other filler may
# have made DIR), empties DIR.new and runs FUNCTION ARG... DIR.new; then
# it writes the marker DIR.new/.complete (holding STAMP, a version of the
# layout, say), replaces DIR with DIR.new and lets the lock go. It sets
# cache_filled to 1 when it ran FUNCTION, to 0 when DIR was there.
#
# Call it as a command of its own in a script under `set -e`, never in a
# condition (`if`, `||`): a command that fails in FUNCTION then ends the
# script, the lock goes with the process, and DIR.new stays, with the logs
# FUNCTION left there, until the next fill of DIR replaces it. DIR itself
# is never touched by a failure.

# shellcheck disable=SC2034 # for the scripts that source this file
cache_root=${LLSOCK_CACHE:-$HOME/.cache/llsock}

cache_ready() { # DIR [STAMP]
	if [ -n "${2:-}" ]; then
		grep -qsxF -- "$2" "$1/.complete"
	else
		[ -f "$1/.complete" ]
	fi
}

cache_fill() { # DIR [STAMP] -- FUNCTION [ARG...]
	local dir=${1%/} stamp='' parent lock fd
	shift
	if [ "${1:-}" != -- ]; then
		stamp=$1
		shift
	fi
	if [ "${1:-}" != -- ] || [ $# -lt 2 ]; then
		echo "cache_fill: usage: cache_fill DIR [STAMP] -- FUNCTION [ARG...]" >&2
		return 2
	fi
	shift
	case $- in
	*e*) ;;
	*)
		echo "cache_fill: needs set -e (a failure in $1 must end the script)" >&2
		return 2
		;;
	esac
	cache_filled=0
	cache_ready "$dir" "$stamp" && return 0

	parent=$(dirname "$dir")
	lock=$parent/.lock
	mkdir -p "$parent"
	exec {fd}>"$lock"
	if ! flock -n "$fd"; then
		echo "cache: waiting for another run filling $parent ($lock)" >&2
		flock "$fd"
	fi
	if cache_ready "$dir" "$stamp"; then
		exec {fd}>&-
		return 0
	fi
	rm -rf "$dir.new"
	mkdir "$dir.new"
	"$@" "$dir.new"
	printf '%s\n' "$stamp" >"$dir.new/.complete"
	rm -rf "$dir"
	mv "$dir.new" "$dir"
	exec {fd}>&-
	# shellcheck disable=SC2034 # for the caller
	cache_filled=1
}

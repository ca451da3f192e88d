#!/bin/sh
# run_check.sh: runs popek with --engine check on a test guest and checks
# the exit status and what the check printed on stderr.
#
#   run_check.sh EMULATOR ROM STATUS [PATTERN...] [-- EXTRA_ARGS...]
#
# STATUS is the exit status the run must end with (1: the guest passed, 8:
# the engines differ). Each PATTERN is an extended regular expression that
# some line of stderr must match. The debug console is thrown away.
set -u
if [ $# -lt 3 ]; then
	echo "usage: $0 EMULATOR ROM STATUS [PATTERN...] [-- EXTRA_ARGS...]" >&2
	exit 2
fi
emu=$1 rom=$2 want=$3
shift 3
err=$(mktemp "${TMPDIR:-/tmp}/popek-check.XXXXXX") || exit 2
pats=$(mktemp "${TMPDIR:-/tmp}/popek-check-pat.XXXXXX") || { rm -f "$err"; exit 2; }
trap 'rm -f "$err" "$pats"' EXIT
while [ $# -gt 0 ] && [ "$1" != "--" ]; do
	printf '%s\n' "$1" >>"$pats"
	shift
done
[ "${1:-}" = "--" ] && shift

timeout -k 5 90 "$emu" --headless --bios "$rom" --debugcon none --timeout 60 \
	--engine check "$@" >/dev/null 2>"$err" </dev/null
status=$?
fail=0
if [ "$status" != "$want" ]; then
	echo "FAIL: exit status $status, expected $want" >&2
	fail=1
fi
while IFS= read -r p; do
	if ! grep -Eq -e "$p" "$err"; then
		echo "FAIL: no line of stderr matches: $p" >&2
		fail=1
	fi
done <"$pats"
if [ $fail != 0 ]; then
	echo "--- stderr:" >&2
	cat "$err" >&2
fi
exit $fail

#!/bin/sh
# stepper_test.sh POPEK DEMO_ROM GUEST_DIR: the teaching stepper, driven by
# scripts, end to end through the popek binary.
#
# Each tests/frontend/stepper_*.txt, and the guided tour frontend/tour.txt,
# runs as `popek --bios ROM --step-script SCRIPT [ARGS]`; its stdout must
# equal the .expect file beside the script exactly (the tour's is
# tests/frontend/tour.expect), its stderr must be empty and its exit status
# 0. A script picks its ROM with a "# rom: NAME" line (demo: the demo ROM;
# otherwise the test guest GUEST_DIR/NAME.bin) and may add options with
# "# args: ...". With UPDATE=1 the .expect files are
# written instead: for a deliberate change of the output, to be reviewed
# with git diff.
#
# Then the bad invocations: a missing script file, and --step with neither
# a terminal nor a script, must each print one line on stderr and exit 2.
set -u
popek=$1 demo=$2 guests=$3
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/popek-stepper.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
fails=0

fail() {
	echo "FAIL: $*"
	fails=$((fails + 1))
}

# run_script SCRIPT EXPECT
run_script() {
	script=$1 expect=$2
	name=$(basename "$script" .txt)
	rom=$(sed -n 's/^# rom: *//p' "$script" | head -1)
	args=$(sed -n 's/^# args: *//p' "$script" | head -1)
	romfile=$demo
	if [ -n "$rom" ] && [ "$rom" != demo ]; then
		romfile=$guests/$rom.bin
	fi
	if [ ! -f "$romfile" ]; then
		fail "$name: no ROM $romfile"
		return
	fi
	# shellcheck disable=SC2086 # args are words on purpose
	timeout -k 5 120 "$popek" --bios "$romfile" --rtc-base 2000-01-01T00:00:00 \
		--step-script "$script" $args >"$tmp/out" 2>"$tmp/err" </dev/null
	status=$?
	if [ "${UPDATE:-0}" = 1 ]; then
		cp "$tmp/out" "$expect"
		echo "updated: $expect"
	fi
	if [ $status != 0 ]; then
		fail "$name: exit status $status"
		sed 's/^/  stderr: /' "$tmp/err"
		return
	fi
	if [ -s "$tmp/err" ]; then
		fail "$name: unexpected stderr:"
		sed 's/^/  stderr: /' "$tmp/err"
		return
	fi
	if ! cmp -s "$tmp/out" "$expect"; then
		fail "$name: output differs from $expect:"
		diff -u "$expect" "$tmp/out" | head -40
		return
	fi
	echo "ok: $name"
}

for s in "$here"/stepper_*.txt; do
	run_script "$s" "${s%.txt}.expect"
done
run_script "$top/frontend/tour.txt" "$here/tour.expect"

# expect_usage DESCRIPTION -- ARGS...: exit status 2 and one line on stderr.
expect_usage() {
	what=$1
	shift 2
	"$popek" "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
	status=$?
	if [ $status != 2 ]; then
		fail "$what: exit status $status, expected 2"
	elif [ "$(wc -l <"$tmp/err")" != 1 ]; then
		fail "$what: expected a one-line error, got:"
		sed 's/^/  stderr: /' "$tmp/err"
	else
		echo "ok: $what ($(cat "$tmp/err"))"
	fi
}
expect_usage "missing script file" -- --bios "$demo" --step-script "$tmp/no/such/script"
expect_usage "--step without a terminal or a script" -- --bios "$demo" --step
expect_usage "empty script name" -- --bios "$demo" --step-script=

# A script on stdin ("-") runs like a file.
printf 'step\nq\n' | "$popek" --bios "$demo" --step-script - >"$tmp/out" 2>"$tmp/err"
if [ $? != 0 ] || ! grep -q '^=> F000:0000 ' "$tmp/out"; then
	fail "script on stdin"
else
	echo "ok: script on stdin"
fi

if [ $fails != 0 ]; then
	echo "$fails stepper check(s) failed"
	exit 1
fi
echo "all stepper checks passed"

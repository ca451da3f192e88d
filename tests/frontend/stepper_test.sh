#!/bin/sh
# stepper_test.sh POPEK DEMO_ROM GUEST_DIR: the teaching stepper, driven by
# scripts, end to end through the popek binary.
#
# Each tests/frontend/stepper_*.txt, and the guided tour frontend/tour.txt,
# runs as `popek --bios ROM --step-script SCRIPT [ARGS]`; its stdout must
# equal the .expect file beside the script exactly (the tour's is
# tests/frontend/tour.expect), its stderr must be empty and its exit status
# 0. A script picks its ROM with a "# rom: NAME" line (demo: the demo ROM;
# disk: the demo disk, build/roms/demo_disk.img beside DEMO_ROM, booted by
# popek's BIOS, headless; otherwise the test guest GUEST_DIR/NAME.bin) and
# may add options with "# args: ...". With UPDATE=1 the .expect files are
# written instead: for a deliberate change of the output, to be reviewed
# with git diff.
#
# Host code: the VMM pane and the block command list the x86-64 code the
# translator emits, which changes whenever the code generator does. Its
# lines (they start with "      | ") are folded into one line
# "      | (x86-64 code)" before the comparison: the guest side, how each
# instruction is translated and the V marks are compared exactly, the host
# side by its presence (capstone listed at least one line there).
#
# The engines: every script that does not switch engines itself (no
# "# engines: own" line) runs a second time with --engine bt, where
# continue and until run translated blocks; with the VMM pane left out, the
# output must be the same as with the interpreter: the same stops at the
# same instructions, registers and virtual times.
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

# fold_host: a run of host-code lines becomes one line.
fold_host() {
	awk '/^      \| / { if (!host) print "      | (x86-64 code)"; host = 1; next }
	     { host = 0; print }'
}

# no_vmm_pane: the output without its VMM panes (whose engine line and
# translated block differ between the engines by design).
no_vmm_pane() {
	awk '/^-- [a-z]+ --$/ { skip = ($0 == "-- vmm --") } !skip'
}

# run_script SCRIPT EXPECT
run_script() {
	script=$1 expect=$2
	name=$(basename "$script" .txt)
	rom=$(sed -n 's/^# rom: *//p' "$script" | head -1)
	args=$(sed -n 's/^# args: *//p' "$script" | head -1)
	romfile=$demo
	if [ "$rom" = disk ]; then
		romfile=$(dirname "$demo")/demo_disk.img
	elif [ -n "$rom" ] && [ "$rom" != demo ]; then
		romfile=$guests/$rom.bin
	fi
	if [ ! -f "$romfile" ]; then
		fail "$name: no ROM $romfile"
		return
	fi
	if [ "$rom" = disk ]; then
		set -- --hda "$romfile" --snapshot --headless
	else
		set -- --bios "$romfile"
	fi
	# shellcheck disable=SC2086 # args are words on purpose
	timeout -k 5 120 "$popek" "$@" --rtc-base 2000-01-01T00:00:00 \
		--step-script "$script" $args >"$tmp/raw" 2>"$tmp/err" </dev/null
	status=$?
	fold_host <"$tmp/raw" >"$tmp/out"
	if ! grep -q '^# engines: own' "$script" && [ $status = 0 ]; then
		# shellcheck disable=SC2086
		timeout -k 5 120 "$popek" "$@" --rtc-base 2000-01-01T00:00:00 \
			--step-script "$script" $args --engine bt >"$tmp/bt" 2>"$tmp/bterr" </dev/null
		btstatus=$?
		if [ $btstatus != 0 ] || [ -s "$tmp/bterr" ]; then
			fail "$name: --engine bt: exit status $btstatus"
			sed 's/^/  stderr: /' "$tmp/bterr"
		elif no_vmm_pane <"$tmp/out" >"$tmp/interp.novmm" &&
			fold_host <"$tmp/bt" | no_vmm_pane >"$tmp/bt.novmm" &&
			! cmp -s "$tmp/interp.novmm" "$tmp/bt.novmm"; then
			fail "$name: --engine bt stops elsewhere than the interpreter:"
			diff -u "$tmp/interp.novmm" "$tmp/bt.novmm" | head -20
		else
			echo "ok: $name under --engine bt"
		fi
	fi
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

#!/bin/sh
# run_guest.sh: runs one test guest ROM and checks how the run ended.
#
#   run_guest.sh [--qemu] [--serial-expect FILE] EMULATOR ROM STATUS EXPECT [EXTRA_ARGS...]
#
# EMULATOR is the popek binary (or, with --qemu, qemu-system-i386, to check
# a guest itself against a reference machine). ROM is the 64 KiB image.
# STATUS is the exit status the run must end with (popek: 1 for a guest that
# wrote 0 to the debug-exit port, 0 for a halt with interrupts disabled, 4 for
# a triple fault). EXPECT is either a file whose contents the debug-console
# output must equal exactly, or else an extended regular expression that some
# line of the output must match. Extra arguments go to the emulator.
# With --serial-expect, COM1 also goes to a file whose contents must equal
# FILE exactly.
# The debug console goes to a file so the emulator's own messages on stdout
# or stderr never mix with what the guest printed.
set -u

qemu=0
if [ "${1:-}" = "--qemu" ]; then
	qemu=1
	shift
fi
serial_expect=
if [ "${1:-}" = "--serial-expect" ]; then
	serial_expect=$2
	shift 2
fi
if [ $# -lt 4 ]; then
	echo "usage: $0 [--qemu] [--serial-expect FILE] EMULATOR ROM STATUS EXPECT [EXTRA_ARGS...]" >&2
	exit 2
fi
emu=$1 rom=$2 want_status=$3 expect=$4
shift 4

out=$(mktemp "${TMPDIR:-/tmp}/popek-guest.XXXXXX") || exit 2
log=$(mktemp "${TMPDIR:-/tmp}/popek-guest-log.XXXXXX") || exit 2
ser=$(mktemp "${TMPDIR:-/tmp}/popek-guest-serial.XXXXXX") || exit 2
trap 'rm -f "$out" "$log" "$ser"' EXIT
if [ -n "$serial_expect" ]; then
	if [ $qemu = 1 ]; then
		set -- "$@" -serial "file:$ser"
	else
		set -- "$@" --serial "file:$ser"
	fi
fi

# A guest that loops forever is stopped by the emulator's own --timeout and,
# should that not work, by timeout(1) a little later (status 124 either way).
if [ $qemu = 1 ]; then
	timeout -k 5 60 "$emu" -bios "$rom" -display none -no-reboot \
		-debugcon "file:$out" -device isa-debug-exit,iobase=0xf4 \
		-cpu pentium2,-apic -m 16 "$@" >"$log" 2>&1 </dev/null
else
	timeout -k 5 90 "$emu" --headless --bios "$rom" --debugcon "file:$out" \
		--timeout 60 "$@" >"$log" 2>&1 </dev/null
fi
status=$?

fail=0
if [ "$status" != "$want_status" ]; then
	echo "FAIL: exit status $status, expected $want_status" >&2
	fail=1
fi
if [ -f "$expect" ]; then
	if ! cmp -s "$expect" "$out"; then
		echo "FAIL: debug console output differs from $expect:" >&2
		diff -u "$expect" "$out" >&2
		fail=1
	fi
elif ! grep -Eq -e "$expect" "$out"; then
	echo "FAIL: no line of the debug console output matches: $expect" >&2
	fail=1
fi

if [ -n "$serial_expect" ] && ! cmp -s "$serial_expect" "$ser"; then
	echo "FAIL: COM1 output differs from $serial_expect:" >&2
	diff -u "$serial_expect" "$ser" >&2
	fail=1
fi

if [ $fail = 1 ]; then
	echo "--- debug console ($rom) ---" >&2
	cat "$out" >&2
	echo "--- emulator stdout/stderr ---" >&2
	cat "$log" >&2
	exit 1
fi
echo "pass: $(basename "$rom") ended with status $status"
exit 0

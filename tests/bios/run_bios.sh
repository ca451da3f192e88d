#!/bin/sh
# run_bios.sh: boots a test disk through a BIOS and checks how the run went.
#
#   run_bios.sh [--qemu] EMULATOR STATUS EXPECT [--serial RE] [--screen RE] -- ARGS...
#
# EMULATOR is popek (run headless, with --rtc-base 2024-01-02T03:04:05 and
# 32 MiB) or, with --qemu, qemu-system-i386 (SeaBIOS, the same RTC and RAM),
# which documents what another BIOS answers. ARGS say what to boot, in the
# emulator's own syntax. The run must end with exit status STATUS, and the
# debug console (port 0xE9) must equal the file EXPECT, or else have a line
# matching the extended regular expression EXPECT. --serial RE: some line
# of COM1's output must match RE; --screen RE (popek only, may be given
# more than once): some line of the text screen at the end (--dump-text)
# must match each RE.
set -u
qemu=0
if [ "${1:-}" = "--qemu" ]; then
	qemu=1
	shift
fi
if [ $# -lt 4 ]; then
	echo "usage: $0 [--qemu] EMULATOR STATUS EXPECT [--serial RE] [--screen RE] -- ARGS..." >&2
	exit 2
fi
emu=$1 want_status=$2 expect=$3
shift 3
serial_re= screen_re=
while [ $# -gt 0 ] && [ "$1" != "--" ]; do
	case $1 in
	--serial) serial_re=$2; shift 2 ;;
	--screen) screen_re="$screen_re$2
"; shift 2 ;;
	*) echo "$0: unknown option $1" >&2; exit 2 ;;
	esac
done
[ "${1:-}" = "--" ] && shift

dir=$(mktemp -d "${TMPDIR:-/tmp}/popek-bios.XXXXXX") || exit 2
trap 'rm -rf "$dir"' EXIT
if [ $qemu = 1 ]; then
	timeout -k 5 60 "$emu" -display none -no-reboot -m 32 \
		-rtc base=2024-01-02T03:04:05,clock=vm \
		-debugcon "file:$dir/con" -device isa-debug-exit,iobase=0xf4 \
		-serial "file:$dir/ser" "$@" >"$dir/log" 2>&1 </dev/null
else
	timeout -k 5 90 "$emu" --headless --timeout 60 -m 32 \
		--rtc-base 2024-01-02T03:04:05 --debugcon "file:$dir/con" \
		--serial "file:$dir/ser" --dump-text "$dir/screen" "$@" \
		>"$dir/log" 2>&1 </dev/null
fi
status=$?
touch "$dir/con" "$dir/ser" "$dir/screen"

fail=0
if [ "$status" != "$want_status" ]; then
	echo "FAIL: exit status $status, expected $want_status" >&2
	fail=1
fi
if [ -f "$expect" ]; then
	if ! cmp -s "$expect" "$dir/con"; then
		echo "FAIL: debug console output differs from $expect:" >&2
		diff -u "$expect" "$dir/con" >&2
		fail=1
	fi
elif ! grep -Eq -e "$expect" "$dir/con"; then
	echo "FAIL: no line of the debug console output matches: $expect" >&2
	fail=1
fi
if [ -n "$serial_re" ] && ! tr -d '\r' <"$dir/ser" | grep -Eq -e "$serial_re"; then
	echo "FAIL: no line of COM1's output matches: $serial_re" >&2
	fail=1
fi
# Each --screen pattern, one per line of $screen_re.
while IFS= read -r re; do
	[ -z "$re" ] && continue
	if ! grep -Eq -e "$re" "$dir/screen"; then
		echo "FAIL: no line of the screen matches: $re" >&2
		fail=1
	fi
done <<EOT
$screen_re
EOT
if [ $fail = 1 ]; then
	for f in con ser screen log; do
		echo "--- $f ---" >&2
		cat "$dir/$f" >&2
	done
	exit 1
fi
echo "pass: $*"
exit 0

#!/bin/sh
# demo_test.sh POPEK DISK DIR: boots the demo disk (roms/demo/demo_disk.asm)
# headless, as `make run` does without a display. It must end by itself
# (a halt with interrupts off: exit status 0), and the text screen at the
# end (--dump-text) and COM1's output must equal DIR/demo.screen.expect and
# DIR/demo.serial.expect, with every run of digits read as one '#': the
# VMM's counts and the clock change with the BIOS's code, the words and
# steps must not. --stats must count the hypercalls it made. UPDATE=1
# rewrites the expect files.
set -u
popek=$1 disk=$2 dir=$3
tmp=$(mktemp -d "${TMPDIR:-/tmp}/popek-demo.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
timeout -k 5 60 "$popek" --headless --timeout 30 --hda "$disk" --snapshot \
	--rtc-base 2024-01-02T03:04:05 --serial "file:$tmp/serial" \
	--dump-text "$tmp/screen" --stats >"$tmp/log" 2>&1 </dev/null
status=$?
fail=0
if [ $status != 0 ]; then
	echo "FAIL: exit status $status, expected 0 (the demo halts by itself)"
	cat "$tmp/log"
	fail=1
fi
# The demo's disk read and statistics went through the hypercall port, and
# --stats counts those calls.
if ! grep -Eq "^popek: vmm hypercall: [1-9][0-9]*$" "$tmp/log"; then
	echo "FAIL: --stats shows no hypercalls:"
	cat "$tmp/log"
	fail=1
fi
# Step 3's page fault, unmasked: these numbers are the CPU's (CR2, the
# error code of a supervisor write to a page that is not present) and the
# demo's (the page its handler maps), not the BIOS's.
for want in "#PF: CR2=00800000, error code 0002 (a write, page not present)." \
	"handler that mapped page 00024000 there and returned: the write ran again."; do
	if ! grep -qF "$want" "$tmp/screen"; then
		echo "FAIL: the screen does not say: $want"
		fail=1
	fi
done
for f in screen serial; do
	tr -d '\r' <"$tmp/$f" | sed -E 's/[0-9]+/#/g' >"$tmp/$f.masked"
	if [ "${UPDATE:-}" = 1 ]; then
		cp "$tmp/$f.masked" "$dir/demo.$f.expect"
	elif ! cmp -s "$dir/demo.$f.expect" "$tmp/$f.masked"; then
		echo "FAIL: the demo's $f differs from $dir/demo.$f.expect:"
		diff -u "$dir/demo.$f.expect" "$tmp/$f.masked"
		fail=1
	fi
done
[ $fail = 0 ] && echo "pass: the demo disk ran headless and ended by itself"
exit $fail

#!/bin/sh
# demo_screenshot.sh POPEK DISK DIR PNG_TOOL: the demo disk's last screen
# as a picture. Boots the demo disk (roms/demo/demo_disk.asm) headless,
# where it ends by itself, with --screenshot, once with each engine, and
# compares the PNG by its pixels (PNG_TOOL same) with DIR/demo.end.png.
#
# The moment is the end of the run, which the demo picks itself (a halt
# with interrupts off), and everything on that screen comes from virtual
# time and the guest's instructions, so both engines draw the same pixels
# run after run (--rtc-base pins the clock the BIOS reads too). Unlike
# demo_test.sh, the picture holds the VMM's counts and the tick count
# exactly, so a change to the BIOS's code can change it: then the text of
# the same screen is shown against DIR/demo.end.txt (written with the PNG)
# to show which numbers moved, and UPDATE=1 rewrites both, on purpose,
# after a look at the new picture.
set -u
popek=$1 disk=$2 dir=$3 png_tool=$4
tmp=$(mktemp -d "${TMPDIR:-/tmp}/popek-demo-png.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
fail=0
for engine in bt interp; do
	timeout -k 5 60 "$popek" --headless --timeout 30 --hda "$disk" --snapshot \
		--rtc-base 2024-01-02T03:04:05 --serial none --engine "$engine" \
		--screenshot "$tmp/$engine.png" --dump-text "$tmp/$engine.txt" \
		>"$tmp/log" 2>&1 </dev/null
	status=$?
	if [ $status != 0 ] || [ ! -s "$tmp/$engine.png" ]; then
		echo "FAIL: --engine $engine: exit status $status (expected 0), or no screenshot"
		cat "$tmp/log"
		fail=1
		continue
	fi
	if [ "${UPDATE:-}" = 1 ] && [ $engine = bt ]; then
		cp "$tmp/bt.png" "$dir/demo.end.png"
		cp "$tmp/bt.txt" "$dir/demo.end.txt"
		echo "updated: $dir/demo.end.png and demo.end.txt"
	fi
	if msg=$("$png_tool" same "$dir/demo.end.png" "$tmp/$engine.png"); then
		echo "ok: --engine $engine: the last screen has the pixels of demo.end.png"
	else
		echo "FAIL: --engine $engine: the last screen differs from $dir/demo.end.png: $msg"
		echo "  its text against demo.end.txt (UPDATE=1 rewrites both on purpose):"
		diff -u "$dir/demo.end.txt" "$tmp/$engine.txt" | sed 's/^/  /'
		fail=1
	fi
done
[ $fail = 0 ] && echo "pass: the demo's last screen, pixel for pixel, with both engines"
exit $fail

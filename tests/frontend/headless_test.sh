#!/bin/sh
# headless_test.sh POPEK GUESTS SRC PNG_TOOL JSON_CHECK: the headless
# outputs end to end: --dump-text, --screenshot (text, mode 13h, VBE),
# --display text on a pipe and on a pseudo-terminal, --stats=json, the
# output paths checked before the guest runs, and the new options' bad
# input.
#
# GUESTS is the folder of assembled guest ROMs (textscreen, gfx13h, vbe32,
# ticker, spin, hello, triple), SRC this folder (the expected files),
# PNG_TOOL and JSON_CHECK the checkers built from png_tool.c and
# json_check.c. Screenshots are compared by their decoded pixels, never
# their bytes: other libpng versions compress differently. To update an
# expected image on purpose, copy the new screenshot over it and look at
# it first.
set -u
popek=$1 guests=$2 src=$3 png_tool=$4 json_check=$5
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0

ok() { echo "ok: $1"; }
bad() {
	echo "FAIL: $1"
	fails=$((fails + 1))
}

# run NAME STATUS ARGS...: runs popek headless on a guest with the debug
# console in $tmp/con, stdout in $tmp/out and stderr in $tmp/err, and
# checks the exit status.
run() {
	local name=$1 want=$2
	shift 2
	timeout -k 5 60 "$popek" --headless --debugcon "file:$tmp/con" --serial none "$@" \
		>"$tmp/out" 2>"$tmp/err" </dev/null
	local got=$?
	if [ "$got" != "$want" ]; then
		bad "$name: exit status $got, expected $want"
		sed 's/^/  stderr: /' "$tmp/err"
		return 1
	fi
	return 0
}

# same_file NAME EXPECTED GOT
same_file() {
	if cmp -s "$2" "$3"; then
		ok "$1"
	else
		bad "$1: differs from $2"
		diff -u "$2" "$3" | head -40
	fi
}

# pixels NAME FILE "X Y RRGGBB"...: single pixels of a screenshot.
pixels() {
	local name=$1 file=$2 spec msg all=1
	shift 2
	for spec in "$@"; do
		# shellcheck disable=SC2086
		if ! msg=$("$png_tool" pixel "$file" $spec); then
			bad "$name: $msg"
			all=0
		fi
	done
	[ $all = 1 ] && ok "$name: $# pixels"
}

# --- the text screen ---------------------------------------------------------
rom=$guests/textscreen.bin
if run "textscreen dump" 1 --bios "$rom" --dump-text "$tmp/screen.txt"; then
	same_file "--dump-text of textscreen" "$src/textscreen.txt" "$tmp/screen.txt"
fi
if run "textscreen screenshot" 1 --bios "$rom" --screenshot "$tmp/screen.png"; then
	if msg=$("$png_tool" same "$src/textscreen.png" "$tmp/screen.png"); then
		ok "--screenshot of textscreen: the expected 720x400 image"
	else
		bad "--screenshot of textscreen: $msg"
	fi
	# Title bar background, the box's top left corner drawn with the
	# guest's glyph (a line in column 2 of the cell, not in column 0),
	# the cursor's scan lines after "Hello, VGA!", the last cell.
	pixels "textscreen pixels" "$tmp/screen.png" "700 8 0000aa" "20 38 55ffff" \
		"18 38 0000aa" "130 61 ffff55" "130 60 0000aa" "715 392 aa0000"
	if grep -q "font" "$tmp/err"; then
		bad "textscreen loaded a font, yet popek says it did not"
	fi
fi

# --display text without a terminal: the final screen on stdout at the
# end, after whatever the guest printed there.
if run "--display text to a pipe" 1 --bios "$rom" --display text; then
	same_file "--display text to a pipe prints the final screen" "$src/textscreen.txt" "$tmp/out"
fi
"$popek" --headless --bios "$rom" --display text --serial none >"$tmp/out" 2>"$tmp/err" </dev/null
{
	echo "text screen written"
	cat "$src/textscreen.txt"
} >"$tmp/want"
same_file "--display text after the debug console on stdout" "$tmp/want" "$tmp/out"

# --- graphics ------------------------------------------------------------------
if run "gfx13h screenshot" 1 --bios "$guests/gfx13h.bin" --screenshot "$tmp/g.png" \
	--dump-text "$tmp/g.txt"; then
	if msg=$("$png_tool" same "$src/gfx13h.png" "$tmp/g.png"); then
		ok "--screenshot of mode 13h: the expected 320x200 image"
	else
		bad "--screenshot of mode 13h: $msg"
	fi
	# The DAC's 6-bit values widened to 8 bits: 32 -> 82, 16 8 4 -> 41 20
	# 10, grey 24 -> 61, grey 44 -> b2.
	pixels "mode 13h pixels" "$tmp/g.png" "0 0 ffffff" "1 0 000000" "30 50 ff0000" \
		"150 50 828282" "170 50 412010" "310 50 ffffff" "100 150 616161" \
		"100 195 b2b2b2" "318 199 000000" "319 199 ffffff"
	echo "(graphics mode 320x200: no text screen)" >"$tmp/want"
	same_file "--dump-text in a graphics mode writes a note" "$tmp/want" "$tmp/g.txt"
fi
if run "vbe32 screenshot" 1 --bios "$guests/vbe32.bin" --screenshot "$tmp/v.png"; then
	if msg=$("$png_tool" same "$src/vbe32.png" "$tmp/v.png"); then
		ok "--screenshot of VBE 640x480x32: the expected image"
	else
		bad "--screenshot of VBE 640x480x32: $msg"
	fi
	pixels "VBE pixels" "$tmp/v.png" "0 0 204060" "20 20 ffffff" "119 69 ffffff" \
		"120 69 204060" "119 70 204060" "639 479 ff0000"
fi

# A run that ends by --timeout still writes its screenshot: the power-on
# text screen, and a note that the guest never loaded a font.
if run "screenshot after a timeout" 124 --bios "$guests/spin.bin" --timeout 0.3 \
	--screenshot "$tmp/t.png"; then
	if [ "$("$png_tool" size "$tmp/t.png")" = 720x400 ] && grep -q "never loaded a font" "$tmp/err"; then
		ok "screenshot after a timeout, with the empty-font note"
	else
		bad "screenshot after a timeout: $("$png_tool" size "$tmp/t.png") / $(cat "$tmp/err")"
	fi
fi

# --- output paths are checked before the guest runs --------------------------
# spin never ends by itself: a check made only at the end would hang
# until timeout(1) (status 124).
for path in "$tmp/no/such/dir/x.png" "$tmp"; do
	for opt in --screenshot --dump-text; do
		: >"$tmp/con"
		timeout -k 5 20 "$popek" --headless --bios "$guests/hello.bin" --debugcon "file:$tmp/con" \
			"$opt" "$path" >"$tmp/out" 2>"$tmp/err" </dev/null
		st=$?
		if [ $st = 2 ] && [ "$(wc -l <"$tmp/err")" = 1 ] && [ ! -s "$tmp/con" ]; then
			ok "$opt $path: one-line error, status 2, guest never ran ($(cat "$tmp/err"))"
		else
			bad "$opt $path: status $st, stderr: $(cat "$tmp/err"), console: $(cat "$tmp/con")"
		fi
		timeout -k 5 20 "$popek" --headless --bios "$guests/spin.bin" "$opt" "$path" \
			>/dev/null 2>&1 </dev/null
		st=$?
		[ $st = 2 ] || bad "$opt $path on a guest that never ends: status $st, expected 2"
	done
done

# --- --stats=json ----------------------------------------------------------------
if run "--stats=json" 6 --engine interp --bios "$guests/spin.bin" --max-insns 12345 --stats=json; then
	tail -n 1 "$tmp/err" >"$tmp/stats.json"
	if msg=$("$json_check" "$tmp/stats.json" instructions exit_status translated_blocks \
		cache_hits chained_jumps vmm_calls.hlt virtual_ns host_seconds guest_mips \
		interrupts exceptions engine); then
		set -- $msg
		if [ "$1 $2 $3 $4 $5" = "12345 6 null null null" ] && [ "$#" = 12 ] &&
			[ "${12}" = '"interpreter"' ]; then
			ok "--stats=json: valid, 12345 instructions, exit status 6, translator counters null"
		else
			bad "--stats=json values: $msg"
		fi
	else
		bad "--stats=json: $msg"
		cat "$tmp/stats.json"
	fi
fi
# Under the translator (the default engine) the same counters are numbers.
if run "--stats=json bt" 6 --engine bt --bios "$guests/spin.bin" --max-insns 12345 --stats=json; then
	tail -n 1 "$tmp/err" >"$tmp/stats.json"
	if msg=$("$json_check" "$tmp/stats.json" instructions translated_blocks engine); then
		set -- $msg
		if [ "$1" = 12345 ] && [ "$2" -gt 0 ] 2>/dev/null && [ "$3" = '"translator"' ]; then
			ok "--stats=json under bt: translated blocks counted ($2), engine translator"
		else
			bad "--stats=json bt values: $msg"
		fi
	else
		bad "--stats=json bt: $msg"
		cat "$tmp/stats.json"
	fi
fi
if run "--stats=json counts" 1 --bios "$rom" --stats=json; then
	tail -n 1 "$tmp/err" >"$tmp/stats.json"
	# textscreen's OUTs: 14 for the font and CRTC, one debug-exit write and
	# its debug console bytes, all through the VMM.
	if n=$("$json_check" "$tmp/stats.json" vmm_calls.out) && [ "$n" -gt 15 ]; then
		ok "--stats=json counts VMM calls (out: $n)"
	else
		bad "--stats=json vmm_calls.out: $n"
	fi
fi
if run "--stats=text" 6 --bios "$guests/spin.bin" --max-insns 1000 --stats=text &&
	grep -q "instructions retired: 1000$" "$tmp/err"; then
	ok "--stats=text is --stats"
else
	bad "--stats=text"
fi

# --- a pseudo-terminal: the screen repainted in place ----------------------------
# script(1) (util-linux) gives popek a terminal as stdout.
if command -v script >/dev/null 2>&1 && script -qec true /dev/null >/dev/null 2>&1 </dev/null; then
	timeout -k 5 30 script -qec "'$popek' --headless --bios '$rom' --display text" /dev/null \
		>"$tmp/tty" 2>&1 </dev/null
	st=$?
	esc=$(printf '\033')
	if [ $st = 1 ] && grep -q "${esc}\[0;93;44mHello, VGA!" "$tmp/tty" &&
		grep -q "${esc}\[4;15H" "$tmp/tty" && ! grep -q "text screen written" "$tmp/tty"; then
		ok "--display text on a terminal: ANSI colours, the cursor, debug console unplugged"
	else
		bad "--display text on a terminal (status $st):"
		cat -v "$tmp/tty" | head -20
	fi
	# A guest that changes the screen all the time: about 30 repaints in
	# a second of host time, never many more.
	timeout -k 5 30 script -qec "'$popek' --headless --bios '$guests/ticker.bin' --display text --timeout 1" \
		/dev/null >"$tmp/tty" 2>&1 </dev/null
	n=$(grep -o "popek ticker" "$tmp/tty" | wc -l)
	if [ "$n" -ge 2 ] && [ "$n" -le 34 ]; then
		ok "--display text repaints a busy screen $n times in one second"
	else
		bad "--display text repainted $n times in one second"
	fi
else
	echo "skip: no script(1) to give popek a terminal"
fi

# --- options -------------------------------------------------------------------------
# expect_usage DESCRIPTION ARGS...: status 2 and one line on stderr.
expect_usage() {
	local what=$1
	shift
	"$popek" --headless "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
	local st=$?
	if [ $st = 2 ] && [ "$(wc -l <"$tmp/err")" = 1 ]; then
		ok "$what ($(cat "$tmp/err"))"
	else
		bad "$what: status $st, stderr: $(cat "$tmp/err")"
	fi
}
expect_usage "unknown display" --display bogus
expect_usage "unknown stats format" --stats=xml
expect_usage "empty screenshot name" --screenshot ""
expect_usage "display without a value" --display
if run "--no-reboot" 4 --bios "$guests/triple.bin" --no-reboot; then
	ok "--no-reboot: a reset still ends the run with status 4"
fi

[ "$fails" = 0 ] || {
	echo "$fails failure(s)"
	exit 1
}

#!/bin/sh
# window_test.sh MODE POPEK GUESTS SRC [WINDOW_X11]: the desktop window
# (frontend/window*.c) end to end. GUESTS is the folder of assembled guest
# ROMs (window_echo, hello, gfx13h, vbe32, triple), SRC is tests/frontend.
#
#   nodisplay  no X server needed: --display sdl without a display is one
#              line and status 2, as are the other bad --display uses, and
#              a plain run without a display is headless.
#   xvfb       on a private Xvfb server: the window is the default, keys
#              typed with xdotool reach the guest (window_echo.asm echoes
#              them), the real window's pixels (WINDOW_X11 shot) match the
#              guest's frame and tests/frontend/window_echo.png, the hotkeys
#              act, the title shows the engine, mode and POST code, mode 13h
#              keeps its shape, --scale integer letterboxes, a frame too big
#              for the window is a placeholder and one line, a guest reset
#              reboots (or ends the run with --no-reboot), and the close
#              button ends the run with status 0.
#              Exit status 77 (skipped) with a message when Xvfb or xdotool
#              is missing.
#
# UPDATE=1 rewrites window_echo.png from the window (look at it first).
set -u
mode=$1
popek=$2
guests=$3
src=$4
x11=${5:-}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/window_test.XXXXXX")
xvfb_pid=
popek_pid=
cleanup() {
	[ -n "$popek_pid" ] && kill "$popek_pid" 2>/dev/null
	[ -n "$xvfb_pid" ] && kill "$xvfb_pid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

fails=0
fail() {
	echo "FAIL: $*"
	fails=$((fails + 1))
}
ok() { echo "ok: $*"; }

# one_line STATUS WANT_STATUS PATTERN DESCRIPTION: the run ended with
# WANT_STATUS and exactly one line on stderr, matching PATTERN.
one_line() {
	if [ "$1" -ne "$2" ]; then
		fail "$4: status $1, expected $2"
		sed 's/^/  stderr: /' "$tmp/err"
	elif [ "$(wc -l <"$tmp/err")" -ne 1 ] || ! grep -q -- "$3" "$tmp/err"; then
		fail "$4: stderr is not one line matching '$3'"
		sed 's/^/  stderr: /' "$tmp/err"
	else
		ok "$4"
	fi
}

if [ "$mode" = nodisplay ]; then
	nodisp() {
		env -u DISPLAY -u WAYLAND_DISPLAY timeout -k 5 60 "$popek" "$@" \
			>"$tmp/out" 2>"$tmp/err" </dev/null
	}
	nodisp --display sdl --bios "$guests/hello.bin"
	one_line $? 2 "^popek: cannot open a window: " "--display sdl without a display"
	# A display nobody serves: the same for --display sdl; a plain run
	# says it once and runs headless.
	DISPLAY=:987 timeout -k 5 60 "$popek" --display sdl --bios "$guests/hello.bin" \
		>"$tmp/out" 2>"$tmp/err" </dev/null
	one_line $? 2 "^popek: cannot open a window on DISPLAY=:987: " "--display sdl, display unreachable"
	DISPLAY=:987 timeout -k 5 60 "$popek" --bios "$guests/hello.bin" --debugcon none \
		>"$tmp/out" 2>"$tmp/err" </dev/null
	s=$?
	if [ $s -eq 1 ] && [ "$(grep -c 'cannot open a window on DISPLAY=:987: .*; running headless$' "$tmp/err")" -eq 1 ]; then
		ok "display unreachable: a headless run, said once"
	else
		fail "display unreachable: status $s"
		sed 's/^/  stderr: /' "$tmp/err"
	fi
	nodisp --display vnc --bios "$guests/hello.bin"
	one_line $? 2 "unknown display 'vnc'" "unknown display name"
	nodisp --display sdl --headless --bios "$guests/hello.bin"
	one_line $? 2 "contradict" "--display sdl with --headless"
	nodisp --display sdl --screenshot "$tmp/x.png" --bios "$guests/hello.bin"
	one_line $? 2 "contradict" "--display sdl with --screenshot"
	nodisp --display sdl --step-script - --bios "$guests/hello.bin"
	one_line $? 2 "^popek: --step runs in the terminal" "--display sdl with --step"
	# No display, no options: headless, quietly.
	nodisp --bios "$guests/hello.bin"
	s=$?
	if [ $s -ne 1 ] || ! grep -q "hello from popek" "$tmp/out" ||
		[ "$(wc -l <"$tmp/err")" -ne 1 ]; then
		fail "no display: a headless run (status $s)"
		sed 's/^/  stderr: /' "$tmp/err"
	else
		ok "no display: a headless run"
	fi
	[ $fails -eq 0 ] || exit 1
	exit 0
fi

# --- on Xvfb ---------------------------------------------------------------
for tool in Xvfb xdotool; do
	if ! command -v $tool >/dev/null 2>&1; then
		echo "window: SKIP: $tool is not installed (scripts/setup.sh installs xvfb and xdotool)"
		exit 77
	fi
done
if [ -z "$x11" ] || [ ! -x "$x11" ]; then
	echo "window: SKIP: no window_x11 tool (needs Xlib)"
	exit 77
fi

# A private server; -displayfd picks a free display number.
Xvfb -displayfd 3 -screen 0 1600x1200x24 -nolisten tcp 3>"$tmp/dpy" >"$tmp/xvfb.log" 2>&1 &
xvfb_pid=$!
i=0
while [ ! -s "$tmp/dpy" ] && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
if [ ! -s "$tmp/dpy" ]; then
	echo "window: SKIP: Xvfb did not start"
	cat "$tmp/xvfb.log"
	exit 77
fi
DISPLAY=:$(head -n 1 "$tmp/dpy")
export DISPLAY
unset WAYLAND_DISPLAY
cd "$tmp" || exit 1

# start NAME ARGS...: popek in the background (debug console to NAME.con,
# stderr to NAME.err), then waits for its window; sets $wid.
start() {
	name=$1
	shift
	: >"$tmp/$name.con"
	timeout -k 5 120 "$popek" --debugcon "file:$tmp/$name.con" --serial none "$@" \
		>"$tmp/$name.out" 2>"$tmp/$name.err" </dev/null &
	popek_pid=$!
	# xdotool gives up at once when a window it looks at goes away during
	# the search (the previous test's window closing): ask again.
	wid= tries=0
	while [ -z "$wid" ] && [ $tries -lt 20 ] && kill -0 "$popek_pid" 2>/dev/null; do
		wid=$(timeout 20 xdotool search --sync --onlyvisible --pid "$popek_pid" \
			--name '^popek' 2>/dev/null | head -n 1)
		[ -n "$wid" ] || sleep 0.5
		tries=$((tries + 1))
	done
	if [ -z "$wid" ]; then
		fail "$name: no window appeared"
		sed 's/^/  stderr: /' "$tmp/$name.err"
		return 1
	fi
	# No window manager: give the window the keyboard focus ourselves.
	xdotool windowfocus --sync "$wid" 2>/dev/null
	return 0
}

# finish: waits for popek to end; sets $status.
finish() {
	wait "$popek_pid"
	status=$?
	popek_pid=
}

# stop: ends a run that is still going (Ctrl+Alt+Q), and waits.
stop() {
	if [ -n "$popek_pid" ]; then
		xdotool key ctrl+alt+q 2>/dev/null
		finish
	fi
}

# wait_for FILE PATTERN [COUNT]: waits (up to 10 s) until PATTERN is on at
# least COUNT lines of FILE.
wait_for() {
	n=0
	while [ "$(grep -c -- "$2" "$1")" -lt "${3:-1}" ]; do
		n=$((n + 1))
		[ $n -gt 100 ] && return 1
		sleep 0.1
	done
	return 0
}

# wait_title PATTERN [not]: waits (up to 10 s) until the title matches
# PATTERN (or, with "not", no longer does).
wait_title() {
	n=0
	while :; do
		t=$(xdotool getwindowname "$wid" 2>/dev/null)
		if echo "$t" | grep -q -- "$1"; then
			[ "${2:-}" != not ] && return 0
		else
			[ "${2:-}" = not ] && return 0
		fi
		n=$((n + 1))
		[ $n -gt 100 ] && return 1
		sleep 0.1
	done
}

# shot NAME: the window's pixels, once two grabs 0.3 s apart agree (the
# picture has settled).
shot() {
	"$x11" shot "$wid" "$tmp/$1.png" || return 1
	n=0
	while :; do
		sleep 0.3
		"$x11" shot "$wid" "$tmp/$1.next.png" || return 1
		"$x11" compare "$tmp/$1.png" "$tmp/$1.next.png" 0 0 1 >/dev/null && return 0
		mv "$tmp/$1.next.png" "$tmp/$1.png"
		n=$((n + 1))
		[ $n -gt 20 ] && return 1
	done
}

# --- keys, the picture, the hotkeys (window_echo.asm) -----------------------
# No --display: with a display present, the window is the default.
if start echo --bios "$guests/window_echo.bin"; then
	con=$tmp/echo.con
	if wait_for "$con" '^ready$'; then
		ok "the window is the default frontend with a display"
	else
		fail "the guest never got ready"
	fi
	if wait_title '^popek - translator - [0-9.]* MIPS - real - POST 42'; then
		ok "title: engine, MIPS, CPU mode, POST code"
	else
		fail "title is '$(xdotool getwindowname "$wid")'"
	fi

	# Shift on a US layout, extended keys (Right arrow, keypad Enter).
	xdotool key --delay 30 shift+h e l l o comma space p o p e k shift+1 Right KP_Enter
	if wait_for "$con" '^k 9c$'; then
		cat >"$tmp/keys.expect" <<-EOF
			ready
			k 2a
			k 23
			k aa
			k a3
			k 12
			k 92
			k 26
			k a6
			k 26
			k a6
			k 18
			k 98
			k 33
			k b3
			k 39
			k b9
			k 19
			k 99
			k 18
			k 98
			k 19
			k 99
			k 12
			k 92
			k 25
			k a5
			k 2a
			k 02
			k aa
			k 82
			k e0
			k 4d
			k e0
			k cd
			k e0
			k 1c
			k e0
			k 9c
		EOF
		if diff -u "$tmp/keys.expect" "$con" >"$tmp/keys.diff"; then
			ok "keys: make and break codes, Shift, extended keys"
		else
			fail "keys: the guest got other codes"
			cat "$tmp/keys.diff"
		fi
	else
		fail "keys: the guest did not get them all"
		tr '\n' ' ' <"$con"
		echo
	fi

	# The real window against the guest's own frame (the screenshot
	# hotkey writes the VGA's frame) and against the expected image.
	if shot typed; then
		if [ "${UPDATE:-0}" = 1 ]; then
			cp "$tmp/typed.png" "$src/window_echo.png"
			echo "updated $src/window_echo.png"
		fi
		if msg=$("$x11" compare "$tmp/typed.png" "$src/window_echo.png" 0 0 1); then
			ok "window pixels match window_echo.png"
		else
			fail "window pixels differ from window_echo.png: $msg"
			cp "$tmp/typed.png" "${TMPDIR:-/tmp}/window_echo.actual.png"
			echo "  (the window's picture: ${TMPDIR:-/tmp}/window_echo.actual.png)"
		fi
	else
		fail "no screenshot of the window"
	fi
	xdotool key ctrl+alt+s
	if wait_for "$tmp/echo.err" 'screenshot saved to popek-.*\.png'; then
		png=$(ls "$tmp"/popek-*.png 2>/dev/null | head -n 1)
		if [ -n "$png" ] && msg=$("$x11" compare "$tmp/typed.png" "$png" 0 0 1); then
			ok "Ctrl+Alt+S: a PNG of the frame, the same as the window shows"
		else
			fail "Ctrl+Alt+S: the PNG differs from the window: $msg"
		fi
	else
		fail "Ctrl+Alt+S: no screenshot"
	fi

	# Typematic repeat: a key held for 1.2 s repeats after 500 ms at
	# 10.9 a second (in real time: the guest idles in HLT).
	xdotool keydown a
	sleep 1.2
	xdotool keyup a
	if wait_for "$con" '^k 9e$'; then
		n=$(grep -c '^k 1e$' "$con")
		if [ "$n" -ge 4 ] && [ "$n" -le 16 ]; then
			ok "typematic repeat: $n make codes for 1.2 s"
		else
			fail "typematic repeat: $n make codes for 1.2 s (expected 4-16)"
		fi
	else
		fail "typematic repeat: no break code"
	fi

	# Pause: a key typed while paused reaches the guest on resume.
	xdotool key ctrl+alt+p
	if wait_title ' - paused'; then
		xdotool key b
		sleep 0.5
		if grep -q '^k 30$' "$con"; then
			fail "Ctrl+Alt+P: the guest ran while paused"
		else
			xdotool key ctrl+alt+p
			if wait_title ' - paused' not && wait_for "$con" '^k b0$'; then
				ok "Ctrl+Alt+P pauses and resumes"
			else
				fail "Ctrl+Alt+P: no resume"
			fi
		fi
	else
		fail "Ctrl+Alt+P: the title does not say paused"
	fi

	# Ctrl+Alt+E: the engine the run started with hands over to the other
	# one (interpreter <-> translator), the guest goes on echoing keys
	# under it (x: break code ad), and a second press switches back.
	was=interpreter other=translator
	if wait_title '^popek - translator - '; then
		was=translator other=interpreter
	fi
	xdotool key ctrl+alt+e
	if wait_title "^popek - $other - .*engine: $other"; then
		xdotool key x
		if wait_for "$con" '^k ad$'; then
			xdotool key ctrl+alt+e
			if wait_title "^popek - $was - .*engine: $was"; then
				ok "Ctrl+Alt+E switches from the $was to the $other and back"
			else
				fail "Ctrl+Alt+E: no switch back to the $was"
			fi
		else
			fail "Ctrl+Alt+E: the guest stopped echoing keys under the $other"
		fi
	else
		fail "Ctrl+Alt+E: the title does not say $other"
	fi
	xdotool key ctrl+alt+t
	if wait_title 'stepper not available'; then
		ok "Ctrl+Alt+T: no stepper without a terminal, and says so"
	else
		fail "Ctrl+Alt+T: no message"
	fi

	xdotool key ctrl+alt+Delete
	if wait_for "$con" '^ctrl-alt-del$'; then
		ok "Ctrl+Alt+Delete reaches the guest"
	else
		fail "Ctrl+Alt+Delete: the guest did not see it"
	fi

	# The mouse: a click grabs it; motion reaches the guest; Ctrl+Alt+G
	# lets it go.
	xdotool mousemove --window "$wid" 300 200
	sleep 0.2
	xdotool click 1
	if wait_title 'Ctrl+Alt+G releases the mouse'; then
		before=$(grep -c '^m ' "$con")
		xdotool mousemove_relative -- 40 -30
		sleep 0.2
		xdotool click 3
		if wait_for "$con" '^m ' $((before + 6)); then
			ok "mouse: grabbed on click, motion and buttons to the guest"
		else
			fail "mouse: the guest got $(($(grep -c '^m ' "$con") - before)) bytes"
		fi
		xdotool key ctrl+alt+g
		if wait_title 'releases the mouse' not; then
			ok "Ctrl+Alt+G releases the mouse"
		else
			fail "Ctrl+Alt+G: still grabbed"
		fi
	else
		fail "mouse: a click did not grab it"
	fi

	xdotool key ctrl+alt+r
	if wait_for "$con" '^ready$' 2; then
		ok "Ctrl+Alt+R resets the machine"
	else
		fail "Ctrl+Alt+R: the guest did not start again"
	fi

	xdotool key Escape
	finish
	if [ $status -eq 1 ] && grep -q '^bye$' "$con"; then
		ok "the guest's debug-exit ends the run (status 1)"
	else
		fail "Escape: status $status"
		sed 's/^/  stderr: /' "$tmp/echo.err"
	fi
fi

# --- closing ------------------------------------------------------------------
if start close --display sdl --bios "$guests/window_echo.bin" --stats; then
	wait_for "$tmp/close.con" '^ready$'
	"$x11" close "$wid"
	finish
	if [ $status -eq 0 ] && grep -q 'instructions' "$tmp/close.err"; then
		ok "the close button ends the run with status 0"
	else
		fail "close button: status $status"
		sed 's/^/  stderr: /' "$tmp/close.err"
	fi
fi
if start quit --display sdl --bios "$guests/window_echo.bin"; then
	wait_for "$tmp/quit.con" '^ready$'
	xdotool key ctrl+alt+q
	finish
	if [ $status -eq 0 ]; then
		ok "Ctrl+Alt+Q quits with status 0"
	else
		fail "Ctrl+Alt+Q: status $status"
	fi
fi

# --- graphics: mode 13h's shape, --scale ----------------------------------------
# gfx13h.asm draws and then halts (its exit port is off): the picture stays.
if start gfx --display sdl --bios "$guests/gfx13h.bin" --exit-port none; then
	wait_title ' - halted' >/dev/null
	geom=$(xdotool getwindowgeometry "$wid" | sed -n 's/.*Geometry: //p')
	if [ "$geom" = 640x400 ]; then
		ok "mode 13h opens a 640x400 window (320x200 with doubled pixels)"
	else
		fail "mode 13h window is $geom, not 640x400"
	fi
	if shot gfx && msg=$("$x11" compare "$tmp/gfx.png" "$src/gfx13h.png" 0 0 2); then
		ok "mode 13h: every pixel a 2x2 square of the guest's colour"
	else
		fail "mode 13h picture: $msg"
	fi
	# A 1280x800 window: the picture fills it, 4x4 a pixel.
	# (At the screen's corner: XGetImage wants the window all on screen.)
	xdotool windowmove --sync "$wid" 0 0
	xdotool windowsize --sync "$wid" 1280 800
	if shot gfx4 && msg=$("$x11" compare "$tmp/gfx4.png" "$src/gfx13h.png" 0 0 4); then
		ok "scaled to fit a 1280x800 window"
	else
		fail "1280x800 window: $msg"
	fi
	stop
fi
if start gfxint --display sdl --scale integer --bios "$guests/gfx13h.bin" --exit-port none; then
	wait_title ' - halted' >/dev/null
	# 1000x700: whole factors only, so 2x (640x400) centred in black.
	xdotool windowmove --sync "$wid" 0 0
	xdotool windowsize --sync "$wid" 1000 700
	if shot gfxint && msg=$("$x11" compare "$tmp/gfxint.png" "$src/gfx13h.png" 180 150 2); then
		ok "--scale integer: whole factors, letterboxed in black"
	else
		fail "--scale integer: $msg"
	fi
	stop
fi

# --- a frame the window cannot show -------------------------------------------------
# The test hook POPEK_WINDOW_MAX_TEXTURE (frontend/window_internal.h) makes
# the 640x480 VBE picture too large.
POPEK_WINDOW_MAX_TEXTURE=600
export POPEK_WINDOW_MAX_TEXTURE
start big --display sdl --bios "$guests/vbe32.bin" --exit-port none
started=$?
unset POPEK_WINDOW_MAX_TEXTURE
if [ $started -eq 0 ]; then
	wait_title ' - halted' >/dev/null
	if shot big; then
		c=$("$x11" pixel "$tmp/big.png" 320 100)
		d=$("$x11" pixel "$tmp/big.png" 320 240)
		if [ "$c" = 404040 ] && [ "$d" = c82020 ]; then
			ok "a frame too large for the window: the placeholder"
		else
			fail "placeholder: pixels $c and $d"
		fi
	fi
	stop
	if [ "$(grep -c 'cannot show the guest.s 640x480 graphics frame' "$tmp/big.err")" -eq 1 ]; then
		ok "the placeholder is said once on stderr"
	else
		fail "placeholder: stderr is"
		sed 's/^/  stderr: /' "$tmp/big.err"
	fi
fi

# --- a guest's reset ---------------------------------------------------------------
if start reboot --display sdl --bios "$guests/triple.bin" --timeout 2; then
	finish
	if [ $status -eq 124 ] && grep -q 'triple fault (shutdown) at .*: rebooting' "$tmp/reboot.err"; then
		ok "a triple fault reboots the window's machine"
	else
		fail "reboot: status $status"
		sed 's/^/  stderr: /' "$tmp/reboot.err"
	fi
fi
# With --no-reboot the window may be gone before xdotool sees it: no start().
timeout -k 5 60 "$popek" --display sdl --bios "$guests/triple.bin" --no-reboot --debugcon none \
	>"$tmp/out" 2>"$tmp/noreboot.err" </dev/null
status=$?
if [ $status -eq 4 ] && grep -q 'triple fault' "$tmp/noreboot.err"; then
	ok "--no-reboot: a reset ends the run (status 4)"
else
	fail "--no-reboot: status $status"
	sed 's/^/  stderr: /' "$tmp/noreboot.err"
fi

[ $fails -eq 0 ] || exit 1
exit 0

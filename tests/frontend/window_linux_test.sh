#!/bin/bash
# window_linux_test.sh POPEK FONT.inc: Debian's Linux (the kernel and
# initramfs of tests/guests/linux/, cached by its lib.sh) in popek's window
# on a private Xvfb server, with the kernel's console on the VGA text screen
# (console=tty0) and nothing on the serial port. Commands are typed into the
# window with xdotool and reach the shell through the window's keyboard,
# the i8042 and the kernel's keyboard driver; what they print is read from
# the window's own screenshots (Ctrl+Alt+S, a PNG of the VGA frame the
# window shows) by tests/guests/linux/png_text.py, which matches every
# character cell against FONT.inc, the BIOS's 8x16 font, pixel for pixel.
# Checked: /init's markers on the screen (and not on COM1), the typed
# command lines echoed, their output, then `poweroff -f`: the kernel halts
# ("reboot: System halted" on the screen), the window stays up with its
# last screen, and Ctrl+Alt+Q ends the run with status 0.
#
# Exit status 77 (skipped), with a message, when Xvfb, xdotool or python3
# is missing or the Debian packages cannot be downloaded. Half a minute
# (a minute in the sanitizer build).
set -u
popek=$1
font=$2
here=$(cd "$(dirname "$0")" && pwd)
linux_tag=window_linux
# shellcheck source=tests/guests/linux/lib.sh
. "$here/../guests/linux/lib.sh"

for tool in Xvfb xdotool python3; do
	command -v $tool >/dev/null 2>&1 ||
		linux_skip "$tool is not installed (scripts/setup.sh installs xvfb and xdotool)"
done
[ -x "$popek" ] || linux_fail "no popek at $popek"
[ -f "$font" ] || linux_fail "no font at $font"
popek=$(cd "$(dirname "$popek")" && pwd)/$(basename "$popek") # the test runs in $tmp
font=$(cd "$(dirname "$font")" && pwd)/$(basename "$font")
linux_fetch

tmp=$(mktemp -d "${TMPDIR:-/tmp}/window_linux.XXXXXX") || linux_fail "mktemp"
xvfb_pid=
popek_pid=
cleanup() {
	[ -n "$popek_pid" ] && kill "$popek_pid" 2>/dev/null
	[ -n "$xvfb_pid" ] && kill "$xvfb_pid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# A private server; -displayfd picks a free display number (as
# window_test.sh does).
Xvfb -displayfd 3 -screen 0 1024x768x24 -nolisten tcp 3>"$tmp/dpy" >"$tmp/xvfb.log" 2>&1 &
xvfb_pid=$!
for ((i = 0; i < 100; i++)); do
	[ -s "$tmp/dpy" ] && break
	sleep 0.1
done
if [ ! -s "$tmp/dpy" ]; then
	cat "$tmp/xvfb.log"
	linux_skip "Xvfb did not start"
fi
DISPLAY=:$(head -n 1 "$tmp/dpy")
export DISPLAY
unset WAYLAND_DISPLAY
cd "$tmp" || linux_fail "cd $tmp"

# The last lines of what popek said and of the last screen read.
show() {
	linux_say "popek's messages:"
	sed 's/^/    /' "$tmp/err"
	if [ -f "$tmp/screen.txt" ]; then
		linux_say "the last screen read from the window:"
		sed 's/^/    | /' "$tmp/screen.txt"
	fi
}
die() {
	show
	linux_fail "$*"
}

timeout -k 5 600 "$popek" --display sdl -m "$mem" --kernel "$kernel" --initrd "$initrd" \
	--append "console=tty0 $kernel_opts popek_mode=shell" --serial "file:$tmp/serial" \
	--timeout 540 >"$tmp/out" 2>"$tmp/err" </dev/null &
popek_pid=$!
wid=$(timeout 30 xdotool search --sync --name '^popek' 2>/dev/null | head -n 1)
[ -n "$wid" ] || die "no window appeared"
# No window manager: the window gets the keyboard focus from us.
xdotool windowfocus --sync "$wid" 2>/dev/null

# screen: a screenshot through the window's hotkey, read back as text
# into screen.txt.
shots=0
screen() {
	xdotool key ctrl+alt+s
	shots=$((shots + 1))
	local n
	for ((n = 0; n < 100; n++)); do
		[ "$(grep -c 'screenshot saved to ' "$tmp/err")" -ge $shots ] && break
		kill -0 "$popek_pid" 2>/dev/null || return 1
		sleep 0.1
	done
	local png
	png=$(grep 'screenshot saved to ' "$tmp/err" | sed -n "${shots}s/.*screenshot saved to //p")
	[ -n "$png" ] || return 1
	python3 "$here/../guests/linux/png_text.py" "$png" "$font" >"$tmp/screen.txt" || return 1
	rm -f "$png"
}

# screen_wait PATTERN SECONDS: reads the screen until a line matches
# PATTERN (an extended regular expression).
screen_wait() {
	local t0=$SECONDS
	while ((SECONDS - t0 < $2)); do
		kill -0 "$popek_pid" 2>/dev/null || return 1
		if screen && grep -Eq -- "$1" "$tmp/screen.txt"; then
			return 0
		fi
		sleep 1
	done
	return 1
}

# The boot: the kernel's console on the screen, /init's marker, the shell.
screen_wait '^POPEK-LINUX-SHELL-READY' 400 || die "no shell on the screen"
grep -q '^POPEK-LINUX-INIT-OK [0-9]' "$tmp/screen.txt" ||
	die "no init marker on the screen"
linux_say "on the screen: $(grep -m 1 '^POPEK-LINUX-INIT-OK' "$tmp/screen.txt")"
if grep -aq 'POPEK-LINUX\|Linux version' "$tmp/serial"; then
	die "the console went to the serial port, not (only) to the screen"
fi

# type COMMAND PATTERN: types COMMAND and Enter into the window; the screen
# must show the command line echoed and then a line matching PATTERN.
type_check() {
	xdotool type --delay 60 -- "$1"
	xdotool key Return
	screen_wait "$2" 60 || die "typed '$1': no line matching '$2' on the screen"
	grep -qF -- "$1" "$tmp/screen.txt" || die "typed '$1': the command line is not on the screen"
	linux_say "typed '$1', the screen shows '$(grep -E -m 1 -- "$2" "$tmp/screen.txt")'"
}
# The first also quietens the kernel's console (dmesg -n 1: emergencies
# only, such as the halt), so no late kernel message lands in an answer.
# shellcheck disable=SC2016 # the guest's shell expands it
type_check 'dmesg -n 1; echo popek-$((6 * 7))' '^popek-42$'
type_check 'uname -sm' '^Linux i686$'

xdotool type --delay 60 'poweroff -f'
xdotool key Return
screen_wait 'reboot: System halted' 60 || die "no 'System halted' on the screen after poweroff -f"
for ((i = 0; i < 100; i++)); do
	grep -q 'guest halted with interrupts disabled' "$tmp/err" && break
	sleep 0.1
done
grep -q 'guest halted with interrupts disabled' "$tmp/err" || die "popek did not see the halt"
# The window keeps the last screen up; Ctrl+Alt+Q ends the run.
xdotool key ctrl+alt+q
wait "$popek_pid"
status=$?
popek_pid=
[ $status = 0 ] || die "status $status after Ctrl+Alt+Q, not 0"
linux_say "PASS: Linux on the VGA console in the window: typed commands ran, poweroff halted it" \
	"($shots screenshots read)"

#!/bin/bash
# run_linux.sh: Debian's i386 Linux on popek, booted directly (--kernel,
# --initrd) with a busybox initramfs.
#
#   run_linux.sh test POPEK    boot headless with console=ttyS0, wait for
#                              the init marker and the shell, type commands
#                              on the serial port, check their output, and
#                              power off: the run must end by itself with
#                              the kernel halted (exit status 0)
#   run_linux.sh marker POPEK  boot, check the marker, power off at once
#   run_linux.sh shell POPEK   an interactive busybox shell: in the window
#                              when popek opens one (console on the VGA),
#                              else on this terminal through COM1 (Ctrl-A x
#                              quits); `make linux` runs this
#   run_linux.sh fetch         only download and build the guest files
#
# The kernel (linux-image-686, i386) and busybox-static:i386 come from
# Debian with `apt-get download` (as root, the i386 architecture is added
# and the package lists updated once when missing) and are cached, with the
# initramfs built from them, under build/linux-guest/ of the source tree
# (POPEK_LINUX_CACHE overrides it). When they cannot be downloaded, the
# script exits 77, which ctest reports as skipped. POPEK_LINUX_BIOS names a
# firmware image to use instead of popek's built-in BIOS; POPEK_LINUX_MEM
# the guest's RAM in MiB (default 256).
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
cache=${POPEK_LINUX_CACHE:-$root/build/linux-guest}
mem=${POPEK_LINUX_MEM:-256}
SKIP=77

say() { echo "run_linux: $*"; }
skip() { say "SKIP: $*"; exit $SKIP; }
fail() { say "FAIL: $*"; exit 1; }

# The newest linux-image-*-686 the metapackage depends on.
kernel_package() {
	apt-cache depends linux-image-686:i386 2>/dev/null |
		awk '/Depends: linux-image-[0-9]/ { print $2; exit }'
}

# Downloads and unpacks the packages once; sets $kernel and $busybox.
fetch() {
	mkdir -p "$cache/debs" || fail "cannot create $cache"
	if ! ls "$cache"/debs/linux-image-*.deb >/dev/null 2>&1 ||
	   ! ls "$cache"/debs/busybox-static_*.deb >/dev/null 2>&1; then
		command -v apt-get >/dev/null || skip "no apt-get to download Debian's kernel"
		if [ "$(id -u)" = 0 ] && ! dpkg --print-foreign-architectures | grep -qx i386; then
			say "adding the i386 architecture to dpkg and updating the package lists"
			dpkg --add-architecture i386 && apt-get update -q >/dev/null 2>&1
		fi
		local pkg
		pkg=$(kernel_package)
		[ -n "$pkg" ] || skip "linux-image-686:i386 is unknown to apt (dpkg --add-architecture i386; apt-get update)"
		say "downloading $pkg and busybox-static:i386 into $cache/debs"
		(cd "$cache/debs" && apt-get download -q "$pkg" busybox-static:i386 >/dev/null 2>&1) ||
			skip "apt-get download $pkg busybox-static:i386 failed (offline?)"
	fi
	if [ ! -d "$cache/root/bin" ]; then
		rm -rf "$cache/root"
		for d in "$cache"/debs/linux-image-*.deb "$cache"/debs/busybox-static_*.deb; do
			dpkg-deb -x "$d" "$cache/root" || fail "cannot unpack $d"
		done
	fi
	kernel=$(find "$cache/root/boot" -name 'vmlinuz-*' 2>/dev/null | sort | tail -n 1)
	busybox=$cache/root/bin/busybox
	[ -f "$kernel" ] || fail "no kernel in $cache/root/boot"
	[ -x "$busybox" ] || fail "no busybox in $cache/root/bin"
	# The initramfs: busybox and /init, rebuilt when either changes.
	initrd=$cache/initrd.cpio.gz
	if [ ! -f "$initrd" ] || [ "$here/init.sh" -nt "$initrd" ] || [ "$here/mkcpio.py" -nt "$initrd" ]; then
		rm -rf "$cache/stage"
		if ! { mkdir -p "$cache/stage/bin" &&
			cp "$busybox" "$cache/stage/bin/busybox" &&
			cp "$here/init.sh" "$cache/stage/init" &&
			chmod 755 "$cache/stage/init" &&
			python3 "$here/mkcpio.py" "$cache/stage" "$cache/initrd.cpio" &&
			gzip -9 -f "$cache/initrd.cpio"; }; then
			fail "cannot build the initramfs"
		fi
	fi
}

# popek's arguments for the kernel, the initramfs and the firmware.
boot_args() {
	args=(-m "$mem" --kernel "$kernel" --initrd "$initrd")
	[ -n "${POPEK_LINUX_BIOS:-}" ] && args+=(--bios "$POPEK_LINUX_BIOS")
}

# Waits until $out has a line matching $1, while popek runs (at most $2 s).
wait_for() {
	local i
	for ((i = 0; i < $2 * 5; i++)); do
		grep -q -- "$1" "$out" 2>/dev/null && return 0
		kill -0 "$pid" 2>/dev/null || { grep -q -- "$1" "$out" && return 0; return 1; }
		sleep 0.2
	done
	return 1
}

# The end of a run that failed: what popek printed last.
show_tail() {
	say "last lines of the serial output ($out):"
	tail -n 25 "$out" | sed 's/^/    /'
	say "popek's messages:"
	sed 's/^/    /' "$work/err"
}

# A headless boot; with commands ($interactive), typed on COM1 once the
# shell is ready.
boot_test() {
	local popek=$1 interactive=$2 mode=poweroff
	[ -x "$popek" ] || fail "no popek at $popek"
	fetch
	boot_args
	[ "$interactive" = 1 ] && mode=shell
	work=$(mktemp -d "${TMPDIR:-/tmp}/popek-linux.XXXXXX") || fail "mktemp"
	trap 'rm -rf "$work"' EXIT
	out=$work/serial.log
	mkfifo "$work/in"
	"$popek" --headless "${args[@]}" --append "console=ttyS0 popek_mode=$mode" \
		--serial stdio --timeout 600 --stats <"$work/in" >"$out" 2>"$work/err" &
	pid=$!
	exec 3>"$work/in"
	if ! wait_for "POPEK-LINUX-INIT-OK" 600; then
		exec 3>&-
		kill "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
		if grep -q "the firmware never started it" "$work/err"; then
			skip "this BIOS does not start --kernel yet (hypercall HC_BOOT_KERNEL)"
		fi
		show_tail
		fail "no init marker: Linux did not reach /init"
	fi
	say "init is running: $(grep -a -m1 POPEK-LINUX-INIT-OK "$out" | tr -d '\r')"
	if [ "$interactive" = 1 ]; then
		wait_for "POPEK-LINUX-SHELL-READY" 60 || { show_tail; fail "no shell"; }
		# Each line: a command, " => ", a pattern its output must match.
		local line cmd want
		while IFS= read -r line; do
			cmd=${line% => *}
			want=${line##* => }
			printf '%s\n' "$cmd" >&3
			wait_for "$want" 60 || { show_tail; fail "'$cmd' did not print '$want'"; }
			say "typed '$cmd', got '$want'"
		done <<'EOF'
echo popek-$((6 * 7)) => popek-42
uname -sm => Linux i686
echo cpus-$(grep -c ^processor /proc/cpuinfo) => cpus-1
busybox | head -n 1 | cut -d' ' -f1 => BusyBox
EOF
		printf 'poweroff -f\n' >&3
	fi
	local status=0
	wait "$pid" || status=$?
	exec 3>&-
	if [ "$status" != 0 ]; then
		show_tail
		fail "popek ended with status $status, not 0 (the kernel halted with interrupts off)"
	fi
	grep -q "System halted" "$out" || { show_tail; fail "no 'System halted' from the kernel"; }
	say "PASS: Linux booted to the shell and halted ($(grep -a 'host time' "$work/err" | sed 's/popek: //'))"
}

# `make linux`: the window when popek has one and there is a display, else
# this terminal.
shell() {
	local popek=$1
	shift
	[ -x "$popek" ] || fail "no popek at $popek"
	fetch
	boot_args
	if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] && "$popek" --help | grep -q -- "--display WHAT.*sdl"; then
		say "booting Linux in the window (console on the screen and on COM1)"
		exec "$popek" "${args[@]}" --append "console=ttyS0 console=tty0 popek_mode=shell" "$@"
	fi
	say "booting Linux headless: the console is this terminal (Ctrl-A x quits)"
	exec "$popek" --headless "${args[@]}" --append "console=ttyS0 popek_mode=shell" --serial stdio "$@"
}

case "${1:-}" in
test) boot_test "${2:-}" 1 ;;
marker) boot_test "${2:-}" 0 ;;
shell) shift; shell "$@" ;;
fetch) fetch; say "kernel $kernel, initramfs $initrd" ;;
*) sed -n '2,/^set -u/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 2 ;;
esac

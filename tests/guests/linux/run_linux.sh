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
#   run_linux.sh disk POPEK    the same kernel and initramfs from a hard
#                              disk through the BIOS path: an MBR partition
#                              table, a FAT partition and SYSLINUX (Debian's
#                              syslinux, syslinux-common, mtools and
#                              dosfstools, downloaded and unpacked beside
#                              the kernel, not installed), booted with
#                              --hda; checks the marker and the halt
#   run_linux.sh fetch         only download and build the guest files
#
# The kernel (linux-image-686, i386) and busybox-static:i386 come from
# Debian with `apt-get download` (as root, the i386 architecture is added
# and the package lists updated once when missing) and are cached, with the
# initramfs built from them, under build/linux-guest/ of the source tree
# (POPEK_LINUX_CACHE overrides it) by lib.sh, for this script,
# tests/frontend/window_linux_test.sh and bench/linux.sh alike. When they
# cannot be downloaded, the script exits 77, which ctest reports as
# skipped. POPEK_LINUX_BIOS names a firmware image to use instead of
# popek's built-in BIOS; POPEK_LINUX_MEM the guest's RAM in MiB (default
# 256).
set -u
here=$(cd "$(dirname "$0")" && pwd)
linux_tag=run_linux
# shellcheck source=tests/guests/linux/lib.sh
. "$here/lib.sh"

say() { linux_say "$@"; }
skip() { linux_skip "$@"; }
fail() { linux_fail "$@"; }
fetch() { linux_fetch; }

# The disk image for `disk`: SYSLINUX's MBR, a FAT16 partition with
# SYSLINUX, the kernel, the initramfs and a syslinux.cfg that boots them.
# The tools run from where their packages were unpacked; sets $disk.
make_disk() {
	local tools=$cache/tools
	if [ ! -x "$tools/usr/bin/syslinux" ] || [ ! -x "$tools/sbin/mkfs.fat" ] ||
	   [ ! -x "$tools/usr/bin/mcopy" ]; then
		mkdir -p "$cache/tool-debs" || fail "cannot create $cache/tool-debs"
		say "downloading syslinux, syslinux-common, mtools and dosfstools into $cache/tool-debs"
		(cd "$cache/tool-debs" &&
			apt-get download -q syslinux syslinux-common mtools dosfstools >/dev/null 2>&1) ||
			skip "apt-get download syslinux syslinux-common mtools dosfstools failed (offline?)"
		rm -rf "$tools"
		for d in "$cache"/tool-debs/*.deb; do
			dpkg-deb -x "$d" "$tools" || fail "cannot unpack $d"
		done
	fi
	disk=$cache/syslinux-disk.img
	if [ -f "$disk" ] && [ "$disk" -nt "$initrd" ] && [ "$disk" -nt "$here/mkdisk.py" ] &&
	   [ "$disk" -nt "$0" ] && [ "$disk" -nt "$here/lib.sh" ]; then
		return
	fi
	local part=$cache/syslinux-part.img cfg=$cache/syslinux.cfg
	printf '%s\n' "SERIAL 0 115200" "DEFAULT linux" "PROMPT 0" "TIMEOUT 0" "LABEL linux" \
		"  KERNEL vmlinuz" "  INITRD initrd.gz" \
		"  APPEND console=ttyS0 $kernel_opts popek_mode=poweroff" >"$cfg"
	rm -f "$part" "$disk"
	# 63 MiB of FAT16 after the first MiB; -h: the sectors before it, which
	# the partition's boot sector adds to find its own.
	local path=$tools/usr/bin:$tools/sbin:$PATH
	if ! { truncate -s 63M "$part" &&
		PATH=$path mkfs.fat -F 16 -h 2048 -n POPEK "$part" >/dev/null &&
		PATH=$path mcopy -i "$part" "$kernel" ::vmlinuz &&
		PATH=$path mcopy -i "$part" "$initrd" ::initrd.gz &&
		PATH=$path mcopy -i "$part" "$cfg" ::syslinux.cfg &&
		PATH=$path syslinux --install "$part" &&
		python3 "$here/mkdisk.py" "$tools/usr/lib/syslinux/mbr/mbr.bin" "$part" "$disk"; }; then
		rm -f "$disk"
		fail "cannot build the SYSLINUX disk image"
	fi
	rm -f "$part"
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
	if [ "$interactive" = disk ]; then
		# The command line is in syslinux.cfg.
		make_disk
		args=(-m "$mem" --hda "$disk" --snapshot)
		[ -n "${POPEK_LINUX_BIOS:-}" ] && args+=(--bios "$POPEK_LINUX_BIOS")
	else
		boot_args
		[ "$interactive" = 1 ] && mode=shell
		args+=(--append "console=ttyS0 $kernel_opts popek_mode=$mode")
	fi
	work=$(mktemp -d "${TMPDIR:-/tmp}/popek-linux.XXXXXX") || fail "mktemp"
	trap 'rm -rf "$work"' EXIT
	out=$work/serial.log
	mkfifo "$work/in"
	"$popek" --headless "${args[@]}" \
		--serial stdio --timeout 600 --stats <"$work/in" >"$out" 2>"$work/err" &
	pid=$!
	exec 3>"$work/in"
	# The whole line (to its CR), so the message below quotes all of it.
	if ! wait_for $'POPEK-LINUX-INIT-OK .*\r' 600; then
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
	local what="to the shell"
	[ "$interactive" = 1 ] || what="to /init"
	[ "$interactive" = disk ] && what="from the disk through the BIOS and SYSLINUX to /init"
	say "PASS: Linux booted $what and halted ($(grep -a 'host time' "$work/err" | sed 's/popek: //'))"
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
		exec "$popek" "${args[@]}" --append "console=ttyS0 console=tty0 $kernel_opts popek_mode=shell" "$@"
	fi
	say "booting Linux headless: the console is this terminal (Ctrl-A x quits)"
	exec "$popek" --headless "${args[@]}" --append "console=ttyS0 $kernel_opts popek_mode=shell" --serial stdio "$@"
}

case "${1:-}" in
test) boot_test "${2:-}" 1 ;;
marker) boot_test "${2:-}" 0 ;;
disk) boot_test "${2:-}" disk ;;
shell) shift; shell "$@" ;;
fetch) fetch; say "kernel $kernel, initramfs $initrd" ;;
*) sed -n '2,/^set -u/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 2 ;;
esac

#!/bin/sh
# setup.sh: makes sure the Debian packages popek needs are installed.
#
#   scripts/setup.sh           packages to build, run and test popek
#   scripts/setup.sh --bench   also the peer emulators `make bench` compares
#
# It asks dpkg which packages are missing and calls apt-get only for those,
# so with everything present it returns at once, without apt. Installing
# needs root: it uses apt-get directly as root, or through `sudo -n` when
# sudo needs no password; otherwise it prints the one command to run and
# fails. On a system without dpkg it only warns: CMake reports what is
# missing there.
set -eu

# Build, run and test: compiler and tools, the disassembler the stepper uses
# (capstone), unit tests (cmocka), compressed images (zlib), the window and
# screenshots (SDL2, libpng) and the terminal display (ncurses); the console
# fonts the BIOS's VGA font is built from (console-setup-linux); SeaBIOS and
# its VGA BIOS, which the tests boot unmodified as other firmware (seabios);
# for the window's tests, a virtual X server and a key sender (xvfb,
# xdotool; Xlib comes with libsdl2-dev).
PACKAGES="cmake gcc make pkg-config nasm libcapstone-dev libcmocka-dev zlib1g-dev
libsdl2-dev libpng-dev libncurses-dev console-setup-linux seabios xvfb xdotool"
# `make bench`: Bochs with its firmware and the headless "term" display.
BENCH_PACKAGES="bochs bochs-term bochsbios vgabios"

want=$PACKAGES
case "${1:-}" in
--bench) want=$BENCH_PACKAGES ;;
"") ;;
*)
	echo "usage: $0 [--bench]" >&2
	exit 2
	;;
esac

if ! command -v dpkg-query >/dev/null 2>&1; then
	echo "setup: no dpkg here; make sure these (Debian names) are installed:" >&2
	echo "  $want" >&2
	exit 0
fi

# One dpkg-query call for all of them; a package dpkg has never heard of is
# simply absent from its output.
installed=$(dpkg-query -W -f='${Package} ${db:Status-Status}\n' $want 2>/dev/null |
	awk '$2 == "installed" { print $1 }') || true
missing=
for p in $want; do
	case " $(echo $installed) " in
	*" $p "*) ;;
	*) missing="$missing $p" ;;
	esac
done
missing=${missing# }
[ -z "$missing" ] && exit 0

echo "setup: missing Debian packages: $missing"
if [ "$(id -u)" = 0 ]; then
	as_root=
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
	as_root="sudo -n"
else
	echo "setup: cannot install them without root. Run:" >&2
	echo "  sudo apt-get install -y $missing" >&2
	exit 1
fi

# Lists are fetched only when the install fails without them (a fresh
# machine or container has none).
export DEBIAN_FRONTEND=noninteractive
if ! $as_root apt-get install -y -q $missing; then
	echo "setup: install failed; updating the package lists and trying again"
	$as_root apt-get update -q
	$as_root apt-get install -y -q $missing
fi

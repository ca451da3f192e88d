#!/bin/sh
# run_memtest.sh POPEK CACHE: Debian's memtest86+ on popek, for a bounded
# number of instructions.
#
# The package (memtest86+, `apt-get download`) is fetched once into CACHE
# (the build directory's memtest-guest/) and its i386 image taken out:
# /boot/memtest86+ia32.bin (memtest86+ 6.x; 5.x called it memtest86+.bin),
# a bzImage that popek boots directly with --kernel after its BIOS's POST.
# The run stops after MEMTEST_INSNS guest instructions (--max-insns: exit
# status 6), about 5 s of host time in a Release build, by when memtest has
# sized the memory, started its first pass and is some tests into it; a
# whole first pass takes about 13 minutes of host time, too long for every
# test run. The text screen at that moment (--dump-text) must show the
# header, "Status: Testing" in pass 0 with "Errors: 0", a test under way,
# and nothing in the rows below the header, where memtest lists errors.
# The run is deterministic (virtual time; RDTSC counts it too), so the
# same instruction count always lands on the same screen.
#
# Exit status 0 on success, 1 on a failure, 77 (ctest's "skipped", with a
# line saying why) when the package cannot be downloaded.
set -u
popek=$1 cache=$2
insns=${MEMTEST_INSNS:-1000000000}
tag=memtest

say() { echo "$tag: $*"; }
skip() {
	say "SKIP: $*"
	exit 77
}
fail() {
	say "FAIL: $*"
	exit 1
}

mkdir -p "$cache/debs" || fail "cannot create $cache/debs"
if ! ls "$cache"/debs/memtest86+_*.deb >/dev/null 2>&1; then
	command -v apt-get >/dev/null || skip "no apt-get to download Debian's memtest86+"
	say "downloading memtest86+ into $cache/debs"
	if ! (cd "$cache/debs" && apt-get download -q memtest86+ >/dev/null 2>&1); then
		# Package lists that were never fetched know no memtest86+.
		if [ "$(id -u)" = 0 ]; then
			say "updating the package lists once, then trying again"
			apt-get update -q >/dev/null 2>&1
		fi
		(cd "$cache/debs" && apt-get download -q memtest86+ >/dev/null 2>&1) ||
			skip "apt-get download memtest86+ failed (offline, or unknown to apt?)"
	fi
fi
if [ ! -d "$cache/root/boot" ]; then
	rm -rf "$cache/root"
	for d in "$cache"/debs/memtest86+_*.deb; do
		dpkg-deb -x "$d" "$cache/root" || fail "cannot unpack $d"
	done
fi
image=
for f in "$cache/root/boot/memtest86+ia32.bin" "$cache/root/boot/memtest86+.bin"; do
	if [ -f "$f" ]; then
		image=$f
		break
	fi
done
[ -n "$image" ] || fail "no i386 image (memtest86+ia32.bin or memtest86+.bin) in $cache/debs/*.deb"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/popek-memtest.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
say "booting $(basename "$image") for $insns instructions"
start=$(date +%s)
# --timeout is a guard against a hang only: the instruction limit ends the
# run long before.
timeout -k 5 300 "$popek" --headless --kernel "$image" --serial none --timeout 240 \
	--max-insns "$insns" --dump-text "$tmp/screen" --stats >"$tmp/log" 2>&1 </dev/null
status=$?
end=$(date +%s)
if [ $status != 6 ]; then
	sed 's/^/  /' "$tmp/log"
	[ -f "$tmp/screen" ] && sed 's/^/  | /' "$tmp/screen"
	fail "exit status $status, expected 6 (the instruction limit)"
fi
say "host time $((end - start)) s; the screen at the limit:"
sed 's/^/  | /' "$tmp/screen"

bad=0
expect() {
	if ! grep -Eq "$1" "$tmp/screen"; then
		say "FAIL: the screen does not show $2 (/$1/)"
		bad=1
	fi
}
expect "Memtest86\\+ v[0-9]" "memtest's header"
expect "Status: Testing" "a test running"
expect "Pass: +0 " "the first pass"
expect "Errors: 0( |$)" "no errors so far"
expect "Test #[0-9]+ +\\[" "which test runs"
# Rows 11-24 (after the header's 10) stay empty until memtest has an error
# to list; the 25th is its key help line.
if sed -n '11,24p' "$tmp/screen" | grep -q '[^[:space:]]'; then
	say "FAIL: memtest wrote below its header (an error report?):"
	sed -n '11,24p' "$tmp/screen" | grep '[^[:space:]]' | sed 's/^/  | /'
	bad=1
fi
[ $bad = 0 ] || exit 1
say "pass: memtest86+ runs its first pass with no errors after $insns instructions"

# shellcheck shell=bash disable=SC2034
# tests/guests/linux/lib.sh: what the Linux guest's scripts share, sourced,
# not run (run_linux.sh, tests/frontend/window_linux_test.sh,
# bench/linux.sh): where Debian's kernel and busybox are cached, how they
# are downloaded and unpacked, how the initramfs is built from them, and
# the kernel options every boot uses.
# One copy of this, so the tests and the benchmark boot the same files.
#
# The caller may set, before sourcing:
#   linux_tag  the prefix of messages (default "linux")
# The environment may set:
#   POPEK_LINUX_CACHE  the cache (default build/linux-guest/ of the tree)
#   POPEK_LINUX_MEM    the guest's RAM in MiB (default 256)
# After linux_fetch: $kernel, $initrd, $busybox (absolute paths).
#
# linux_skip exits 77 (ctest's and bench/run.sh's "skipped"), linux_fail 1.

linux_lib_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
linux_root=$(cd "$linux_lib_dir/../../.." && pwd)
linux_tag=${linux_tag:-linux}
cache=${POPEK_LINUX_CACHE:-$linux_root/build/linux-guest}
mem=${POPEK_LINUX_MEM:-256}
SKIP=77

# On every command line: no crypto self-tests at boot. They are generic C
# bignum code (ECDSA, SM2, ECRDSA test vectors) that takes more than half
# of the boot's instructions in an interpreter, and tests nothing of popek
# that the rest of the boot does not.
kernel_opts="cryptomgr.notests"

linux_say() { echo "$linux_tag: $*"; }
linux_skip() {
	linux_say "SKIP: $*"
	exit $SKIP
}
linux_fail() {
	linux_say "FAIL: $*"
	exit 1
}

# The newest linux-image-*-686 the metapackage depends on.
linux_kernel_package() {
	apt-cache depends linux-image-686:i386 2>/dev/null |
		awk '/Depends: linux-image-[0-9]/ { print $2; exit }'
}

# Downloads and unpacks the packages once, builds the initramfs when it is
# missing or older than init.sh or mkcpio.py; sets $kernel, $busybox and
# $initrd. Skips (77) when the packages cannot be downloaded.
linux_fetch() {
	mkdir -p "$cache/debs" || linux_fail "cannot create $cache"
	# ctest runs several of these at once: one fetches and builds, the
	# others wait for it (the lock goes with the script's end).
	if command -v flock >/dev/null; then
		exec 9>"$cache/.lock" && flock 9
	fi
	if ! ls "$cache"/debs/linux-image-*.deb >/dev/null 2>&1 ||
		! ls "$cache"/debs/busybox-static_*.deb >/dev/null 2>&1; then
		command -v apt-get >/dev/null || linux_skip "no apt-get to download Debian's kernel"
		if [ "$(id -u)" = 0 ] && ! dpkg --print-foreign-architectures | grep -qx i386; then
			linux_say "adding the i386 architecture to dpkg and updating the package lists"
			dpkg --add-architecture i386 && apt-get update -q >/dev/null 2>&1
		fi
		local pkg
		pkg=$(linux_kernel_package)
		[ -n "$pkg" ] || linux_skip "linux-image-686:i386 is unknown to apt (dpkg --add-architecture i386; apt-get update)"
		linux_say "downloading $pkg and busybox-static:i386 into $cache/debs"
		(cd "$cache/debs" && apt-get download -q "$pkg" busybox-static:i386 >/dev/null 2>&1) ||
			linux_skip "apt-get download $pkg busybox-static:i386 failed (offline?)"
	fi
	if [ ! -d "$cache/root/bin" ]; then
		rm -rf "$cache/root"
		local d
		for d in "$cache"/debs/linux-image-*.deb "$cache"/debs/busybox-static_*.deb; do
			dpkg-deb -x "$d" "$cache/root" || linux_fail "cannot unpack $d"
		done
	fi
	kernel=$(find "$cache/root/boot" -name 'vmlinuz-*' 2>/dev/null | sort | tail -n 1)
	busybox=$cache/root/bin/busybox
	[ -f "$kernel" ] || linux_fail "no kernel in $cache/root/boot"
	[ -x "$busybox" ] || linux_fail "no busybox in $cache/root/bin"
	# The initramfs: busybox and /init, rebuilt when either changes.
	initrd=$cache/initrd.cpio.gz
	if [ ! -f "$initrd" ] || [ "$linux_lib_dir/init.sh" -nt "$initrd" ] ||
		[ "$linux_lib_dir/mkcpio.py" -nt "$initrd" ]; then
		rm -rf "$cache/stage"
		if ! { mkdir -p "$cache/stage/bin" &&
			cp "$busybox" "$cache/stage/bin/busybox" &&
			cp "$linux_lib_dir/init.sh" "$cache/stage/init" &&
			chmod 755 "$cache/stage/init" &&
			python3 "$linux_lib_dir/mkcpio.py" "$cache/stage" "$cache/initrd.cpio" &&
			gzip -9 -f "$cache/initrd.cpio"; }; then
			linux_fail "cannot build the initramfs"
		fi
	fi
	exec 9>&-
}

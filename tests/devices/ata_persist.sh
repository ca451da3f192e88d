#!/bin/sh
# ata_persist.sh: data safety of disk images, end to end through popek.
#
#   ata_persist.sh POPEK ATA_ROM SPIN_ROM
#
# ATA_ROM is tests/guests/ata.asm assembled: it writes a pattern to LBA 5
# of the primary master through the ATA ports and reads it back. This
# script checks, on scratch copies of a 1 MiB image:
#   - after a run, the image file holds the pattern at sector 5 and is
#     otherwise byte-for-byte what it was;
#   - with --snapshot the image file is unchanged;
#   - an image another popek holds (SPIN_ROM just spins) is refused with
#     status 2 and "is in use by another popek";
#   - a file without write permission is used write-protected, with a
#     warning, and left unchanged;
#   - a missing file, a directory, an empty file and a size that is not a
#     multiple of 512 are refused with status 2 and one line on stderr, the
#     file untouched.
set -u

if [ $# -ne 3 ]; then
	echo "usage: $0 POPEK ATA_ROM SPIN_ROM" >&2
	exit 2
fi
popek=$1 rom=$2 spin=$3

dir=$(mktemp -d "${TMPDIR:-/tmp}/popek-persist.XXXXXX") || exit 2
bg=
cleanup() {
	if [ -n "$bg" ]; then
		kill "$bg" 2>/dev/null
		wait "$bg" 2>/dev/null
	fi
	chmod -R u+w "$dir" 2>/dev/null
	rm -rf "$dir"
}
trap cleanup EXIT

fail() {
	echo "FAIL: $*" >&2
	for f in "$dir"/out "$dir"/err; do
		[ -f "$f" ] && { echo "--- $f" >&2; cat "$f" >&2; }
	done
	exit 1
}

# run ROM IMAGE-ARGS...: runs popek headless; sets $status, leaves the debug
# console in $dir/out and stdout+stderr in $dir/err.
run() {
	r=$1
	shift
	timeout -k 5 90 "$popek" --headless --bios "$r" --debugcon "file:$dir/out" \
		--timeout 60 "$@" >"$dir/err" 2>&1 </dev/null
	status=$?
}

# The original image: recognisable text everywhere, 2048 sectors.
yes popek-disk-image | head -c 1048576 >"$dir/orig.img"
[ "$(wc -c <"$dir/orig.img")" -eq 1048576 ] || fail "cannot make the test image"

# The sector the guest writes: byte i is (i * 7 + 0x5A) & 0xFF.
i=0
while [ $i -lt 512 ]; do
	v=$(( (i * 7 + 90) % 256 ))
	printf "\\$(( v / 64 ))$(( v / 8 % 8 ))$(( v % 8 ))"
	i=$((i + 1))
done >"$dir/sector5"
[ "$(wc -c <"$dir/sector5")" -eq 512 ] || fail "cannot make the expected sector"
cp "$dir/orig.img" "$dir/expected.img"
dd if="$dir/sector5" of="$dir/expected.img" bs=512 seek=5 conv=notrunc 2>/dev/null ||
	fail "dd"

printf 'identify ok\nwrite ok\nread ok\n' >"$dir/want"

# 1. Writes reach the file, at the sector's offset and nowhere else.
cp "$dir/orig.img" "$dir/disk.img"
run "$rom" --hda "$dir/disk.img"
[ "$status" = 1 ] || fail "write run: exit status $status, expected 1"
cmp -s "$dir/want" "$dir/out" || fail "write run: guest output differs"
dd if="$dir/disk.img" bs=512 skip=5 count=1 2>/dev/null | cmp -s - "$dir/sector5" ||
	fail "the image does not hold the written sector at LBA 5"
cmp -s "$dir/disk.img" "$dir/expected.img" ||
	fail "the image differs from the original outside sector 5"

# 2. --snapshot: the guest sees its writes, the file stays as it was.
cp "$dir/orig.img" "$dir/snap.img"
run "$rom" --hda "$dir/snap.img" --snapshot
[ "$status" = 1 ] || fail "snapshot run: exit status $status, expected 1"
cmp -s "$dir/want" "$dir/out" || fail "snapshot run: guest output differs"
cmp -s "$dir/snap.img" "$dir/orig.img" || fail "--snapshot changed the image file"

# 3. An image in use by another popek is refused, also for --snapshot.
cp "$dir/orig.img" "$dir/busy.img"
"$popek" --headless --bios "$spin" --hda "$dir/busy.img" --debugcon none \
	--timeout 60 >/dev/null 2>&1 </dev/null &
bg=$!
# Wait until it holds the lock: /proc/locks lists it by inode. (Probing
# with flock(1) would take the lock for a moment and could make the first
# popek itself find the image in use.)
ino=$(stat -c %i "$dir/busy.img")
n=0
until grep -q ":$ino " /proc/locks 2>/dev/null; do
	kill -0 "$bg" 2>/dev/null || fail "the first popek ended early"
	n=$((n + 1))
	[ $n -lt 100 ] || fail "the first popek never locked its image"
	sleep 0.1
done
for extra in "" --snapshot; do
	run "$rom" --hda "$dir/busy.img" $extra
	[ "$status" = 2 ] || fail "locked image $extra: exit status $status, expected 2"
	grep -q "^popek: --hda $dir/busy.img is in use by another popek$" "$dir/err" ||
		fail "locked image $extra: no 'in use' message"
	[ "$(wc -l <"$dir/err")" -eq 1 ] || fail "locked image $extra: more than one line"
done
kill "$bg"
wait "$bg" 2>/dev/null
bg=
cmp -s "$dir/busy.img" "$dir/orig.img" || fail "the locked image was changed"

# 4. A read-only file: a warning, a write-protected disk, the file as it was.
cp "$dir/orig.img" "$dir/ro.img"
chmod 444 "$dir/ro.img"
run "$rom" --hda "$dir/ro.img"
[ "$status" = 97 ] || fail "read-only run: exit status $status, expected 97"
grep -q "^popek: --hda $dir/ro.img is read-only; the guest sees a write-protected disk$" \
	"$dir/err" || fail "read-only run: no warning"
printf 'identify ok\nwrite-protected disk\n' | cmp -s - "$dir/out" ||
	fail "read-only run: guest output differs"
cmp -s "$dir/ro.img" "$dir/orig.img" || fail "the read-only image was changed"
# With --snapshot a read-only file is writable (in memory), without warning.
run "$rom" --hda "$dir/ro.img" --snapshot
[ "$status" = 1 ] || fail "read-only snapshot run: exit status $status, expected 1"
grep -q "read-only" "$dir/err" && fail "read-only snapshot run: a warning"
cmp -s "$dir/ro.img" "$dir/orig.img" || fail "the read-only image was changed"

# 5. Bad images: status 2, one line naming the file, nothing touched.
refused() {
	what=$1 path=$2 reason=$3
	run "$rom" "$what" "$path"
	[ "$status" = 2 ] || fail "$what $path: exit status $status, expected 2"
	[ "$(wc -l <"$dir/err")" -eq 1 ] || fail "$what $path: not one line on stderr"
	grep -q "^popek: $what $path.*$reason" "$dir/err" ||
		fail "$what $path: message does not say '$reason'"
}
refused --hda "$dir/missing.img" "No such file"
refused --hdb "$dir/missing.img" "No such file"
refused --cdrom "$dir/missing.iso" "No such file"
mkdir "$dir/adir"
refused --hda "$dir/adir" "is a directory"
: >"$dir/empty.img"
refused --hda "$dir/empty.img" "is empty"
head -c 1000 "$dir/orig.img" >"$dir/odd.img"
cp "$dir/odd.img" "$dir/odd.copy"
refused --hda "$dir/odd.img" "not a multiple of 512"
cmp -s "$dir/odd.img" "$dir/odd.copy" || fail "the refused image was changed"
# A good --hda with a bad --hdb: refused, and the good one untouched.
cp "$dir/orig.img" "$dir/good.img"
run "$rom" --hda "$dir/good.img" --hdb "$dir/odd.img"
[ "$status" = 2 ] || fail "good --hda, bad --hdb: exit status $status, expected 2"
cmp -s "$dir/good.img" "$dir/orig.img" || fail "the good image was changed"

echo "pass: ata_persist"
exit 0

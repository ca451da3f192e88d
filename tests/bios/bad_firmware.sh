#!/bin/sh
# bad_firmware.sh POPEK: firmware images popek must refuse before it starts:
# a --bios image that is not 64, 128 or 256 KiB, and a --vgabios image that
# is empty, larger than 128 KiB or missing. Each must give exit status 2
# and one line on stderr naming the file.
set -u
popek=$1
tmp=$(mktemp -d "${TMPDIR:-/tmp}/popek-badfw.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
head -c 100000 /dev/zero >"$tmp/odd.bin"
head -c 300000 /dev/zero >"$tmp/huge.bin"
: >"$tmp/empty.bin"
fails=0
check() {
	what=$1 file=$2
	shift 2
	"$popek" --headless --timeout 5 "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
	st=$?
	if [ $st != 2 ] || [ "$(wc -l <"$tmp/err")" != 1 ] || ! grep -q "$file" "$tmp/err"; then
		echo "FAIL: $what: status $st, stderr:"
		cat "$tmp/err"
		fails=$((fails + 1))
	else
		echo "ok: $what: $(cat "$tmp/err")"
	fi
}
check "--bios of 100000 bytes" odd.bin --bios "$tmp/odd.bin"
check "--bios of 300000 bytes" huge.bin --bios "$tmp/huge.bin"
check "--bios empty" empty.bin --bios "$tmp/empty.bin"
check "--vgabios empty" empty.bin --vgabios "$tmp/empty.bin"
check "--vgabios of 300000 bytes" huge.bin --vgabios "$tmp/huge.bin"
check "--vgabios missing" missing.bin --vgabios "$tmp/missing.bin"
[ $fails = 0 ]

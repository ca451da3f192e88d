#!/bin/sh
# rtc_cli_test.sh POPEK RTC_ROM: --rtc-base end to end. A malformed or
# out-of-range time is one line on stderr and exit status 2; a good one
# sets the clock the guest reads (tests/guests/rtc.asm prints it); the same
# --rtc-base gives the same output every run; without it the clock starts
# at the host's date (UTC).
set -u
popek=$1 rom=$2
tmp=$(mktemp -d "${TMPDIR:-/tmp}/popek-rtc.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
fails=0

bad() {
	"$popek" --headless --bios "$rom" --rtc-base "$1" >"$tmp/out" 2>"$tmp/err"
	st=$?
	if [ "$st" != 2 ] || [ "$(wc -l <"$tmp/err")" != 1 ]; then
		echo "FAIL: --rtc-base '$1': status $st, expected 2 with one line:"
		cat "$tmp/err"
		fails=$((fails + 1))
	else
		echo "ok: --rtc-base '$1' refused: $(cat "$tmp/err")"
	fi
}

for v in 2024-13-01T00:00:00 2023-02-29T12:00:00 2024-01-01T24:00:00 1969-12-31T23:59:59 \
	2100-01-01T00:00:00 "2024-01-01 00:00:00" 2024-01-01T00:00 2024-01-01T00:00:00Z \
	yesterday ""; do
	bad "$v"
done
"$popek" --headless --bios "$rom" --rtc-base >"$tmp/out" 2>"$tmp/err"
st=$?
if [ "$st" != 2 ] || [ "$(wc -l <"$tmp/err")" != 1 ]; then
	echo "FAIL: --rtc-base without a value: status $st"
	fails=$((fails + 1))
fi

# run BASE: the guest's console output with --rtc-base BASE (or none).
run() {
	if [ -n "$1" ]; then
		"$popek" --headless --bios "$rom" --debugcon "file:$tmp/con" --timeout 60 \
			--rtc-base="$1" >/dev/null 2>&1
	else
		"$popek" --headless --bios "$rom" --debugcon "file:$tmp/con" --timeout 60 \
			>/dev/null 2>&1
	fi
	st=$?
	if [ "$st" != 1 ]; then
		echo "FAIL: rtc guest with --rtc-base '$1': status $st"
		fails=$((fails + 1))
	fi
	cat "$tmp/con"
}

out1=$(run 2030-06-15T12:00:00)
out2=$(run 2030-06-15T12:00:00)
want="cmos checksum ok
start 2030-06-15 12:00:00 07
after 2030-06-15 12:00:01 07
periodic interrupts per second: 8192
then  2030-06-15 12:00:02 07"
if [ "$out1" != "$want" ] || [ "$out2" != "$want" ]; then
	echo "FAIL: --rtc-base 2030-06-15T12:00:00 gave:"
	echo "$out1"
	echo "and:"
	echo "$out2"
	fails=$((fails + 1))
else
	echo "ok: --rtc-base 2030-06-15T12:00:00, twice the same"
fi

# Without --rtc-base: the host's date, read before and after the run.
before=$(date -u +%Y-%m-%d)
out=$(run "")
after=$(date -u +%Y-%m-%d)
day=$(echo "$out" | sed -n 's/^start \([0-9-]*\) .*/\1/p')
if [ "$day" != "$before" ] && [ "$day" != "$after" ]; then
	echo "FAIL: without --rtc-base the guest read '$day', the host says $before"
	fails=$((fails + 1))
else
	echo "ok: without --rtc-base the clock starts at the host's date ($day)"
fi

[ $fails = 0 ] || exit 1

#!/usr/bin/env bash
# cli_test.sh POPEK: popek's command line and run endings, end to end.
# Bad input must give one line on stderr and exit status 2; each way a run
# can end must give its documented status; two runs of the same guest must
# print the same thing and retire the same number of instructions.
set -u
popek=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0

# expect STATUS DESCRIPTION -- ARGS...: runs popek, checks the status, and
# for status 2 checks that stderr is exactly one line.
expect() {
	local want=$1 what=$2
	shift 3
	"$popek" "$@" >"$tmp/out" 2>"$tmp/err"
	local got=$?
	if [ "$got" != "$want" ]; then
		echo "FAIL: $what: exit status $got, expected $want"
		sed 's/^/  stderr: /' "$tmp/err"
		fails=$((fails + 1))
		return
	fi
	if [ "$want" = 2 ] && [ "$(wc -l <"$tmp/err")" != 1 ]; then
		echo "FAIL: $what: expected a one-line error, got:"
		sed 's/^/  stderr: /' "$tmp/err"
		fails=$((fails + 1))
		return
	fi
	echo "ok: $what ($(head -c 100 "$tmp/err" | head -1))"
}

# A 64 KiB ROM that spins forever (EB FE = jmp $, at every even offset,
# so also at the reset vector FFF0).
for i in $(seq 1 32768); do printf '\xeb\xfe'; done >"$tmp/spin.rom"
head -c 1000 /dev/zero >"$tmp/small.rom"
head -c 65536 /dev/zero >"$tmp/unreadable.rom"
chmod 000 "$tmp/unreadable.rom"

expect 2 "unknown option" -- --bogus
expect 2 "missing ROM" -- --headless --bios "$tmp/nonexistent.rom"
expect 2 "ROM of the wrong size" -- --headless --bios "$tmp/small.rom"
expect 2 "directory as ROM" -- --headless --bios "$tmp"
if [ "$(id -u)" != 0 ]; then
	expect 2 "unreadable ROM" -- --headless --bios "$tmp/unreadable.rom"
fi
expect 2 "bad number for -m" -- --headless -m 12x
expect 2 "zero RAM" -- --headless -m 0
expect 2 "too much RAM" -- --headless -m 99999
expect 2 "negative max-insns" -- --headless --max-insns -5
expect 2 "bad timeout" -- --headless --timeout soon
expect 2 "missing option value" -- --headless --bios
expect 2 "bad exit port" -- --headless --exit-port 0x10000
expect 2 "exit port past the end" -- --headless --exit-port 0xfffe
expect 2 "exit port on the debug console" -- --headless --exit-port 0xe9
expect 2 "bad debugcon" -- --headless --debugcon tty
expect 2 "unknown log kind" -- --headless --log everything
expect 2 "debugcon into a missing directory" -- --headless --debugcon "file:$tmp/no/such/file"
expect 0 "help" -- --help
expect 0 "demo ROM halts" -- --headless --debugcon none
expect 6 "instruction limit" -- --headless --max-insns 1000
expect 124 "timeout" -- --headless --bios "$tmp/spin.rom" --timeout 0.5
expect 6 "spin with instruction limit" -- --headless --bios "$tmp/spin.rom" --max-insns 100000

# Determinism: same output, same instruction count.
"$popek" --headless --stats --debugcon "file:$tmp/a.out" 2>"$tmp/a.err"
"$popek" --headless --stats --debugcon "file:$tmp/b.out" 2>"$tmp/b.err"
if cmp -s "$tmp/a.out" "$tmp/b.out" &&
	[ "$(grep retired "$tmp/a.err")" = "$(grep retired "$tmp/b.err")" ] &&
	[ -s "$tmp/a.out" ]; then
	echo "ok: deterministic ($(grep retired "$tmp/a.err"))"
else
	echo "FAIL: two runs differ"
	fails=$((fails + 1))
fi

# The instruction limit stops exactly at N.
"$popek" --headless --stats --debugcon none --max-insns 12345 2>"$tmp/n.err"
if grep -q "instructions retired: 12345$" "$tmp/n.err"; then
	echo "ok: --max-insns 12345 retires 12345 instructions"
else
	echo "FAIL: --max-insns 12345:"
	cat "$tmp/n.err"
	fails=$((fails + 1))
fi

[ "$fails" = 0 ] || { echo "$fails failure(s)"; exit 1; }

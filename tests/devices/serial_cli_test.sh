#!/bin/sh
# serial_cli_test.sh POPEK SERIAL_ROM ECHO_ROM: the --serial and --serial2
# options end to end: bad values and unwritable files give one line on
# stderr and exit status 2; stdio puts COM1 on stdout and feeds it stdin
# (from a pipe and from a file); none drops the output; file:PATH writes it.
# SERIAL_ROM prints "hello over COM1" on COM1; ECHO_ROM echoes COM1 input
# back and onto the debug console until it reads a '.'.
set -u
popek=$1 rom=$2 echo_rom=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0

fail() {
	echo "FAIL: $*"
	fails=$((fails + 1))
}

# usage_error DESCRIPTION ARGS...: popek must exit 2 with one line on stderr.
usage_error() {
	what=$1
	shift
	"$popek" --headless --bios "$rom" "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
	st=$?
	if [ $st != 2 ] || [ "$(wc -l <"$tmp/err")" != 1 ]; then
		fail "$what: status $st, stderr:"
		sed 's/^/  /' "$tmp/err"
	else
		echo "ok: $what ($(cat "$tmp/err"))"
	fi
}

usage_error "bad --serial" --serial tty
usage_error "bad --serial2" --serial2 file:
usage_error "--serial into a missing directory" --serial "file:$tmp/no/such/file"
usage_error "--serial2 into a missing directory" --serial2 "file:$tmp/no/such/file"
usage_error "both ports on stdio" --serial stdio --serial2 stdio
usage_error "COM2 on stdio with COM1's default" --serial2 stdio
grep -q -- "--serial2" "$tmp/err" || fail "the both-stdio message names the options"

# run NAME STDIN ARGS...: runs ROM with the debug console in $tmp/NAME.con,
# stdout in $tmp/NAME.out; status in $st.
run() {
	name=$1 input=$2
	shift 2
	"$popek" --headless --timeout 20 --debugcon "file:$tmp/$name.con" "$@" \
		>"$tmp/$name.out" 2>"$tmp/$name.err" <"$input"
	st=$?
}

# check_file WHAT FILE CONTENTS: FILE must hold exactly CONTENTS.
check_file() {
	printf '%s' "$3" >"$tmp/want"
	if cmp -s "$tmp/want" "$2"; then
		echo "ok: $1"
	else
		fail "$1: got:"
		od -c "$2" | sed 's/^/  /'
	fi
}

run default /dev/null --bios "$rom"
[ $st = 1 ] || fail "default serial: status $st"
check_file "COM1 goes to stdout by default" "$tmp/default.out" "hello over COM1
"

run none /dev/null --bios "$rom" --serial none
[ $st = 1 ] || fail "--serial none: status $st"
check_file "--serial none drops the output" "$tmp/none.out" ""

run file /dev/null --bios "$rom" --serial="file:$tmp/com1.txt" --serial2 "file:$tmp/com2.txt"
[ $st = 1 ] || fail "--serial file: status $st"
check_file "--serial=file:PATH writes COM1 to the file" "$tmp/com1.txt" "hello over COM1
"
check_file "--serial2 file:PATH is created, COM2 silent" "$tmp/com2.txt" ""
check_file "nothing on stdout with COM1 in a file" "$tmp/file.out" ""

# An existing file is truncated.
printf 'old contents that are longer\n' >"$tmp/com1.txt"
run trunc /dev/null --bios "$rom" --serial "file:$tmp/com1.txt"
check_file "--serial file:PATH truncates" "$tmp/com1.txt" "hello over COM1
"

# Input: from a pipe, and from a regular file.
printf 'abc.' | {
	"$popek" --headless --timeout 20 --bios "$echo_rom" --debugcon "file:$tmp/pipe.con" \
		>"$tmp/pipe.out" 2>"$tmp/pipe.err"
	echo $? >"$tmp/pipe.st"
}
[ "$(cat "$tmp/pipe.st")" = 1 ] || fail "echo from a pipe: status $(cat "$tmp/pipe.st")"
check_file "stdin from a pipe reaches the guest" "$tmp/pipe.con" "abc."
check_file "and its echo reaches stdout" "$tmp/pipe.out" "abc."

printf 'line one\nline two.' >"$tmp/input.txt"
run infile "$tmp/input.txt" --bios "$echo_rom"
[ $st = 1 ] || fail "echo from a file: status $st"
check_file "stdin from a file reaches the guest" "$tmp/infile.con" "line one
line two."

# Input that ends without the '.': the guest waits, the timeout ends it.
printf 'ab' >"$tmp/short.txt"
"$popek" --headless --timeout 1 --bios "$echo_rom" --debugcon "file:$tmp/short.con" \
	<"$tmp/short.txt" >/dev/null 2>&1
st=$?
[ $st = 124 ] || fail "input without the end mark: status $st, expected 124"
check_file "input before end of file arrives" "$tmp/short.con" "ab"

# No stdin polling with --serial none: input is not read.
printf 'xyz.' | {
	"$popek" --headless --timeout 1 --bios "$echo_rom" --serial none \
		--debugcon "file:$tmp/noin.con" >/dev/null 2>&1
	echo $? >"$tmp/noin.st"
}
[ "$(cat "$tmp/noin.st")" = 124 ] || fail "--serial none reads no input"
check_file "--serial none leaves stdin alone" "$tmp/noin.con" ""

"$popek" --help | grep -q -- "--serial2" || fail "--help lists --serial2"

[ "$fails" = 0 ] || { echo "$fails failure(s)"; exit 1; }
echo "all serial command-line checks passed"

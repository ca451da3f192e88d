#!/bin/sh
# bench/check.sh: keeps the `make bench` workloads honest (ctest
# bench_checksums). Assembles every workload of bench/checksums.txt's
# "test" rows at that small ROUNDS (nasm -DROUNDS=n: a second or two in
# all), runs it on popek and compares the checksum it prints with the
# recorded one, which popek, QEMU and Bochs all printed when it was
# recorded. The empty guest must print 00000000. Each guest runs on popek's
# default engine and, when popek accepts them, on --engine interp and
# --engine bt too.
#
#   check.sh POPEK NASM WORKDIR
set -u
if [ $# != 3 ]; then
	echo "usage: $0 POPEK NASM WORKDIR" >&2
	exit 2
fi
popek=$1 nasm=$2 work=$3
here=$(cd "$(dirname "$0")" && pwd)
guests=$here/../tests/guests
mkdir -p "$work" || exit 2

# assemble NAME [ROUNDS]: bench/NAME.asm -> $work/NAME.rom
assemble() {
	"$nasm" -f bin -I "$guests/" -I "$here/" ${2:+-DROUNDS=$2} -o "$work/$1.rom" "$here/$1.asm"
}

# run NAME ENGINE: prints the checksum popek printed for it (or why not);
# ENGINE "default" passes no --engine.
run() {
	rm -f "$work/$1.con"
	if [ "$2" = default ]; then
		"$popek" --headless --bios "$work/$1.rom" --debugcon "file:$work/$1.con" \
			--timeout 60 >"$work/$1.log" 2>&1 </dev/null
	else
		"$popek" --headless --bios "$work/$1.rom" --debugcon "file:$work/$1.con" \
			--engine "$2" --timeout 60 >"$work/$1.log" 2>&1 </dev/null
	fi
	st=$?
	if [ $st != 1 ]; then
		echo "status-$st"
		return
	fi
	sum=$(grep -ao 'bench: checksum [0-9a-f]*' "$work/$1.con" | awk '{ print $3 }' | tail -n 1)
	echo "${sum:-none}"
}

assemble empty || exit 1
engines=default
for e in interp bt; do
	"$popek" --headless --bios "$work/empty.rom" --debugcon none --engine $e \
		--timeout 30 >/dev/null 2>&1 </dev/null
	if [ $? = 1 ]; then
		engines="$engines $e"
	else
		echo "check: popek does not run --engine $e; not checked"
	fi
done

fail=0
check() { # check NAME ROUNDS EXPECTED
	for e in $engines; do
		got=$(run "$1" "$e")
		if [ "$got" = "$3" ]; then
			echo "ok   $1 ROUNDS=$2 on $e: $got"
		else
			echo "FAIL $1 ROUNDS=$2 on $e: checksum $got, expected $3"
			sed 's/^/     | /' "$work/$1.log" | tail -n 5
			fail=1
		fi
	done
}

check empty - 00000000
rows=$(awk '!/^#/ && NF == 4 && $4 == "test" { print $1, $2, $3 }' "$here/checksums.txt")
if [ -z "$rows" ]; then
	echo "FAIL: no test rows in $here/checksums.txt"
	exit 1
fi
while read -r name rounds sum; do
	if ! assemble "$name" "$rounds"; then
		echo "FAIL $name: nasm failed"
		fail=1
		continue
	fi
	check "$name" "$rounds" "$sum"
done <<EOF
$rows
EOF
exit $fail

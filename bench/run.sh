#!/usr/bin/env bash
# bench/run.sh: times popek against Bochs (and QEMU's TCG, when installed) on
# the same guest, bench/bench_loop.asm, assembled as a 64 KiB ROM that every
# emulator boots as its firmware. Each emulator runs BENCH_RUNS times,
# interleaved so machine noise spreads over all of them; the table shows the
# median wall time of whole processes, guest MIPS and the speed ratios. On a
# shared machine the absolute times are noise; the ratios are the result.
#
# Environment: POPEK (binary, default build/popek), BENCH_RUNS (default 3),
# BENCH_ITERATIONS (loop iterations, default 20000000), BENCH_OUT (work
# directory, default build/bench), BENCH_SKIP (emulators to leave out, e.g.
# "bochs qemu").
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
popek=${POPEK:-$root/build/popek}
runs=${BENCH_RUNS:-3}
iterations=${BENCH_ITERATIONS:-20000000}
out=${BENCH_OUT:-$root/build/bench}
asm=$root/bench/bench_loop.asm
rom=$out/bench_loop.rom

die() { echo "bench: $*" >&2; exit 2; }

[ -x "$popek" ] || die "no popek binary at $popek (run 'make' first)"
command -v nasm >/dev/null || die "nasm is missing (run scripts/setup.sh)"
mkdir -p "$out"
nasm -f bin -I "$root/tests/guests/" -DITERATIONS="$iterations" -o "$rom" "$asm"

# The loop retires exactly iterations * BODY_INSNS instructions; set-up and
# printing add a few tens of thousands more, which popek's --stats counts.
body=$(awk '$1 == "BODY_INSNS" && $2 == "equ" { print $3 }' "$asm")
[ -n "$body" ] || die "BODY_INSNS not found in $asm"
loop_insns=$((iterations * body))

# --- the emulators ------------------------------------------------------------
# Each run_<emu> runs one timed process, leaves the debug-console output in
# $out/<emu>.con and returns non-zero if the run did not end as it should.

run_popek() {
	local status=0
	"$popek" --headless --bios "$rom" --debugcon "file:$out/popek.con" --stats \
		--timeout 600 >/dev/null 2>"$out/popek.err" </dev/null || status=$?
	if [ $status != 1 ]; then
		echo "bench: popek ended with status $status, expected 1:" >&2
		tail -n 5 "$out/popek.err" >&2
		return 1
	fi
}

skip=" ${BENCH_SKIP:-} "
installed() { [[ $skip != *" $1 "* ]] && command -v "$2" >/dev/null; }

have_bochs=0
if installed bochs bochs; then
	have_bochs=1
	# Headless Bochs 2.7 as Debian builds it: the "term" display library
	# (package bochs-term), no sound (the ALSA driver aborts without a
	# sound card), and the debugger told to continue and then quit.
	cat >"$out/bochsrc" <<-EOF
		megs: 32
		romimage: file=$rom
		display_library: term
		port_e9_hack: enabled=1
		log: /dev/null
		clock: sync=none
		cpu: count=1, ips=100000000
		sound: driver=dummy
		speaker: enabled=0
	EOF
	printf 'c\nquit\n' >"$out/bochs.cmds"
fi

run_bochs() {
	local status=0
	# TERM keeps the term display library happy where none is set. Bochs
	# ignores SIGTERM, hence KILL.
	TERM=${TERM:-xterm} timeout -s KILL 900 bochs -q -f "$out/bochsrc" -rc "$out/bochs.cmds" \
		>"$out/bochs.con" 2>"$out/bochs.err" </dev/null || status=$?
	if ! grep -q 'Shutdown port: shutdown requested' "$out/bochs.err" "$out/bochs.con"; then
		echo "bench: bochs did not reach the shutdown port (status $status):" >&2
		grep -v 'i\[' "$out/bochs.err" | tail -n 5 >&2
		return 1
	fi
}

have_qemu=0
installed qemu qemu-system-i386 && have_qemu=1

run_qemu() {
	local status=0
	timeout -s KILL 600 qemu-system-i386 -accel tcg -bios "$rom" -display none -m 32 \
		-cpu pentium2,-apic -no-reboot -debugcon "file:$out/qemu.con" \
		-device isa-debug-exit,iobase=0xf4 >/dev/null 2>"$out/qemu.err" </dev/null ||
		status=$?
	if [ $status != 1 ]; then
		echo "bench: qemu ended with status $status, expected 1:" >&2
		tail -n 5 "$out/qemu.err" >&2
		return 1
	fi
}

# --- timing -----------------------------------------------------------------------

now_ns() { date +%s%N; }

emus=(popek)
[ $have_bochs = 1 ] && emus+=(bochs)
[ $have_qemu = 1 ] && emus+=(qemu)
declare -A times checksum failed

echo "bench: guest loop of $iterations iterations x $body instructions = $loop_insns instructions"
echo "bench: ${emus[*]}, $runs runs each"
[ $have_bochs = 1 ] || echo "bench: bochs is not installed or skipped (scripts/setup.sh --bench installs it)"
[ $have_qemu = 1 ] || echo "bench: qemu-system-i386 is not installed or skipped (optional: apt-get install qemu-system-x86)"

for ((r = 1; r <= runs; r++)); do
	for e in "${emus[@]}"; do
		[ -n "${failed[$e]:-}" ] && continue
		t0=$(now_ns)
		if ! "run_$e"; then
			failed[$e]=1
			continue
		fi
		t1=$(now_ns)
		times[$e]="${times[$e]:-} $(((t1 - t0) / 1000000))"
		sum=$(grep -ao 'bench: checksum [0-9a-f]*' "$out/$e.con" | awk '{ print $3 }' | tail -n 1)
		checksum[$e]=${sum:-none}
		printf 'bench: run %d %-6s %6d ms\n' "$r" "$e" $(((t1 - t0) / 1000000))
	done
done

# The instruction count for MIPS: what popek retired (loop plus set-up), or
# the loop alone if --stats said nothing.
insns=$(awk '/instructions retired:/ { print $NF }' "$out/popek.err" 2>/dev/null | tail -n 1)
insns=${insns:-$loop_insns}

median_ms() {
	tr ' ' '\n' <<<"$1" | awk 'NF' | sort -n | awk '{ v[NR] = $1 } END {
		if (NR == 0) print 0; else if (NR % 2) print v[(NR + 1) / 2];
		else print int((v[NR / 2] + v[NR / 2 + 1]) / 2) }'
}

echo
printf '%-8s %10s %10s  %-10s %s\n' emulator "median s" "MIPS" checksum "runs (ms)"
declare -A med
for e in "${emus[@]}"; do
	if [ -n "${failed[$e]:-}" ] || [ -z "${times[$e]:-}" ]; then
		printf '%-8s %10s\n' "$e" FAILED
		continue
	fi
	med[$e]=$(median_ms "${times[$e]}")
	awk -v e="$e" -v ms="${med[$e]}" -v n="$insns" -v sum="${checksum[$e]}" -v all="${times[$e]}" \
		'BEGIN { s = ms / 1000; printf "%-8s %10.3f %10.1f  %-10s%s\n", e, s,
			 (s > 0 ? n / s / 1e6 : 0), sum, all }'
done

echo
ratio() { # ratio <other>: popek's speed over <other>'s, from the medians
	local o=$1
	[ -n "${med[popek]:-}" ] && [ -n "${med[$o]:-}" ] || return 0
	awk -v p="${med[popek]}" -v q="${med[$o]}" -v o="$o" 'BEGIN {
		if (p <= 0) p = 1;
		printf "RATIO popek/%s speed: %.2f  (%s time / popek time; above 1: popek is faster)\n",
			o, q / p, o }'
}
ratio bochs
ratio qemu

status=0
ref=${checksum[popek]:-}
for e in "${emus[@]}"; do
	[ -n "${failed[$e]:-}" ] && status=1 && continue
	if [ -n "$ref" ] && [ "${checksum[$e]:-}" != "$ref" ]; then
		echo "bench: WARNING: $e's checksum ${checksum[$e]:-none} differs from popek's $ref" >&2
		status=1
	fi
done
[ -n "${failed[popek]:-}" ] && status=1
exit $status

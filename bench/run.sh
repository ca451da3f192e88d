#!/usr/bin/env bash
# bench/run.sh (`make bench`): times popek against Bochs and QEMU's TCG on the
# same guests, in one run, in three sections:
#   1. the integer loop, bench/bench_loop.asm: popek's interpreter against
#      Bochs and QEMU, whole processes (issue 2's "interpreter at least twice
#      Bochs" is the RATIO popek/bochs line);
#   2. the workloads, bench/{integer,memory,kernel}.asm: popek's interpreter
#      and translator against QEMU and Bochs, with each emulator's start-up
#      (the empty guest, bench/empty.asm) measured and subtracted, and the
#      checksums compared across all of them and with bench/checksums.txt;
#   3. the Linux boot, popek against QEMU on one kernel and initramfs, when
#      bench/linux.sh exists (see the hook at the end).
# Every guest is a 64 KiB ROM each emulator boots as its firmware (popek
# --bios, qemu -bios, bochs romimage): no BIOS runs before it, so all of them
# execute the same instructions (bench/bench.inc says more). Each emulator
# runs each guest BENCH_RUNS times, interleaved so machine noise spreads
# over all of them; the tables show medians. On a shared machine the
# absolute times are noise; the ratios are the result.
#
# Exit status: 0 when every run ended as it should and every checksum
# agreed; 1 when one did not (the reason is printed, loudly); 2 when the
# benchmark could not start (no popek binary, no nasm).
#
# Environment: POPEK (binary, default build/popek), BENCH_RUNS (default 3),
# BENCH_ITERATIONS (section 1's loop iterations, default 20000000),
# BENCH_OUT (work directory, default build/bench), BENCH_SKIP (engines to
# leave out, any of "bochs qemu bt"), BENCH_WORKLOADS (section 2's
# workloads, default "integer memory kernel"), BENCH_QUICK=1 (section 2 at
# the small ROUNDS of bench/checksums.txt's "test" rows: seconds, for
# checking this script, not for timing).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
popek=${POPEK:-$root/build/popek}
runs=${BENCH_RUNS:-3}
iterations=${BENCH_ITERATIONS:-20000000}
out=${BENCH_OUT:-$root/build/bench}
# shellcheck source=bench/lib.sh
. "$root/bench/lib.sh"

[ -x "$popek" ] || bench_die "no popek binary at $popek (run 'make' first)"
popek=$(cd "$(dirname "$popek")" && pwd)/$(basename "$popek") # for bench/linux.sh
command -v nasm >/dev/null || bench_die "nasm is missing (run scripts/setup.sh)"
mkdir -p "$out"
bench_detect
status=0

# === 1. the integer loop: popek's interpreter, Bochs, QEMU ==================

asm=$root/bench/bench_loop.asm
rom=$out/bench_loop.rom
nasm -f bin -I "$root/tests/guests/" -DITERATIONS="$iterations" -o "$rom" "$asm"

# The loop retires exactly iterations * BODY_INSNS instructions; set-up and
# printing add a few tens of thousands more, which popek's --stats counts.
body=$(awk '$1 == "BODY_INSNS" && $2 == "equ" { print $3 }' "$asm")
[ -n "$body" ] || bench_die "BODY_INSNS not found in $asm"
loop_insns=$((iterations * body))

emus=(popek)
[ "$have_bochs" = 1 ] && emus+=(bochs)
[ "$have_qemu" = 1 ] && emus+=(qemu)
declare -A times checksum failed

echo "== 1. integer loop: popek's interpreter against Bochs and QEMU, whole processes"
echo "bench: guest loop of $iterations iterations x $body instructions = $loop_insns instructions"
echo "bench: ${emus[*]}, $runs runs each"
[ "$have_bochs" = 1 ] || echo "bench: bochs is not installed or skipped (scripts/setup.sh --bench installs it)"
[ "$have_qemu" = 1 ] || echo "bench: qemu-system-i386 is not installed or skipped (optional: apt-get install qemu-system-x86)"

for ((r = 1; r <= runs; r++)); do
	for e in "${emus[@]}"; do
		[ -n "${failed[$e]:-}" ] && continue
		engine=$e
		[ "$e" = popek ] && engine=interp
		if ! bench_timed "$engine" "$rom" "$e"; then
			failed[$e]=1
			continue
		fi
		times[$e]="${times[$e]:-} $bench_ms"
		checksum[$e]=$(bench_checksum "$e")
		printf 'bench: run %d %-6s %6d ms\n' "$r" "$e" "$bench_ms"
	done
done

# The instruction count for MIPS: what popek retired (loop plus set-up), or
# the loop alone if --stats said nothing.
insns=$(bench_insns popek)
insns=${insns:-$loop_insns}

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

ref=${checksum[popek]:-}
for e in "${emus[@]}"; do
	[ -n "${failed[$e]:-}" ] && status=1 && continue
	if [ -n "$ref" ] && [ "${checksum[$e]:-}" != "$ref" ]; then
		echo "bench: WARNING: $e's checksum ${checksum[$e]:-none} differs from popek's $ref" >&2
		status=1
	fi
done
[ -n "${failed[popek]:-}" ] && status=1

# === 2. the workloads: interpreter, translator, QEMU, Bochs ===================

# shellcheck source=bench/workloads.sh
. "$root/bench/workloads.sh"
bench_workloads || status=1

# === 3. HOOK: the Linux boot (issue 5), popek against QEMU ====================
# bench/linux.sh does not exist yet. When it does, this section runs it and
# nothing else here needs to change. Its contract:
#   - it is run with bash, from any directory, with these in its environment:
#     POPEK (the popek binary), BENCH_OUT (a work directory it may use,
#     $out/linux), BENCH_RUNS, BENCH_HAVE_QEMU (1 when qemu-system-i386 is
#     installed and not skipped, else 0) and BENCH_ROOT (the source tree);
#   - it boots the same kernel and initramfs to the same marker on popek and
#     on QEMU (TCG) BENCH_RUNS times each, and prints its own section:
#     both median times, their start-up (as section 2 does), the ratio in a
#     line starting "RATIO popek/qemu linux boot:", and the marker seen;
#   - exit status 0: done; 77: skipped (say why on stdout, e.g. the Debian
#     packages could not be downloaded), which does not fail the benchmark;
#     anything else: a failure, which does.
if [ -f "$root/bench/linux.sh" ]; then
	echo
	echo "== 3. Linux boot: popek against QEMU (bench/linux.sh)"
	mkdir -p "$out/linux"
	linux_status=0
	POPEK=$popek BENCH_OUT=$out/linux BENCH_RUNS=$runs BENCH_HAVE_QEMU=$have_qemu \
		BENCH_ROOT=$root bash "$root/bench/linux.sh" || linux_status=$?
	case $linux_status in
	0) ;;
	77) echo "bench: the Linux boot was skipped" ;;
	*)
		echo "bench: FAILED: bench/linux.sh ended with status $linux_status" >&2
		status=1
		;;
	esac
fi

echo
if [ $status = 0 ]; then
	echo "bench: done; every run ended as it should and every checksum agreed"
else
	echo "bench: ******** FAILED: a run failed or checksums differ (messages above) ********" >&2
fi
exit $status

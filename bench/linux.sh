#!/usr/bin/env bash
# bench/linux.sh: section 3 of bench/run.sh (`make bench`), and a benchmark
# of its own: Debian's i386 Linux booted to the init marker, on popek's
# interpreter, popek's translator and qemu-system-i386 -accel tcg, in one
# run, with the times and their ratios in section 2's table style.
#
# Every emulator boots the same files the same way: the kernel
# (linux-image-686) and the busybox initramfs of tests/guests/linux/ (its
# lib.sh downloads, caches and builds them, as for the tests), the same RAM
# and the same command line, "console=ttyS0 cryptomgr.notests
# popek_mode=poweroff": /init prints POPEK-LINUX-INIT-OK and powers off at
# once. popek --kernel/--initrd/--append runs its BIOS's POST and then the
# kernel, which halts (exit status 0); QEMU -kernel/-initrd/-append runs
# SeaBIOS and its Linux loader, and the kernel's ACPI power-off ends it
# (exit status 0, -no-reboot). A run counts when it ended so and its serial
# output has the marker. Times are whole processes; each emulator's
# start-up (bench/empty.asm, as in section 2) is measured, printed, and
# subtracted before the ratios. The two machines are not the same PC (QEMU
# has ACPI, an APIC, a HPET; popek a P6 without them), so the kernel takes
# a few different paths: the ratio compares "boot this kernel to /init".
#
# Runs: BENCH_LINUX_RUNS of each (default 1, not bench/run.sh's
# BENCH_RUNS: one boot takes tens of seconds on the interpreter, so three
# of each would be minutes; the table says how many it took).
#
# bench/run.sh's hook contract: run with bash from anywhere, with POPEK,
# BENCH_OUT (its work directory), BENCH_RUNS, BENCH_HAVE_QEMU and
# BENCH_ROOT in the environment; each has a default here (build/popek,
# build/bench/linux, qemu-system-i386 when installed, this tree), so
# `bash bench/linux.sh` works alone. BENCH_SKIP leaves engines out as in
# bench/run.sh ("qemu", "bt").
#
# Exit status: 0 done; 77 skipped (the Debian packages could not be
# downloaded: said on stdout); 1 a run failed (no marker, wrong status);
# 2 the benchmark could not start.
set -uo pipefail

root=${BENCH_ROOT:-$(cd "$(dirname "$0")/.." && pwd)}
popek=${POPEK:-$root/build/popek}
out=${BENCH_OUT:-$root/build/bench/linux}
runs=${BENCH_LINUX_RUNS:-1}
linux_tag=bench
# shellcheck source=tests/guests/linux/lib.sh
. "$root/tests/guests/linux/lib.sh"
# shellcheck source=bench/lib.sh
. "$root/bench/lib.sh"

[ -x "$popek" ] || bench_die "no popek binary at $popek (run 'make' first)"
command -v nasm >/dev/null || bench_die "nasm is missing (run scripts/setup.sh)"
mkdir -p "$out" || bench_die "cannot create $out"
linux_fetch
bench_detect
[ -n "${BENCH_HAVE_QEMU:-}" ] && have_qemu=$BENCH_HAVE_QEMU

append="console=ttyS0 $kernel_opts popek_mode=poweroff"
marker=POPEK-LINUX-INIT-OK
engines=(interp)
[ -z "$bt_missing" ] && engines+=(bt)
[ "$have_qemu" = 1 ] && engines+=(qemu)

# linux_run ENGINE TAG: one boot to the marker; the serial output in
# $out/TAG.serial, the messages in $out/TAG.err. Non-zero (with a message)
# when it did not end as it should.
linux_run() {
	local engine=$1 tag=$2 status=0
	rm -f "$out/$tag.serial"
	case $engine in
	interp | bt)
		local args=("${popek_interp_args[@]}")
		[ "$engine" = bt ] && args=(--engine bt)
		"$popek" --headless "${args[@]}" -m "$mem" --kernel "$kernel" --initrd "$initrd" \
			--append "$append" --serial "file:$out/$tag.serial" --timeout 600 --stats \
			>/dev/null 2>"$out/$tag.err" </dev/null || status=$?
		;;
	qemu)
		timeout -s KILL 600 qemu-system-i386 -accel tcg -m "$mem" -kernel "$kernel" \
			-initrd "$initrd" -append "$append" -display none -monitor none \
			-serial "file:$out/$tag.serial" -no-reboot >/dev/null 2>"$out/$tag.err" \
			</dev/null || status=$?
		;;
	esac
	if [ $status != 0 ] || ! grep -aq "^$marker" "$out/$tag.serial" 2>/dev/null; then
		echo "bench: $engine: the Linux boot ended with status $status$(grep -aq "^$marker" \
			"$out/$tag.serial" 2>/dev/null || echo ', without the marker'); last lines:" >&2
		tail -n 5 "$out/$tag.serial" "$out/$tag.err" 2>/dev/null | sed 's/^/    /' >&2
		return 1
	fi
}

echo "bench: kernel $(basename "$kernel"), initramfs $(basename "$initrd")" \
	"($(($(stat -c %s "$initrd") / 1024)) KiB), $mem MiB, append \"$append\""
echo "bench: engines: ${engines[*]}; $runs run(s) each of empty (start-up) and the boot" \
	"(BENCH_LINUX_RUNS, default 1: a boot takes tens of seconds)"
[ -n "$bt_missing" ] && echo "bench: bt column: n/a ($bt_missing)"
[ "$have_qemu" = 1 ] || echo "bench: qemu column: n/a (qemu-system-i386 is not installed, or BENCH_SKIP names qemu)"

declare -A ltimes lfailed lmed lnet
status=0
insns=
for ((r = 1; r <= runs; r++)); do
	for w in empty linux; do
		line=$(printf 'bench: run %d %-8s' "$r" "$w")
		for e in "${engines[@]}"; do
			[ -n "${lfailed[$w.$e]:-}" ] && continue
			t0=$(date +%s%N)
			if [ $w = empty ]; then
				bench_run "$e" "$out/empty.rom" "empty.$e"
			else
				linux_run "$e" "linux.$e"
			fi || {
				lfailed[$w.$e]=1
				line+=" $e FAILED"
				status=1
				continue
			}
			ms=$((($(date +%s%N) - t0) / 1000000))
			ltimes[$w.$e]="${ltimes[$w.$e]:-} $ms"
			line+=" $e $ms ms"
			if [ $w = linux ] && [ "$e" = interp ]; then
				insns=$(bench_insns "linux.$e")
			fi
		done
		echo "$line"
	done
done

# Medians; the boot's net time is minus the start-up, at least 1 ms.
for w in empty linux; do
	for e in "${engines[@]}"; do
		[ -n "${ltimes[$w.$e]:-}" ] && lmed[$w.$e]=$(median_ms "${ltimes[$w.$e]}")
	done
done
for e in "${engines[@]}"; do
	[ -n "${lmed[linux.$e]:-}" ] || continue
	n=$((${lmed[linux.$e]} - ${lmed[empty.$e]:-0}))
	[ $n -lt 1 ] && n=1
	lnet[$e]=$n
done

# What each column shows when it has no time: why not.
cell() {
	local e=$1 w=$2
	if [ "$e" = bt ] && [ -n "$bt_missing" ]; then
		echo "n/a"
	elif [ "$e" = qemu ] && [ "$have_qemu" != 1 ]; then
		echo "n/a"
	elif [ -n "${lfailed[$w.$e]:-}" ]; then
		echo "FAILED"
	else
		echo "-"
	fi
}

# The marker each engine printed (the kernel's release follows it).
seen=()
for e in "${engines[@]}"; do
	m=$(grep -a -m 1 "^$marker" "$out/linux.$e.serial" 2>/dev/null | tr -d '\r')
	[ -n "$m" ] && seen+=("$e: $m")
done

cols=(interp bt qemu)
fmt="%-10s %7s  %-8s %7s  %10s %10s %10s\n"
echo
echo "median wall time in ms, whole process minus the empty guest's (start-up line: the empty guest itself)"
# shellcheck disable=SC2059
printf "$fmt" workload runs marker Minsns "${cols[@]}"
for w in empty linux; do
	cells=()
	for e in "${cols[@]}"; do
		if [ $w = empty ] && [ -n "${lmed[empty.$e]:-}" ]; then
			cells+=("${lmed[empty.$e]}")
		elif [ $w = linux ] && [ -n "${lnet[$e]:-}" ]; then
			cells+=("${lnet[$e]}")
		else
			cells+=("$(cell "$e" "$w")")
		fi
	done
	if [ $w = empty ]; then
		# shellcheck disable=SC2059
		printf "$fmt" "(start-up)" "$runs" - - "${cells[@]}"
	else
		minsns=-
		[ -n "$insns" ] && minsns=$(awk -v n="$insns" 'BEGIN { printf "%.1f", n / 1e6 }')
		mk=none
		[ ${#seen[@]} -gt 0 ] && mk=seen
		# shellcheck disable=SC2059
		printf "$fmt" linux "$runs" "$mk" "$minsns" "${cells[@]}"
	fi
done
for s in "${seen[@]}"; do
	echo "bench: marker on $s"
done

echo
echo "speed ratios from those times: peer time / popek time (above 1: popek is faster)"
pairs=(interp/qemu bt/qemu bt/interp)
printf '%-10s' workload
printf ' %13s' "${pairs[@]}"
echo
printf '%-10s' linux
for p in "${pairs[@]}"; do
	a=${p%/*} b=${p#*/}
	if [ -n "${lnet[$a]:-}" ] && [ -n "${lnet[$b]:-}" ]; then
		c=$(awk -v p="${lnet[$a]}" -v q="${lnet[$b]}" 'BEGIN { printf "%.2f", q / p }')
	elif [ -z "${lnet[$a]:-}" ]; then
		c=$(cell "$a" linux)
	else
		c=$(cell "$b" linux)
	fi
	printf ' %13s' "$c"
done
echo

# The headline: popek's default engine (the translator, or the interpreter
# when there is none) against QEMU.
best=bt
[ -n "$bt_missing" ] && best=interp
name=translator
[ $best = interp ] && name=interpreter
if [ -n "${lnet[$best]:-}" ] && [ -n "${lnet[qemu]:-}" ]; then
	awk -v p="${lnet[$best]}" -v q="${lnet[qemu]}" -v n="$name" 'BEGIN {
		printf "RATIO popek/qemu linux boot: %.2f  (popek'"'"'s %s; qemu time / popek time; above 1: popek is faster)\n",
			q / p, n }'
else
	missing=qemu
	[ -n "${lnet[$best]:-}" ] || missing=$best
	echo "RATIO popek/qemu linux boot: n/a (no time from $missing: $(cell "$missing" linux))"
fi
[ $status = 0 ] || echo "bench: the Linux boot FAILED on an engine (messages above)" >&2
exit $status

# shellcheck shell=bash disable=SC2034,SC2154
# bench/lib.sh: what bench/run.sh's sections share, sourced, not run: which
# emulators are here, how to assemble a guest, how to run one guest once on
# one emulator, and the arithmetic of medians.
#
# The emulators ("engines" below) and how each boots a 64 KiB guest ROM as
# its firmware, so all of them run exactly the same guest instructions:
#   interp  popek --engine interp (or plain popek while popek has no
#           --engine option: the interpreter is then its only engine)
#   bt      popek --engine bt, the binary translator; "n/a" while popek
#           rejects that option
#   qemu    qemu-system-i386 -accel tcg -bios ROM
#   bochs   bochs with romimage: ROM (Debian's build, "term" display)
# Each run leaves the guest's port 0xE9 output in $out/<tag>.con and the
# emulator's messages in $out/<tag>.err.
#
# The caller sets: root (the source tree), popek (the binary), out (the work
# directory). bench_detect sets: have_bochs, have_qemu (0 or 1), bt_missing
# (empty when the translator runs, else why not) and popek_interp_args.

bench_die() {
	echo "bench: $*" >&2
	exit 2
}

# bench_assemble NAME ROM [ROUNDS]: bench/NAME.asm -> ROM, with -DROUNDS=n
# when ROUNDS is given (otherwise the workload's own default).
bench_assemble() {
	local name=$1 rom=$2 rounds=${3:-}
	nasm -f bin -I "$root/tests/guests/" -I "$root/bench/" ${rounds:+-DROUNDS=$rounds} \
		-o "$rom" "$root/bench/$name.asm" || bench_die "nasm failed on bench/$name.asm"
}

# bench_default_rounds NAME: the ROUNDS a workload runs without -DROUNDS.
bench_default_rounds() {
	awk '$1 == "ROUNDS" && $2 == "equ" { print $3; exit }' "$root/bench/$1.asm"
}

# bench_expected NAME ROUNDS [USE]: the checksum bench/checksums.txt records
# for that run (empty if none).
bench_expected() {
	awk -v n="$1" -v r="$2" -v u="${3:-}" '!/^#/ && $1 == n && $2 == r && (u == "" || $4 == u) {
		print $3; exit }' "$root/bench/checksums.txt"
}

# bench_popek_probe ENGINE: runs the empty guest with --engine ENGINE.
# Status 0: it ran; 1: popek has no --engine option at all; 2: it rejected
# this engine (its message in $out/probe.err).
bench_popek_probe() {
	local status=0
	"$popek" --headless --bios "$out/empty.rom" --debugcon none --timeout 30 \
		--engine "$1" >/dev/null 2>"$out/probe.err" </dev/null || status=$?
	[ $status = 1 ] && return 0
	grep -q "unknown option '--engine'" "$out/probe.err" && return 1
	return 2
}

bench_detect() {
	local skip=" ${BENCH_SKIP:-} "
	have_bochs=0
	if [[ $skip != *" bochs "* ]] && command -v bochs >/dev/null; then
		have_bochs=1
	fi
	have_qemu=0
	if [[ $skip != *" qemu "* ]] && command -v qemu-system-i386 >/dev/null; then
		have_qemu=1
	fi

	bench_assemble empty "$out/empty.rom"
	bt_missing=
	popek_interp_args=(--engine interp)
	if bench_popek_probe interp; then
		:
	elif [ $? = 1 ]; then
		# No --engine option yet: the interpreter is popek's only engine.
		popek_interp_args=()
		bt_missing="no translator: popek has no --engine option"
	else
		bench_die "popek rejects --engine interp: $(head -n 1 "$out/probe.err")"
	fi
	if [ -z "$bt_missing" ] && ! bench_popek_probe bt; then
		bt_missing="no translator: $(head -n 1 "$out/probe.err")"
	fi
	if [[ $skip == *" bt "* ]]; then
		bt_missing="skipped (BENCH_SKIP)"
	fi
	return 0
}

# bench_run ENGINE ROM TAG: one run of ROM on ENGINE; returns non-zero (with
# a message) if it did not end the way the guests end a run.
bench_run() {
	local engine=$1 rom=$2 tag=$3 status=0
	rm -f "$out/$tag.con" # no checksum left over from an earlier run
	case $engine in
	interp | bt)
		local args=("${popek_interp_args[@]}")
		[ "$engine" = bt ] && args=(--engine bt)
		"$popek" --headless --bios "$rom" "${args[@]}" --debugcon "file:$out/$tag.con" \
			--stats --timeout 600 >/dev/null 2>"$out/$tag.err" </dev/null || status=$?
		if [ $status != 1 ]; then
			echo "bench: popek ($engine) ended with status $status, expected 1:" >&2
			tail -n 5 "$out/$tag.err" >&2
			return 1
		fi
		;;
	qemu)
		timeout -s KILL 600 qemu-system-i386 -accel tcg -bios "$rom" -display none -m 32 \
			-cpu pentium2,-apic -no-reboot -debugcon "file:$out/$tag.con" \
			-device isa-debug-exit,iobase=0xf4 >/dev/null 2>"$out/$tag.err" </dev/null ||
			status=$?
		if [ $status != 1 ]; then
			echo "bench: qemu ended with status $status, expected 1:" >&2
			tail -n 5 "$out/$tag.err" >&2
			return 1
		fi
		;;
	bochs)
		# Headless Bochs 2.7 as Debian builds it: the "term" display library
		# (package bochs-term), no sound (the ALSA driver aborts without a
		# sound card), and the debugger told to continue and then quit.
		cat >"$out/$tag.bochsrc" <<-EOF
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
		# TERM keeps the term display library happy where none is set.
		# Bochs ignores SIGTERM, hence KILL.
		TERM=${TERM:-xterm} timeout -s KILL 900 bochs -q -f "$out/$tag.bochsrc" \
			-rc "$out/bochs.cmds" >"$out/$tag.con" 2>"$out/$tag.err" </dev/null || status=$?
		if ! grep -q 'Shutdown port: shutdown requested' "$out/$tag.err" "$out/$tag.con"; then
			echo "bench: bochs did not reach the shutdown port (status $status):" >&2
			grep -v 'i\[' "$out/$tag.err" | tail -n 5 >&2
			return 1
		fi
		;;
	*) bench_die "unknown engine $engine" ;;
	esac
}

# bench_timed ENGINE ROM TAG: bench_run, timed as a whole process; leaves
# the wall time in milliseconds in bench_ms.
bench_timed() {
	local t0 t1
	t0=$(date +%s%N)
	bench_run "$@" || return 1
	t1=$(date +%s%N)
	bench_ms=$(((t1 - t0) / 1000000))
}

# bench_checksum TAG: the checksum the guest printed in that run ("none").
bench_checksum() {
	local sum
	sum=$(grep -ao 'bench: checksum [0-9a-f]*' "$out/$1.con" 2>/dev/null | awk '{ print $3 }' | tail -n 1)
	echo "${sum:-none}"
}

# bench_insns TAG: the instructions popek retired in that run (empty if its
# --stats said nothing).
bench_insns() {
	awk '/instructions retired:/ { print $NF }' "$out/$1.err" 2>/dev/null | tail -n 1
}

# median_ms "t1 t2 ...": the median of the numbers.
median_ms() {
	tr ' ' '\n' <<<"$1" | awk 'NF' | sort -n | awk '{ v[NR] = $1 } END {
		if (NR == 0) print 0; else if (NR % 2) print v[(NR + 1) / 2];
		else print int((v[NR / 2] + v[NR / 2 + 1]) / 2) }'
}

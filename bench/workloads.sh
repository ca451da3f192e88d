# shellcheck shell=bash disable=SC2034,SC2154
# bench/workloads.sh: section 2 of bench/run.sh (sourced, with bench/lib.sh
# already loaded): the integer, memory and kernel-style workloads on popek's
# interpreter, popek's translator, QEMU and Bochs.
#
# Start-up: every emulator also runs the empty guest (bench/empty.asm),
# which does what the workloads do around their work and nothing else. Its
# median is that emulator's start-up and shut-down cost (Bochs and QEMU take
# tens of milliseconds to start; popek a few), printed on its own line and
# subtracted from each workload's median before the ratios, so a ratio
# compares guest work, not process start-up.
#
# Checksums: every run of a workload, on every engine, must print the same
# checksum, and that checksum must equal bench/checksums.txt's entry for the
# workload at that ROUNDS when there is one. Anything else is printed as a
# CHECKSUM MISMATCH and fails the benchmark.

# bench_missing_cell ENGINE WORKLOAD: what the tables show for ENGINE on
# WORKLOAD when there is no time: why not.
bench_missing_cell() {
	local e=$1 w=$2
	if [ "$e" = bt ] && [ -n "$bt_missing" ]; then
		case $bt_missing in
		"no translator"*) echo "n/a (no translator)" ;;
		*) echo "skipped" ;;
		esac
	elif [ "$e" = qemu ] && [ "$have_qemu" = 0 ]; then
		echo "n/a"
	elif [ "$e" = bochs ] && [ "$have_bochs" = 0 ]; then
		echo "n/a"
	elif [ -n "${wfailed[$w.$e]:-}" ]; then
		echo "FAILED"
	else
		echo "-"
	fi
}

bench_workloads() {
	local ok=0 w e r rounds expected sums n
	local -a names engines
	# shellcheck disable=SC2206
	names=(${BENCH_WORKLOADS:-integer memory kernel})
	local cols=(interp bt qemu bochs)
	engines=(interp)
	[ -z "$bt_missing" ] && engines+=(bt)
	[ "$have_qemu" = 1 ] && engines+=(qemu)
	[ "$have_bochs" = 1 ] && engines+=(bochs)
	declare -gA wtimes wsums wfailed wrounds wmed wnet
	local -A winsns

	echo
	echo "== 2. workloads: popek's interpreter and translator against QEMU and Bochs"
	for w in "${names[@]}"; do
		[ -f "$root/bench/$w.asm" ] || bench_die "no workload bench/$w.asm"
		rounds=$(bench_default_rounds "$w")
		if [ "${BENCH_QUICK:-0}" = 1 ]; then
			rounds=$(awk -v n="$w" '!/^#/ && $1 == n && $4 == "test" { print $2; exit }' \
				"$root/bench/checksums.txt")
		fi
		[ -n "$rounds" ] || bench_die "no ROUNDS for bench/$w.asm"
		wrounds[$w]=$rounds
		bench_assemble "$w" "$out/$w.rom" "$rounds"
	done
	echo "bench: engines: ${engines[*]}; $runs runs each of empty (start-up) and ${names[*]}"
	[ -n "$bt_missing" ] && echo "bench: bt column: n/a ($bt_missing)"
	[ "$have_qemu" = 1 ] || echo "bench: qemu column: n/a (qemu-system-i386 is not installed, or BENCH_SKIP names qemu)"
	[ "$have_bochs" = 1 ] || echo "bench: bochs column: n/a (bochs is not installed, or BENCH_SKIP names bochs)"

	for ((r = 1; r <= runs; r++)); do
		for w in empty "${names[@]}"; do
			local line
			line=$(printf 'bench: run %d %-8s' "$r" "$w")
			for e in "${engines[@]}"; do
				[ -n "${wfailed[$w.$e]:-}" ] && continue
				if ! bench_timed "$e" "$out/$w.rom" "$w.$e"; then
					wfailed[$w.$e]=1
					line+=$(printf ' %s FAILED' "$e")
					continue
				fi
				wtimes[$w.$e]="${wtimes[$w.$e]:-} $bench_ms"
				wsums[$w.$e]="${wsums[$w.$e]:-} $(bench_checksum "$w.$e")"
				[ "$e" = interp ] && winsns[$w]=$(bench_insns "$w.$e")
				line+=$(printf ' %s %d ms' "$e" "$bench_ms")
			done
			echo "$line"
		done
	done

	# Medians, and the net times: minus the empty guest's, at least 1 ms.
	for w in empty "${names[@]}"; do
		for e in "${engines[@]}"; do
			if [ -n "${wtimes[$w.$e]:-}" ] && [ -z "${wfailed[$w.$e]:-}" ]; then
				wmed[$w.$e]=$(median_ms "${wtimes[$w.$e]}")
			fi
		done
	done
	for w in "${names[@]}"; do
		for e in "${engines[@]}"; do
			[ -n "${wmed[$w.$e]:-}" ] || continue
			n=$((${wmed[$w.$e]} - ${wmed[empty.$e]:-0}))
			[ $n -lt 1 ] && n=1
			wnet[$w.$e]=$n
		done
	done

	# The checksums: one value per workload, everywhere.
	local -A wsum
	for w in empty "${names[@]}"; do
		sums=
		for e in "${engines[@]}"; do
			sums+=" ${wsums[$w.$e]:-}"
		done
		local uniq
		uniq=$(tr ' ' '\n' <<<"$sums" | awk 'NF' | sort -u | tr '\n' ' ')
		uniq=${uniq% }
		if [ -z "$uniq" ]; then
			wsum[$w]=none
			ok=1
			continue
		fi
		wsum[$w]=$uniq
		if [[ $uniq == *" "* ]] || [ "$uniq" = none ]; then
			wsum[$w]=MISMATCH
			{
				echo "bench: ************************************************************"
				echo "bench: CHECKSUM MISMATCH on $w: not every run printed the same checksum:"
				for e in "${engines[@]}"; do
					echo "bench:   $e:${wsums[$w.$e]:- (no run)}"
				done
				echo "bench: ************************************************************"
			} >&2
			ok=1
			continue
		fi
		expected=
		if [ "$w" = empty ]; then
			expected=00000000
		else
			expected=$(bench_expected "$w" "${wrounds[$w]}")
		fi
		if [ -n "$expected" ] && [ "$uniq" != "$expected" ]; then
			{
				echo "bench: ************************************************************"
				echo "bench: CHECKSUM MISMATCH on $w: every engine printed $uniq, but"
				echo "bench: bench/checksums.txt records $expected for ROUNDS=${wrounds[$w]}"
				echo "bench: ************************************************************"
			} >&2
			ok=1
		fi
	done
	for k in "${!wfailed[@]}"; do
		echo "bench: FAILED: ${k#*.} did not finish ${k%%.*} (see $out/$k.err)" >&2
		ok=1
	done

	# The tables.
	# Numbers need 10 columns; "n/a (no translator)" needs 20.
	local bw=10
	[ -n "$bt_missing" ] && bw=20
	local fmt="%-10s %7s  %-8s %7s  %10s %${bw}s %10s %10s\n"
	echo
	echo "median wall time in ms, whole process minus the empty guest's (start-up line: the empty guest itself)"
	# shellcheck disable=SC2059
	printf "$fmt" workload ROUNDS checksum Minsns "${cols[@]}"
	for w in empty "${names[@]}"; do
		local label=$w rcol=${wrounds[$w]:-} minsns=-
		[ "$w" = empty ] && label="(start-up)" rcol=-
		[ -n "${winsns[$w]:-}" ] && minsns=$(awk -v n="${winsns[$w]}" 'BEGIN { printf "%.1f", n / 1e6 }')
		local cells=()
		for e in "${cols[@]}"; do
			if [ "$w" = empty ] && [ -n "${wmed[$w.$e]:-}" ]; then
				cells+=("${wmed[$w.$e]}")
			elif [ -n "${wnet[$w.$e]:-}" ]; then
				cells+=("${wnet[$w.$e]}")
			else
				cells+=("$(bench_missing_cell "$e" "$w")")
			fi
		done
		# shellcheck disable=SC2059
		printf "$fmt" "$label" "$rcol" "${wsum[$w]}" "$minsns" "${cells[@]}"
	done

	echo
	echo "speed ratios from those times: peer time / popek time (above 1: popek is faster)"
	local pairs=(interp/qemu interp/bochs bt/qemu bt/bochs bt/interp)
	printf '%-10s' workload
	for p in "${pairs[@]}"; do
		if [[ $p == bt/* ]]; then printf " %${bw}s" "$p"; else printf ' %13s' "$p"; fi
	done
	echo
	for w in "${names[@]}"; do
		printf '%-10s' "$w"
		for p in "${pairs[@]}"; do
			local a=${p%/*} b=${p#*/} cell
			if [ -n "${wnet[$w.$a]:-}" ] && [ -n "${wnet[$w.$b]:-}" ]; then
				cell=$(awk -v p="${wnet[$w.$a]}" -v q="${wnet[$w.$b]}" 'BEGIN { printf "%.2f", q / p }')
			elif [ -z "${wnet[$w.$a]:-}" ]; then
				cell=$(bench_missing_cell "$a" "$w")
			else
				cell=$(bench_missing_cell "$b" "$w")
			fi
			if [[ $p == bt/* ]]; then printf " %${bw}s" "$cell"; else printf ' %13s' "$cell"; fi
		done
		echo
	done
	if [ $ok != 0 ]; then
		echo "bench: the workloads FAILED (see the messages above)" >&2
	fi
	return $ok
}

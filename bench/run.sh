#!/bin/bash
# Prints atexit-shim's figures against native glibc, each with its target.
# Run by `make bench`, which sets SHIM_LIB, EMPTY_LIB and HANDLERS.
set -euo pipefail
: "${SHIM_LIB:?}" "${EMPTY_LIB:?}" "${HANDLERS:?}"
command -v valgrind >/dev/null || { echo "bench: valgrind is needed (apt-get install valgrind)" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Instructions the whole process executes (user space), with LD_PRELOAD=$1.
instructions()
{
	local preload=$1 out=$work/callgrind.out
	shift
	LD_PRELOAD=$preload valgrind --tool=callgrind --callgrind-out-file="$out" "$@" \
		>/dev/null 2>"$work/valgrind.err" </dev/null
	if [ -n "$preload" ] && ! grep -q "$(basename "$preload")" "$out"; then
		echo "bench: $(basename "$preload") does not appear in the profile: not measured" >&2
		exit 1
	fi
	sed -n 's/^summary: *//p' "$out"
}

# Peak resident memory of the process, in bytes, with LD_PRELOAD=$1: the
# least of three runs, since the kernel's page handling adds a little noise
# (up to ~150 kB seen here) to single runs.
peak_rss()
{
	local preload=$1
	shift
	for _ in 1 2 3; do LD_PRELOAD=$preload "$@" peak; done | awk '
		NR == 1 || $1 < least { least = $1 }
		END { print least * 1024 }'
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
verdict() { awk -v r="$1" -v t="$2" 'BEGIN { print (r <= t ? "met" : "NOT MET") }'; }

echo "atexit-shim benchmarks: valgrind callgrind instruction counts; native glibc measured in the same run"
echo

# 1. Registration plus run, per handler.
n=100000
native0=$(instructions "" "$HANDLERS" 0)
nativeN=$(instructions "" "$HANDLERS" $n)
shim0=$(instructions "$SHIM_LIB" "$HANDLERS" 0)
shimN=$(instructions "$SHIM_LIB" "$HANDLERS" $n)
per_native=$(awk -v a="$nativeN" -v b="$native0" -v n=$n 'BEGIN { printf "%.1f", (a - b) / n }')
per_shim=$(awk -v a="$shimN" -v b="$shim0" -v n=$n 'BEGIN { printf "%.1f", (a - b) / n }')
r1=$(ratio "$per_shim" "$per_native")
printf '%-44s glibc %8s   shim %8s   %5sx   target <= 0.75x: %s\n' \
	"instructions per handler (register + run)" "$per_native" "$per_shim" "$r1" "$(verdict "$r1" 0.75)"

# 2. Start-up and exit of /bin/true: the shim's overhead against the floor
# that any preloaded library pays.
true_native=$(instructions "" /bin/true)
true_empty=$(instructions "$EMPTY_LIB" /bin/true)
true_shim=$(instructions "$SHIM_LIB" /bin/true)
floor=$((true_empty - true_native))
overhead=$((true_shim - true_native))
r2=$(ratio "$overhead" "$floor")
printf '%-44s floor %8s   shim %8s   %5sx   target <= 2x:    %s\n' \
	"/bin/true: instructions over native" "$floor" "$overhead" "$r2" "$(verdict "$r2" 2)"
printf '%-44s native %7s   empty preload %s   shim %s\n' "  (whole process)" "$true_native" "$true_empty" "$true_shim"

# 3. Peak memory per handler: the slope between one and two million
# handlers, so that what start-up costs (and its noise) cancels out.
m=1000000
rss_native1=$(peak_rss "" "$HANDLERS" $m)
rss_native2=$(peak_rss "" "$HANDLERS" $((2 * m)))
rss_shim1=$(peak_rss "$SHIM_LIB" "$HANDLERS" $m)
rss_shim2=$(peak_rss "$SHIM_LIB" "$HANDLERS" $((2 * m)))
bytes_native=$(awk -v a="$rss_native2" -v b="$rss_native1" -v m=$m 'BEGIN { printf "%.1f", (a - b) / m }')
bytes_shim=$(awk -v a="$rss_shim2" -v b="$rss_shim1" -v m=$m 'BEGIN { printf "%.1f", (a - b) / m }')
r3=$(ratio "$bytes_shim" "$bytes_native")
printf '%-44s glibc %8s   shim %8s   %5sx   target <= 32 B:  %s\n' \
	"peak memory per handler, bytes (1M to 2M)" "$bytes_native" "$bytes_shim" "$r3" \
	"$(awk -v b="$bytes_shim" 'BEGIN { print (b <= 32 ? "met" : "NOT MET") }')"

# 4. A registration with tracing on (JSON to a file): wall-clock time, the
# one figure here that is a time; the best of five runs, as the machine is
# shared.  Not a test: nothing fails on it.
trace=$work/trace.jsonl
best=$(for _ in 1 2 3 4 5; do
	rm -f "$trace"
	ATEXIT_SHIM_TRACE=$trace ATEXIT_SHIM_TRACE_FORMAT=json LD_PRELOAD=$SHIM_LIB "$HANDLERS" 10000 time
done | sort -n | head -n 1)
plain=$(for _ in 1 2 3 4 5; do LD_PRELOAD=$SHIM_LIB "$HANDLERS" 10000 time; done | sort -n | head -n 1)
printf '%-44s plain %7s ns   traced %6s ns               target < 2000 ns: %s\n' \
	"registration, tracing off and on (wall)" "$plain" "$best" \
	"$(awk -v b="$best" 'BEGIN { print (b < 2000 ? "met" : "NOT MET") }')"

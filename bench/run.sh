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

# 2. Start-up and exit of /bin/true: what the library costs every process
# it is preloaded into, against the floor any preload pays (an empty
# library), with native glibc measured alongside.  The guest alone:
#  - ld.so runs /bin/true with --preload: valgrind's launcher (a shell
#    script, then valgrind.bin) never loads the library, which under
#    LD_PRELOAD it would, and which would set ATEXIT_SHIM_ROOT_PID for the
#    guest;
#  - both libraries copied to one fixed path, the same from run to run (the
#    preload path's length, and even its bytes, through the alignment of
#    the loader's string comparisons, move its work by hundreds of
#    instructions);
#  - one fixed environment, as a login shell's (each entry costs the loader
#    and the library a few instructions).
# Two paths: the library preloaded by hand, no setting; and the wrapper's,
# ATEXIT_SHIM_ROOT_PID (this process) and ATEXIT_SHIM_FOLLOW=1 set.
ldso=$(readelf -l /bin/true | sed -n 's/.*interpreter: \(.*\)\]$/\1/p')
[ -x "$ldso" ] || { echo "bench: no program interpreter found for /bin/true" >&2; exit 1; }
libs=/tmp/atexit-shim-bench.$(id -u)
rm -rf "$libs"
mkdir -p "$libs/shim" "$libs/empty"
trap 'rm -rf "$work" "$libs"' EXIT
cp "$SHIM_LIB" "$libs/shim/libpreload.so"
cp "$EMPTY_LIB" "$libs/empty/libpreload.so"
login_env=(PATH=/usr/bin:/bin HOME=/root LANG=C.UTF-8 TERM=xterm USER=root LOGNAME=root SHELL=/bin/bash PWD=/)

# guest OUT SETTINGS [PRELOAD]: instructions of /bin/true under ld.so, in
# the fixed environment plus SETTINGS (0: none; 1: the wrapper's); the
# profile is kept in $work/OUT.
guest()
{
	local out=$work/$1 settings=$2 preload=()
	[ -n "${3:-}" ] && preload=(--preload "$3")
	# exec all the way: the guest keeps the shell's pid, $$, the root's
	# shellcheck disable=SC2016
	sh -c 'settings=$1 out=$2; shift 2
		[ "$settings" = 1 ] && set -- ATEXIT_SHIM_ROOT_PID=$$ ATEXIT_SHIM_FOLLOW=1 "$@"
		exec env -i "$@"' sh "$settings" "$out" "${login_env[@]}" \
		valgrind --tool=callgrind --callgrind-out-file="$out" "$ldso" "${preload[@]}" /bin/true \
		>/dev/null 2>"$work/valgrind.err" </dev/null
	sed -n 's/^summary: *//p' "$out"
}

# inclusive PROFILE FUNCTION: the instructions of FUNCTION and what it
# calls (0 if it never ran).  Only the lines naming the object count: the
# others are the same function again, under the file of code inlined in it
# or under a second spelling of its source path.
inclusive()
{
	callgrind_annotate --inclusive=yes --auto=no --threshold=100 "$1" 2>/dev/null | awk -v fn="$2" '
		/^ *[0-9,]+ +\(.*\]$/ {
			n = $1; gsub(",", "", n); name = $0
			sub(/ \[[^]]*\]$/, "", name); sub(/^ *[0-9,]+ +\([^)]*\) +/, "", name); sub(/^.*:/, "", name)
			sub(/@.*$/, "", name)
			if (name == fn) total += n
		}
		END { print total + 0 }'
}

echo "/bin/true: start-up and exit, instructions over native"
for path in 0 1; do
	native=$(guest "native$path.out" $path)
	empty=$(guest "empty$path.out" $path "$libs/empty/libpreload.so")
	shim=$(guest "shim$path.out" $path "$libs/shim/libpreload.so")
	if ! grep -q libpreload "$work/shim$path.out"; then
		echo "bench: the library does not appear in the profile: not measured" >&2
		exit 1
	fi
	floor=$((empty - native))
	overhead=$((shim - native))
	r2=$(ratio "$overhead" "$floor")
	[ "$path" = 1 ] || total=$((shim - empty))
	label=$([ "$path" = 0 ] && echo "preloaded by hand, no setting" || echo "with the wrapper's settings")
	printf '  %-42s floor %8s   shim %8s   %5sx   target <= 2x:    %s\n' \
		"$label" "$floor" "$overhead" "$r2" "$(verdict "$r2" 2)"
done

# Where the library's instructions over the empty library's go (the first
# path): each step's difference between the two profiles.  The loader's
# steps shift work between them (the first object to need libc.so.6 loads
# it), so those under "loader" need not add up.
difference() { echo $(($(inclusive "$work/shim0.out" "$1") - $(inclusive "$work/empty0.out" "$1"))); }
loader=$(difference dl_main)
constructor=$(difference _dl_init)
echo "  where the library's $total instructions over the empty library's go (preloaded by hand):"
printf '    %-68s %6s\n' \
	"the loader, before the library runs (dl_main)" "$loader" \
	"  of which: mapping the file (do_preload)" "$(difference do_preload)" \
	"  of which: its DT_NEEDED libc.so.6 (_dl_map_object_deps)" "$(difference _dl_map_object_deps)" \
	"  of which: its symbol versions (_dl_check_all_versions)" "$(difference _dl_check_all_versions)" \
	"  of which: relocations, everyone's lookups (_dl_relocate_object)" "$(difference _dl_relocate_object)" \
	"the constructor (_dl_init)" "$constructor" \
	"  of which: the walk finding glibc's functions (loaded_symbols_next)" "$(difference loaded_symbols_next)" \
	"main, the exit and the library destructors (the rest)" "$((total - loader - constructor))"
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

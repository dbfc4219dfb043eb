#!/usr/bin/env bats
# The source tree's layers: no file of src/ calls, directly or through
# others, back into itself (issue 12: "no source file in an import circle").

load helper

# "FILE -> FILE ..." for each of the library's objects: the files that define
# the functions and data it uses, read from the built objects with nm.
imports()
{
	python3 - "$BUILDDIR/src/.libs" <<'PY'
import collections, glob, os, subprocess, sys
prefix = "libatexit_shim_la-"
defined, used = {}, collections.defaultdict(set)
for path in sorted(glob.glob(os.path.join(sys.argv[1], prefix + "*.o"))):
    name = os.path.basename(path)[len(prefix):-2]
    used[name]
    for line in subprocess.run(["nm", path], capture_output=True, text=True, check=True).stdout.splitlines():
        fields = line.split()
        if len(fields) == 3 and fields[1] in "TDBRVW":
            defined[fields[2]] = name
        elif len(fields) == 2 and fields[0] == "U":
            used[name].add(fields[1])
for name in sorted(used):
    print(name, "->", *sorted({defined[s] for s in used[name] if defined.get(s, name) != name}))
PY
}

# The files in a circle of imports, one circle a line; nothing if none.
circles()
{
	python3 -c '
import sys
graph = {}
for line in sys.stdin:
    name, _, rest = line.partition(" -> ")
    graph[name] = rest.split()
def reaches(start):
    seen, todo = set(), list(graph.get(start, []))
    while todo:
        n = todo.pop()
        if n not in seen:
            seen.add(n)
            todo.extend(graph.get(n, []))
    return seen
done = set()
for name in sorted(graph):
    if name in done or name not in reaches(name):
        continue
    circle = sorted(n for n in reaches(name) if name in reaches(n))
    done.update(circle)
    print(" ".join(circle))'
}

@test "no source file of the library is in an import circle" {
	run imports
	[ "$status" -eq 0 ]
	# the check sees the layers: the registry imports only its lock
	printf '%s\n' "$output" | grep -qx 'registry -> lock'
	printf '%s\n' "$output" | grep -q '^runner -> .*registry'
	local found
	found=$(printf '%s\n' "$output" | circles)
	echo "$found"
	[ -z "$found" ]
}

#!/usr/bin/env bats
# The source tree's layers: no file of src/ calls, directly or through
# others, back into itself (issue 12: "no source file in an import circle"),
# and each file is in the folder of the program it is part of, including
# only what that program may (issue 18).

load helper

# "FILE -> FILE ..." for each of the library's objects: the files that define
# the functions and data it uses, read from the built objects with nm.
imports()
{
	python3 - "$BUILDDIR/src" <<'PY'
import collections, glob, os, subprocess, sys
prefix = "libatexit_shim_la-"
defined, used = {}, collections.defaultdict(set)
for path in sorted(glob.glob(os.path.join(sys.argv[1], "*", ".libs", prefix + "*.o"))):
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

# "FILE INCLUDED" for every #include "..." of src/, FILE under src/, INCLUDED
# as the preprocessor finds it: the includer's folder first, then src/, then
# include/.
project_includes()
{
	python3 - "$SRCDIR" <<'PY'
import os, re, sys
top = sys.argv[1]
src = os.path.join(top, "src")
for folder, _, files in sorted(os.walk(src)):
    for name in sorted(files):
        if not name.endswith((".c", ".h")):
            continue
        path = os.path.join(folder, name)
        for included in re.findall(r'^#include "([^"]+)"', open(path).read(), re.M):
            for base in (folder, src, os.path.join(os.environ["BUILDDIR"], "src"), os.path.join(top, "include")):
                if os.path.exists(os.path.join(base, included)):
                    found = os.path.join("src", included) if base == os.path.join(os.environ["BUILDDIR"], "src") \
                        else os.path.relpath(os.path.join(base, included), top)
                    break
            else:
                found = "missing:" + included
            print(os.path.relpath(path, top), found)
PY
}

@test "each file of src/ is in its program's folder, and includes only what that program may" {
	run project_includes
	[ "$status" -eq 0 ]
	local all=$output
	# every file is in one of the three folders
	[ -z "$(find "$SRCDIR/src" -name '*.[ch]' | grep -v "^$SRCDIR/src/\(lib\|cmd\|settings\)/")" ]
	# every include is found
	[ -z "$(printf '%s\n' "$all" | grep ' missing:')" ]
	# the library includes its own, the settings and the public header; never the command's
	[ -z "$(printf '%s\n' "$all" | grep '^src/lib/' | grep -v ' \(src/lib/\|src/settings/\|include/atexit_shim.h$\)')" ]
	# the command includes its own, the settings and the public header: nothing of the library's
	[ -z "$(printf '%s\n' "$all" | grep '^src/cmd/' | grep -v ' \(src/cmd/\|src/settings/\|include/atexit_shim.h$\)')" ]
	# the settings include only the settings
	[ -z "$(printf '%s\n' "$all" | grep '^src/settings/' | grep -v ' src/settings/')" ]
	# the check sees real includes of each part
	printf '%s\n' "$all" | grep -qx 'src/lib/runner.c src/lib/catch.h'
	printf '%s\n' "$all" | grep -qx 'src/cmd/options.c src/settings/settings.h'
}

@test "no two files of different programs share a name" {
	run sh -c "find '$SRCDIR/src' -name '*.[ch]' -printf '%P\n' |
		awk -F/ '{ base = \$NF; sub(/[.][ch]\$/, \"\", base); print \$1, base }' | sort -u | awk '{ print \$2 }' | sort | uniq -d"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
}

#!/usr/bin/env bats
# The man pages: they format without a warning, and their sources hold no
# stray control character (a "\f" font escape once became a form feed, which
# man shows as a stray letter).

PAGES=(atexit-shim.1 libatexit-shim.7)

page() { printf '%s\n' "$BATS_TEST_DIRNAME/../doc/$1"; }

@test "docs: both man pages format with no warning, as man shows them and under groff's every warning" {
	local name out
	for name in "${PAGES[@]}"; do
		out=$(LC_ALL=C MANWIDTH=80 man --warnings=w -l "$(page "$name")" 2>&1 >/dev/null)
		[ -z "$out" ] || { echo "man $name: $out" >&2; return 1; }
		out=$(LC_ALL=C groff -ww -z -man "$(page "$name")" 2>&1)
		[ -z "$out" ] || { echo "groff $name: $out" >&2; return 1; }
	done
}

@test "docs: the man page sources hold no control character but newline and tab" {
	local name
	for name in "${PAGES[@]}"; do
		[ -f "$(page "$name")" ]
		if LC_ALL=C grep -nP '[\x00-\x08\x0b-\x1f\x7f]' "$(page "$name")" >&2; then
			echo "control character in $name (above)" >&2
			return 1
		fi
	done
}

@test "docs: README's layout names every file of src/ (its .c, or the header that stands alone) and no file that is not there" {
	local f missing=
	for f in $( (cd "$SRCDIR" && find src -name '*.c' -o -name '*.map' -o -name '*.h'; cd "$BUILDDIR" && find src -name '*.h') | sort -u); do
		case $f in *.h) [ -e "$SRCDIR/${f%.h}.c" ] && continue ;; esac
		grep -q "\`$f\`" "$SRCDIR/README.md" || missing="$missing $f"
	done
	[ -z "$missing" ] || { echo "not in README's layout:$missing" >&2; false; }
	for f in $(sed -n 's/^| `\(src\/[^`]*\)`.*/\1/p' "$SRCDIR/README.md"); do
		[ -e "$SRCDIR/$f" ] || [ -e "$BUILDDIR/$f" ] || { echo "README names $f, which is not there" >&2; false; }
	done
}

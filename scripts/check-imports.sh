#!/usr/bin/env bash
# Checks the `import` lines of every target, and the dependencies Package.swift declares for it,
# against the module table in docs/architecture.md's "## Modules" section, so dependencies keep pointing one way. The table is the only source:
# rows run from the top of the house (test suites, executables) to its bottom (C targets,
# packages, the toolchain), and a module may import only what its row names, all of which must
# stand below it. Run by `make test` before the build; MODULES_DOC=path checks another copy.
#
# Columns read, found by their headings: module, folder, may import. Backticks mark names;
# "any module below" in "may import" allows every module in the rows below; a folder cell
# saying "every module" marks names any target may import. A row whose folder does not exist
# (yet) is noted, not refused, so the table may lead the code while branches merge.
set -euo pipefail
cd "$(dirname "$0")/.."
readme=${MODULES_DOC:-docs/architecture.md}
[ -f "$readme" ] || { echo "check-imports: $readme not found" >&2; exit 2; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Every folder with Swift sources, and every import in it: "D dir" and "I dir file:line module".
for dir in Sources/* Tests/*; do
    [ -d "$dir" ] || continue
    if [ -n "$(find "$dir" -name '*.swift' -print -quit)" ]; then echo "D $dir"; fi
done >"$work/code"
# Import lines outside multi-line string literals (a test may embed a Python script's `import`).
find Sources Tests -name '*.swift' -print0 | xargs -0 awk '
    FNR == 1 { inString = 0 }
    {
        line = $0; quotes = 0
        while ((at = index(line, "\"\"\"")) > 0) { quotes++; line = substr(line, at + 3) }
        if (!inString && $0 ~ /^[ \t]*(@[A-Za-z_]+(\([^)]*\))?[ \t]+)*import[ \t]+/) {
            name = $0
            sub(/^.*import[ \t]+/, "", name); sub(/^(struct|class|enum|protocol|func|var|let|typealias)[ \t]+/, "", name)
            sub(/[^A-Za-z0-9_].*$/, "", name)
            split(FILENAME, part, "/"); print "I " part[1] "/" part[2] " " FILENAME ":" FNR " " name
        }
        if (quotes % 2 == 1) inString = !inString
    }' >>"$work/code"

# Package.swift's declared dependencies, which let a target import a module: "P dir module".
# SWIFT=swift as in the Makefile; without a usable toolchain only the import lines are checked.
if manifest=$("${SWIFT:-swift}" package dump-package 2>/dev/null) && command -v python3 >/dev/null; then
    printf '%s' "$manifest" | python3 -c '
import json, sys
for target in json.load(sys.stdin)["targets"]:
    if target["type"] in ("system", "binary", "plugin", "macro"):
        continue
    folder = target.get("path") or ("Tests/" if target["type"] == "test" else "Sources/") + target["name"]
    for dependency in target["dependencies"]:
        kind = next(iter(dependency))
        print("P", folder.rstrip("/"), dependency[kind][0])
' >>"$work/code"
else
    echo "check-imports: note: no swift package dump-package; Package.swift's dependencies not checked" >&2
fi

awk -v readme="$readme" '
function names(cell, list,    n, rest) {
    n = 0; rest = cell
    while (match(rest, /`[^`]+`/)) {
        list[++n] = substr(rest, RSTART + 1, RLENGTH - 2)
        rest = substr(rest, RSTART + RLENGTH)
    }
    return n
}
function trim(s) { gsub(/^[ \t]+|[ \t]+$/, "", s); return s }
function globbed(pattern, dir,    re) {
    re = pattern; gsub(/[.+?()^$\[\]{}|]/, "\\\\&", re); gsub(/\*/, "[^/]*", re)
    return dir ~ ("^" re "$")
}
function fail(message) { print message > "/dev/stderr"; failures++ }
BEGIN { rows = 0; header = 0 }
# docs/architecture.md: the module table.
FILENAME == readme && /^## / { inside = ($0 ~ /^## Modules[ \t]*$/); next }
FILENAME == readme && inside && /^\|/ {
    if ($0 ~ /^\|[-: |]+\|[ \t]*$/) next
    n = split($0, cell, "|")
    if (!header) {
        # Columns are found by their headings, so a column added or moved at merge time is harmless.
        header = 1; colModule = 2; colFolder = 3; colAllowed = 4
        for (i = 2; i < n; i++) {
            heading = tolower(trim(cell[i]))
            if (heading == "module") colModule = i
            else if (heading == "folder") colFolder = i
            else if (heading == "may import") colAllowed = i
        }
        next
    }
    if (n <= colAllowed || n <= colFolder || n <= colModule) { fail(readme ": module table row with too few columns: " $0); next }
    rows++
    m = names(cell[colModule], mods)
    first[rows] = (m > 0 ? mods[1] : trim(cell[colModule]))
    for (i = 1; i <= m; i++) {
        if (mods[i] in rowOf) fail(readme ": module table names `" mods[i] "` twice")
        rowOf[mods[i]] = rows
    }
    everywhere[rows] = (cell[colFolder] ~ /every module/)
    if (names(cell[colFolder], dirs) > 0) { folder[rows] = dirs[1]; folderRows[++folders] = rows }
    k = names(cell[colAllowed], allowed)
    count[rows] = k
    for (i = 1; i <= k; i++) allow[rows, i] = allowed[i]
    below[rows] = (cell[colAllowed] ~ /any module below/)
    next
}
FILENAME == readme { next }
# The code.
$1 == "D" { dirList[++dirCount] = $2; next }
$1 == "I" { imports[++importCount] = $0; next }
$1 == "P" { declared[++declaredCount] = $0; next }
END {
    if (rows == 0) { fail(readme ": no module table under \"## Modules\""); exit 1 }
    for (r = 1; r <= rows; r++) if (everywhere[r]) for (name in rowOf) if (rowOf[name] == r) toolchain[name] = 1
    # The table itself: each row names only modules that stand below it.
    for (r = 1; r <= rows; r++) for (i = 1; i <= count[r]; i++) {
        name = allow[r, i]
        if (!(name in rowOf)) fail(readme ": `" first[r] "` may import `" name "`, which has no row in the module table")
        else if (rowOf[name] <= r && !(name in toolchain))
            fail(readme ": `" first[r] "` may import `" name "`, which stands above it in the module table")
    }
    # Each folder with Swift files belongs to one row: an exact folder first, else a pattern.
    for (d = 1; d <= dirCount; d++) {
        dir = dirList[d]; owner[dir] = 0
        for (f = 1; f <= folders; f++) if (folder[folderRows[f]] == dir) { owner[dir] = folderRows[f]; break }
        if (!owner[dir]) for (f = 1; f <= folders; f++) if (globbed(folder[folderRows[f]], dir)) { owner[dir] = folderRows[f]; break }
        if (!owner[dir]) fail(dir ": has Swift sources but no row in " readme "'"'"'s module table")
        exists[dir] = 1
    }
    for (f = 1; f <= folders; f++) {
        r = folderRows[f]; seen = 0
        for (dir in exists) if (owner[dir] == r) seen = 1
        if (!seen) print "check-imports: note: `" first[r] "` (" folder[r] ") is in the module table but not in the tree" > "/dev/stderr"
    }
    for (n = 1; n <= importCount; n++) {
        split(imports[n], part, " "); dir = part[2]; where = part[3]; name = part[4]
        r = owner[dir]
        if (!r || name in toolchain) continue
        ok = 0
        for (i = 1; i <= count[r]; i++) if (allow[r, i] == name) ok = 1
        if (!ok && below[r] && (name in rowOf) && rowOf[name] > r) ok = 1
        used[r, name] = 1
        if (ok) continue
        list = ""
        for (i = 1; i <= count[r]; i++) list = list (i > 1 ? ", " : "") allow[r, i]
        if (below[r]) list = list (list == "" ? "" : ", ") "any module below"
        if ((name in rowOf) && rowOf[name] <= r)
            why = "which stands above it (or beside it) in " readme "'"'"'s module table"
        else if (name in rowOf) why = "which its row in " readme "'"'"'s module table does not name"
        else why = "which has no row in " readme "'"'"'s module table"
        fail(where ": " first[r] " imports " name ", " why " (" first[r] " may import: " list ")")
    }
    # A declared dependency lets a target import a module: it may not point up the table either.
    for (n = 1; n <= declaredCount; n++) {
        split(declared[n], part, " "); dir = part[2]; name = part[3]
        if (!(dir in owner) || !owner[dir]) continue
        r = owner[dir]; used[r, name] = 1
        if (name in toolchain) continue
        ok = 0
        for (i = 1; i <= count[r]; i++) if (allow[r, i] == name) ok = 1
        if (!ok && below[r] && (name in rowOf) && rowOf[name] > r) ok = 1
        if (ok) continue
        # One below it but not in its row breaks no direction: worth a note, not a failure.
        if ((name in rowOf) && rowOf[name] > r)
            print "check-imports: note: Package.swift: " first[r] " depends on " name ", which its row does not name (unused?)" > "/dev/stderr"
        else if (name in rowOf) fail("Package.swift: " first[r] " depends on " name ", which stands above it (or beside it) in " readme "'"'"'s module table")
        else fail("Package.swift: " first[r] " depends on " name ", which has no row in " readme "'"'"'s module table")
    }
    # Names a row allows but its code neither imports nor declares: the table has drifted from the code.
    for (r = 1; r <= rows; r++) if (r in folder) for (i = 1; i <= count[r]; i++) {
        seen = 0
        for (dir in exists) if (owner[dir] == r) seen = 1
        if (seen && !((r, allow[r, i]) in used))
            print "check-imports: note: `" first[r] "` may import `" allow[r, i] "` but neither imports nor depends on it" > "/dev/stderr"
    }
    if (failures) { print "check-imports: " failures " problem(s); the module table is in " readme " under \"## Modules\"" > "/dev/stderr"; exit 1 }
    print "check-imports: every import and declared dependency follows " readme "'"'"'s module table (" rows " rows, " importCount " imports, " declaredCount " dependencies)"
}
' "$readme" "$work/code"

# Sourced by the bench and chaos scripts: replaces the block between `<!-- bench:NAME:begin` and
# `<!-- bench:NAME:end -->` in BENCHMARKS.md (or the file named third) with the contents of a
# file (markers included), or appends it when there is no such block yet. Everything outside
# the markers is kept.
replace_benchmarks_block() {
    local name="$1" block="$2" target="${3:-BENCHMARKS.md}"
    if [ -f "$target" ] && grep -q "<!-- bench:$name:begin" "$target"; then
        awk -v block="$block" -v begin="<!-- bench:$name:begin" -v end="<!-- bench:$name:end" '
            index($0, begin) == 1 { while ((getline line < block) > 0) print line; skipping = 1; next }
            index($0, end) == 1 { skipping = 0; next }
            !skipping { print }
        ' "$target" > "$target.new"
        mv "$target.new" "$target"
    else
        { echo; cat "$block"; } >> "$target"
    fi
}

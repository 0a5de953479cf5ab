# Sourced by the bench scripts: replaces the block between `<!-- bench:NAME:begin` and
# `<!-- bench:NAME:end -->` in BENCHMARKS.md with the contents of a file (markers included),
# or appends it when the file has no such block yet. Everything outside the markers is kept.
replace_benchmarks_block() {
    local name="$1" block="$2"
    if [ -f BENCHMARKS.md ] && grep -q "<!-- bench:$name:begin" BENCHMARKS.md; then
        awk -v block="$block" -v begin="<!-- bench:$name:begin" -v end="<!-- bench:$name:end" '
            index($0, begin) == 1 { while ((getline line < block) > 0) print line; skipping = 1; next }
            index($0, end) == 1 { skipping = 0; next }
            !skipping { print }
        ' BENCHMARKS.md > BENCHMARKS.md.new
        mv BENCHMARKS.md.new BENCHMARKS.md
    else
        { echo; cat "$block"; } >> BENCHMARKS.md
    fi
}

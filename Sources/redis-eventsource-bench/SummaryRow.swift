/// One line of the final "figure | measured | aim | met?" table that `make bench` prints
/// (scripts/bench-summary.sh joins the throughput bench's lines and the scale bench's).
struct SummaryRow: Sendable {
    let figure: String
    let measured: String
    let aim: String
    /// Nil: not measured (the reason is in `measured`).
    let met: Bool?

    var markdown: String {
        let verdict = met.map { $0 ? "yes" : "**MISSED**" } ?? "**MISSED** (not measured)"
        return "| \(figure) | \(measured) | \(aim) | \(verdict) |"
    }

    /// The rows as Markdown table lines, one per row, for `--summary`.
    static func markdown(_ rows: [SummaryRow]) -> String {
        rows.map(\.markdown).joined(separator: "\n") + "\n"
    }
}

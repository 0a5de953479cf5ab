import Foundation

/// The Markdown scripts/chaos.sh puts in RELIABILITY.md: one table row per scenario, one per fuzz target.
struct ReliabilityReport {
    let scenarios: [ScenarioResult]
    let fuzz: [FuzzResult]
    let seed: UInt64

    var markdown: String {
        var lines = [
            "| scenario | produced | delivered | lost | stuck | duplicates | events/s | notes |",
            "|---|---:|---:|---:|---:|---:|---:|---|",
        ]
        for result in scenarios {
            if let failure = result.failure {
                lines.append("| `\(result.name)` | — | — | — | — | — | — | did not run: \(cell(failure)) |")
                continue
            }
            var notes = result.notes
            if result.unexpected > 0 { notes.insert("\(result.unexpected) unexpected ids", at: 0) }
            let rate = result.eventsPerSecond.map { String(Int($0.rounded())) } ?? "—"
            let lost = result.lost > 0 ? "**\(result.lost)**" : "0"
            let stuck = result.stuck > 0 ? "**\(result.stuck)**" : "0"
            lines.append(
                "| `\(result.name)` | \(result.produced) | \(result.delivered) | \(lost) | \(stuck) | \(result.duplicates) | \(rate) | \(cell(notes.joined(separator: "; "))) |")
        }
        lines.append("")
        lines.append("What each scenario does:")
        lines.append("")
        for result in scenarios { lines.append("- `\(result.name)`: \(result.summary).") }
        let checked = scenarios.filter { !$0.checks.isEmpty }
        if !checked.isEmpty {
            let notHeld = checked.flatMap(\.checks).filter { !$0.held }.count
            lines.append("")
            lines.append("Issue 19's delivery rules, as each scenario checked them (\(notHeld == 0 ? "all held" : "**\(notHeld) not held**")):")
            lines.append("")
            lines.append("| scenario | rule | observed | held? |")
            lines.append("|---|---|---|---|")
            for result in checked {
                for check in result.checks {
                    lines.append(
                        "| `\(result.name)` | \(cell(check.expectation)) | \(cell(check.observed)) | \(check.held ? "yes" : "**no**") |")
                }
            }
        }
        if !fuzz.isEmpty {
            lines.append("")
            lines.append("Fuzzing (seed \(seed)):")
            lines.append("")
            lines.append("| target | inputs | accepted | outcome |")
            lines.append("|---|---:|---:|---|")
            for result in fuzz {
                let outcome = result.failure.map { "**failed**: \(cell($0))" } ?? String(format: "no crash, no hang (%.1f s)", result.seconds)
                lines.append("| `\(result.target.rawValue)` | \(result.count) | \(result.accepted.map(String.init) ?? "—") | \(outcome) |")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private func cell(_ text: String) -> String {
        text.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
    }
}

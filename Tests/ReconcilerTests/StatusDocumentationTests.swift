import AdapterModel
import Foundation
import StructuredData
import Testing
@testable import Reconciler

/// The status fields docs/configuration.md ("The status") shows per source are the ones rendered:
/// nothing collected but hidden, nothing documented but missing.
@Suite struct StatusDocumentationTests {
    /// The keys of `sources.example` in the documented status.
    private func documentedSourceFields() throws -> Set<String> {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let text = try String(contentsOf: root.appendingPathComponent("docs/configuration.md"), encoding: .utf8)
        let section = try #require(text.components(separatedBy: "## The status").dropFirst().first)
        let block = try #require(section.components(separatedBy: "```").dropFirst().first)
        var fields: Set<String> = []
        var inSource = false
        for line in block.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("    example:") {
                inSource = true
                continue
            }
            guard inSource else { continue }
            guard line.hasPrefix("      "), !line.hasPrefix("       ") else {
                if !line.hasPrefix("       ") { inSource = false }
                continue
            }
            if let name = line.dropFirst(6).split(separator: ":").first { fields.insert(String(name)) }
        }
        return fields
    }

    @Test func everyDocumentedSourceFieldIsRenderedAndNoOther() throws {
        var adapter = AdapterStatus(consumerGroup: "argo-events-cg", consumerName: "pod-0")
        adapter.phase = .waitingForStreams
        adapter.missingStreams = ["BAR"]
        (adapter.forwarded, adapter.failed, adapter.filtered, adapter.filterErrors) = (1, 2, 3, 4)
        (adapter.deadLettered, adapter.trimmed) = (5, 6)
        adapter.pending = ["FOO": 0]
        adapter.lag = ["FOO": 0]
        adapter.groupEntriesRead = ["FOO": 1]
        adapter.lastEventTime = 1_700_000_000_000
        adapter.lastError = "x"
        adapter.server = "10.0.0.1:6379"
        (adapter.failovers, adapter.lastFailoverTime) = (1, 1_700_000_000_000)
        let status = EventSourceStatus(
            generation: 1, specProblems: [], eventNames: ["example"], desired: DesiredState(), adapters: ["example": adapter])
        let rendered = try #require(status.render(previous: nil, now: "t")["sources"]?["example"]?.objectValue)
        let documented = try documentedSourceFields()
        #expect(documented.count > 10, "the status block of docs/configuration.md was not found: \(documented)")
        // `sink` needs the entry's configuration and `groupShared` another entry on its group.
        let needContext: Set<String> = ["sink", "groupShared"]
        #expect(Set(rendered.keys).subtracting(documented).isEmpty, "rendered but not documented")
        #expect(documented.subtracting(rendered.keys).subtracting(needContext).isEmpty, "documented but not rendered")
    }
}

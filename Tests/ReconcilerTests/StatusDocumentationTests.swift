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
        (adapter.deadLettered, adapter.trimmed, adapter.reclaimed, adapter.connectAttempts) = (5, 6, 7, 8)
        adapter.pending = ["FOO": 0]
        adapter.lag = ["FOO": 0]
        adapter.groupEntriesRead = ["FOO": 1]
        adapter.lastEventTime = 1_700_000_000_000
        adapter.lastError = "x"
        adapter.server = "10.0.0.1:6379, 10.0.0.2:6379"
        adapter.streamServers = ["FOO": "10.0.0.1:6379", "{x}.BAR": "10.0.0.2:6379"]
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
        // And nothing the status holds is left out of both: every field of its parts is rendered
        // (under the name the status uses), except the connection flag the gauge shows.
        var held = Set([adapter.counters, adapter.group, adapter.significant, adapter.significant.connection].flatMap(fieldNames))
        held.subtract(["connection", "connected"])
        held.remove("entriesRead")
        held.insert("groupEntriesRead")
        // Fields beside the parts (lastError), but not the parts themselves or the entry's identity.
        held.formUnion(Set(fieldNames(adapter)).subtracting(["significant", "counters", "group", "consumerGroup", "consumerName"]))
        #expect(held.subtracting(rendered.keys).isEmpty, "held in the status but not rendered")
    }

    private func fieldNames(_ part: Any) -> [String] {
        Mirror(reflecting: part).children.compactMap(\.label)
    }
}

import EventSourceAPI
import Foundation
import Testing

/// The README's "Redis deployments" example is an EventSource spec that validates as it stands,
/// one entry for each way of reaching Redis.
@Suite struct ReadmeRedisDeploymentsTests {
    @Test func theExampleValidatesWithOneEntryPerWayOfReachingRedis() throws {
        let readme = try String(
            contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../README.md"),
            encoding: .utf8)
        let section = try #require(readme.range(of: "## Redis deployments"), "README.md has no \"## Redis deployments\" section")
        let afterHeading = readme[section.upperBound...]
        let open = try #require(afterHeading.range(of: "```yaml\n"), "the section has no yaml example")
        let close = try #require(afterHeading[open.upperBound...].range(of: "```"))
        let spec = String(afterHeading[open.upperBound..<close.lowerBound])
        let yaml = "apiVersion: argoproj.io/v1alpha1\nkind: EventSource\nmetadata:\n  name: readme\n" + spec
        let document = try #require(try EventSourceFile.parse(yaml).documents.first)
        let eventSource = try document.result.get()
        #expect(eventSource.warnings.isEmpty, "\(eventSource.warnings)")
        let ways = Set(eventSource.redisStream.map(\.source.endpoint.fieldName))
        #expect(ways == ["hostAddress", "url", "urlSecret", "sentinel", "cluster"])
    }
}

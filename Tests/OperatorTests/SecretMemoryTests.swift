import Foundation
import Testing
import TestSupport

/// A cluster's Secrets do not all end up in the controller's memory: only referenced ones do.
@Suite struct SecretMemoryTests {
    private static func residentBytes(of pid: pid_t) throws -> Int {
        let status = try String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)
        let line = try #require(status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") })
        let kilobytes = try #require(line.split(whereSeparator: \.isWhitespace).dropFirst().first.flatMap { Int($0) })
        return kilobytes * 1024
    }

    @Test func twoThousandSecretsOfWhichThreeAreReferencedCostThreeSecrets() async throws {
        try await OperatorFixture.with { fixture in
            let referenced = (1...3).map { "redis-password-\($0)" }
            var setup = referenced.map { name in
                "apiVersion: v1\nkind: Secret\nmetadata:\n  name: \(name)\ndata:\n  password: \(Data("pw-\(name)".utf8).base64EncodedString())\n"
            }
            setup.append(
                fixture.eventSourceYAML(
                    name: "memory",
                    entries: referenced.enumerated().map { (event: "entry\($0.offset)", streams: ["MEM\($0.offset)"]) }))
            // Each entry reads its own password Secret; Redis has none, so the adapters only retry,
            // which does not matter here.
            var eventSource = setup.removeLast()
            for (index, name) in referenced.enumerated() {
                eventSource = eventSource.replacingOccurrences(
                    of: "streams: [MEM\(index)]", with: "streams: [MEM\(index)]\n      password: {name: \(name), key: password}")
            }
            try await fixture.apply((setup + [eventSource]).joined(separator: "---\n"))
            let httpPort = FreePort.next()
            let controller = try fixture.startController(httpPort: httpPort)
            try await waitUntil("the three referenced Secrets to be held", timeout: .seconds(60)) {
                try await fixture.metric("redis_eventsource_secrets_cached", port: httpPort) == 3
            }
            let seenBefore = try #require(try await fixture.metric("redis_eventsource_watch_events_total", port: httpPort))
            let before = try Self.residentBytes(of: controller.pid)

            // 2,000 unreferenced Secrets of 8 KiB each: 16 MiB of data the controller must not keep.
            let payload = Data(repeating: 0x61, count: 8192).base64EncodedString()
            let unrelated = (0..<2000).map { "apiVersion: v1\nkind: Secret\nmetadata:\n  name: unrelated-\($0)\ndata:\n  blob: \(payload)\n" }
            try await fixture.apply(unrelated.joined(separator: "---\n"))
            try await waitUntil("the controller's watch to see every new Secret", timeout: .seconds(120)) {
                (try await fixture.metric("redis_eventsource_watch_events_total", port: httpPort) ?? 0) >= seenBefore + 2000
            }

            #expect(try await fixture.metric("redis_eventsource_secrets_cached", port: httpPort) == 3)
            let grown = try Self.residentBytes(of: controller.pid) - before
            // Keeping them would cost at least their 16 MiB of decoded bytes; half of that is the bound.
            #expect(grown < 8 * 1024 * 1024, "resident memory grew by \(grown) bytes")
        }
    }
}

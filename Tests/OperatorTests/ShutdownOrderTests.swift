import Foundation
import Testing
import TestSupport

/// SIGTERM stops the controller's services in reverse order of start: the control loop, then the
/// adapters drain, then the health server, which thus answers probes and scrapes throughout.
@Suite struct ShutdownOrderTests {
    @Test func theHealthServerOutlivesTheDrain() async throws {
        try await OperatorFixture.with { fixture in
            let (controller, _) = try await fixture.startControllerWithMetrics(consumer: "ordered")
            try await fixture.apply(fixture.eventSourceYAML(name: "ordered", entries: [("example", ["FOO"])]))
            try await fixture.waitForReady("ordered")
            controller.signal(SIGTERM)
            #expect(try await controller.waitForExit() == 0)
            let log = controller.standardError + controller.standardOutput
            let steps = ["shutting down: stopping watches and workers", "draining 1 adapter(s)", "health server stopped"]
            let positions = steps.map { log.range(of: $0)?.lowerBound }
            #expect(positions.allSatisfy { $0 != nil }, "every step is logged: \(log.suffix(2000))")
            let found = positions.compactMap { $0 }
            #expect(found == found.sorted(), "in this order: \(steps)")
            #expect(!log.contains("did not drain"))
        }
    }
}

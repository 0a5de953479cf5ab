import Foundation
import StructuredData
import Testing
import TestSupport

/// The monitoring pack against the real thing: a real `prometheus` scrapes a running controller
/// while events flow, and evaluates every dashboard query and alert expression through its HTTP
/// API. A query that names a metric or a label the controller does not export fails the test.
@Suite struct MonitoringPrometheusTests {
    @Test func everyPanelQueryAndAlertExpressionWorksOnWhatTheControllerExports() async throws {
        try await OperatorFixture.with { fixture in
            // Both CRDs, as a real install has them: without the EventBus CRD its watch fails (not_found) for good.
            let eventBusCRD = BuiltProducts.repositoryRoot.appendingPathComponent("manifests/crds/argoproj.io_eventbus.yaml").path
            try await fixture.kubectl.succeed(["apply", "-f", eventBusCRD])
            try await fixture.client.command("XGROUP", "CREATE", "ORDERS", "argo-events-cg", "$", "MKSTREAM")
            try await fixture.apply(fixture.eventSourceYAML(name: "shop", entries: [("orders", ["ORDERS"])]))
            let (_, metricsPort) = try await fixture.startControllerWithMetrics()
            try await fixture.waitForReady("shop")
            try await expectOnlyDocumentedLints(metricsPort: metricsPort)
            let prometheus = try await PrometheusServer.start(scraping: "127.0.0.1:\(metricsPort)")
            do {
                try await check(prometheus, fixture: fixture)
            } catch {
                await prometheus.stop()
                throw error
            }
            await prometheus.stop()
        }
    }

    private func check(_ prometheus: PrometheusServer, fixture: OperatorFixture) async throws {
        // Traffic flows until Prometheus has seen the sent counter at two values, so rate() has something to say.
        var sent = 0
        try await waitUntil("Prometheus to see events being sent", timeout: .seconds(120)) {
            sent += 1
            _ = try await fixture.client.command("XADD", "ORDERS", "*", "n", "\(sent)")
            let rate = try await prometheus.query("sum(rate(argo_events_events_sent_total[1m])) > 0")
            return !rate.isEmpty
        }

        var exported: [String: Set<String>] = [:]
        func labels(of metric: String) async throws -> Set<String> {
            if let known = exported[metric] { return known }
            let names = try await prometheus.labelNames(of: metric)
            exported[metric] = names
            return names
        }
        let panels = try MonitoringPack.panelQueries()
        let alerts = try MonitoringPack.alerts()
        #expect(!panels.isEmpty && !alerts.isEmpty)
        let expressions = panels.map { ("panel \"\($0.panel)\"", $0.expression) } + alerts.map { ("alert \($0.name)", $0.expression) }
        for (source, expression) in expressions {
            let metrics = MonitoringPack.metricNames(in: expression)
            #expect(!metrics.isEmpty, "\(source) names no metric of ours: \(expression)")
            var available = Set<String>()
            for metric in metrics {
                let names = try await labels(of: metric)
                #expect(!names.isEmpty, "\(source): the controller exports no \(metric)")
                available.formUnion(names)
            }
            for label in MonitoringPack.labelNames(in: expression) {
                #expect(available.contains(label), "\(source): no series of \(metrics.sorted()) has the label \(label)")
            }
            // Prometheus itself parses and evaluates it; a syntax error or a type mismatch throws.
            let result = try await prometheus.query(expression)
            // The panels show data from the start: every series they use exists, at zero where nothing happened.
            if source.hasPrefix("panel") { #expect(!result.isEmpty, "\(source) shows nothing: \(expression)") }
        }
        // The controller is healthy, so no alert may fire; their expressions come back empty. Not the
        // lag's: while the test adds entries the lag may rise for a moment, which its `for: 10m` absorbs.
        for alert in alerts where alert.name != "RedisEventSourceLagGrowing" {
            #expect(try await prometheus.query(alert.expression).isEmpty, "alert \(alert.name) would fire on a healthy controller")
        }
    }

    /// `promtool check metrics` on the controller's /metrics: every lint it reports names a metric
    /// that docs/operations.md's "promtool check metrics" section explains.
    private func expectOnlyDocumentedLints(metricsPort: Int) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lint-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let exposition = folder.appendingPathComponent("metrics.txt").path
        let fetched = try await CommandRun.run(
            "/usr/bin/curl",
            [
                "--silent", "--show-error", "--fail", "--noproxy", "*", "--max-time",
                "\(TestTimeouts.wholeSeconds(TestTimeouts.request))", "--output", exposition, "http://127.0.0.1:\(metricsPort)/metrics",
            ])
        try #require(fetched.status == 0, "\(fetched.standardError)")
        // promtool reads the exposition from standard input only.
        let lint = try await CommandRun.run(
            "/bin/sh", ["-c", "exec \"$0\" check metrics < \"$1\"", PrometheusTools.path("promtool"), exposition])
        let docs = try String(
            contentsOf: BuiltProducts.repositoryRoot.appendingPathComponent("docs/operations.md"), encoding: .utf8)
        let section = docs.components(separatedBy: "## `promtool check metrics`").dropFirst().first ?? ""
        let lints = (lint.standardOutput + lint.standardError).split(separator: "\n").map(String.init).filter { !$0.isEmpty }
        for line in lints {
            let metric = line.split(separator: " ").first.map(String.init) ?? line
            #expect(section.contains("`\(metric)`"), "promtool check metrics: \(line) (not explained in docs/operations.md)")
        }
    }
}

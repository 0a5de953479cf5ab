import Foundation
import StructuredData
import Testing
import TestSupport

/// The alert rules pass `promtool`'s own checks and unit tests (Tests/Monitoring/rules_test.yaml),
/// every alert is tested firing and not firing, and each carries a summary, a description and a
/// runbook that exists.
@Suite struct MonitoringRulesTests {
    private static let unitTests = BuiltProducts.repositoryRoot.appendingPathComponent("Tests/Monitoring/rules_test.yaml")

    @Test func promtoolChecksAndUnitTestsPass() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rules-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        // JSON is YAML, so the PrometheusRule's spec is a rule file as it stands.
        try JSONWriter.string(try MonitoringPack.ruleGroups()).write(
            to: folder.appendingPathComponent("rules.json"), atomically: true, encoding: .utf8)
        try FileManager.default.copyItem(at: Self.unitTests, to: folder.appendingPathComponent("rules_test.yaml"))

        let check = try await CommandRun.run(
            PrometheusTools.path("promtool"), ["check", "rules", folder.appendingPathComponent("rules.json").path],
            )
        #expect(check.status == 0, "promtool check rules:\n\(check.standardOutput)\(check.standardError)")
        let test = try await CommandRun.run(
            PrometheusTools.path("promtool"), ["test", "rules", folder.appendingPathComponent("rules_test.yaml").path],
            )
        #expect(test.status == 0, "promtool test rules:\n\(test.standardOutput)\(test.standardError)")
    }

    @Test func everyAlertIsTestedFiringAndNotFiring() throws {
        let text = try String(contentsOf: Self.unitTests, encoding: .utf8)
        let cases = try YAMLReader.documents(text).first?["tests"]?.arrayValue ?? []
        let checks = cases.flatMap { $0["alert_rule_test"]?.arrayValue ?? [] }
        let alerts = try MonitoringPack.alerts()
        #expect(alerts.count == 7)
        for alert in alerts {
            let mine = checks.filter { $0["alertname"]?.stringValue == alert.name }
            #expect(mine.contains { ($0["exp_alerts"]?.arrayValue ?? []).isEmpty }, "\(alert.name) is never tested silent")
            #expect(mine.contains { !($0["exp_alerts"]?.arrayValue ?? []).isEmpty }, "\(alert.name) is never tested firing")
        }
    }

    @Test func everyAlertHasASummaryADescriptionAndARunbookThatExists() throws {
        let anchors = try MonitoringPack.runbookAnchors()
        for alert in try MonitoringPack.alerts() {
            let summary = alert.annotations?["summary"]?.stringValue ?? ""
            let description = alert.annotations?["description"]?.stringValue ?? ""
            #expect(summary.count > 10, "\(alert.name) has no summary")
            #expect(description.count > summary.count, "\(alert.name) has no description longer than its summary")
            let runbook = alert.annotations?["runbook_url"]?.stringValue ?? ""
            #expect(runbook.hasPrefix("docs/operations.md#"), "\(alert.name): runbook_url \(runbook)")
            let anchor = String(runbook.drop { $0 != "#" }.dropFirst())
            #expect(anchors.contains(anchor), "\(alert.name): docs/operations.md has no heading for #\(anchor)")
        }
    }

    @Test func theComponentRendersTheRuleAndTheDashboardForGrafanasSidecar() async throws {
        let result = try await KustomizeOverlay.render(components: ["components/servicemonitor", "components/monitoring"])
        try #require(result.status == 0, "\(result.standardError)")
        let objects = try YAMLReader.documents(result.standardOutput)
        #expect(objects.contains { $0["kind"]?.stringValue == "PrometheusRule" })
        let dashboard = try #require(objects.first {
            $0["kind"]?.stringValue == "ConfigMap" && $0["metadata"]?["labels"]?["grafana_dashboard"]?.stringValue == "1"
        })
        let json = try #require(dashboard["data"]?["redis-eventsource.json"]?.stringValue)
        #expect(try JSONParser.parse(json) == MonitoringPack.dashboard())
    }

    @Test func theDashboardHasThePanelsOperatorsLookFor() throws {
        let expressions = try MonitoringPack.panelQueries().map(\.expression).joined(separator: "\n")
        for metric in [
            "argo_events_events_sent_total", "redis_eventsource_group_lag", "redis_eventsource_pending_entries",
            "argo_events_events_sent_failed_total", "redis_eventsource_dead_lettered_total",
            "argo_events_event_processing_duration_milliseconds_bucket", "redis_eventsource_adapters_running",
            "redis_eventsource_reconciles_total", "redis_eventsource_status_writes_total", "redis_eventsource_watch_errors_total",
        ] {
            #expect(expressions.contains(metric), "no panel shows \(metric)")
        }
    }
}

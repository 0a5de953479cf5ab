import Foundation
import TestSupport
import Testing

/// A controller whose ServiceAccount may not list EventSources (a missing RBAC rule) must say so:
/// one warning while the 403s repeat, every one counted in
/// `redis_eventsource_watch_errors_total`, and once the rule is granted it reconciles without
/// warning again. kube-testserver with `--enforce-rbac` answers the 403s as a real server does.
@Suite struct ForbiddenWatchOperatorTests {
    /// Everything the controller calls without leader election, except `list` on EventSources.
    private static func role(listingEventSources: Bool) -> String {
        """
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRole
        metadata: {name: watch-tester}
        rules:
          - {apiGroups: [argoproj.io], resources: [eventsources], verbs: [\(listingEventSources ? "list, " : "")watch, patch]}
          - {apiGroups: [argoproj.io], resources: [eventsources/status], verbs: [patch]}
          - {apiGroups: [argoproj.io], resources: [eventbus], verbs: [list, watch]}
          - {apiGroups: [""], resources: [secrets], verbs: [get, list, watch]}
          - {apiGroups: [events.k8s.io], resources: [events], verbs: [create]}
        """
    }

    private static let binding = """
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRoleBinding
        metadata: {name: watch-tester}
        roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: watch-tester}
        subjects: [{kind: ServiceAccount, name: watch-tester, namespace: redis-eventsource}]
        """

    /// The log lines about the EventSource watcher at `level`: text lines are
    /// `TIME LEVEL LABEL: key=value... message`.
    private func eventSourceWatchLines(_ standardError: String, level: String) -> [String] {
        standardError.split(separator: "\n").map(String.init).filter { line in
            line.split(separator: " ").dropFirst().first == Substring(level) && line.contains(" resource=eventsources ")
        }
    }

    /// The count of forbidden EventSource lists on the controller's /metrics, or 0 before the first.
    private func forbiddenCount(port: Int) async throws -> Double {
        let output = try await CommandRun.run("/usr/bin/curl", ["-sf", "http://127.0.0.1:\(port)/metrics"])
        guard output.status == 0 else { return 0 }
        for line in output.standardOutput.split(separator: "\n")
        where line.hasPrefix("redis_eventsource_watch_errors_total{") && line.contains(#"resource="eventsources""#)
            && line.contains(#"reason="forbidden""#)
        {
            return line.split(separator: " ").last.flatMap { Double($0) } ?? 0
        }
        return 0
    }

    @Test func aForbiddenListIsWarnedOnceCountedEachTimeAndRecoversWhenGranted() async throws {
        try await OperatorFixture.with(kubeArguments: ["--enforce-rbac"]) { fixture in
            try await fixture.apply(Self.role(listingEventSources: false))
            try await fixture.apply(Self.binding)
            try await fixture.client.command("XGROUP", "CREATE", "FOO", "argo-events-cg", "$", "MKSTREAM")
            try await fixture.apply(fixture.eventSourceYAML(name: "unseen", entries: [("example", ["FOO"])]))
            let kubeconfig = try fixture.serviceAccountKubeconfig(namespace: "redis-eventsource", name: "watch-tester")
            let (controller, port) = try await fixture.startControllerWithMetrics(extra: [
                "--kubeconfig", kubeconfig,
            ])

            // Several refusals in a row, each one counted, and still a single warning.
            try await waitUntil("a first forbidden list counted", timeout: .seconds(60)) {
                try await forbiddenCount(port: port) >= 1
            }
            let first = try await forbiddenCount(port: port)
            try await waitUntil("three more forbidden lists counted", timeout: .seconds(120)) {
                try await forbiddenCount(port: port) >= first + 3
            }
            let refusals = try await forbiddenCount(port: port)
            let warnings = eventSourceWatchLines(controller.standardError, level: "warning")
            #expect(warnings.count == 1, "one warning for at least \(refusals) refusals: \(warnings)")
            let warning = try #require(warnings.first)
            for field in ["reason=forbidden", "request=list", "code=403", #"cannot list resource "eventsources""#] {
                #expect(warning.contains(field), "\(field) in \(warning)")
            }
            #expect(try await fixture.condition("unseen", "Ready") == nil, "nothing reconciled without the list")

            // Granted: the next retry lists, the EventSource is reconciled, and no new warning appears.
            try await fixture.apply(Self.role(listingEventSources: true))
            try await fixture.waitForReady("unseen", timeout: .seconds(120))
            try await waitUntil("the recovery to be logged", timeout: .seconds(30)) {
                eventSourceWatchLines(controller.standardError, level: "info").contains { $0.contains("listed and watched again") }
            }
            #expect(eventSourceWatchLines(controller.standardError, level: "warning").count == 1)
        }
    }
}

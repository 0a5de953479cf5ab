import KubeClient
import KubeTestServer
import StructuredData
import Synchronization
import TestSupport
import Testing

/// A watcher whose ServiceAccount may not list what it watches: every 403 reaches the owner as a
/// typed failure, the backoff between them is waited on the injected clock, and once RBAC allows
/// the list the owner hears of the recovery and the cache fills.
@Suite struct WatcherFailureReportTests {
    private static let roles = KubeResource(group: "rbac.authorization.k8s.io", version: "v1", plural: "roles", namespaced: true)
    private static let roleBindings = KubeResource(
        group: "rbac.authorization.k8s.io", version: "v1", plural: "rolebindings", namespaced: true)

    private func grantReadingConfigMaps(_ admin: KubeClient) async throws {
        _ = try await admin.create(Self.roles, [
            "apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role", "metadata": ["name": "read-configmaps"],
            "rules": [["apiGroups": [""], "resources": ["configmaps"], "verbs": ["list", "watch"]]],
        ], namespace: "default")
        _ = try await admin.create(Self.roleBindings, [
            "apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding", "metadata": ["name": "robot-reads"],
            "roleRef": ["apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "read-configmaps"],
            "subjects": [["kind": "ServiceAccount", "name": "robot", "namespace": "default"]],
        ], namespace: "default")
    }

    @Test func refusedListsAreReportedWithBackoffOnTheClockThenTheRecovery() async throws {
        let configuration = KubeTestServerConfiguration(token: "admin", enforceRBAC: true)
        try await withTestServer(configuration, credentials: .token("system:serviceaccount:default:robot")) { server, robot in
            let admin = try makeClient(server, credentials: .token("admin"))
            _ = try await admin.create(.configMaps, configMap("seen"), namespace: "default")
            let clock = RecordingClock()
            let reports = Mutex<[WatcherReport]>([])
            let options = ResourceWatcher.Options(
                pageSize: 3, watchTimeoutSeconds: 30,
                backoff: Backoff(initial: .milliseconds(20), maximum: .milliseconds(200), jitter: 0), clock: clock,
                report: { report in reports.withLock { $0.append(report) } })
            let failures = {
                reports.withLock { $0 }.compactMap { report -> WatchFailure? in
                    if case .failed(let failure) = report { failure } else { nil }
                }
            }
            let cache = ResourceWatcherTests.Cache()
            let watcher = robot.watcher(.configMaps, namespace: "default", options: options)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    for try await update in watcher { cache.apply(update) }
                }
                defer { group.cancelAll() }
                try await waitUntil("three refused lists") { failures().count >= 3 }
                let first = try #require(failures().first)
                #expect(first.resource == "configmaps")
                #expect(first.request == .list)
                #expect(first.reason == .forbidden)
                #expect(first.statusCode == 403)
                #expect(Array(clock.sleeps.prefix(3)) == [.milliseconds(20), .milliseconds(40), .milliseconds(80)])
                #expect(cache.replaceAlls == 0)

                try await grantReadingConfigMaps(admin)
                try await waitUntil("the list to succeed") { cache.replaceAlls >= 1 }
                #expect(cache.objects.keys.contains("seen"))
                try await waitUntil("the recovery report") { reports.withLock { $0.contains(.recovered(resource: "configmaps")) } }
                #expect(reports.withLock { $0.last } == .recovered(resource: "configmaps"), "no failure after the recovery")
            }
        }
    }
}

import Foundation
import StructuredData
import Synchronization
import TestSupport

/// Everything an end-to-end operator test needs, all real: kube-testserver with the CRD applied
/// by kubectl, a redis-server, an HTTP receiver, and controller processes. `with` stops it all.
final class OperatorFixture: Sendable {
    let kube: KubeTestServerProcess
    let kubectl: Kubectl
    let redis: RedisServer
    let client: RedisTestClient
    let receiver: HTTPReceiver
    private let controllers = Mutex<[ChildProcess]>([])

    private init(kube: KubeTestServerProcess, redis: RedisServer, receiver: HTTPReceiver) {
        self.kube = kube
        self.redis = redis
        self.receiver = receiver
        client = RedisTestClient(port: redis.port)
        kubectl = Kubectl(kubeconfig: kube.kubeconfigPath, cacheDirectory: kube.directory.appendingPathComponent("cache").path)
    }

    /// Runs under `HeavyFixtureLimit`: each fixture is a kube-testserver, a redis-server and controllers.
    static func with(kubeArguments: [String] = [], _ body: (OperatorFixture) async throws -> Void) async throws {
        try await HeavyFixtureLimit.shared.run { try await withoutLimit(kubeArguments: kubeArguments, body) }
    }

    private static func withoutLimit(kubeArguments: [String], _ body: (OperatorFixture) async throws -> Void) async throws {
        let kube = try await KubeTestServerProcess(arguments: kubeArguments)
        let redis: RedisServer
        do {
            redis = try await RedisServer()
        } catch {
            kube.stop()
            throw error
        }
        let receiver: HTTPReceiver
        do {
            receiver = try await HTTPReceiver.start()
        } catch {
            kube.stop()
            redis.stop()
            throw error
        }
        let fixture = OperatorFixture(kube: kube, redis: redis, receiver: receiver)
        do {
            let crd = BuiltProducts.repositoryRoot.appendingPathComponent("manifests/crds/argoproj.io_eventsources.yaml").path
            try await fixture.kubectl.succeed(["apply", "-f", crd])
            try await body(fixture)
        } catch {
            await fixture.shutdown()
            throw error
        }
        await fixture.shutdown()
    }

    private func shutdown() async {
        for controller in controllers.withLock({ $0 }) { controller.stop() }
        await client.close()
        try? await receiver.stop()
        redis.stop()
        kube.stop()
    }

    /// Starts `redis-eventsource controller` against the test server, delivering to the receiver.
    /// - Parameter httpPort: a number, `0` (no health server) or `auto`.
    @discardableResult
    func startController(consumer: String = "controller-a", httpPort: String = "0", extra: [String] = []) throws -> ChildProcess {
        try startController(
            consumer: consumer, httpPort: httpPort, sinkArguments: ["--default-sink", receiver.url(path: "/events")],
            extra: extra)
    }

    /// Starts the controller with `sinkArguments` (none: no `--default-sink`) instead of the receiver.
    /// It watches EventSources, as these suites were written for, unless `extra` gives `--watch`.
    @discardableResult
    func startController(consumer: String = "controller-a", httpPort: String = "0", sinkArguments: [String], extra: [String] = [])
        throws -> ChildProcess
    {
        let watch = extra.contains { $0 == "--watch" || $0.hasPrefix("--watch=") } ? [] : ["--watch", "eventsources"]
        let child = try ChildProcess(
            BuiltProducts.path("redis-eventsource"),
            ["controller", "--kubeconfig", kube.kubeconfigPath] + watch + sinkArguments + [
                "--http-port", httpPort, "--consumer-name", consumer, "--status-interval", "1",
            ] + extra)
        controllers.withLock { $0.append(child) }
        return child
    }

    /// Starts a controller with its health and metrics server on a port the system picks, and
    /// returns that port once the controller has logged it.
    func startControllerWithMetrics(consumer: String = "controller-a", extra: [String] = []) async throws -> (ChildProcess, Int) {
        let child = try startController(consumer: consumer, httpPort: "auto", extra: extra)
        return (child, try await LoggedHealthPort.wait(for: child))
    }

    /// `kubectl apply` of a manifest given as text.
    func apply(_ yaml: String) async throws {
        let file = kube.directory.appendingPathComponent("apply-\(UUID().uuidString).yaml")
        try yaml.write(to: file, atomically: true, encoding: .utf8)
        try await kubectl.succeed(["apply", "-f", file.path])
    }

    func eventSource(_ name: String, namespace: String = "default") async throws -> JSONValue? {
        let result = try await kubectl.run(["get", "eventsource", name, "-n", namespace, "-o", "json"])
        guard result.exitCode == 0 else { return nil }
        return try JSONParser.parse(result.output)
    }

    func condition(_ name: String, _ type: String) async throws -> JSONValue? {
        try await eventSource(name)?["status"]?["conditions"]?.arrayValue?.first { $0["type"]?.stringValue == type }
    }

    /// Waits until the EventSource's Ready condition has this status.
    func waitForReady(_ name: String, _ ready: Bool = true, timeout: Duration = .seconds(30)) async throws {
        try await waitUntil("\(name) Ready=\(ready)", timeout: timeout) {
            try await condition(name, "Ready")?["status"]?.stringValue == (ready ? "True" : "False")
        }
    }

    /// One metric's value from a controller's /metrics, summed over its label sets.
    func metric(_ name: String, port: Int) async throws -> Double? {
        let output = try await CommandRun.run("/usr/bin/curl", ["-sf", "http://127.0.0.1:\(port)/metrics"])
        guard output.status == 0 else { return nil }
        let values = output.standardOutput.split(separator: "\n")
            .filter { $0.hasPrefix(name + " ") || $0.hasPrefix(name + "{") }
            .compactMap { $0.split(separator: " ").last.flatMap { Double($0) } }
        return values.isEmpty ? nil : values.reduce(0, +)
    }

    /// The reasons of the Events recorded about an object.
    func eventReasons(about name: String) async throws -> [String] {
        let output = try await kubectl.succeed(["get", "events", "-o", "json"])
        let items = try JSONParser.parse(output)["items"]?.arrayValue ?? []
        return items.filter { item in
            (item["involvedObject"]?["name"] ?? item["regarding"]?["name"])?.stringValue == name
        }.compactMap { $0["reason"]?.stringValue }
    }

    /// Message ids the receiver got, in order.
    func deliveredIDs() async -> [String] {
        await receiver.requests().compactMap { try? JSONParser.parse($0.bodyText)["message_id"]?.stringValue }
    }

    func eventSourceYAML(
        name: String, entries: [(event: String, streams: [String])], extra: String = "", spec: String = ""
    ) -> String {
        var text = """
            apiVersion: argoproj.io/v1alpha1
            kind: EventSource
            metadata:
              name: \(name)
            spec:
            \(spec)
              redisStream:

            """
        for entry in entries {
            text += """
                    \(entry.event):
                      hostAddress: 127.0.0.1:\(redis.port)
                      streams: [\(entry.streams.joined(separator: ", "))]
                \(extra)

                """
        }
        return text
    }
}

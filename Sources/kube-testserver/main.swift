import ArgumentParser
import Foundation
import KubeTestServer

/// `kube-testserver`: a local Kubernetes API server for tests and `make run`.
@main
struct KubeTestServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kube-testserver",
        abstract: "Serve an in-memory Kubernetes API on 127.0.0.1 and write a kubeconfig that points at it.")

    @Option(help: "Port on 127.0.0.1; 0 picks a free one.")
    var port: Int = 0

    @Option(help: "Write a kubeconfig for this server to this file.")
    var kubeconfig: String?

    @Flag(help: "Serve HTTPS with a certificate authority made at start (the kubeconfig carries it and a client certificate).")
    var tls = false

    @Option(help: "Require this bearer token (a client certificate also works over TLS).")
    var token: String?

    @Option(help: "Changes kept for watches to resume from; older resourceVersions get 410 Expired.")
    var historyLimit = 10_000

    @Option(help: "Seconds between watch bookmarks.")
    var bookmarkInterval = 5.0

    @Option(help: "Seconds a deleted namespace stays Terminating before it goes with its contents.")
    var namespaceTerminationSeconds = 2.0

    @Flag(help: "Accept ServiceAccount tokens (system:serviceaccount:NAMESPACE:NAME) and allow their requests only as the applied RBAC says.")
    var enforceRbac = false

    @Option(help: "Fault: end every watch after this many events.")
    var closeWatchesAfterEvents: Int?

    @Option(help: "Fault: end every watch after this many seconds.")
    var closeWatchesAfterSeconds: Double?

    @Flag(help: "Fault: with --close-watches-after-events, cut the connection in the middle of the next event.")
    var closeWatchesMidLine = false

    @Option(help: "Fault: answer this fraction (0-1) of API requests with 500.")
    var errorFraction = 0.0

    @Option(help: "Fault: answer this fraction (0-1) of API requests with 429 and Retry-After.")
    var throttleFraction = 0.0

    @Option(help: "Fault: the Retry-After seconds sent with injected 429s.")
    var retryAfter = 1

    @Option(help: "Fault: milliseconds of delay before every API response.")
    var latency = 0

    @Flag(help: "Fault: answer watches from forgotten versions with HTTP 410 rather than an ERROR event.")
    var expiredWatchAsHttpStatus = false

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be between 0 and 65535") }
        guard (0...1).contains(errorFraction), (0...1).contains(throttleFraction) else {
            throw ValidationError("fractions must be between 0 and 1")
        }
        guard historyLimit > 0 else { throw ValidationError("--history-limit must be at least 1") }
        guard (0...FaultSettings.maximumSeconds).contains(namespaceTerminationSeconds) else {
            throw ValidationError("--namespace-termination-seconds must be between 0 and \(Int64(FaultSettings.maximumSeconds))")
        }
        guard bookmarkInterval > 0, bookmarkInterval <= FaultSettings.maximumSeconds else {
            throw ValidationError("--bookmark-interval must be above 0 and at most \(Int64(FaultSettings.maximumSeconds))")
        }
        do {
            _ = try faults.validated()
        } catch {
            throw ValidationError(error.message)
        }
    }

    private var faults: FaultSettings {
        FaultSettings(
            closeWatchesAfterEvents: closeWatchesAfterEvents, closeWatchesAfterSeconds: closeWatchesAfterSeconds,
            closeWatchesMidLine: closeWatchesMidLine, errorFraction: errorFraction, throttleFraction: throttleFraction,
            retryAfterSeconds: retryAfter, latencyMilliseconds: latency, expiredWatchAsHTTPStatus: expiredWatchAsHttpStatus)
    }

    func run() async throws {
        let server = try await KubeTestServer.start(
            KubeTestServerConfiguration(
                port: port, tls: tls, token: token, historyLimit: historyLimit,
                bookmarkIntervalSeconds: bookmarkInterval, faults: faults,
                namespaceTerminationSeconds: namespaceTerminationSeconds, enforceRBAC: enforceRbac))
        if let kubeconfig { try server.writeKubeconfig(to: kubeconfig) }
        // Unbuffered, so a parent reading our output through a pipe sees the address at once.
        FileHandle.standardOutput.write(Data((server.url + "\n").utf8))
        // Runs until a signal ends the process; the OS closes the sockets, and nothing is on disk but the kubeconfig.
        while true { try await Task.sleep(for: .seconds(3600)) }
    }

}

import Foundation
import TestSupport

/// Runs the built `redis-eventsource` executable as a real process.
enum CLIRunner {
    static var executable: String { BuiltProducts.path("redis-eventsource") }

    struct Result {
        var status: Int32
        var standardOutput: String
        var standardError: String
    }

    /// Runs to completion and returns what it printed.
    static func run(_ arguments: [String], environment: [String: String] = [:]) async throws -> Result {
        let child = try ChildProcess(executable, arguments, environment: environment)
        let status = try await child.waitForExit()
        return Result(status: status, standardOutput: child.standardOutput, standardError: child.standardError)
    }

    /// Starts `run` in the background; the caller stops it.
    static func start(_ arguments: [String], environment: [String: String] = [:], captureStandardOutput: Bool = true) throws
        -> ChildProcess
    {
        try ChildProcess(executable, ["run"] + arguments, environment: environment, captureStandardOutput: captureStandardOutput)
    }

    /// Writes a manifest into a fresh temporary folder and returns its path.
    static func manifest(_ text: String) throws -> String {
        try TemporaryManifest.write(text)
    }

    static func eventSource(port: Int, extra: String = "", streams: String = "[FOO]") -> String {
        """
        apiVersion: argoproj.io/v1alpha1
        kind: EventSource
        metadata:
          name: redis-stream
          namespace: argo-events
        spec:
          redisStream:
            example:
              hostAddress: 127.0.0.1:\(port)
              streams: \(streams)
        \(extra)
        """
    }
}

import Foundation

/// Real `kubectl`, pointed at a kubeconfig, with a discovery cache of its own so tests do not
/// share (or leave behind) anything in the home folder.
public struct Kubectl: Sendable {
    public struct Result: Sendable, CustomStringConvertible {
        public let exitCode: Int32
        public let output: String
        public let errorOutput: String
        public var description: String { "exit \(exitCode)\nstdout:\n\(output)\nstderr:\n\(errorOutput)" }
    }

    public let kubeconfig: String
    public let cacheDirectory: String

    public static var executable: String {
        for candidate in ["/usr/bin/kubectl", "/usr/local/bin/kubectl"] where FileManager.default.isExecutableFile(atPath: candidate) {
            return candidate
        }
        return "kubectl"
    }

    public static var isInstalled: Bool { FileManager.default.isExecutableFile(atPath: executable) }

    public init(kubeconfig: String, cacheDirectory: String) {
        self.kubeconfig = kubeconfig
        self.cacheDirectory = cacheDirectory
    }

    private func fullArguments(_ arguments: [String]) -> [String] {
        ["--kubeconfig", kubeconfig, "--cache-dir", cacheDirectory, "--request-timeout", "\(TestTimeouts.wholeSeconds(TestTimeouts.request))s"] + arguments
    }

    /// Runs to completion and returns what it printed.
    public func run(_ arguments: [String], timeout: Duration = .seconds(180)) async throws -> Result {
        let output = try await CommandRun.run(
            Self.executable, fullArguments(arguments), environment: ["KUBECONFIG": "", "HOME": cacheDirectory], timeout: timeout)
        return Result(exitCode: output.status, output: output.standardOutput, errorOutput: output.standardError)
    }

    /// Runs and demands success.
    @discardableResult
    public func succeed(_ arguments: [String]) async throws -> String {
        let result = try await run(arguments)
        guard result.exitCode == 0 else { throw KubectlFailed(arguments: arguments, result: result) }
        return result.output
    }

    /// Starts a long-running command (`get -w`); the caller stops it.
    public func start(_ arguments: [String]) throws -> ChildProcess {
        try ChildProcess(Self.executable, fullArguments(arguments), environment: ["KUBECONFIG": "", "HOME": cacheDirectory])
    }
}

public struct KubectlFailed: Error, CustomStringConvertible {
    public let arguments: [String]
    public let result: Kubectl.Result
    public var description: String { "kubectl \(arguments.joined(separator: " ")) failed: \(result)" }
}

import Foundation
import StructuredData
import Testing
import TestSupport

/// The command line's conveniences: versions, positional files, suggestions, log formats.
@Suite struct CommandLineTests {
    @Test func versionFlagPrintsTheVersion() async throws {
        let result = try await CLIRunner.run(["--version"])
        #expect(result.status == 0)
        #expect(result.standardOutput == "redis-eventsource 0.1.0\n")
    }

    @Test(arguments: [("contoller", "controller"), ("valdiate", "validate"), ("rnu", "run"), ("verison", "version")])
    func aMistypedCommandGetsASuggestion(typed: String, meant: String) async throws {
        let result = try await CLIRunner.run([typed])
        #expect(result.status == 64)
        #expect(result.standardError.contains("error: unknown command '\(typed)'. Did you mean '\(meant)'?"))
    }

    @Test func anUnrelatedWordGetsNoSuggestion() async throws {
        let result = try await CLIRunner.run(["xyzzy"])
        #expect(result.status == 64)
        #expect(result.standardError.contains("error: unknown command 'xyzzy'."))
        #expect(!result.standardError.contains("Did you mean"))
    }

    @Test func validateTakesTheFileWithoutDashF() async throws {
        let file = try CLIRunner.manifest(CLIRunner.eventSource(port: 6379))
        let positional = try await CLIRunner.run(["validate", file])
        let flagged = try await CLIRunner.run(["validate", "-f", file])
        #expect(positional.status == 0)
        #expect(positional.standardOutput == flagged.standardOutput)
        let both = try await CLIRunner.run(["validate", "-f", file, file])
        #expect(both.status == 64)
        #expect(both.standardError.contains("give the file once"))
        let neither = try await CLIRunner.run(["validate"])
        #expect(neither.status == 64)
        #expect(neither.standardError.contains("give the EventSource file"))
    }

    @Test func controllerHelpGivesTheKubeconfigOrderAndContext() async throws {
        let result = try await CLIRunner.run(["controller", "--help"])
        let help = result.standardOutput.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(help.contains("Default: $KUBECONFIG, else the in-cluster configuration when in a pod, else ~/.kube/config."))
        #expect(help.contains("--context"))
    }

    @Test func jsonLogLinesCarryEveryField() async throws {
        let redis = try await RedisServer()
        defer { redis.stop() }
        let client = RedisTestClient(port: redis.port)
        _ = try await client.xadd("FOO", [("created", "by the test")])
        await client.close()
        let file = try CLIRunner.manifest(CLIRunner.eventSource(port: redis.port))
        let child = try CLIRunner.start(["-f", file, "--log-format", "json", "--consumer-name", "json-logs"])
        defer { child.stop() }
        try await waitUntil("the adapter to log that it consumes") { child.standardError.contains("\"msg\":\"consuming\"") }
        child.signal(SIGTERM)
        #expect(try await child.waitForExit(timeout: .seconds(30)) == 0)

        let lines = child.standardError.split(separator: "\n").map(String.init)
        #expect(lines.count >= 3)
        var adapterLines = 0
        for line in lines {
            let object = try #require(try JSONParser.parse(line).objectValue, "not a JSON object: \(line)")
            #expect(Array(object.keys.prefix(4)) == ["time", "level", "logger", "msg"])
            let time = try #require(object["time"]?.stringValue)
            #expect(time.wholeMatch(of: Self.timestamp) != nil, "time \(time)")
            #expect(Self.levels.contains(object["level"]?.stringValue ?? ""))
            #expect(object["logger"] == "redis-eventsource")
            #expect(object["msg"]?.stringValue?.isEmpty == false)
            if object["eventsource"] != nil {
                adapterLines += 1
                #expect(object["namespace"] == "argo-events")
                #expect(object["eventsource"] == "redis-stream")
                #expect(object["event"] == "example")
            }
        }
        // Starting, consuming and stopping are each logged by the adapter.
        #expect(adapterLines >= 3)
    }

    @Test func textIsTheDefaultWithMillisecondTimestamps() async throws {
        // Port 1 on loopback: nothing listens, so the adapter logs a connection warning at once.
        let file = try CLIRunner.manifest(CLIRunner.eventSource(port: 1))
        let child = try CLIRunner.start(["-f", file])
        defer { child.stop() }
        let line = try await waitForValue("a connection warning") {
            child.standardError.split(separator: "\n").first { $0.contains("cannot connect to Redis") }.map(String.init)
        }
        let parts = line.split(separator: " ", maxSplits: 3).map(String.init)
        #expect(parts.count == 4)
        #expect(parts[0].wholeMatch(of: Self.timestamp) != nil, "line \(line)")
        #expect(parts[1] == "warning")
        #expect(parts[2] == "redis-eventsource:")
        #expect(parts[3].hasPrefix("event=example eventsource=redis-stream namespace=argo-events "))
    }

    @Test func anUnknownLogFormatIsRefused() async throws {
        let result = try await CLIRunner.run(["run", "-f", "/nonexistent/es.yaml", "--log-format", "xml"])
        #expect(result.status == 64)
        #expect(result.standardError.contains("--log-format"))
    }

    static var timestamp: Regex<Substring> { /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/ }
    static let levels: Set<String> = ["trace", "debug", "info", "notice", "warning", "error", "critical"]
}

extension CommandLineTests {
    @Test func theMetricsPortMustDifferFromTheHealthPort() async throws {
        let result = try await CLIRunner.run(["controller", "--http-port", "8081", "--metrics-port", "8081"])
        #expect(result.status == 64)
        #expect(result.standardError.contains("--metrics-port must differ from --http-port"))
        let outOfRange = try await CLIRunner.run(["controller", "--metrics-port", "70000"])
        #expect(outOfRange.status == 64)
        #expect(outOfRange.standardError.contains("--metrics-port must be from 0 to 65535"))
    }
}

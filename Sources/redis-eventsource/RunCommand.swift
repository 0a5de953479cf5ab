import Adapter
import ArgumentParser
import Controller
import EventSourceAPI
import Logging
import ServiceLifecycle
import Sinks

struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Runs every redisStream entry of every EventSource in a file, without Kubernetes, until SIGTERM or SIGINT."
    )

    @Option(name: .shortAndLong, help: "The EventSource YAML or JSON file.")
    var file: String

    @Option(help: "Where events go: 'stdout' or an http(s) URL. Overrides spec.sink.uri; default stdout.")
    var sink: String?

    @Option(help: "CA certificates (PEM) to verify an https sink with, instead of the system's.")
    var sinkCaFile: String?

    @Option(help: "Keep-alive connections, and so requests in flight, per adapter for an http(s) sink.")
    var sinkConnections: Int = HTTPSinkOptions.defaultConnections

    @Option(help: "Folder of mounted secrets, laid out <dir>/<secret name>/<key> as Argo mounts them.")
    var secretsDir: String?

    @Option(help: "This process's consumer name in each group. Default: $POD_NAME, else the host name.")
    var consumerName: String?

    @Option(help: "Serve /healthz, /readyz and /metrics on this port of --http-address.")
    var httpPort: Int?

    @Option(help: "Address the health and metrics server binds to.")
    var httpAddress: String = "127.0.0.1"

    @OptionGroup(title: "Logging")
    var logging: LoggingOptions

    func validate() throws {
        if let sink, let problem = SinkSpec.problem(withURI: sink) {
            throw ValidationError("--sink \(problem)")
        }
        guard (1...64).contains(sinkConnections) else { throw ValidationError("--sink-connections must be from 1 to 64") }
        if let httpPort, !(1...65535).contains(httpPort) {
            throw ValidationError("--http-port must be from 1 to 65535")
        }
    }

    func run() async throws {
        let logger = logging.bootstrap()
        // Before any adapter exists: metrics created earlier would never be exported.
        _ = MetricsBootstrap.bootstrap()
        let manifest = try ManifestLoader.load(file)
        let problems = ManifestLoader.problemLines(manifest)
        for line in ManifestLoader.warningLines(manifest) { ManifestLoader.printError(line) }
        guard problems.isEmpty else {
            for line in problems { ManifestLoader.printError(line) }
            throw ExitCode(1)
        }
        let consumer = ConsumerName.resolve(explicit: consumerName)
        let secrets: SecretStore = secretsDir.map { MountedSecretDirectory(path: $0) } ?? NoSecretStore()
        var configurations: [AdapterConfiguration] = []
        var failures: [String] = []
        for eventSource in manifest.eventSources {
            guard eventSource.hasRedisStream else {
                logger.notice("EventSource \(eventSource.name) has no redisStream entries; skipping it")
                continue
            }
            for (eventName, source) in eventSource.redisStream {
                let sinkSpec = Self.effectiveSink(override: sink, spec: eventSource.sink)
                switch AdapterConfiguration.resolve(
                    eventSource: eventSource, eventName: eventName, source: source, sink: sinkSpec,
                    consumerName: consumer, secrets: secrets)
                {
                case .success(let configuration): configurations.append(configuration)
                case .failure(let error):
                    failures.append("spec.redisStream.\(eventName): \(error)")
                }
            }
        }
        guard failures.isEmpty else {
            for line in failures { ManifestLoader.printError("error: \(line)") }
            throw ExitCode(1)
        }
        guard !configurations.isEmpty else {
            ManifestLoader.printError("error: \(file) has no EventSource with redisStream entries")
            throw ExitCode(1)
        }
        let adapters = configurations.map { configuration in
            StreamAdapter(configuration: configuration, logger: logger) { configuration in
                SinkFactory.makeSink(
                    spec: configuration.sink, caFile: sinkCaFile, options: HTTPSinkOptions(connections: sinkConnections))
            }
        }
        logger.info("consumer name \(consumer)")
        var services: [any Service] = [AdapterSetService(adapters: adapters, logger: logger)]
        if let httpPort {
            services.append(HealthServer(host: httpAddress, port: httpPort, adapters: adapters, logger: logger))
        }
        let group = ServiceGroup(
            services: services,
            gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        try await group.run()
    }

    static func effectiveSink(override: String?, spec: SinkSpec?) -> SinkSpec {
        if let override { return SinkSpec(uri: override, mode: spec?.mode ?? .binary) }
        return spec ?? SinkSpec(uri: "stdout")
    }
}

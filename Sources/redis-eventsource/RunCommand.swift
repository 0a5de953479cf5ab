import Adapter
import AdapterModel
import ArgumentParser
import Controller
import EventSourceAPI
import Logging
import Reconciler
import ServiceLifecycle
import Sinks

struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Runs every redisStream entry of every EventSource and RedisStreamSource in a file, without Kubernetes, until SIGTERM or SIGINT."
    )

    @Option(name: .shortAndLong, help: "The EventSource or RedisStreamSource YAML or JSON file.")
    var file: String

    @Option(help: "Where events go: 'stdout', an http(s) URL, or a nats:// JetStream URL (Argo's EventBus stream). Overrides spec.sink.uri; default stdout.")
    var sink: String?

    @OptionGroup(title: "Sinks")
    var sinkFlags: SinkFlags

    @Option(help: "Folder of mounted secrets, laid out <dir>/<secret name>/<key> as Argo mounts them.")
    var secretsDir: String?

    @OptionGroup
    var replica: ConsumerNameOption

    @Option(help: "Serve /healthz, /readyz and /metrics on this port of --http-address; auto lets the system pick one (logged).")
    var httpPort: HTTPPortArgument?

    @OptionGroup
    var healthServer: HTTPAddressOption

    @OptionGroup(title: "Logging")
    var logging: LoggingOptions

    func validate() throws {
        if let sink, let problem = SinkSpec.problem(withURI: sink) {
            throw ValidationError("--sink \(problem)")
        }
        if let httpPort, !httpPort.isValid(allowing: 1...65535) {
            throw ValidationError("--http-port must be from 1 to 65535, or auto")
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
        let consumer = replica.name
        let sinkOptions = try sinkFlags.makeOptions()
        let secrets: SecretStore = secretsDir.map { MountedSecretDirectory(path: $0) } ?? NoSecretStore()
        var configurations: [AdapterConfiguration] = []
        var failures: [String] = []
        for eventSource in manifest.eventSources {
            guard eventSource.hasRedisStream else {
                logger.notice("EventSource \(eventSource.name) has no redisStream entries; skipping it")
                continue
            }
            // --sink overrides spec.sink; without either, stdout. No EventBus without Kubernetes.
            var withSink = eventSource
            withSink.sink = Self.effectiveSink(override: sink, spec: eventSource.sink)
            let desired = DesiredState.build(withSink, secrets: secrets, defaultSink: nil, replicaName: consumer)
            for (eventName, _) in eventSource.redisStream {
                let key = AdapterKey(
                    kind: eventSource.sourceKind, namespace: eventSource.namespace, name: eventSource.name, eventName: eventName)
                if let configuration = desired.adapters[key] { configurations.append(configuration) }
                switch desired.problems[eventName] {
                case .secret(let error)?: failures.append("spec.redisStream.\(eventName): \(error)")
                case let problem?: failures.append("spec.redisStream.\(eventName): \(problem.message)")
                case nil: break
                }
            }
        }
        guard failures.isEmpty else {
            for line in failures { ManifestLoader.printError("error: \(line)") }
            throw ExitCode(1)
        }
        guard !configurations.isEmpty else {
            ManifestLoader.printError("error: \(file) has no EventSource or RedisStreamSource with redisStream entries")
            throw ExitCode(1)
        }
        for (key, note) in GroupSharing.notes(configurations).sorted(by: { $0.key < $1.key }) {
            logger.warning("\(key): \(note)")
        }
        let runtime = AdapterRuntime()
        let adapters = configurations.map { configuration in
            StreamAdapter(configuration: configuration, runtime: runtime, logger: logger) { configuration in
                SinkFactory.makeSink(for: configuration, options: sinkOptions, runtime: runtime.sinks)
            }
        }
        logger.info("replica name \(consumer); consumer names \(consumer):<namespace>/<eventsource>/<event>")
        for configuration in configurations { logger.info("\(configuration.key) publishes to \(configuration.sinkDescription)") }
        for note in SinkFactory.startupNotes(for: configurations.map(\.destination), options: sinkOptions) { logger.info("\(note)") }
        // The runtime comes first so it is the last to stop, once nothing runs on its threads.
        var services: [any Service] = [RuntimeService(runtime: runtime, logger: logger), AdapterSetService(adapters: adapters, logger: logger)]
        if let httpPort {
            services.append(
                HealthServer(
                    host: healthServer.httpAddress, port: httpPort.bindPort, adapters: adapters, logger: logger,
                    eventLoopGroup: runtime.serverEventLoops))
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

import Adapter
import ArgumentParser
import Controller
import EventSourceAPI
import KubeClient
import Logging
import ServiceLifecycle
import Sinks

struct ControllerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "controller",
        abstract: "Runs the operator: EventSources or RedisStreamSources applied to Kubernetes become running adapters, and their status flows back."
    )

    @Option(help: "The kubeconfig to use. Default: $KUBECONFIG, else the in-cluster configuration when in a pod, else ~/.kube/config.")
    var kubeconfig: String?

    @Option(help: "The kubeconfig context to use. Default: its current-context.")
    var context: String?

    @Option(help: "Watch one namespace; all namespaces when absent.")
    var namespace: String?

    @Option(
        help: ArgumentHelp(
            "Which kinds to act on: eventsources (argoproj.io EventSources, in Argo's place), redisstreamsources (redis-eventsource.io RedisStreamSources only, safe beside a cluster-wide Argo Events), or both.",
            valueName: "eventsources|redisstreamsources|both"))
    var watch: WatchedKinds = .safeDefault

    @Option(help: "Sink for EventSources with neither spec.sink nor an EventBus: 'stdout', an http(s) URL or a nats:// URL. Without it such entries do not start.")
    var defaultSink: String?

    @OptionGroup(title: "Sinks")
    var sinkFlags: SinkFlags

    @Option(help: "Port for /healthz, /readyz and /metrics on --http-address; 0 turns the server off; auto lets the system pick one (logged).")
    var httpPort: HTTPPortArgument = .number(7777)

    @OptionGroup
    var healthServer: HTTPAddressOption

    @Option(help: "Serve /metrics on a port of its own (on --metrics-address) instead of on --http-port; 0 keeps it on --http-port.")
    var metricsPort: Int = 0

    @Option(help: "Address the metrics port binds to, when --metrics-port is set.")
    var metricsAddress: String = "127.0.0.1"

    @Flag(help: "Take part in Lease-based leader election: only the leader writes status and Events; every replica consumes.")
    var leaderElect = false

    @Option(help: "Namespace of the Lease (and of the membership Leases with --shard-by lease). Default: --namespace, else the kubeconfig's namespace.")
    var leaseNamespace: String?

    @Option(help: "Name of the Lease; with --shard-by lease, each replica's membership Lease is named <lease-name>-<replica>.")
    var leaseName = "redis-eventsource-controller"

    @Option(help: "Lease duration in seconds.")
    var leaseDuration: Double = 15

    @Option(help: "Renew deadline in seconds.")
    var renewDeadline: Double = 10

    @Option(help: "Seconds between leader election attempts.")
    var retryPeriod: Double = 2

    @Option(help: "Share EventSources out across replicas: 'lease' (each replica holds a membership Lease in --lease-namespace; each EventSource runs on the top --replicas-per-source live replicas by rendezvous hashing). Without it every replica runs every EventSource.")
    var shardBy: ShardByArgument?

    @Option(help: "With --shard-by lease: how many replicas run each EventSource (default 1); they share its entries through the consumer group.")
    var replicasPerSource: Int?

    @OptionGroup
    var replica: ConsumerNameOption

    @Option(help: "Act only on EventSources matching this label selector, e.g. team=payments.")
    var selector: String?

    @Option(help: "Seconds between status updates that only change counters, per EventSource.")
    var statusInterval: Double = 10

    @Option(help: "Seconds between full resyncs of every EventSource: the safety net; counters reach the status every --status-interval.")
    var resyncInterval: Double = 300

    @Option(help: "Status writes per second, across all EventSources, for changes of counters alone; transitions are written at once.")
    var statusWritesPerSecond: Double = 20

    @OptionGroup(title: "Logging")
    var logging: LoggingOptions

    func validate() throws {
        if let defaultSink, let problem = SinkSpec.problem(withURI: defaultSink) {
            throw ValidationError("--default-sink \(problem)")
        }
        guard httpPort.isValid(allowing: 0...65535) else { throw ValidationError("--http-port must be from 0 to 65535, or auto") }
        guard (0...65535).contains(metricsPort) else { throw ValidationError("--metrics-port must be from 0 to 65535") }
        if metricsPort != 0, httpPort == .number(metricsPort), metricsAddress == healthServer.httpAddress {
            throw ValidationError("--metrics-port must differ from --http-port")
        }
        guard statusWritesPerSecond > 0 else { throw ValidationError("--status-writes-per-second must be positive") }
        if let replicasPerSource {
            guard shardBy != nil else { throw ValidationError("--replicas-per-source needs --shard-by lease") }
            guard replicasPerSource >= 1 else { throw ValidationError("--replicas-per-source must be at least 1") }
        }
        if shardBy != nil && leaderElect {
            throw ValidationError(
                "--shard-by lease and --leader-elect cannot be combined: sharded, each EventSource's first owner writes its status")
        }
        guard leaseDuration >= 1 else { throw ValidationError("--lease-duration must be at least 1 second") }
        guard retryPeriod > 0 else { throw ValidationError("--retry-period must be positive") }
        guard renewDeadline < leaseDuration else { throw ValidationError("--renew-deadline must be shorter than --lease-duration") }
    }

    func run() async throws {
        let logger = logging.bootstrap()
        _ = MetricsBootstrap.bootstrap()
        let runtime = AdapterRuntime()
        let client: KubeClient
        do {
            client = try KubeClient(kubeconfigPath: kubeconfig, context: context, logger: logger, curlLoop: runtime.sinks.curlLoop)
        } catch {
            ManifestLoader.printError("error: cannot load the Kubernetes configuration: \(error)")
            throw ExitCode(1)
        }
        let consumer = replica.name
        let election = leaderElect
            ? LeaderElectionOptions(
                leaseName: leaseName, leaseNamespace: leaseNamespace ?? namespace ?? client.defaultNamespace,
                leaseDuration: .seconds(leaseDuration), renewDeadline: .seconds(renewDeadline), retryPeriod: .seconds(retryPeriod))
            : nil
        // Membership Leases are renewed every retry period and expire after the lease duration, as the leader's Lease.
        let sharding = shardBy.map { _ in
            ShardingOptions(
                replicasPerSource: replicasPerSource ?? 1, leaseNamespace: leaseNamespace ?? namespace ?? client.defaultNamespace,
                leaseName: leaseName, leaseDuration: .seconds(leaseDuration), renewPeriod: .seconds(retryPeriod))
        }
        let options = ControllerOptions(
            namespace: namespace, watch: watch, defaultSink: defaultSink.map { SinkSpec(uri: $0) }, consumerName: consumer,
            labelSelector: selector, leaderElection: election, sharding: sharding, resyncInterval: .seconds(resyncInterval),
            statusCounterInterval: .seconds(statusInterval), statusWritesPerSecond: statusWritesPerSecond,
            sinkOptions: try sinkFlags.makeOptions())
        let controller = EventSourceController(client: client, options: options, runtime: runtime, logger: logger)
        // The runtime comes first so it is the last to stop, once nothing runs on its threads; then
        // the health server, so probes and metrics answer while the adapters drain.
        var services: [any Service] = [RuntimeService(runtime: runtime, logger: logger)]
        let metrics = MetricsExposition().adding(AdapterStatusMetrics.collector { controller.adapterReports })
            .adding(LeadershipMetrics.collector(controller.leadership))
        var healthEndpoints = Set(HealthServer.Endpoint.allCases)
        if metricsPort != 0 {
            healthEndpoints.remove(.metrics)
            services.append(
                HealthServer(
                    host: metricsAddress, port: metricsPort, readiness: { controller.readiness }, metrics: metrics,
                    endpoints: [.metrics], logger: logger, eventLoopGroup: runtime.serverEventLoops))
        }
        if httpPort != .number(0) {
            services.append(
                HealthServer(
                    host: healthServer.httpAddress, port: httpPort.bindPort, readiness: { controller.readiness }, metrics: metrics,
                    endpoints: healthEndpoints, logger: logger, eventLoopGroup: runtime.serverEventLoops))
        }
        var configuration = ServiceGroupConfiguration(
            services: services.map { ServiceGroupConfiguration.ServiceConfiguration(service: $0) } + controller.services,
            gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        // Past this, graceful shutdown turns into cancellation: adapters still draining are cut
        // (their entries stay pending in Redis) and the Lease is released on the way out.
        configuration.maximumGracefulShutdownDuration = options.shutdownTimeout
        let group = ServiceGroup(configuration: configuration)
        do {
            try await group.run()
        } catch let error as ShardMembershipError {
            logger.error("\(error)")
            ManifestLoader.printError("error: \(error)")
            throw ExitCode(1)
        }
    }
}

import Glibc

/// One size of the scale bench on a fresh redis-server, kube-testserver and controller:
/// streams created and the controller ready first, then the clock runs from spawning
/// `kubectl apply -f` of every EventSource until a poll of the list finds them all Ready;
/// then the idle controller, the reaction to edits (`ScaleReaction`) and SIGTERM with the PELs
/// after it (`ScaleShutdown`). Blocking from start to end; run it on a dedicated thread.
struct ScaleSizeRun {
    let size: Int
    let productExecutable: String
    let controllerArguments: [String]
    let crdPath: String
    let directory: String
    let timeout: Double
    /// Watch the idle controller afterwards for this long; nil skips it.
    let idleSeconds: Double?
    /// Edits for the reaction figure once all are Ready; 0 skips it.
    let reactionEdits: Int

    /// Long enough after the last Ready for the adapters' first stats refresh (every 5 s)
    /// and the status writer's last counter-only writes to have happened.
    static let idleSettleSeconds = 8.0

    func run() throws(BenchError) -> ScaleSizeResult {
        // Every adapter holds a connection: redis-server needs maxclients above the size (it
        // lowers it to the file limit less 32, which scripts/bench-controller.sh raises).
        let redis = try RedisProcess.start(in: directory, maxClients: max(10_000, size + 64))
        defer { redis.stop() }
        let kube = try ScaleKubeServer.start(in: directory)
        defer { kube.stop() }
        let kubectl = ScaleKubectl(kubeconfig: kube.kubeconfigPath, directory: directory)

        // Set-up, not timed: the CRD, the namespace, the streams, and one `get es`, which also fills
        // kubectl's discovery cache as a user's kubectl would have it.
        let info = try ScaleRedisInfo.read(port: redis.port)
        guard info.maxClients >= size + 16 else {
            throw .redis("redis-server allows \(info.maxClients) clients, fewer than \(size) adapters need; raise ulimit -n")
        }
        try kubectl.run(["apply", "-f", crdPath], label: "crd")
        try TextFile.write(ScaleManifest.namespaceYAML, to: "\(directory)/namespace.yaml")
        try kubectl.run(["apply", "-f", "\(directory)/namespace.yaml"], label: "namespace")
        try kubectl.run(["get", "es", "-A"], label: "warm-up")
        let manifest = ScaleManifest(count: size, redisPort: redis.port)
        try ScaleStreams.create(manifest.streams, port: redis.port)
        let manifestPath = "\(directory)/eventsources-\(size).yaml"
        try TextFile.write(manifest.yaml, to: manifestPath)

        let controller = try ScaleController.start(
            executable: productExecutable, kubeconfig: kube.kubeconfigPath, extraArguments: controllerArguments,
            directory: directory)
        var stoppedCleanly = false
        defer { if !stoppedCleanly { _ = controller.stop() } }
        let http = try ScaleHTTPClient()

        let listURL = "\(kube.url)/apis/argoproj.io/v1alpha1/namespaces/\(ScaleManifest.namespace)/eventsources"
        let before = (controller: try ScaleProcessSample.read(controller.process.pid), kube: try ScaleProcessSample.read(kube.process.pid))
        let timeline = try measure(kubectl: kubectl, manifestPath: manifestPath, listURL: listURL, controller: controller, http: http)
        let sample = try ScaleProcessSample.read(controller.process.pid)
        let kubeSample = try ScaleProcessSample.read(kube.process.pid)
        let atReady = try controller.metrics(http)
        // Idle and reaction figures need every adapter running; a size that missed Ready goes
        // straight to the shutdown figure.
        let allReady = timeline.allReady != nil
        let idle = try idleSeconds.flatMap { seconds throws(BenchError) in
            allReady ? try watchIdle(seconds: seconds, controller: controller, redis: redis, kube: kube, http: http) : nil
        }
        let reaction = try (allReady && reactionEdits > 0)
            ? ScaleReaction(kubeURL: kube.url, redisPort: redis.port, size: size, edits: reactionEdits).run() : nil
        Console.error("  SIGTERM after one entry on each of \(size) streams")
        let shutdown = try ScaleShutdown(redisPort: redis.port, streams: manifest.streams + (reaction?.streams ?? []))
            .run(stopping: controller)
        stoppedCleanly = true
        return ScaleSizeResult(
            size: size, applySeconds: timeline.applySeconds, firstReadySeconds: timeline.firstReady,
            allReadySeconds: timeline.allReady, readyFailure: timeline.failure, samples: timeline.samples,
            meanPollMilliseconds: timeline.meanPollMilliseconds,
            reconciles: atReady.sum("redis_eventsource_reconciles_total") ?? -1,
            statusWrites: atReady.sum("redis_eventsource_status_writes_total") ?? -1,
            reconcileErrors: atReady.sum("redis_eventsource_reconcile_errors_total") ?? 0,
            adaptersRunning: atReady.sum("redis_eventsource_adapters_running") ?? -1, controller: sample,
            controllerCPUSeconds: sample.cpuSeconds - before.controller.cpuSeconds,
            kubeServerCPUSeconds: kubeSample.cpuSeconds - before.kube.cpuSeconds, idle: idle, reaction: reaction,
            shutdown: shutdown)
    }

    private struct Timeline {
        var applySeconds = 0.0
        var firstReady: Double?
        /// Nil when not all were Ready within the timeout; `failure` then says how far it got.
        var allReady: Double?
        var failure: String?
        var samples: [ScaleSizeResult.Sample] = []
        var meanPollMilliseconds = 0.0
    }

    /// Polls the list as fast as it answers, but at most every 100 ms and never more than a
    /// fifth of the time, so the poller takes little of the 2 CPUs the controller needs.
    private func measure(
        kubectl: ScaleKubectl, manifestPath: String, listURL: String, controller: ScaleController, http: ScaleHTTPClient
    ) throws(BenchError) -> Timeline {
        var timeline = Timeline()
        var applyDone = false
        var firstReady: Double?
        var pollNanoseconds: UInt64 = 0
        // The clock times the controller: kubectl's own schema checks stay off so the figures keep
        // measuring what they always measured (the setup applies above validate).
        let applyArguments = ["apply", "--validate=false", "-f", manifestPath]
        let start = MonotonicClock.now()
        let apply = try kubectl.start(applyArguments, label: "apply-\(size)")
        defer { if apply.isRunning { apply.stop() } }
        while true {
            if !applyDone, apply.terminationStatus != nil {
                timeline.applySeconds = MonotonicClock.seconds(since: start)
                try kubectl.check(apply, applyArguments, label: "apply-\(size)")
                applyDone = true
            }
            let pollStart = MonotonicClock.now()
            let readiness = try ScaleReadiness(listBody: http.get(listURL))
            let pollTime = MonotonicClock.now() &- pollStart
            pollNanoseconds += pollTime
            let now = MonotonicClock.seconds(since: start)
            timeline.samples.append(
                .init(seconds: now, objects: readiness.objects, withStatus: readiness.withStatus, ready: readiness.ready))
            if firstReady == nil, readiness.ready > 0 { firstReady = now }
            if readiness.ready == size && applyDone {
                timeline.allReady = now
                break
            }
            guard controller.process.isRunning else { throw .process("the controller exited:\n\(controller.logTail)") }
            guard now < timeout else {
                timeline.failure = "\(readiness.ready) of \(size) Ready after \(Int(timeout)) s (\(readiness.objects) created, \(readiness.withStatus) with a status)"
                Console.error("  \(timeline.failure!)")
                break
            }
            usleep(UInt32(max(100_000, min(1_000_000, pollTime * 4 / 1_000))))
        }
        timeline.firstReady = firstReady
        timeline.meanPollMilliseconds = Double(pollNanoseconds) / Double(max(1, timeline.samples.count)) / 1e6
        return timeline
    }

    private func watchIdle(
        seconds: Double, controller: ScaleController, redis: RedisProcess, kube: ScaleKubeServer, http: ScaleHTTPClient
    ) throws(BenchError) -> ScaleIdleResult {
        usleep(UInt32(Self.idleSettleSeconds * 1e6))
        let before = (
            controller: try ScaleProcessSample.read(controller.process.pid), redis: try ScaleProcessSample.read(redis.process.pid),
            kube: try ScaleProcessSample.read(kube.process.pid), info: try ScaleRedisInfo.read(port: redis.port),
            metrics: try controller.metrics(http)
        )
        usleep(UInt32(seconds * 1e6))
        let after = (
            controller: try ScaleProcessSample.read(controller.process.pid), redis: try ScaleProcessSample.read(redis.process.pid),
            kube: try ScaleProcessSample.read(kube.process.pid), info: try ScaleRedisInfo.read(port: redis.port),
            metrics: try controller.metrics(http)
        )
        func delta(_ name: String) -> Double { (after.metrics.sum(name) ?? 0) - (before.metrics.sum(name) ?? 0) }
        let window = Double(after.controller.takenAt &- before.controller.takenAt) / 1e9
        return ScaleIdleResult(
            settleSeconds: Self.idleSettleSeconds, windowSeconds: window, controller: after.controller,
            controllerCPUPercent: after.controller.cpuPercent(since: before.controller),
            redisCPUPercent: after.redis.cpuPercent(since: before.redis),
            kubeServerCPUPercent: after.kube.cpuPercent(since: before.kube),
            redisClients: after.info.connectedClients, redisMaxClients: after.info.maxClients,
            redisCommandsPerSecond: after.info.commandsPerSecond(since: before.info),
            statusWritesInWindow: delta("redis_eventsource_status_writes_total"),
            reconcilesPerSecond: delta("redis_eventsource_reconciles_total") / max(window, 0.001))
    }
}

/// What one size of the scale bench came to.
struct ScaleSizeResult: Sendable {
    struct Sample: Sendable {
        let seconds: Double
        let objects: Int
        let withStatus: Int
        let ready: Int
    }

    let size: Int
    /// From spawning `kubectl apply` to its exit.
    let applySeconds: Double
    /// From spawning `kubectl apply` to the first poll that saw one / all EventSources Ready.
    let firstReadySeconds: Double?
    /// Nil when not all were Ready within the bench's timeout; `readyFailure` says how far it got.
    let allReadySeconds: Double?
    let readyFailure: String?
    /// Every poll of the list, in order, for the progress figures.
    let samples: [Sample]
    let meanPollMilliseconds: Double
    /// The controller's own counters once all were Ready.
    let reconciles: Double
    let statusWrites: Double
    let reconcileErrors: Double
    let adaptersRunning: Double
    /// The controller process once all were Ready (or at the timeout).
    let controller: ScaleProcessSample
    /// CPU time the controller and the API server spent from the apply to all Ready (the API
    /// server's includes serving the bench's polls).
    let controllerCPUSeconds: Double
    let kubeServerCPUSeconds: Double
    let idle: ScaleIdleResult?
    let reaction: ScaleReaction.Result?
    let shutdown: ScaleShutdown.Result

    /// Seconds until every object had some status written (the first write for each).
    var allWithStatusSeconds: Double? { samples.first { $0.withStatus == size }?.seconds }

    /// How many were Ready at the last poll at or before `seconds`.
    func ready(at seconds: Double) -> Int {
        samples.last { $0.seconds <= seconds }?.ready ?? 0
    }
}

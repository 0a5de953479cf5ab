/// Where one adapter stands, as reported in `status.sources.<event>.phase`.
public enum AdapterPhase: String, Sendable, Equatable {
    case connecting = "Connecting"
    case waitingForStreams = "WaitingForStreams"
    case consuming = "Consuming"
    /// Connected and reading, but the sink keeps failing.
    case retrying = "Retrying"
    case failed = "Failed"
    case stopped = "Stopped"
}

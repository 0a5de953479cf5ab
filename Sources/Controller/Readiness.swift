/// What `/readyz` answers. The reason goes to the probe's caller verbatim, so keep it one short line.
public enum Readiness: Sendable, Equatable {
    case ready
    case notReady(reason: String)
}

/// Asked on every `/readyz` request, off the event loop; must be quick and must not block.
public typealias ReadinessCheck = @Sendable () -> Readiness

extension Readiness {
    /// Ready once every adapter is Consuming or WaitingForStreams: connected, with its group set
    /// up, and not stuck behind a failing sink. An empty set is ready, as there is nothing to wait for.
    public static func adapters(_ reports: [AdapterReport]) -> Readiness {
        let waiting = reports.filter { $0.status.phase != .consuming && $0.status.phase != .waitingForStreams }
        guard !waiting.isEmpty else { return .ready }
        let shown = waiting.prefix(3).map { report in
            var text = "\(report.key) is \(report.status.phase.rawValue)"
            if let error = report.status.lastError {
                let line = error.prefix(120).map { $0.isNewline ? " " : $0 }
                text += " (\(String(line)))"
            }
            return text
        }
        var reason = "\(waiting.count) of \(reports.count) adapter(s) not ready: " + shown.joined(separator: "; ")
        if waiting.count > shown.count { reason += "; and \(waiting.count - shown.count) more" }
        return .notReady(reason: reason)
    }

    /// A check over a live set of adapters, for the standalone `run`.
    public static func adapters(_ reports: @escaping AdapterReportProvider) -> ReadinessCheck {
        { adapters(reports()) }
    }
}

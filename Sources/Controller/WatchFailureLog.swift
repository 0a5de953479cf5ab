import KubeClient
import Logging

/// Decides which watcher reports become log lines, so a failure that repeats on every retry is
/// logged once, not once per retry. 401 and 403 need someone to fix credentials or RBAC: a
/// warning, as kube-rs gives for 403. Other failures usually pass on their own: info when the
/// kind of failure changes, debug for the repeats. A 410 is routine (the watcher lists again).
/// After a recovery, the next failure is logged again.
public struct WatchFailureLog: Sendable {
    /// The failure last logged per resource, until that resource recovers.
    private var lastLogged: [String: WatchFailureReason] = [:]

    public init() {}

    /// The level to log this report at; nil: do not log it.
    public mutating func level(for report: WatcherReport) -> Logger.Level? {
        switch report {
        case .failed(let failure):
            let reason = failure.reason
            if reason == .gone { return .debug }
            if lastLogged[failure.resource] == reason { return .debug }
            lastLogged[failure.resource] = reason
            return reason.needsOperator ? .warning : .info
        case .recovered(let resource):
            return lastLogged.removeValue(forKey: resource) == nil ? nil : .info
        }
    }
}

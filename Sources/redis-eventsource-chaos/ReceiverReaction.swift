/// How the chaos receiver answers a request, beyond its random 503s and outages: the sinks
/// issue 19's delivery rules are about.
enum ReceiverReaction: Sendable, Equatable {
    /// 200, or 503 when the scenario's random failures or outage say so.
    case accept
    /// Every request gets this status and an empty body (404 for a wrong URL, 400, 413...).
    case refuse(status: Int)
    /// 302 back to the URL that was asked for: a redirect loop.
    case redirectLoop
    /// 200, then a chunked body that never ends: the status line arrived, the body keeps coming.
    case endlessBody
    /// 503, but only after `milliseconds`, so the scenario can act between two attempts.
    case slowUnavailable(milliseconds: Int)

    /// Whether the receiver takes the event: only a 2xx status line does.
    var accepts: Bool {
        switch self {
        case .accept, .endlessBody: return true
        case .refuse, .redirectLoop, .slowUnavailable: return false
        }
    }
}

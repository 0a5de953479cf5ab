/// Why the health server could not start. Retrying the same address rarely helps (the port is
/// taken or the host is wrong), so the service group should stop and say so.
public enum HealthServerError: Error, CustomStringConvertible {
    case cannotListen(host: String, port: Int, reason: String)

    public var description: String {
        switch self {
        case .cannotListen(let host, let port, let reason):
            return "cannot listen for health and metrics on \(host):\(port): \(reason)"
        }
    }
}

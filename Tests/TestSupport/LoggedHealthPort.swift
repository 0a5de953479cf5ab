/// The port a `redis-eventsource` started with `--http-port auto` serves /metrics on, read from
/// its health server's log line "serving /healthz /readyz /metrics on http://ADDRESS:PORT".
public enum LoggedHealthPort {
    public static func wait(for child: ChildProcess, timeout: Duration = .seconds(60)) async throws -> Int {
        try await waitForValue("\(child.name) to log its health and metrics port", timeout: timeout) {
            guard child.isRunning else { throw LoggedHealthPortError.exited(child.standardError) }
            return parse(child.standardError)
        }
    }

    static func parse(_ log: String) -> Int? {
        let marker = " on http://"
        for line in log.split(separator: "\n") where line.contains("serving") && line.contains("/metrics") {
            guard let range = line.range(of: marker) else { continue }
            let address = line[range.upperBound...].prefix { !$0.isWhitespace }
            if let portText = address.split(separator: ":").last, let port = Int(portText) { return port }
        }
        return nil
    }
}

public enum LoggedHealthPortError: Error, CustomStringConvertible {
    case exited(String)
    public var description: String {
        switch self {
        case .exited(let log): return "the process exited before logging its health port: \(log)"
        }
    }
}

import Foundation
import Glibc

/// Reads the product's `/readyz` and `/metrics` (`run --http-port auto`) the way a kubelet and
/// Prometheus would: one HTTP/1.1 GET per look, on a fresh connection that the server closes.
struct HealthProbe: Sendable {
    let port: Int

    /// The port `run --http-port auto` chose, from its "serving … on http://127.0.0.1:PORT" log
    /// line (at info level), once it appears.
    static func find(in process: ChaosProcess, seconds: Double = 30) -> HealthProbe? {
        var found: Int?
        Poll.until(seconds: seconds, interval: 0.05) {
            for line in process.errorOutput.split(separator: "\n") where line.contains("serving") {
                guard let range = line.range(of: "http://127.0.0.1:") else { continue }
                found = Int(line[range.upperBound...].prefix { $0.isNumber })
            }
            return found != nil
        }
        return found.map(HealthProbe.init(port:))
    }

    struct Answer {
        let status: Int
        let body: String
    }

    func get(_ path: String) -> Answer? {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { return nil }
        let request = Array("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".utf8)
        guard send(descriptor, request, request.count, Int32(MSG_NOSIGNAL)) == request.count else { return nil }
        var response: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = recv(descriptor, &buffer, buffer.count, 0)
            if count <= 0 { break }
            response += buffer[0..<count]
        }
        let text = String(decoding: response, as: UTF8.self)
        guard let statusLine = text.split(separator: "\r\n", maxSplits: 1).first,
            let status = statusLine.split(separator: " ").dropFirst().first.flatMap({ Int($0) })
        else { return nil }
        let body = text.range(of: "\r\n\r\n").map { String(text[$0.upperBound...]) } ?? ""
        return Answer(status: status, body: body)
    }

    /// The phase the adapter's `redis_eventsource_adapter_phase` gauge has at 1, if any.
    func phase() -> String? {
        guard let metrics = get("/metrics"), metrics.status == 200 else { return nil }
        for line in metrics.body.split(separator: "\n")
        where line.hasPrefix("redis_eventsource_adapter_phase{") && line.hasSuffix(" 1") {
            guard let range = line.range(of: "phase=\"") else { continue }
            return String(line[range.upperBound...].prefix { $0 != "\"" })
        }
        return nil
    }

    /// `redis_eventsource_connected`'s value, if the product exports it.
    func connected() -> Double? {
        guard let metrics = get("/metrics"), metrics.status == 200 else { return nil }
        for line in metrics.body.split(separator: "\n") where line.hasPrefix("redis_eventsource_connected") {
            return line.split(separator: " ").last.flatMap { Double($0) }
        }
        return nil
    }

    /// True when `/readyz` answers 200.
    func ready() -> Bool? { get("/readyz").map { $0.status == 200 } }
}

import NIOHTTP1

/// The server's answers, as a pure function of method and path, kept apart from NIO so the
/// routing reads in one place.
struct HealthServerRoutes: Sendable {
    struct Response: Sendable {
        var status: HTTPResponseStatus
        var contentType = "text/plain; charset=utf-8"
        var body: [UInt8]
        var allow: String?
    }

    let readiness: ReadinessCheck
    let metrics: MetricsExposition
    let endpoints: Set<HealthServer.Endpoint>

    func respond(method: HTTPMethod, uri: String) -> Response {
        let path = uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? uri
        guard let endpoint = HealthServer.Endpoint(rawValue: path), endpoints.contains(endpoint) else {
            return Response(status: .notFound, body: Array("not found".utf8))
        }
        guard method == .GET else {
            return Response(status: .methodNotAllowed, body: Array("method not allowed".utf8), allow: "GET")
        }
        switch endpoint {
        case .healthz:
            // Answering at all is the proof of life: the event loops and the cooperative pool both ran.
            return Response(status: .ok, body: Array("ok".utf8))
        case .readyz:
            switch readiness() {
            case .ready: return Response(status: .ok, body: Array("ok".utf8))
            case .notReady(let reason): return Response(status: .serviceUnavailable, body: Array(reason.utf8))
            }
        case .metrics:
            return Response(status: .ok, contentType: MetricsExposition.contentType, body: metrics.render())
        }
    }
}

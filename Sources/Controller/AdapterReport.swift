import Adapter
import AdapterModel

/// One adapter's identity and latest status, as `/metrics` and `/readyz` see it at scrape time.
public struct AdapterReport: Sendable, Equatable {
    public var namespace: String
    public var eventSourceName: String
    public var eventName: String
    public var status: AdapterStatus

    public init(namespace: String, eventSourceName: String, eventName: String, status: AdapterStatus) {
        self.namespace = namespace
        self.eventSourceName = eventSourceName
        self.eventName = eventName
        self.status = status
    }

    /// A snapshot of a running adapter; cheap (one lock), so it can be taken on every scrape.
    public init(_ adapter: StreamAdapter) {
        let configuration = adapter.configuration
        self.init(
            namespace: configuration.namespace, eventSourceName: configuration.eventSourceName,
            eventName: configuration.eventName, status: adapter.status.snapshot)
    }

    /// `namespace/name/event`, as the adapter names itself in logs.
    public var key: String { "\(namespace)/\(eventSourceName)/\(eventName)" }
}

/// The live set of adapters, asked on every scrape and readiness probe. The standalone `run`
/// returns its fixed list; the controller returns whatever its reconciler runs right now.
public typealias AdapterReportProvider = @Sendable () -> [AdapterReport]

extension AdapterReport {
    /// A provider over a fixed set of adapters.
    public static func provider(for adapters: [StreamAdapter]) -> AdapterReportProvider {
        { adapters.map(AdapterReport.init) }
    }
}

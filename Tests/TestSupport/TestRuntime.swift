import Adapter
import Sinks

extension AdapterRuntime {
    /// The runtime every test's adapters and sinks share, as a process' adapters share theirs.
    /// Never shut down: it lives as long as the test process, as the product's lives as long as
    /// its `ServiceGroup`.
    public static let forTests = AdapterRuntime()
}

extension SinkRuntime {
    /// The sink threads of `AdapterRuntime.forTests`.
    public static var forTests: SinkRuntime { AdapterRuntime.forTests.sinks }
}

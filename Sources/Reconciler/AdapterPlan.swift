import AdapterModel

/// What to do so that the running adapters match the desired ones.
public struct AdapterPlan: Sendable, Equatable {
    public var start: [AdapterConfiguration] = []
    /// Running with a different configuration: stop the old one (draining it), then start this.
    public var restart: [AdapterConfiguration] = []
    public var stop: [AdapterKey] = []

    public init(start: [AdapterConfiguration] = [], restart: [AdapterConfiguration] = [], stop: [AdapterKey] = []) {
        self.start = start
        self.restart = restart
        self.stop = stop
    }

    public var isEmpty: Bool { start.isEmpty && restart.isEmpty && stop.isEmpty }

    /// Compares configurations as wholes, resolved secrets and sink included, so an edit
    /// restarts exactly the entries whose effective configuration changed.
    public static func diff(
        desired: [AdapterKey: AdapterConfiguration], running: [AdapterKey: AdapterConfiguration]
    ) -> AdapterPlan {
        var plan = AdapterPlan()
        for key in desired.keys.sorted() {
            let configuration = desired[key]!
            switch running[key] {
            case nil: plan.start.append(configuration)
            case let current? where current != configuration: plan.restart.append(configuration)
            default: break
            }
        }
        plan.stop = running.keys.filter { desired[$0] == nil }.sorted()
        return plan
    }
}

extension AdapterConfiguration {
    public var adapterKey: AdapterKey {
        AdapterKey(kind: sourceKind, namespace: namespace, name: eventSourceName, eventName: eventName)
    }
}

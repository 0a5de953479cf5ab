import AdapterModel
import Reconciler

/// Finds the EventSources whose adapters' figures moved since the last sweep, so counters reach
/// the status by one pass every `--status-interval` over all adapters, instead of a timer per
/// EventSource: an idle EventSource (nothing forwarded, lag and pending unchanged) is not
/// reconciled and its status is not written. Phase changes need no sweep: adapters report them at once.
struct CounterSweep {
    private var seen: [ObjectKey: [String: AdapterStatus]] = [:]

    /// Takes every running adapter's status; returns the EventSources with a change, sorted.
    mutating func changed(_ statuses: [(AdapterKey, AdapterStatus)]) -> [ObjectKey] {
        var now: [ObjectKey: [String: AdapterStatus]] = [:]
        for (key, status) in statuses { now[key.objectKey, default: [:]][key.eventName] = status }
        defer { seen = now }
        return now.compactMap { key, adapters in seen[key] == adapters ? nil : key }.sorted()
    }
}

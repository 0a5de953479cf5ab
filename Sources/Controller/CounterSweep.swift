import AdapterModel
import Reconciler

/// Finds the EventSources whose adapters' figures moved since the last sweep, so counters reach
/// the status by one pass every `--status-interval` over all adapters, instead of a timer per
/// EventSource: an idle EventSource (nothing forwarded, lag and pending unchanged) is not
/// reconciled and its status is not written. A change of an adapter's significant part needs no
/// sweep: the adapter reports it at once (`onPhaseChange`), so only the counters, the group
/// figures and the error text, which is not a transition, are compared.
struct CounterSweep {
    private struct Figures: Equatable {
        var counters: AdapterStatus.Counters
        var group: AdapterStatus.GroupFigures
        var lastError: String?
    }

    private var seen: [ObjectKey: [String: Figures]] = [:]

    /// Takes every running adapter's status; returns the EventSources with a change, sorted.
    mutating func changed(_ statuses: [(AdapterKey, AdapterStatus)]) -> [ObjectKey] {
        var now: [ObjectKey: [String: Figures]] = [:]
        for (key, status) in statuses {
            now[key.objectKey, default: [:]][key.eventName] = Figures(counters: status.counters, group: status.group, lastError: status.lastError)
        }
        defer { seen = now }
        return now.compactMap { key, adapters in seen[key] == adapters ? nil : key }.sorted()
    }
}

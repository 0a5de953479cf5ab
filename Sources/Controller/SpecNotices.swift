import EventSourceAPI
import Reconciler

/// Per EventSource: the spec warnings last announced as an Event (so each distinct set is announced
/// once, not at every resync) and the generation of the last valid spec (for the status of an invalid edit).
struct SpecNotices {
    private var announced: [ObjectKey: [ValidationProblem]] = [:]
    private var validGeneration: [ObjectKey: Int64] = [:]

    /// The note of a Warning Event to record, or nil when these warnings were already announced.
    mutating func warningNote(_ key: ObjectKey, _ warnings: [ValidationProblem]) -> String? {
        defer { announced[key] = warnings }
        guard !warnings.isEmpty, announced[key] != warnings else { return nil }
        return warnings.map(\.description).joined(separator: "; ")
    }

    mutating func valid(_ key: ObjectKey, generation: Int64?) {
        if let generation { validGeneration[key] = generation }
    }

    func lastValidGeneration(_ key: ObjectKey) -> Int64? { validGeneration[key] }

    mutating func forget(_ key: ObjectKey) {
        announced[key] = nil
        validGeneration[key] = nil
    }
}

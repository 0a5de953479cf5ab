import Adapter
import AdapterModel
import Reconciler

/// Remembers what each adapter was doing at the last reconcile, to turn changes into
/// Kubernetes Events (streams missing, source failing, recovered) exactly once per change.
struct TransitionEvents {
    struct Notice: Equatable {
        var warning: Bool
        var reason: String
        var note: String
    }

    private var phases: [AdapterKey: AdapterPhase] = [:]
    private var entryProblems: [AdapterKey: String] = [:]
    private var sharingNotes: [AdapterKey: String] = [:]
    private var invalidGeneration: [ObjectKey: Int64] = [:]

    mutating func adapter(_ key: AdapterKey, _ status: AdapterStatus) -> Notice? {
        let previous = phases[key]
        phases[key] = status.phase
        guard previous != status.phase else { return nil }
        switch status.phase {
        case .waitingForStreams:
            return Notice(
                warning: true, reason: "StreamsMissing",
                note: "\(key.eventName): waiting for streams \(status.missingStreams.joined(separator: ", "))")
        case .connecting where status.lastError != nil, .retrying, .failed:
            failing.insert(key)
            return Notice(
                warning: true, reason: "SourceFailing",
                note: "\(key.eventName): \(status.phase.rawValue): \(status.lastError ?? "failing")")
        case .consuming where failing.contains(key):
            // Only a return from a failure an Event announced is a recovery; a first connect is not.
            failing.remove(key)
            return Notice(warning: false, reason: "SourceRecovered", note: "\(key.eventName): consuming again")
        default:
            return nil
        }
    }

    private var failing = Set<AdapterKey>()

    mutating func entryProblem(_ key: AdapterKey, _ problem: EntryProblem?) -> Notice? {
        let message = problem?.message
        defer { entryProblems[key] = message }
        guard let problem, entryProblems[key] != message else { return nil }
        return Notice(warning: true, reason: problem.reason, note: "\(key.eventName): \(problem.message)")
    }

    /// A Warning when an entry starts sharing its stream and group with another (or with others
    /// than before); nil while nothing changed.
    mutating func groupSharing(_ key: AdapterKey, _ note: String?) -> Notice? {
        defer { sharingNotes[key] = note }
        guard let note, sharingNotes[key] != note else { return nil }
        return Notice(warning: true, reason: "ConsumerGroupShared", note: "\(key.eventName): \(note)")
    }

    /// True the first time a given generation is seen invalid.
    mutating func invalidSpec(_ object: ObjectKey, generation: Int64) -> Bool {
        defer { invalidGeneration[object] = generation }
        return invalidGeneration[object] != generation
    }

    mutating func validSpec(_ object: ObjectKey) {
        invalidGeneration[object] = nil
    }

    mutating func forget(_ key: AdapterKey) {
        phases[key] = nil
        failing.remove(key)
        entryProblems[key] = nil
        sharingNotes[key] = nil
    }

    mutating func forget(_ object: ObjectKey) {
        invalidGeneration[object] = nil
        for key in phases.keys where key.objectKey == object { forget(key) }
        for key in entryProblems.keys where key.objectKey == object { entryProblems[key] = nil }
        for key in sharingNotes.keys where key.objectKey == object { sharingNotes[key] = nil }
    }
}

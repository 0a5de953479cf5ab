import StructuredData

/// The fields each part of an EventSource may hold, used to warn about unknown, misspelled and
/// misplaced fields. Kubernetes keeps unknown fields (Argo's CRD preserves them), so a typo such as
/// `maxMsgCountPerReed` would otherwise silently mean "use the default".
///
/// Keep these lists in step with the readers: a field added to an entry, `tls` or `sink` belongs here too.
enum FieldSchema: String, CaseIterable {
    case spec
    case redisStreamEntry
    case tls
    case secretKeySelector
    case filter
    case sink
    case sentinel
    case cluster

    var fields: Set<String> {
        switch self {
        case .spec: return ArgoSourceTypes.all.union(["eventBusName", "template", "service", "replicas", "sink"])
        case .redisStreamEntry:
            return [
                "hostAddress", "password", "db", "streams", "maxMsgCountPerRead", "consumerGroup", "tls", "metadata", "filter",
                "username", "deadLetterStream", "maxDeliveries", "claimMinIdleSeconds", "startFrom", "createStreams",
                "url", "urlSecret", "sentinel", "cluster",
            ]
        case .tls: return ["caCertSecret", "clientCertSecret", "clientKeySecret", "insecureSkipVerify", "enabled"]
        case .secretKeySelector: return ["name", "key", "optional"]
        case .filter: return ["expression"]
        case .sink: return ["uri", "mode"]
        case .sentinel: return ["masterName", "addresses", "username", "password"]
        case .cluster: return ["addresses"]
        }
    }

    /// Where a field of this part is written, for "belongs in" hints.
    var place: String {
        switch self {
        case .spec: return "spec"
        case .redisStreamEntry: return "each spec.redisStream entry"
        case .tls: return "an entry's tls"
        case .secretKeySelector: return "a Secret reference (password, caCertSecret, ...)"
        case .filter: return "an entry's filter"
        case .sink: return "spec.sink"
        case .sentinel: return "an entry's sentinel"
        case .cluster: return "an entry's cluster"
        }
    }

    /// An entry's field (`streams: [FOO]`) written directly under `spec.redisStream`, one level too
    /// shallow, reads as an event named "streams" that is not a map, and leaves the entry above it
    /// without that field. Reports that one real problem per such field, and returns true, so the
    /// caller skips the entries' own problems, which are only its consequences.
    static func reportEntryFieldsIndentedTooShallow(in redis: JSONObject, into reader: inout FieldReader) -> Bool {
        let misplaced = redis.filter { key, value in
            redisStreamEntry.fields.contains(key) && value.objectValue == nil
        }
        guard !misplaced.isEmpty else { return false }
        let events = redis.filter { $0.value.objectValue != nil }.map(\.key)
        let under = events.first.map { "under the event name '\($0)'" } ?? "under an event name"
        for (key, _) in misplaced {
            reader.report(
                "spec.redisStream.\(key)",
                "'\(key)' is a field of an entry, not an event name: indent it one level deeper, \(under)")
        }
        return true
    }

    /// Argo fields that have no meaning here because one process runs every adapter.
    static let ignoredArgoFields: Set<String> = ["template", "service", "replicas"]

    /// Warns about every key of `object` that this part does not know, with the likely intended field.
    func warnAboutUnknownKeys(of object: JSONObject, at path: String, into reader: inout FieldReader) {
        for key in object.keys where !fields.contains(key) {
            // A hostile key could be megabytes long; the status and Event only need to recognise it.
            let shown = key.count > 64 ? key.prefix(64) + "…" : key
            reader.warn("\(path).\(shown)", Self.unknownFieldMessage(key, in: self))
        }
        // Only an EventSource we run: for Argo's other sources these fields mean what Argo says.
        if self == .spec, object["redisStream"] != nil {
            for key in object.keys where Self.ignoredArgoFields.contains(key) {
                reader.warn(
                    "\(path).\(key)",
                    "ignored: one redis-eventsource process runs every adapter, so Argo's per-EventSource pod settings do not apply")
            }
        }
    }

    static func unknownFieldMessage(_ key: String, in part: FieldSchema) -> String {
        if let home = allCases.first(where: { $0 != part && $0.fields.contains(key) }) {
            return "unknown field here, ignored; '\(key)' belongs in \(home.place)"
        }
        if let close = nearest(to: key, among: part.fields) {
            return "unknown field, ignored; did you mean '\(close)'?"
        }
        return "unknown field, ignored"
    }

    /// The known field a typo most likely meant: same letters in another case, or at most two edits away.
    static func nearest(to key: String, among fields: Set<String>) -> String? {
        if let sameLetters = fields.first(where: { $0.lowercased() == key.lowercased() }) { return sameLetters }
        // Lengths more than two apart are more than two edits apart: skip them, so a hostile
        // megabyte-long key costs one pass, not a megabyte times every field.
        let typed = Array(key.lowercased())
        let scored = fields.filter { abs($0.count - typed.count) <= 2 }.map { ($0, editDistance(typed, Array($0.lowercased()))) }
        guard let best = scored.min(by: { $0.1 != $1.1 ? $0.1 < $1.1 : $0.0 < $1.0 }), best.1 <= 2 else { return nil }
        return best.0
    }

    /// Levenshtein distance, with adjacent transpositions counted as one edit (`Gruop` → `Group`).
    static func editDistance(_ a: [Character], _ b: [Character]) -> Int {
        guard !a.isEmpty else { return b.count }
        guard !b.isEmpty else { return a.count }
        var previousRow: [Int] = []
        var row = Array(0...b.count)
        for i in 1...a.count {
            let earlierRow = previousRow
            previousRow = row
            row = [i] + Array(repeating: 0, count: b.count)
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                row[j] = min(previousRow[j] + 1, row[j - 1] + 1, previousRow[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    row[j] = min(row[j], earlierRow[j - 2] + 1)
                }
            }
        }
        return row[b.count]
    }
}

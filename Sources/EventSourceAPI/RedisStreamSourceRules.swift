import StructuredData

/// What a `RedisStreamSource` must satisfy beyond the rules it shares with an EventSource. Its spec
/// is an EventSource's restricted to what we run, so what an EventSource may carry for Argo's sake
/// (other source types, Argo's pod settings) is an error here rather than a warning: nobody else
/// would run it. Its name and event names become EventBus subject tokens, `default.<name>.<event>`,
/// as Argo's do, so each must be one token.
enum RedisStreamSourceRules {
    static let specFields: Set<String> = ["redisStream", "eventBusName", "sink"]

    static func check(name: String, spec: JSONObject?, into reader: inout FieldReader) {
        if !name.isEmpty, let problem = subjectTokenProblem(name) {
            reader.report("metadata.name", problem)
        }
        guard let spec else { return }
        for key in spec.keys.sorted() where !specFields.contains(key) {
            let shown = key.count > 64 ? key.prefix(64) + "…" : key
            if ArgoSourceTypes.all.contains(key) {
                reader.report(
                    "spec.\(shown)",
                    "a RedisStreamSource runs redisStream entries only; another source type belongs in an Argo EventSource")
            } else {
                reader.report("spec.\(shown)", "not a field of a RedisStreamSource, whose spec holds only redisStream, eventBusName and sink")
            }
        }
        switch spec["redisStream"] {
        case nil, .null?:
            reader.report("spec.redisStream", "required: a RedisStreamSource needs at least one entry")
        case .object(let entries)? where entries.isEmpty:
            reader.report("spec.redisStream", "must have at least one entry")
        case .object(let entries)?:
            for eventName in entries.keys where !eventName.isEmpty {
                if let problem = subjectTokenProblem(eventName) {
                    reader.report("spec.redisStream.\(eventName.count > 64 ? eventName.prefix(64) + "…" : eventName)", "the event name \(problem)")
                }
            }
        default: break  // not a map: the shared reader reports it
        }
    }

    /// A NATS subject token: not empty, no `.` (the separator), no whitespace, no wildcard `*` or `>`.
    static func subjectTokenProblem(_ text: String) -> String? {
        let bad = text.unicodeScalars.first { $0 == "." || $0 == "*" || $0 == ">" || $0.properties.isWhitespace }
        guard let bad else { return nil }
        let shown = bad == "." ? "'.'" : bad.properties.isWhitespace ? "whitespace" : "'\(bad)'"
        return "'\(text.count > 64 ? text.prefix(64) + "…" : text)' is not a valid EventBus subject token (it holds \(shown)); "
            + "events are published on default.<name>.<event>, so each must be one token"
    }
}

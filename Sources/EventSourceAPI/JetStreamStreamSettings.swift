import StructuredData

/// The settings of the `default` stream, from an EventBus's `streamConfig` YAML string, used only
/// when the stream does not exist yet. Argo reads the same keys through viper, case-insensitively;
/// a key left out keeps Go's zero value, which nats-server turns into its own default (no limit
/// on messages, bytes or age, 1 replica, a 2-minute duplicate window).
public struct JetStreamStreamSettings: Sendable, Hashable {
    public enum Retention: Int, Sendable, Hashable { case limits = 0, interest = 1, workQueue = 2 }
    public enum Discard: Int, Sendable, Hashable { case old = 0, new = 1 }

    public var maxMsgs: Int64 = 0
    public var maxBytes: Int64 = 0
    /// Nanoseconds; 0 keeps messages for ever.
    public var maxAge: Int64 = 0
    public var replicas: Int = 0
    /// Nanoseconds of the duplicate window `Nats-Msg-Id` works within; 0 means nats-server's 2 minutes.
    public var duplicates: Int64 = 0
    public var retention: Retention = .limits
    public var discard: Discard = .old

    public init() {}

    /// Every problem, each naming its key under `path`; an empty or blank string is all defaults.
    public static func parse(_ yaml: String, at path: String = "streamConfig") -> Result<Self, ValidationError> {
        var settings = Self()
        guard yaml.contains(where: { !$0.isWhitespace }) else { return .success(settings) }
        let documents: [JSONValue]
        do {
            documents = try YAMLReader.documents(yaml)
        } catch {
            return .failure(ValidationError(problems: [ValidationProblem(path: path, message: "is not YAML: \(error)")]))
        }
        guard documents.count <= 1 else {
            return .failure(ValidationError(problems: [ValidationProblem(path: path, message: "holds more than one YAML document")]))
        }
        guard let document = documents.first, !document.isNull else { return .success(settings) }
        guard case .object(let object) = document else {
            return .failure(
                ValidationError(problems: [ValidationProblem(path: path, message: "must be a map of settings, got \(document.typeName)")]))
        }
        var problems: [ValidationProblem] = []
        for (key, value) in object {
            let field = "\(path).\(key)"
            func integer(_ range: ClosedRange<Int64>) -> Int64? {
                let number: Int64?
                switch value {
                case .int(let int): number = int
                case .string(let text): number = Int64(text.trimmedSpaces)
                default: number = nil
                }
                guard let number, range.contains(number) else {
                    problems.append(
                        ValidationProblem(path: field, message: "must be an integer from \(range.lowerBound) to \(range.upperBound)"))
                    return nil
                }
                return number
            }
            func duration() -> Int64? {
                let nanoseconds: Int64?
                switch value {
                case .int(let int): nanoseconds = int
                case .string(let text): nanoseconds = GoDuration.nanoseconds(text)
                default: nanoseconds = nil
                }
                guard let nanoseconds, nanoseconds >= 0 else {
                    problems.append(ValidationProblem(path: field, message: "must be a duration such as 72h, 5m or 300s"))
                    return nil
                }
                return nanoseconds
            }
            switch key.lowercased() {
            case "maxmsgs": settings.maxMsgs = integer(-1...Int64.max) ?? 0
            case "maxbytes": settings.maxBytes = integer(-1...Int64.max) ?? 0
            case "maxage": settings.maxAge = duration() ?? 0
            case "duplicates": settings.duplicates = duration() ?? 0
            case "replicas": settings.replicas = Int(integer(0...5) ?? 0)
            case "retention": settings.retention = integer(0...2).flatMap { Retention(rawValue: Int($0)) } ?? .limits
            case "discard": settings.discard = integer(0...1).flatMap { Discard(rawValue: Int($0)) } ?? .old
            default: continue  // Argo ignores unknown keys too.
            }
        }
        return problems.isEmpty ? .success(settings) : .failure(ValidationError(problems: problems))
    }
}

import FilterExpression
import StructuredData

/// One entry of `spec.redisStream`: Argo's `RedisStreamEventSource`, plus our delivery extensions.
/// Named for the entry, not the kind: `RedisStreamSource` is the whole resource of our own API group
/// (see `SourceKind`), which holds a map of these.
public struct RedisStreamEntry: Sendable, Equatable, Hashable {
    public static let defaultConsumerGroup = "argo-events-cg"
    public static let defaultMaxMessageCountPerRead = 10
    public static let defaultClaimMinIdleSeconds = 60

    /// How the entry reaches Redis: `hostAddress`, `url`, `urlSecret`, `sentinel` or `cluster`.
    public var endpoint: RedisEndpoint
    public var db: Int
    public var password: SecretKeySelector?
    public var username: String?
    public var streams: [String]
    /// The COUNT of each XREADGROUP, per stream.
    public var maxMsgCountPerRead: Int
    public var consumerGroup: String
    public var tls: TLSConfig?
    public var metadata: [String: String]
    public var filterExpression: String?
    /// Extension: where entries go after `maxDeliveries` failed deliveries.
    public var deadLetterStream: String?
    /// Extension: how many failed deliveries dead-letter an entry; only with `deadLetterStream`.
    public var maxDeliveries: Int?
    /// Extension: how long another consumer's pending entry must sit idle before we reclaim it.
    public var claimMinIdleSeconds: Int
    /// Extension: where a consumer group this adapter creates starts (`$`, `0` or an entry id).
    public var startFrom: GroupStart
    /// Extension: create a missing stream with its group (XGROUP CREATE … MKSTREAM). False for
    /// users who must not create keys: the group is then created once the stream appears.
    public var createStreams: Bool

    /// The TCP `hostAddress`, when that is how the entry reaches Redis; setting it makes it so.
    public var hostAddress: HostAddress? {
        get {
            if case .server(.tcp(let address)) = endpoint { return address }
            return nil
        }
        set {
            if let newValue { endpoint = .server(.tcp(newValue)) }
        }
    }

    public init(
        hostAddress: HostAddress, db: Int = 0, password: SecretKeySelector? = nil, username: String? = nil,
        streams: [String], maxMsgCountPerRead: Int = Self.defaultMaxMessageCountPerRead,
        consumerGroup: String = Self.defaultConsumerGroup, tls: TLSConfig? = nil, metadata: [String: String] = [:],
        filterExpression: String? = nil, deadLetterStream: String? = nil, maxDeliveries: Int? = nil,
        claimMinIdleSeconds: Int = Self.defaultClaimMinIdleSeconds, startFrom: GroupStart = .newest,
        createStreams: Bool = true
    ) {
        self.init(
            endpoint: .server(.tcp(hostAddress)), db: db, password: password, username: username, streams: streams,
            maxMsgCountPerRead: maxMsgCountPerRead, consumerGroup: consumerGroup, tls: tls, metadata: metadata,
            filterExpression: filterExpression, deadLetterStream: deadLetterStream, maxDeliveries: maxDeliveries,
            claimMinIdleSeconds: claimMinIdleSeconds, startFrom: startFrom, createStreams: createStreams)
    }

    public init(
        endpoint: RedisEndpoint, db: Int = 0, password: SecretKeySelector? = nil, username: String? = nil,
        streams: [String], maxMsgCountPerRead: Int = Self.defaultMaxMessageCountPerRead,
        consumerGroup: String = Self.defaultConsumerGroup, tls: TLSConfig? = nil, metadata: [String: String] = [:],
        filterExpression: String? = nil, deadLetterStream: String? = nil, maxDeliveries: Int? = nil,
        claimMinIdleSeconds: Int = Self.defaultClaimMinIdleSeconds, startFrom: GroupStart = .newest,
        createStreams: Bool = true
    ) {
        self.endpoint = endpoint
        self.db = db
        self.password = password
        self.username = username
        self.streams = streams
        self.maxMsgCountPerRead = maxMsgCountPerRead
        self.consumerGroup = consumerGroup
        self.tls = tls
        self.metadata = metadata
        self.filterExpression = filterExpression
        self.deadLetterStream = deadLetterStream
        self.maxDeliveries = maxDeliveries
        self.claimMinIdleSeconds = claimMinIdleSeconds
        self.startFrom = startFrom
        self.createStreams = createStreams
    }

    /// Argo's `int32` fields: larger values do not even decode in Argo.
    static let int32Range = Int(Int32.min)...Int(Int32.max)

    static func read(_ value: JSONValue, at path: String, into reader: inout FieldReader) -> RedisStreamEntry? {
        guard let object = reader.object(value, at: path) else {
            reader.report(path, "expected a map, got null")
            return nil
        }
        FieldSchema.redisStreamEntry.warnAboutUnknownKeys(of: object, at: path, into: &reader)
        let endpoint = readEndpoint(object, at: path, into: &reader)

        // go-redis, which Argo uses, sends SELECT only when db > 0, so a negative db runs on db 0 in Argo.
        var db = reader.integer(object["db"], at: "\(path).db", in: int32Range) ?? 0
        if db < 0 {
            reader.warn("\(path).db", "negative: runs on db 0, as in Argo (which sends SELECT only for a db above 0)")
            db = 0
        }

        var streams = reader.stringList(object["streams"], at: "\(path).streams")
        if object["streams"] == nil || object["streams"]?.isNull == true {
            reader.report("\(path).streams", "required")
        } else if let listed = streams {
            if listed.isEmpty {
                reader.report(
                    "\(path).streams", "must not be empty: Argo accepts [], but Redis then answers every read with a syntax error")
            }
            var seen = Set<String>()
            var unique: [String] = []
            for (index, stream) in listed.enumerated() {
                if stream.isEmpty { reader.report("\(path).streams[\(index)]", "must not be empty") }
                if seen.insert(stream).inserted {
                    unique.append(stream)
                } else {
                    reader.warn(
                        "\(path).streams[\(index)]",
                        "'\(stream)' is listed twice; it is read once, as Redis reads it once when Argo names it twice")
                }
            }
            streams = unique
        }

        var count =
            reader.integer(object["maxMsgCountPerRead"], at: "\(path).maxMsgCountPerRead", in: int32Range)
            ?? Self.defaultMaxMessageCountPerRead
        // Argo treats 0 as "use the default".
        if count == 0 { count = Self.defaultMaxMessageCountPerRead }
        if count < 0 {
            reader.warn(
                "\(path).maxMsgCountPerRead",
                "negative: Argo then reads with no COUNT at all; we read the default \(Self.defaultMaxMessageCountPerRead) "
                    + "per stream (the batch size changes speed, not which events are delivered)")
            count = Self.defaultMaxMessageCountPerRead
        }

        var group = reader.string(object["consumerGroup"], at: "\(path).consumerGroup") ?? ""
        if group.isEmpty { group = Self.defaultConsumerGroup }

        let password = reader.secretKeySelector(object["password"], at: "\(path).password")
        var username = reader.string(object["username"], at: "\(path).username")
        if username?.isEmpty == true { username = nil }
        if username != nil, password == nil, object["password"]?.isNull ?? true {
            // go-redis, which Argo uses, sends AUTH only with a password, so the username alone changes nothing.
            reader.warn(
                "\(path).username", "ignored without password, as Argo ignores it: the connection uses the default user")
            username = nil
        }
        let tls = TLSConfig.read(object["tls"], at: "\(path).tls", into: &reader)
        let metadata = reader.stringMap(object["metadata"], at: "\(path).metadata") ?? [:]
        let expression = readFilter(object["filter"], at: "\(path).filter", into: &reader)

        var deadLetter = reader.string(object["deadLetterStream"], at: "\(path).deadLetterStream")
        if deadLetter?.isEmpty == true { deadLetter = nil }
        if let deadLetter, streams?.contains(deadLetter) == true {
            reader.report("\(path).deadLetterStream", "must not be one of the streams read, or entries would loop")
        }
        let maxDeliveries = reader.integer(object["maxDeliveries"], at: "\(path).maxDeliveries", in: 1...Int(Int32.max))
        if maxDeliveries != nil, deadLetter == nil {
            reader.report("\(path).maxDeliveries", "needs deadLetterStream: without one an entry is never dropped")
        }
        if deadLetter != nil, maxDeliveries == nil, object["maxDeliveries"] == nil {
            reader.report("\(path).deadLetterStream", "needs maxDeliveries")
        }
        // Bounded so that milliseconds and nanoseconds of it still fit in 64 bits.
        let claimIdle =
            reader.integer(object["claimMinIdleSeconds"], at: "\(path).claimMinIdleSeconds", in: 1...Int(Int32.max))
            ?? Self.defaultClaimMinIdleSeconds

        var startFrom = GroupStart.newest
        if let text = reader.string(object["startFrom"], at: "\(path).startFrom") {
            if let parsed = GroupStart(text) {
                startFrom = parsed
            } else {
                reader.report("\(path).startFrom", "must be $, 0 or an entry id like 1700000000000-0, got '\(text)'")
            }
        }
        let createStreams = reader.boolean(object["createStreams"], at: "\(path).createStreams") ?? true

        if case .cluster? = endpoint {
            if db != 0 { reader.report("\(path).db", "must be 0 with cluster: a Redis Cluster has only database 0") }
            let keys = (streams ?? []) + (deadLetter.map { [$0] } ?? [])
            let slots = Dictionary(grouping: keys, by: RedisHashSlot.slot(of:))
            if slots.count > 1 {
                let listed = slots.keys.sorted().map { "slot \($0): \(slots[$0]!.joined(separator: ", "))" }.joined(separator: "; ")
                reader.report(
                    "\(path).cluster",
                    "the streams\(deadLetter == nil ? "" : " and deadLetterStream") hash to different slots (\(listed)); "
                        + "one entry reads one slot: give them a common hash tag ({orders}.created, {orders}.paid), "
                        + "or use one entry per slot")
            }
        }
        if case .url(let url)? = endpoint {
            if url.db != nil, object["db"] != nil, !(object["db"]?.isNull ?? true) {
                reader.report("\(path).db", "the url names the database already; give it in one place")
            }
            if url.username != nil, object["username"] != nil, !(object["username"]?.isNull ?? true) {
                reader.report("\(path).username", "the url names the user already; give it in one place")
            }
        }

        guard let endpoint, let streams else { return nil }
        return RedisStreamEntry(
            endpoint: endpoint, db: db, password: password, username: username, streams: streams,
            maxMsgCountPerRead: count, consumerGroup: group, tls: tls, metadata: metadata,
            filterExpression: expression, deadLetterStream: deadLetter, maxDeliveries: maxDeliveries,
            claimMinIdleSeconds: claimIdle, startFrom: startFrom, createStreams: createStreams)
    }

    static func readHostAddress(_ value: JSONValue?, at path: String, into reader: inout FieldReader) -> RedisServerAddress? {
        guard let text = reader.string(value, at: path) else {
            if value == nil || value?.isNull == true { reader.report(path, "required") }
            return nil
        }
        if text.isEmpty {
            reader.report(path, "required")
            return nil
        }
        // Argo hands hostAddress to go-redis as a TCP address: a URL or a missing port cannot connect there.
        if text.contains("://") {
            reader.report(path, "must be host:port without a scheme, got '\(text)': Argo dials it as a TCP address, which fails")
            return nil
        }
        // go-redis, which Argo uses, dials a Unix socket when the address starts with '/'.
        if text.hasPrefix("/") { return .unix(path: text) }
        switch HostAddress.parse(text) {
        case .success(let parsed): return .tcp(parsed)
        case .failure(let error):
            let hint = text.contains(":") ? "" : " (Argo accepts it, but cannot connect without a port)"
            reader.report(path, error.message + hint)
            return nil
        }
    }

    private static func readFilter(_ value: JSONValue?, at path: String, into reader: inout FieldReader) -> String? {
        guard let filter = reader.object(value, at: path) else { return nil }
        FieldSchema.filter.warnAboutUnknownKeys(of: filter, at: path, into: &reader)
        let expression = reader.string(filter["expression"], at: "\(path).expression") ?? ""
        guard !expression.allSatisfy(\.isWhitespace) else {
            reader.report(
                "\(path).expression",
                "empty: Argo accepts it, but expr cannot compile an empty expression, so Argo drops every event as a "
                    + "filter error; write an expression or remove filter")
            return nil
        }
        do {
            let program = try FilterProgram.parse(expression, knownVariables: FilterProgram.redisStreamVariables)
            for unknown in program.unknownNames { reader.warn("\(path).expression", unknown.description) }
        } catch {
            reader.report("\(path).expression", error.description)
        }
        return expression
    }
}

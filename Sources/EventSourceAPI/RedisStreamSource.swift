import FilterExpression
import StructuredData

/// One entry of `spec.redisStream`: Argo's `RedisStreamEventSource`, plus our delivery extensions.
public struct RedisStreamSource: Sendable, Equatable, Hashable {
    public static let defaultConsumerGroup = "argo-events-cg"
    public static let defaultMaxMessageCountPerRead = 10
    public static let defaultClaimMinIdleSeconds = 60

    public var hostAddress: HostAddress
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

    public init(
        hostAddress: HostAddress, db: Int = 0, password: SecretKeySelector? = nil, username: String? = nil,
        streams: [String], maxMsgCountPerRead: Int = Self.defaultMaxMessageCountPerRead,
        consumerGroup: String = Self.defaultConsumerGroup, tls: TLSConfig? = nil, metadata: [String: String] = [:],
        filterExpression: String? = nil, deadLetterStream: String? = nil, maxDeliveries: Int? = nil,
        claimMinIdleSeconds: Int = Self.defaultClaimMinIdleSeconds, startFrom: GroupStart = .newest,
        createStreams: Bool = true
    ) {
        self.hostAddress = hostAddress
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

    static func read(_ value: JSONValue, at path: String, into reader: inout FieldReader) -> RedisStreamSource? {
        guard let object = reader.object(value, at: path) else {
            reader.report(path, "expected a map, got null")
            return nil
        }
        var address: HostAddress?
        if let text = reader.string(object["hostAddress"], at: "\(path).hostAddress") {
            switch HostAddress.parse(text) {
            case .success(let parsed): address = parsed
            case .failure(let error): reader.report("\(path).hostAddress", error.message)
            }
        } else if object["hostAddress"] == nil || object["hostAddress"]?.isNull == true {
            reader.report("\(path).hostAddress", "required")
        }

        let db = reader.integer(object["db"], at: "\(path).db") ?? 0
        if db < 0 { reader.report("\(path).db", "must not be negative, got \(db)") }

        let streams = reader.stringList(object["streams"], at: "\(path).streams")
        if object["streams"] == nil || object["streams"]?.isNull == true {
            reader.report("\(path).streams", "required")
        } else if let streams {
            if streams.isEmpty { reader.report("\(path).streams", "must not be empty") }
            var seen = Set<String>()
            for (index, stream) in streams.enumerated() {
                if stream.isEmpty { reader.report("\(path).streams[\(index)]", "must not be empty") }
                if !seen.insert(stream).inserted {
                    reader.report("\(path).streams[\(index)]", "duplicate stream '\(stream)'")
                }
            }
        }

        var count = reader.integer(object["maxMsgCountPerRead"], at: "\(path).maxMsgCountPerRead")
            ?? Self.defaultMaxMessageCountPerRead
        // Argo treats 0 as "use the default"; only negatives are mistakes.
        if count == 0 { count = Self.defaultMaxMessageCountPerRead }
        if count < 0 { reader.report("\(path).maxMsgCountPerRead", "must be positive, got \(count)") }

        var group = reader.string(object["consumerGroup"], at: "\(path).consumerGroup") ?? ""
        if group.isEmpty { group = Self.defaultConsumerGroup }

        let password = reader.secretKeySelector(object["password"], at: "\(path).password")
        var username = reader.string(object["username"], at: "\(path).username")
        if username?.isEmpty == true { username = nil }
        if username != nil, password == nil {
            reader.report("\(path).username", "needs password, since Redis AUTH takes both")
        }
        let tls = TLSConfig.read(object["tls"], at: "\(path).tls", into: &reader)
        let metadata = reader.stringMap(object["metadata"], at: "\(path).metadata") ?? [:]

        var expression: String?
        if let filter = reader.object(object["filter"], at: "\(path).filter") {
            expression = reader.string(filter["expression"], at: "\(path).filter.expression")
            if let text = expression {
                do {
                    _ = try FilterProgram.parse(text, knownVariables: FilterProgram.redisStreamVariables)
                } catch {
                    reader.report("\(path).filter.expression", error.description)
                }
            }
        }

        var deadLetter = reader.string(object["deadLetterStream"], at: "\(path).deadLetterStream")
        if deadLetter?.isEmpty == true { deadLetter = nil }
        if let deadLetter, streams?.contains(deadLetter) == true {
            reader.report("\(path).deadLetterStream", "must not be one of the streams read, or entries would loop")
        }
        let maxDeliveries = reader.integer(object["maxDeliveries"], at: "\(path).maxDeliveries")
        if let maxDeliveries, maxDeliveries < 1 {
            reader.report("\(path).maxDeliveries", "must be at least 1, got \(maxDeliveries)")
        }
        if maxDeliveries != nil, deadLetter == nil {
            reader.report("\(path).maxDeliveries", "needs deadLetterStream: without one an entry is never dropped")
        }
        if deadLetter != nil, maxDeliveries == nil {
            reader.report("\(path).deadLetterStream", "needs maxDeliveries")
        }
        let claimIdle = reader.integer(object["claimMinIdleSeconds"], at: "\(path).claimMinIdleSeconds")
            ?? Self.defaultClaimMinIdleSeconds
        if claimIdle < 1 { reader.report("\(path).claimMinIdleSeconds", "must be at least 1, got \(claimIdle)") }

        var startFrom = GroupStart.newest
        if let text = reader.string(object["startFrom"], at: "\(path).startFrom") {
            if let parsed = GroupStart(text) {
                startFrom = parsed
            } else {
                reader.report("\(path).startFrom", "must be $, 0 or an entry id like 1700000000000-0, got '\(text)'")
            }
        }
        let createStreams = reader.boolean(object["createStreams"], at: "\(path).createStreams") ?? true

        guard let address, let streams else { return nil }
        return RedisStreamSource(
            hostAddress: address, db: db, password: password, username: username, streams: streams,
            maxMsgCountPerRead: count, consumerGroup: group, tls: tls, metadata: metadata,
            filterExpression: expression, deadLetterStream: deadLetter, maxDeliveries: maxDeliveries,
            claimMinIdleSeconds: claimIdle, startFrom: startFrom, createStreams: createStreams)
    }
}

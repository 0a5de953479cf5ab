import StructuredData

/// Misbehaviour the server can be told to show, by flags at start or at run time through
/// `PUT /testserver/faults`, so clients can be tested against what real clusters do to them.
public struct FaultSettings: Sendable, Equatable {
    /// Every watch ends after sending this many events (bookmarks do not count).
    public var closeWatchesAfterEvents: Int?
    /// Every watch ends this long after it started.
    public var closeWatchesAfterSeconds: Double?
    /// When a watch is closed for `closeWatchesAfterEvents`, first send half of the next event's line
    /// and then drop the connection, as a server or proxy dying mid-write would.
    public var closeWatchesMidLine: Bool
    /// This fraction of API requests (0...1) fails with 500 InternalError.
    public var errorFraction: Double
    /// This fraction of API requests (0...1) fails with 429 TooManyRequests and a Retry-After header.
    public var throttleFraction: Double
    public var retryAfterSeconds: Int
    /// Delay before each API response.
    public var latencyMilliseconds: Int
    /// Answer a watch from a forgotten resourceVersion with an HTTP 410 instead of a 200 carrying
    /// an ERROR event (older API servers did this, and clients must handle both).
    public var expiredWatchAsHTTPStatus: Bool

    public init(
        closeWatchesAfterEvents: Int? = nil, closeWatchesAfterSeconds: Double? = nil, closeWatchesMidLine: Bool = false,
        errorFraction: Double = 0, throttleFraction: Double = 0, retryAfterSeconds: Int = 1,
        latencyMilliseconds: Int = 0, expiredWatchAsHTTPStatus: Bool = false
    ) {
        self.closeWatchesAfterEvents = closeWatchesAfterEvents
        self.closeWatchesAfterSeconds = closeWatchesAfterSeconds
        self.closeWatchesMidLine = closeWatchesMidLine
        self.errorFraction = errorFraction
        self.throttleFraction = throttleFraction
        self.retryAfterSeconds = retryAfterSeconds
        self.latencyMilliseconds = latencyMilliseconds
        self.expiredWatchAsHTTPStatus = expiredWatchAsHTTPStatus
    }

    public static let none = FaultSettings()

    public var json: JSONValue {
        [
            "closeWatchesAfterEvents": closeWatchesAfterEvents.map { .int(Int64($0)) } ?? .null,
            "closeWatchesAfterSeconds": closeWatchesAfterSeconds.map(JSONValue.double) ?? .null,
            "closeWatchesMidLine": .bool(closeWatchesMidLine),
            "errorFraction": .double(errorFraction),
            "throttleFraction": .double(throttleFraction),
            "retryAfterSeconds": .int(Int64(retryAfterSeconds)),
            "latencyMilliseconds": .int(Int64(latencyMilliseconds)),
            "expiredWatchAsHTTPStatus": .bool(expiredWatchAsHTTPStatus),
        ]
    }

    /// Reads the JSON form; keys left out keep their value in `base`, `null` clears an optional.
    public init(json: JSONValue, base: FaultSettings = .none) throws(FaultSettingsError) {
        guard let object = json.objectValue else { throw FaultSettingsError(message: "expected a JSON object") }
        self = base
        for (key, value) in object {
            switch key {
            case "closeWatchesAfterEvents":
                closeWatchesAfterEvents = try Self.optionalInt(value, key).map(Int.init)
            case "closeWatchesAfterSeconds":
                if value.isNull { closeWatchesAfterSeconds = nil } else { closeWatchesAfterSeconds = try Self.seconds(value, key) }
            case "closeWatchesMidLine": closeWatchesMidLine = try Self.flag(value, key)
            case "errorFraction": errorFraction = try Self.fraction(value, key)
            case "throttleFraction": throttleFraction = try Self.fraction(value, key)
            case "retryAfterSeconds":
                retryAfterSeconds = Int(try Self.optionalInt(value, key, maximum: Self.maximumRetryAfterSeconds) ?? 1)
            case "latencyMilliseconds":
                latencyMilliseconds = Int(try Self.optionalInt(value, key, maximum: Self.maximumLatencyMilliseconds) ?? 0)
            case "expiredWatchAsHTTPStatus": expiredWatchAsHTTPStatus = try Self.flag(value, key)
            default: throw FaultSettingsError(message: "unknown fault \"\(key)\"")
            }
        }
    }

    /// Bounds that keep every fault schedulable; beyond them a test is asking for a frozen server,
    /// which `latencyMilliseconds` of an hour already gives.
    public static let maximumLatencyMilliseconds: Int64 = 3_600_000
    public static let maximumRetryAfterSeconds: Int64 = 86_400
    public static let maximumSeconds = Durations.maximumSeconds

    /// Checks values given in code or on the command line, as the JSON form checks its own.
    public func validated() throws(FaultSettingsError) -> FaultSettings {
        if let seconds = closeWatchesAfterSeconds, !Durations.isSchedulable(seconds) {
            throw FaultSettingsError(message: "closeWatchesAfterSeconds must be between 0 and \(Int64(Self.maximumSeconds))")
        }
        if let events = closeWatchesAfterEvents, events < 0 {
            throw FaultSettingsError(message: "closeWatchesAfterEvents must be a whole number >= 0")
        }
        guard (0...1).contains(errorFraction), (0...1).contains(throttleFraction) else {
            throw FaultSettingsError(message: "errorFraction and throttleFraction must be between 0 and 1")
        }
        guard (0...Self.maximumRetryAfterSeconds).contains(Int64(retryAfterSeconds)) else {
            throw FaultSettingsError(message: "retryAfterSeconds must be between 0 and \(Self.maximumRetryAfterSeconds)")
        }
        guard (0...Self.maximumLatencyMilliseconds).contains(Int64(latencyMilliseconds)) else {
            throw FaultSettingsError(message: "latencyMilliseconds must be between 0 and \(Self.maximumLatencyMilliseconds)")
        }
        return self
    }

    private static func optionalInt(
        _ value: JSONValue, _ key: String, maximum: Int64 = Int64(Int32.max)
    ) throws(FaultSettingsError) -> Int64? {
        if value.isNull { return nil }
        guard let number = value.intValue, number >= 0, number <= maximum else {
            throw FaultSettingsError(message: "\(key) must be a whole number between 0 and \(maximum)")
        }
        return number
    }

    private static func seconds(_ value: JSONValue, _ key: String) throws(FaultSettingsError) -> Double {
        let number = try number(value, key)
        guard Durations.isSchedulable(number) else {
            throw FaultSettingsError(message: "\(key) must be between 0 and \(Int64(maximumSeconds)) seconds")
        }
        return number
    }

    private static func number(_ value: JSONValue, _ key: String) throws(FaultSettingsError) -> Double {
        guard let number = value.doubleValue, number.isFinite, number >= 0 else { throw FaultSettingsError(message: "\(key) must be a number >= 0") }
        return number
    }

    private static func fraction(_ value: JSONValue, _ key: String) throws(FaultSettingsError) -> Double {
        let number = try number(value, key)
        guard number <= 1 else { throw FaultSettingsError(message: "\(key) must be between 0 and 1") }
        return number
    }

    private static func flag(_ value: JSONValue, _ key: String) throws(FaultSettingsError) -> Bool {
        guard let flag = value.boolValue else { throw FaultSettingsError(message: "\(key) must be true or false") }
        return flag
    }
}

public struct FaultSettingsError: Error, Sendable, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}

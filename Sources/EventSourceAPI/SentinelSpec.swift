import StructuredData

/// `sentinel` (an extension): the Sentinels to ask for the master of `masterName`. `password`,
/// `username`, `db` and `tls` of the entry apply to the master; `username` and `password` here
/// are the Sentinels' own.
public struct SentinelSpec: Sendable, Hashable {
    public static let defaultPort = 26379

    public var masterName: String
    public var addresses: [HostAddress]
    public var username: String?
    public var password: SecretKeySelector?

    public init(masterName: String, addresses: [HostAddress], username: String? = nil, password: SecretKeySelector? = nil) {
        self.masterName = masterName
        self.addresses = addresses
        self.username = username
        self.password = password
    }

    static func read(_ value: JSONValue?, at path: String, into reader: inout FieldReader) -> SentinelSpec? {
        guard let object = reader.object(value, at: path) else { return nil }
        FieldSchema.sentinel.warnAboutUnknownKeys(of: object, at: path, into: &reader)
        let masterName = reader.string(object["masterName"], at: "\(path).masterName") ?? ""
        if masterName.isEmpty { reader.report("\(path).masterName", "required: the name the Sentinels monitor the master by") }
        let addresses = HostAddress.readList(object["addresses"], at: "\(path).addresses", what: "Sentinel", into: &reader)
        var username = reader.string(object["username"], at: "\(path).username")
        if username?.isEmpty == true { username = nil }
        let password = reader.secretKeySelector(object["password"], at: "\(path).password")
        if username != nil, password == nil {
            reader.report("\(path).username", "needs password: Sentinels authenticate a user only with its password")
        }
        guard !masterName.isEmpty, let addresses else { return nil }
        return SentinelSpec(masterName: masterName, addresses: addresses, username: username, password: password)
    }
}

import StructuredData

extension HostAddress {
    /// A required, non-empty list of `host:port` (Sentinels, cluster seeds), each problem at its index.
    static func readList(_ value: JSONValue?, at path: String, what: String, into reader: inout FieldReader) -> [HostAddress]? {
        guard let texts = reader.stringList(value, at: path) else {
            if value == nil || value?.isNull == true { reader.report(path, "required: at least one \(what) as host:port") }
            return nil
        }
        guard !texts.isEmpty else {
            reader.report(path, "must not be empty: give at least one \(what) as host:port")
            return nil
        }
        var addresses: [HostAddress] = []
        var valid = true
        for (index, text) in texts.enumerated() {
            switch HostAddress.parse(text) {
            case .success(let address): addresses.append(address)
            case .failure(let error):
                reader.report("\(path)[\(index)]", error.message)
                valid = false
            }
        }
        return valid ? addresses : nil
    }
}

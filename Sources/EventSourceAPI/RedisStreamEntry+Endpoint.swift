import StructuredData

extension RedisStreamEntry {
    /// Reads the one way to reach Redis. None is an error at `hostAddress` (Argo's required field);
    /// two or more are an error at each one after the first.
    static func readEndpoint(_ object: JSONObject, at path: String, into reader: inout FieldReader) -> RedisEndpoint? {
        let given = RedisEndpoint.fieldNames.filter { name in
            guard let value = object[name], !value.isNull else { return false }
            // Argo treats an empty hostAddress as a missing one.
            if name == "hostAddress", case .string(let text) = value, text.isEmpty { return false }
            return true
        }
        guard let first = given.first else {
            reader.report(
                "\(path).hostAddress", "required: give one way to reach Redis: hostAddress, url, urlSecret, sentinel or cluster")
            return nil
        }
        for extra in given.dropFirst() {
            reader.report(
                "\(path).\(extra)", "give only one way to reach Redis: \(first) is set too (one of \(RedisEndpoint.fieldNames.joined(separator: ", ")))")
        }
        let fieldPath = "\(path).\(first)"
        switch first {
        case "hostAddress":
            return readHostAddress(object[first], at: fieldPath, into: &reader).map { .server($0) }
        case "url":
            guard let text = reader.string(object[first], at: fieldPath) else { return nil }
            switch RedisURL.parse(text) {
            case .failure(let error):
                reader.report(fieldPath, error.message)
                return nil
            case .success(let url):
                if url.password != nil {
                    // The URL itself is not echoed: it holds the password.
                    reader.report(
                        fieldPath,
                        "holds a password: an EventSource is readable by anyone who may list it; put the whole URL in "
                            + "urlSecret, or the password in password")
                    return nil
                }
                if !url.ignoredOptions.isEmpty {
                    reader.warn(
                        fieldPath,
                        "option\(url.ignoredOptions.count > 1 ? "s" : "") \(url.ignoredOptions.joined(separator: ", ")) "
                            + "tune go-redis' connection pool and change nothing here")
                }
                return .url(url)
            }
        case "urlSecret":
            return reader.secretKeySelector(object[first], at: fieldPath).map { .urlSecret($0) }
        case "sentinel":
            return SentinelSpec.read(object[first], at: fieldPath, into: &reader).map { .sentinel($0) }
        default:
            return ClusterSpec.read(object[first], at: fieldPath, into: &reader).map { .cluster($0) }
        }
    }
}

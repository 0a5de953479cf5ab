import Foundation

/// This replica's name: each adapter reads under `<replica>:<namespace>/<eventsource>/<event>`
/// (`AdapterConsumerName`), so replicas split the entries, two entries of one process never share
/// a consumer, and a restarted pod's pending entries can be told apart from a live one's.
enum ConsumerName {
    static func resolve(explicit: String?) -> String {
        if let explicit, !explicit.isEmpty { return explicit }
        if let pod = ProcessInfo.processInfo.environment["POD_NAME"], !pod.isEmpty { return pod }
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "redis-eventsource" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

import ArgumentParser
import Foundation

/// `--consumer-name`, which `run` and `controller` share: this replica's name. Each adapter reads
/// under `<replica>:<namespace>/<eventsource>/<event>` (`AdapterConsumerName`), so replicas split
/// the entries, two entries of one process never share a consumer, and a restarted pod's pending
/// entries can be told apart from a live one's.
struct ConsumerNameOption: ParsableArguments {
    @Option(help: "This replica's name, the prefix of each adapter's consumer name (<name>:<namespace>/<eventsource>/<event>). Default: $POD_NAME, else the host name.")
    var consumerName: String?

    /// The name given, else `$POD_NAME`, else the host name.
    var name: String {
        if let consumerName, !consumerName.isEmpty { return consumerName }
        if let pod = ProcessInfo.processInfo.environment["POD_NAME"], !pod.isEmpty { return pod }
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "redis-eventsource" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

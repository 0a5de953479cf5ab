import Foundation

/// How far one poll of the EventSource list found the operator: objects the API holds, those
/// with a status written, and those whose `Ready` condition is `True` — read from the objects
/// themselves, not from the printer column, so the figure does not depend on the test server's JSONPath.
struct ScaleReadiness: Equatable {
    var objects = 0
    var withStatus = 0
    var ready = 0

    /// Counts a `kind: EventSourceList` body.
    init(listBody bytes: [UInt8]) throws(BenchError) {
        let parsed = try? JSONSerialization.jsonObject(with: Data(bytes))
        guard let list = parsed as? [String: Any], let items = list["items"] as? [[String: Any]] else {
            throw .tool("the EventSource list is not a JSON list: \(String(decoding: bytes.prefix(200), as: UTF8.self))")
        }
        objects = items.count
        for item in items {
            guard let conditions = (item["status"] as? [String: Any])?["conditions"] as? [[String: Any]] else { continue }
            withStatus += 1
            if conditions.contains(where: { $0["type"] as? String == "Ready" && $0["status"] as? String == "True" }) {
                ready += 1
            }
        }
    }

    init() {}
}

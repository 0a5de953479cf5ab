/// Reads figures out of the controller's Prometheus `/metrics` text: the sum of a metric's
/// samples over all label sets, so a counter with labels reads as one total.
struct ScaleMetricsText {
    let text: String

    func sum(_ name: String) -> Double? {
        var total: Double?
        for line in text.split(whereSeparator: \.isNewline) where !line.hasPrefix("#") && line.hasPrefix(name) {
            let rest = line.dropFirst(name.count)
            guard rest.first == " " || rest.first == "{", let value = line.split(separator: " ").last.flatMap({ Double($0) })
            else { continue }
            total = (total ?? 0) + value
        }
        return total
    }
}

/// A gauge computed when `/metrics` is scraped, rather than kept up to date by whoever owns the
/// value. Derived values (pending entries, queue depth, adapters running) would otherwise need a
/// timer to refresh them, and a series for an adapter that is gone would outlive it.
///
/// Names must not also be used for swift-metrics metrics: both end up in one exposition, and
/// Prometheus rejects a family that appears twice.
public struct GaugeFamily: Sendable {
    public struct Sample: Sendable {
        public var labels: [(String, String)]
        public var value: Double

        public init(labels: [(String, String)] = [], value: Double) {
            self.labels = labels
            self.value = value
        }
    }

    public var name: String
    public var help: String
    public var samples: [Sample]

    public init(name: String, help: String, samples: [Sample] = []) {
        self.name = name
        self.help = help
        self.samples = samples
    }

    /// Appends the family in the Prometheus text format (version 0.0.4). HELP and TYPE are written
    /// even without samples, so the family stays discoverable while, say, no adapter runs.
    public func render(into buffer: inout [UInt8]) {
        buffer.append(contentsOf: "# HELP \(name) ".utf8)
        for byte in help.utf8 {
            switch byte {
            case UInt8(ascii: "\\"): buffer.append(contentsOf: #"\\"#.utf8)
            case UInt8(ascii: "\n"): buffer.append(contentsOf: #"\n"#.utf8)
            default: buffer.append(byte)
            }
        }
        buffer.append(contentsOf: "\n# TYPE \(name) gauge\n".utf8)
        for sample in samples {
            buffer.append(contentsOf: name.utf8)
            if !sample.labels.isEmpty {
                buffer.append(UInt8(ascii: "{"))
                for (index, (label, value)) in sample.labels.enumerated() {
                    if index > 0 { buffer.append(UInt8(ascii: ",")) }
                    buffer.append(contentsOf: label.utf8)
                    buffer.append(contentsOf: #"=""#.utf8)
                    Self.appendEscapedLabelValue(value, to: &buffer)
                    buffer.append(UInt8(ascii: "\""))
                }
                buffer.append(UInt8(ascii: "}"))
            }
            buffer.append(UInt8(ascii: " "))
            buffer.append(contentsOf: Self.format(sample.value).utf8)
            buffer.append(UInt8(ascii: "\n"))
        }
    }

    private static func appendEscapedLabelValue(_ value: String, to buffer: inout [UInt8]) {
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\\"): buffer.append(contentsOf: #"\\"#.utf8)
            case UInt8(ascii: "\""): buffer.append(contentsOf: #"\""#.utf8)
            case UInt8(ascii: "\n"): buffer.append(contentsOf: #"\n"#.utf8)
            default: buffer.append(byte)
            }
        }
    }

    /// Counts print as integers ("42", not "42.0"), which is what people grep for.
    static func format(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
        if value == value.rounded(), abs(value) < 9_007_199_254_740_992 { return String(Int64(value)) }
        return String(value)
    }
}

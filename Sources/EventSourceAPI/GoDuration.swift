/// Go's `time.ParseDuration` text ("72h", "1h30m", "300s", "1.5m", "250ms"), which Argo's
/// `streamConfig` uses through viper; a bare number counts as nanoseconds, as viper reads it.
public enum GoDuration {
    /// Nanoseconds, or nil when the text is not a Go duration.
    public static func nanoseconds(_ text: String) -> Int64? {
        var rest = Substring(text.trimmedSpaces)
        var sign: Int64 = 1
        if rest.first == "-" || rest.first == "+" {
            if rest.first == "-" { sign = -1 }
            rest = rest.dropFirst()
        }
        guard !rest.isEmpty else { return nil }
        if rest.allSatisfy(\.isNumber) { return Int64(rest).map { sign * $0 } }
        if rest == "0" { return 0 }
        var total: Int64 = 0
        while !rest.isEmpty {
            let whole = rest.prefix { $0.isNumber }
            rest = rest.dropFirst(whole.count)
            var fraction = Substring("")
            if rest.first == "." {
                rest = rest.dropFirst()
                fraction = rest.prefix { $0.isNumber }
                rest = rest.dropFirst(fraction.count)
            }
            guard !(whole.isEmpty && fraction.isEmpty) else { return nil }
            let unit = rest.prefix { !($0.isNumber || $0 == ".") }
            guard let scale = unitNanoseconds[String(unit)] else { return nil }
            rest = rest.dropFirst(unit.count)
            // Integer arithmetic, as Go's parser does, so 2h45m10s is exact.
            guard let wholeValue = whole.isEmpty ? 0 : Int64(whole) else { return nil }
            var part = wholeValue.multipliedReportingOverflow(by: scale)
            guard !part.overflow else { return nil }
            var fractionScale = scale
            for digit in fraction.prefix(18) {
                fractionScale /= 10
                part.partialValue += Int64(digit.wholeNumberValue ?? 0) * fractionScale
            }
            let sum = total.addingReportingOverflow(part.partialValue)
            guard !sum.overflow else { return nil }
            total = sum.partialValue
        }
        return sign < 0 ? -total : total
    }

    private static let unitNanoseconds: [String: Int64] = [
        "ns": 1, "us": 1_000, "µs": 1_000, "μs": 1_000, "ms": 1_000_000, "s": 1_000_000_000, "m": 60_000_000_000,
        "h": 3_600_000_000_000,
    ]
}

extension String {
    /// Without leading and trailing spaces and tabs.
    var trimmedSpaces: String {
        var slice = Substring(self)
        while let first = slice.first, first == " " || first == "\t" { slice = slice.dropFirst() }
        while let last = slice.last, last == " " || last == "\t" { slice = slice.dropLast() }
        return String(slice)
    }
}

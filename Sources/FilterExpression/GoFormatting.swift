/// How Go prints values, which is what Argo's filters produce from `string(x)`, sprig's
/// `toString`, string concatenation in sprig, and `toJson`: `%v` for text, encoding/json for JSON.
enum GoFormatting {
    /// `fmt.Sprintf("%v", value)`: `<nil>`, `[1 2]`, `map[a:1 b:2]` with sorted keys.
    static func text(_ value: FilterValue) -> String {
        switch value {
        case .null: return "<nil>"
        case .bool(let flag): return flag ? "true" : "false"
        case .int(let number): return String(number)
        case .float(let number): return float(number, style: .general)
        case .string(let text): return text
        case .list(let items): return "[" + items.map(text).joined(separator: " ") + "]"
        case .map(let entries):
            let pairs = entries.keys.sorted(by: utf8Less).map { "\($0):\(text(entries[$0]!))" }
            return "map[" + pairs.joined(separator: " ") + "]"
        case .time(let instant): return FilterTime.timeText(instant)
        case .duration(let span): return FilterTime.durationText(span)
        }
    }

    static func utf8Less(_ a: String, _ b: String) -> Bool {
        a.utf8.lexicographicallyPrecedes(b.utf8)
    }

    enum FloatStyle {
        /// strconv 'g' with the shortest precision, as `%v` prints.
        case general
        /// encoding/json: 'f' unless the magnitude is below 1e-6 or at least 1e21.
        case json
    }

    /// Go's shortest round-trip formatting of a float, from Swift's (also shortest) digits.
    static func float(_ number: Double, style: FloatStyle) -> String {
        if number.isNaN { return "NaN" }
        if number.isInfinite { return number < 0 ? "-Inf" : "+Inf" }
        let (digits, point) = shortestDigits(abs(number))
        let sign = number.sign == .minus && number != 0 ? "-" : ""
        let exponent = point - 1
        let useExponent: Bool
        switch style {
        case .general: useExponent = exponent < -4 || exponent >= 6
        case .json: useExponent = number != 0 && (abs(number) < 1e-6 || abs(number) >= 1e21)
        }
        if useExponent {
            var mantissa = String(digits.first ?? "0")
            if digits.count > 1 { mantissa += "." + digits.dropFirst() }
            let magnitude = abs(exponent)
            var exponentText = String(magnitude)
            if style == .general, magnitude < 10 { exponentText = "0" + exponentText }
            return sign + mantissa + "e" + (exponent < 0 ? "-" : "+") + exponentText
        }
        if point <= 0 { return sign + "0." + String(repeating: "0", count: -point) + digits }
        if point >= digits.count { return sign + digits + String(repeating: "0", count: point - digits.count) }
        return sign + digits.prefix(point) + "." + digits.dropFirst(point)
    }

    /// The shortest decimal digits that round-trip, and where the decimal point goes
    /// (value = 0.digits × 10^point).
    private static func shortestDigits(_ number: Double) -> (String, Int) {
        if number == 0 { return ("0", 1) }
        let description = "\(number)"
        let parts = description.split(separator: "e", maxSplits: 1)
        let exponent = parts.count == 2 ? Int(parts[1]) ?? 0 : 0
        let mantissa = parts[0]
        let integerPart = mantissa.split(separator: ".", omittingEmptySubsequences: false)[0]
        var digits = String(mantissa.filter { $0 != "." })
        var point = integerPart.count + exponent
        while digits.hasPrefix("0"), digits.count > 1 {
            digits.removeFirst()
            point -= 1
        }
        while digits.hasSuffix("0"), digits.count > 1 { digits.removeLast() }
        return (digits, point)
    }
}

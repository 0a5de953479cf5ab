#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// expr-lang's `now()`, `duration(s)` and `date(s[, layout[, zone]])`, with Go's meaning:
/// instants are nanoseconds since the Unix epoch (years 1678 to 2261), durations nanoseconds.
/// Time zones: UTC and fixed offsets only (named zones would need the zone database; they are
/// an error that says so). Times print in UTC, as Go prints a time in the UTC location.
enum FilterTime {
    static let nanosecondsPerSecond: Int64 = 1_000_000_000

    static let all: [FilterFunction] = [
        FilterFunction("now", 0) { call throws(FilterEvaluationError) in
            var spec = timespec()
            clock_gettime(CLOCK_REALTIME, &spec)
            return .time(Int64(spec.tv_sec) * nanosecondsPerSecond + Int64(spec.tv_nsec))
        },
        FilterFunction("duration", 1) { call throws(FilterEvaluationError) in
            let text = try call.string(0)
            guard let duration = parseDuration(text) else { throw call.fail("invalid duration \(call[0].preview)") }
            return .duration(duration)
        },
        FilterFunction("date", 1...3) { call throws(FilterEvaluationError) in
            let text = try call.string(0)
            var offset = 0
            if call.count == 3 {
                let zone = try call.string(2)
                guard let fixed = fixedZone(zone) else {
                    throw call.fail("time zone '\(zone)' is not supported (only UTC and fixed offsets such as +02:00)")
                }
                offset = fixed
            }
            let layouts = call.count >= 2 ? [try call.string(1)] : defaultLayouts
            for layout in layouts {
                if let instant = GoTimeLayout.parse(text, layout: layout, defaultOffset: offset) { return .time(instant) }
            }
            throw call.fail("cannot parse \(call[0].preview) as a date")
        },
    ]

    /// What `date(s)` tries, in expr-lang's order.
    static let defaultLayouts = [
        "2006-01-02", "15:04:05", "2006-01-02 15:04:05", "2006-01-02T15:04:05Z07:00",
        "02 Jan 06 15:04 MST", "Monday, 02-Jan-06 15:04:05 MST", "Mon, 02 Jan 2006 15:04:05 MST",
    ]

    static func fixedZone(_ name: String) -> Int? {
        if name == "UTC" || name == "GMT" || name == "Z" || name == "" { return 0 }
        let scalars = Array(name.utf8)
        guard scalars.count == 6 || scalars.count == 5, scalars[0] == UInt8(ascii: "+") || scalars[0] == UInt8(ascii: "-")
        else { return nil }
        let digits = scalars.dropFirst().filter { $0 != UInt8(ascii: ":") }
        guard digits.count == 4, let value = Int(String(decoding: digits, as: UTF8.self)) else { return nil }
        let seconds = (value / 100) * 3600 + (value % 100) * 60
        return scalars[0] == UInt8(ascii: "-") ? -seconds : seconds
    }

    /// Go's time.ParseDuration: a signed sequence of decimal numbers with units ns, us, µs, ms, s, m, h.
    static func parseDuration(_ text: String) -> Int64? {
        var scalars = Substring(text)
        var negative = false
        if let sign = scalars.first, sign == "-" || sign == "+" {
            negative = sign == "-"
            scalars = scalars.dropFirst()
        }
        if scalars == "0" { return 0 }
        guard !scalars.isEmpty else { return nil }
        var total = 0.0
        while !scalars.isEmpty {
            let number = scalars.prefix { $0.isNumber || $0 == "." }
            guard !number.isEmpty, let value = Double(number) else { return nil }
            scalars = scalars.dropFirst(number.count)
            let unit = scalars.prefix { !$0.isNumber && $0 != "." }
            scalars = scalars.dropFirst(unit.count)
            let scale: Double
            switch unit {
            case "ns": scale = 1
            case "us", "µs", "μs": scale = 1e3
            case "ms": scale = 1e6
            case "s": scale = 1e9
            case "m": scale = 60e9
            case "h": scale = 3600e9
            default: return nil
            }
            total += value * scale
        }
        guard total < 9.2e18 else { return nil }
        return negative ? -Int64(total.rounded()) : Int64(total.rounded())
    }

    /// Go's Duration.String: "1h2m3.5s", "1.5ms", "0s".
    static func durationText(_ nanoseconds: Int64) -> String {
        if nanoseconds == 0 { return "0s" }
        let sign = nanoseconds < 0 ? "-" : ""
        let magnitude = nanoseconds.magnitude
        if magnitude < 1_000_000_000 {
            let (unit, scale): (String, UInt64) =
                magnitude < 1_000 ? ("ns", 1) : magnitude < 1_000_000 ? ("µs", 1_000) : ("ms", 1_000_000)
            return sign + decimal(magnitude, scale: scale) + unit
        }
        let hours = magnitude / 3_600_000_000_000
        let minutes = magnitude / 60_000_000_000 % 60
        let seconds = magnitude % 60_000_000_000
        var text = sign
        if hours > 0 { text += "\(hours)h" }
        if hours > 0 || minutes > 0 { text += "\(minutes)m" }
        return text + decimal(seconds, scale: 1_000_000_000) + "s"
    }

    private static func decimal(_ value: UInt64, scale: UInt64) -> String {
        let whole = value / scale
        var fraction = String(value % scale)
        guard value % scale != 0 else { return String(whole) }
        fraction = String(repeating: "0", count: String(scale).count - 1 - fraction.count) + fraction
        while fraction.hasSuffix("0") { fraction.removeLast() }
        return "\(whole).\(fraction)"
    }

    /// Go's Time.String in UTC: "2023-08-14 00:00:00 +0000 UTC", with a fraction when there is one.
    static func timeText(_ instant: Int64) -> String {
        let parts = GoTimeLayout.civil(instant)
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        var text = "\(parts.year)-\(two(parts.month))-\(two(parts.day)) \(two(parts.hour)):\(two(parts.minute)):\(two(parts.second))"
        if parts.nanosecond > 0 { text += "." + decimal(UInt64(parts.nanosecond), scale: 1_000_000_000).dropFirst(2) }
        return text + " +0000 UTC"
    }

    /// RFC 3339 with nanoseconds, as Go's encoding/json writes a time.
    static func rfc3339(_ instant: Int64) -> String {
        let parts = GoTimeLayout.civil(instant)
        func pad(_ value: Int, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        var text = "\(pad(parts.year, 4))-\(pad(parts.month, 2))-\(pad(parts.day, 2))T"
        text += "\(pad(parts.hour, 2)):\(pad(parts.minute, 2)):\(pad(parts.second, 2))"
        if parts.nanosecond > 0 { text += "." + decimal(UInt64(parts.nanosecond), scale: 1_000_000_000).dropFirst(2) }
        return text + "Z"
    }
}

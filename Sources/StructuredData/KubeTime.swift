import Foundation

/// Kubernetes timestamps, RFC 3339 in UTC: `Time` has whole seconds, `MicroTime` (Leases, Events)
/// microseconds. The one formatter for cold paths (status, Leases, Events, the test API server);
/// the per-event CloudEvent time has its own allocation-free formatter in the adapter.
public enum KubeTime {
    public static func microTime(_ date: Date = Date()) -> String {
        let seconds = date.timeIntervalSince1970.rounded(.down)
        let micros = Int((date.timeIntervalSince1970 - seconds) * 1_000_000)
        return time(date).replacingOccurrences(of: "Z", with: String(format: ".%06dZ", micros))
    }

    public static func time(_ date: Date = Date()) -> String {
        time(secondsSinceEpoch: Int64(date.timeIntervalSince1970.rounded(.down)))
    }

    /// `Time` of a Unix time in milliseconds, such as a Redis entry id's; the fraction is dropped.
    public static func time(millisecondsSinceEpoch milliseconds: Int64) -> String {
        time(secondsSinceEpoch: milliseconds >= 0 ? milliseconds / 1000 : (milliseconds - 999) / 1000)
    }

    private static func time(secondsSinceEpoch: Int64) -> String {
        var seconds = time_t(secondsSinceEpoch)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        return String(
            format: "%04d-%02d-%02dT%02d:%02d:%02dZ", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1,
            Int(parts.tm_mday), Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec))
    }

    /// The instant a `Time` (or `MicroTime`, fraction ignored) names, or nil when it is not one.
    public static func parse(_ text: String) -> Date? {
        let digits = text.utf8.map { Int($0) - 48 }
        guard text.utf8.count >= 20 else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for index in range {
                guard (0...9).contains(digits[index]) else { return nil }
                value = value * 10 + digits[index]
            }
            return value
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
            let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19)
        else { return nil }
        var parts = tm()
        parts.tm_year = Int32(year - 1900)
        parts.tm_mon = Int32(month - 1)
        parts.tm_mday = Int32(day)
        parts.tm_hour = Int32(hour)
        parts.tm_min = Int32(minute)
        parts.tm_sec = Int32(second)
        return Date(timeIntervalSince1970: TimeInterval(timegm(&parts)))
    }
}

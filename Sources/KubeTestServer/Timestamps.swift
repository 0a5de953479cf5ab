import Foundation
import StructuredData

/// Object ages as kubectl prints them in tables.
enum Timestamps {
    /// kubectl's short ages: 5s, 3m, 2h, 4d.
    static func age(since text: String, now: Date = Date()) -> String {
        guard let date = KubeTime.parse(text) else { return "<unknown>" }
        let seconds = max(0, Int(now.timeIntervalSince(date)))
        if seconds < 120 { return "\(seconds)s" }
        if seconds < 7200 { return "\(seconds / 60)m" }
        if seconds < 172800 { return "\(seconds / 3600)h" }
        return "\(seconds / 86400)d"
    }
}

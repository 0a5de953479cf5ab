import Foundation

/// Seconds as the reports write them: one decimal and the unit.
enum Seconds {
    static func text(_ seconds: Double) -> String { String(format: "%.1f s", seconds) }
}

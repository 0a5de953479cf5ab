import Foundation

/// The threads of this process right now, as the kernel counts them (`Threads:` in
/// /proc/self/status): every thread, libcurl's, libnats' and the test runner's included.
public enum ProcessThreadCount {
    public static func current() throws -> Int {
        let status = try String(contentsOfFile: "/proc/self/status", encoding: .utf8)
        for line in status.split(separator: "\n") where line.hasPrefix("Threads:") {
            if let count = Int(line.dropFirst("Threads:".count).trimmingCharacters(in: .whitespaces)) { return count }
        }
        throw CocoaError(.fileReadCorruptFile)
    }
}

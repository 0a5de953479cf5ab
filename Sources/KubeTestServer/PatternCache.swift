import Foundation
import Synchronization

/// Compiled CRD `pattern`s, so a list of a thousand objects does not compile one a thousand times.
/// A pattern that does not compile matches nothing, which reports the field rather than hiding it.
enum PatternCache {
    private static let compiled = Mutex<[String: NSRegularExpression?]>([:])

    /// Matching happens under the lock: NSRegularExpression is not Sendable, and a test server's
    /// writes are few enough that serialising them costs nothing.
    static func matches(_ pattern: String, _ text: String) -> Bool {
        compiled.withLock { cache in
            let expression: NSRegularExpression?
            if let known = cache[pattern] {
                expression = known
            } else {
                expression = try? NSRegularExpression(pattern: pattern)
                if cache.count < 1_000 { cache[pattern] = expression }
            }
            guard let expression else { return false }
            return expression.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
        }
    }
}

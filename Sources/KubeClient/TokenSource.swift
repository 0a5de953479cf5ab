import Foundation
import Synchronization

/// Where a bearer token comes from: fixed, or a file that is re-read because it rotates
/// (service-account tokens are replaced about every hour; client-go re-reads each minute).
public final class TokenSource: Sendable {
    private enum Origin: Sendable {
        case fixed(String)
        case file(path: String, refreshInterval: Duration)
    }

    private let origin: Origin
    private let cache = Mutex<(token: String, readAt: ContinuousClock.Instant)?>(nil)

    public init(token: String) {
        origin = .fixed(token)
    }

    /// Reads the file now (so a missing file is a configuration error at once) and again whenever
    /// the last read is older than `refreshInterval`.
    public init(file path: String, refreshInterval: Duration = .seconds(60)) throws(KubeError) {
        origin = .file(path: path, refreshInterval: refreshInterval)
        let token = try Self.read(path)
        cache.withLock { $0 = (token, ContinuousClock.now) }
    }

    public func token() throws(KubeError) -> String {
        switch origin {
        case .fixed(let token): return token
        case .file(let path, let refreshInterval):
            if let cached = cache.withLock({ $0 }), ContinuousClock.now - cached.readAt < refreshInterval {
                return cached.token
            }
            do {
                let token = try Self.read(path)
                cache.withLock { $0 = (token, ContinuousClock.now) }
                return token
            } catch {
                // A rotation in progress can leave the file briefly absent: keep using the last token.
                if let cached = cache.withLock({ $0 }) { return cached.token }
                throw error
            }
        }
    }

    private static func read(_ path: String) throws(KubeError) -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .configuration("cannot read token file \(path)")
        }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

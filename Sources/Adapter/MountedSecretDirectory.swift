import EventSourceAPI
import Foundation
import Sinks

/// Secrets laid out as Argo mounts them in its pods: `<dir>/<secret name>/<key>`.
public struct MountedSecretDirectory: SecretStore {
    public let path: String

    public init(path: String) {
        self.path = path
    }

    public func value(of selector: SecretKeySelector, namespace: String) throws(SecretError) -> SecretValue {
        let file = URL(fileURLWithPath: path).appendingPathComponent(selector.name).appendingPathComponent(selector.key)
        guard let data = FileManager.default.contents(atPath: file.path) else {
            throw SecretError(selector: selector, reason: "no file \(file.path)")
        }
        var bytes = Array(data)
        // Files written by `echo` end in a newline that is not part of the secret.
        while let last = bytes.last, last == UInt8(ascii: "\n") || last == UInt8(ascii: "\r") { bytes.removeLast() }
        return SecretValue(bytes)
    }
}

/// For `run` without `--secrets-dir`: any reference is a clear configuration error.
public struct NoSecretStore: SecretStore {
    public init() {}

    public func value(of selector: SecretKeySelector, namespace: String) throws(SecretError) -> SecretValue {
        throw SecretError(selector: selector, reason: "no secret source configured (use --secrets-dir)")
    }
}

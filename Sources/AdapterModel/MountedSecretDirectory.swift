import EventSourceAPI
import Foundation

/// Secrets laid out as Argo mounts them in its pods: `<dir>/<secret name>/<key>`.
public struct MountedSecretDirectory: SecretStore {
    public let path: String

    public init(path: String) {
        self.path = path
    }

    /// Reads `<dir>/<name>/<key>`, only when it really lies inside the directory: names that are not
    /// Kubernetes names (`..`, `/`) are refused, and symlinks are followed only while they stay inside
    /// (Kubernetes' own Secret volumes link `key` → `..data/key` within the directory).
    public func value(of selector: SecretKeySelector, namespace: String) throws(SecretError) -> SecretValue {
        if let problem = KubernetesName.secretNameProblem(selector.name) ?? KubernetesName.secretKeyProblem(selector.key) {
            throw SecretError(selector: selector, reason: problem)
        }
        guard let root = Self.realPath(path) else {
            throw SecretError(selector: selector, reason: "the secrets directory \(path) does not exist")
        }
        let file = root + "/" + selector.name + "/" + selector.key
        guard let resolved = Self.realPath(file) else { throw SecretError(selector: selector, reason: "no file \(file)") }
        guard resolved.hasPrefix(root.hasSuffix("/") ? root : root + "/") else {
            throw SecretError(selector: selector, reason: "\(file) leads outside the secrets directory \(path); refused")
        }
        guard let data = FileManager.default.contents(atPath: resolved) else {
            throw SecretError(selector: selector, reason: "cannot read \(file)")
        }
        // Raw bytes: `SecretReads` drops the trailing newline, as for a Secret from the API.
        return SecretValue(Array(data))
    }

    /// The path with every symlink, `.` and `..` resolved, or nil when it does not exist.
    private static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}

/// For `run` without `--secrets-dir`: any reference is a clear configuration error.
public struct NoSecretStore: SecretStore {
    public init() {}

    public func value(of selector: SecretKeySelector, namespace: String) throws(SecretError) -> SecretValue {
        throw SecretError(selector: selector, reason: "no secret source configured (use --secrets-dir)")
    }
}

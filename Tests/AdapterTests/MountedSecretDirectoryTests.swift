import AdapterModel
import EventSourceAPI
import Foundation
import Testing
@testable import Adapter

/// Issue 13, item 5: `run --secrets-dir` followed `..` and sent a file outside the directory to Redis
/// as a password. A reference resolves only inside the directory.
@Suite struct MountedSecretDirectoryTests {
    /// `<tmp>/outside/private/key.txt` and `<tmp>/secrets/redis/password`.
    private func layout() throws -> (root: URL, secrets: URL) {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("secrets-\(UUID().uuidString)")
        let secrets = root.appendingPathComponent("secrets")
        try FileManager.default.createDirectory(at: secrets.appendingPathComponent("redis"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: root.appendingPathComponent("outside/private"), withIntermediateDirectories: true)
        try "inside\n".write(to: secrets.appendingPathComponent("redis/password"), atomically: true, encoding: .utf8)
        try "outside".write(to: root.appendingPathComponent("outside/private/key.txt"), atomically: true, encoding: .utf8)
        return (root, secrets)
    }

    private func read(_ directory: URL, _ name: String, _ key: String) -> Result<String, SecretError> {
        do throws(SecretError) {
            let selector = SecretKeySelector(name: name, key: key)
            let value = try MountedSecretDirectory(path: directory.path).value(of: selector, namespace: "default")
            // As every reader gets it: through SecretReads, which drops one trailing newline.
            return .success(String(decoding: try SecretReads.argoValue(value.bytes, of: selector).bytes, as: UTF8.self))
        } catch {
            return .failure(error)
        }
    }

    @Test func readsAKeyInsideTheDirectory() throws {
        let (root, secrets) = try layout()
        defer { try? FileManager.default.removeItem(at: root) }
        #expect(try read(secrets, "redis", "password").get() == "inside")
    }

    @Test(arguments: [("../outside/private", "key.txt"), ("..", "outside"), ("redis", "../../outside/private/key.txt")])
    func refusesDotDot(name: String, key: String) throws {
        let (root, secrets) = try layout()
        defer { try? FileManager.default.removeItem(at: root) }
        guard case .failure(let error) = read(secrets, name, key) else {
            Issue.record("\(name)/\(key) was read")
            return
        }
        #expect(error.reason.contains("not a valid Secret"))
    }

    @Test func refusesAnAbsolutePath() throws {
        let (root, secrets) = try layout()
        defer { try? FileManager.default.removeItem(at: root) }
        let absolute = root.appendingPathComponent("outside/private").path
        guard case .failure(let error) = read(secrets, absolute, "key.txt") else {
            Issue.record("an absolute path was read")
            return
        }
        #expect(error.reason.contains("not a valid Secret name"))
    }

    @Test func refusesSymlinksThatLeaveTheDirectory() throws {
        let (root, secrets) = try layout()
        defer { try? FileManager.default.removeItem(at: root) }
        try FileManager.default.createSymbolicLink(
            at: secrets.appendingPathComponent("escape"), withDestinationURL: root.appendingPathComponent("outside/private"))
        try FileManager.default.createSymbolicLink(
            at: secrets.appendingPathComponent("redis/leak"), withDestinationURL: root.appendingPathComponent("outside/private/key.txt"))
        for (name, key) in [("escape", "key.txt"), ("redis", "leak")] {
            guard case .failure(let error) = read(secrets, name, key) else {
                Issue.record("\(name)/\(key) was read through a symlink")
                continue
            }
            #expect(error.reason.contains("leads outside the secrets directory"))
        }
    }

    /// Kubernetes mounts Secrets as `key -> ..data/key` and `..data -> ..2026_11_26...`: links inside are fine.
    @Test func followsSymlinksThatStayInside() throws {
        let (root, secrets) = try layout()
        defer { try? FileManager.default.removeItem(at: root) }
        let mounted = secrets.appendingPathComponent("mounted")
        try FileManager.default.createDirectory(at: mounted.appendingPathComponent("..2026_11_26_12_00_00.1"), withIntermediateDirectories: true)
        try "linked".write(to: mounted.appendingPathComponent("..2026_11_26_12_00_00.1/password"), atomically: true, encoding: .utf8)
        try FileManager.default.createSymbolicLink(
            atPath: mounted.appendingPathComponent("..data").path, withDestinationPath: "..2026_11_26_12_00_00.1")
        try FileManager.default.createSymbolicLink(
            atPath: mounted.appendingPathComponent("password").path, withDestinationPath: "..data/password")
        #expect(try read(secrets, "mounted", "password").get() == "linked")
    }

    @Test func aMissingFileIsAClearError() throws {
        let (root, secrets) = try layout()
        defer { try? FileManager.default.removeItem(at: root) }
        guard case .failure(let error) = read(secrets, "redis", "absent") else {
            Issue.record("a missing file was read")
            return
        }
        #expect(error.reason.hasPrefix("no file "))
    }
}

import Controller
import Foundation
import KubeClient
import Reconciler
import StructuredData
import Synchronization
import Testing

/// The cache holds the data of referenced Secrets only, fetches a newly referenced one once, and
/// tells which EventSources a change concerns.
@Suite struct SecretCacheTests {
    private static func secret(_ name: String, namespace: String = "default", value: String = "v") -> JSONValue {
        .object(JSONObject([
            ("metadata", .object(JSONObject([("name", .string(name)), ("namespace", .string(namespace))]))),
            ("data", .object(JSONObject([("password", .string(Data(value.utf8).base64EncodedString()))]))),
        ]))
    }

    private let app = ObjectKey(namespace: "default", name: "app")
    private let other = ObjectKey(namespace: "default", name: "other")

    /// A fetch that answers from a fixed set of Secrets and counts what it was asked.
    private final class FakeAPIServer: Sendable {
        let secrets: [String: JSONValue]
        let asked = Mutex<[String]>([])
        init(_ secrets: [JSONValue]) {
            self.secrets = Dictionary(uniqueKeysWithValues: secrets.map { ($0["metadata"]!["name"]!.stringValue!, $0) })
        }
        var fetch: SecretCache.Fetch {
            { reference in
                self.asked.withLock { $0.append(reference.name) }
                return self.secrets[reference.name]
            }
        }
    }

    @Test func aListKeepsOnlyReferencedSecretsData() async throws {
        let all = (0..<50).map { Self.secret("s\($0)") }
        let server = FakeAPIServer(all)
        let cache = SecretCache(fetch: server.fetch)
        try await cache.recordReferences(of: app, to: ["s3", "s7"])
        _ = await cache.apply(.replaceAll(all, resourceVersion: "1"))
        #expect(await cache.heldCount == 2)
        #expect(await cache.current.secrets["default"]?.keys.sorted() == ["s3", "s7"])
    }

    @Test func aNewlyReferencedSecretIsFetchedOnceAndAnAbsentOneNotAtAll() async throws {
        let all = [Self.secret("present")]
        let server = FakeAPIServer(all)
        let cache = SecretCache(fetch: server.fetch)
        _ = await cache.apply(.replaceAll(all, resourceVersion: "1"))
        #expect(await cache.heldCount == 0)
        // It says when it fetched one, so the reconciler builds again with it.
        #expect(try await cache.recordReferences(of: app, to: ["present", "missing"]))
        #expect(try await !cache.recordReferences(of: app, to: ["present", "missing"]))
        #expect(server.asked.withLock { $0 } == ["present"])
        #expect(await cache.current.secrets["default"]?["present"]?["password"] == Array("v".utf8))
        // The missing one appears later: it is held and its reader requeued.
        let changed = await cache.apply(.added(Self.secret("missing", value: "late")))
        #expect(changed == [app])
        #expect(await cache.current.secrets["default"]?["missing"]?["password"] == Array("late".utf8))
    }

    /// The race behind a false SecretMissing Warning at controller start: the reconcile fetches a
    /// Secret, and the first list brings it while the fetch waits. The state built before holds no
    /// Secret, so the cache must call for another build although this fetch added nothing.
    @Test func aListLandingWhileAFetchWaitsCallsForAnotherBuild() async throws {
        let secret = Self.secret("password")
        let (fetchStarted, started) = AsyncStream<Void>.makeStream()
        let (fetchMayAnswer, answer) = AsyncStream<Void>.makeStream()
        let cache = SecretCache { _ in
            started.yield()
            for await _ in fetchMayAnswer { break }
            return secret
        }
        let builtFrom = await cache.revised
        #expect(builtFrom.snapshot.secrets.isEmpty)
        async let newer = cache.recordReferences(of: app, to: ["password"], builtFrom: builtFrom.revision)
        for await _ in fetchStarted { break }
        let requeued = await cache.apply(.replaceAll([secret], resourceVersion: "1"))
        #expect(requeued == [app])
        answer.yield()
        let rebuilt = try #require(try await newer)
        #expect(rebuilt.snapshot.secrets["default"]?["password"]?["password"] == Array("v".utf8))
        // Built again from that snapshot, the state is current: no third build.
        #expect(try await cache.recordReferences(of: app, to: ["password"], builtFrom: rebuilt.revision) == nil)
    }

    @Test func changesToUnreferencedSecretsConcernNobodyAndAreNotHeld() async throws {
        let cache = SecretCache()
        _ = await cache.apply(.replaceAll([], resourceVersion: "1"))
        try await cache.recordReferences(of: app, to: ["mine"])
        #expect(await cache.apply(.added(Self.secret("theirs"))).isEmpty)
        #expect(await cache.apply(.modified(Self.secret("theirs", value: "x"))).isEmpty)
        #expect(await cache.heldCount == 0)
        #expect(await cache.apply(.added(Self.secret("mine"))) == [app])
        #expect(await cache.apply(.modified(Self.secret("mine"))).isEmpty)
        #expect(await cache.apply(.modified(Self.secret("mine", value: "rotated"))) == [app])
        #expect(await cache.apply(.deleted(Self.secret("mine"))) == [app])
        #expect(await cache.heldCount == 0)
    }

    @Test func aSecretNoLongerReferencedIsDropped() async throws {
        let all = [Self.secret("shared"), Self.secret("own")]
        let cache = SecretCache(fetch: FakeAPIServer(all).fetch)
        _ = await cache.apply(.replaceAll(all, resourceVersion: "1"))
        try await cache.recordReferences(of: app, to: ["shared", "own"])
        try await cache.recordReferences(of: other, to: ["shared"])
        #expect(await cache.heldCount == 2)
        try await cache.recordReferences(of: app, to: [])
        #expect(await cache.current.secrets["default"]?.keys.sorted() == ["shared"])
        #expect(await cache.apply(.modified(Self.secret("shared", value: "new"))) == [other])
        await cache.forget(other)
        #expect(await cache.heldCount == 0)
    }

    @Test func aFailingFetchFailsTheReconcile() async throws {
        struct Unreachable: Error {}
        let cache = SecretCache { _ in throw Unreachable() }
        await #expect(throws: Unreachable.self) { try await cache.recordReferences(of: app, to: ["password"]) }
    }
}

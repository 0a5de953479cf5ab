import Controller
import EventSourceAPI
import KubeClient
import Reconciler
import StructuredData
import Testing

/// With `--watch both` one cache holds both kinds: an EventSource and a RedisStreamSource of one name
/// are two objects, a relist of one kind leaves the other alone, and readiness waits for both lists.
@Suite struct ObjectCacheKindsTests {
    private func object(_ kind: SourceKind, _ name: String) -> JSONValue {
        ["apiVersion": .string(kind.apiVersion), "kind": .string(kind.kind), "metadata": ["name": .string(name), "namespace": "default"]]
    }

    @Test func bothKindsOfOneNameAreTwoObjectsAndARelistReplacesOnlyItsOwnKind() async {
        let cache = ObjectCache(watching: [.eventSource, .redisStreamSource])
        let argoKeys = await cache.apply(.replaceAll([object(.eventSource, "same")], resourceVersion: "1"), kind: .eventSource)
        #expect(!cache.hasSynced, "ready only once both kinds are listed")
        let ourKeys = await cache.apply(.replaceAll([object(.redisStreamSource, "same")], resourceVersion: "1"), kind: .redisStreamSource)
        #expect(cache.hasSynced)
        #expect(argoKeys == [ObjectKey(kind: .eventSource, namespace: "default", name: "same")])
        #expect(ourKeys == [ObjectKey(kind: .redisStreamSource, namespace: "default", name: "same")])
        #expect(await cache.count == 2)
        // A relist of ours that no longer holds it removes ours, not Argo's.
        let removed = await cache.apply(.replaceAll([], resourceVersion: "2"), kind: .redisStreamSource)
        #expect(removed == ourKeys)
        #expect(await cache.keys == argoKeys)
        #expect(ourKeys[0].description == "redisstreamsources/default/same")
        #expect(argoKeys[0].description == "default/same")
    }
}

import KubeClient
import KubeTestServer
import StructuredData
import TestSupport
import Testing

/// Single watch connections: what the server sends and how the client reports it.
@Suite struct WatchTests {
    @Test func addedModifiedDeletedFromAResourceVersion() async throws {
        try await withTestServer { _, client in
            let start = try await client.list(.configMaps, namespace: "default").resourceVersion
            // No bookmarks: on a loaded machine the steps below can take longer than the bookmark interval.
            let events = client.watch(
                .configMaps, namespace: "default", options: WatchOptions(resourceVersion: start, allowBookmarks: false, timeoutSeconds: 60))
            _ = try await client.create(.configMaps, configMap("a"))
            _ = try await client.patch(.configMaps, name: "a", .merge(["data": ["k": "v"]]))
            try await client.delete(.configMaps, name: "a")
            var seen: [String] = []
            var versions: [Int] = []
            for try await event in events {
                seen.append(event.type.rawValue)
                versions.append(Int(event.resourceVersion ?? "0") ?? 0)
                if seen.count == 3 { break }
            }
            #expect(seen == ["ADDED", "MODIFIED", "DELETED"])
            #expect(versions == versions.sorted() && versions.first! > Int(start)!)
        }
    }

    @Test func bookmarksCarryTheCurrentVersion() async throws {
        try await withTestServer(KubeTestServerConfiguration(bookmarkIntervalSeconds: 0.1)) { _, client in
            _ = try await client.create(.configMaps, configMap("a"))
            let version = try await client.list(.configMaps, namespace: "default").resourceVersion
            for try await event in client.watch(.configMaps, namespace: "default", options: WatchOptions(resourceVersion: version, allowBookmarks: true)) {
                #expect(event.type == .bookmark)
                #expect(event.resourceVersion == version)
                #expect(event.object["kind"] == "ConfigMap")
                break
            }
        }
    }

    @Test func serverTimeoutEndsTheStreamNormally() async throws {
        try await withTestServer { _, client in
            var count = 0
            for try await _ in client.watch(.configMaps, namespace: "default", options: WatchOptions(allowBookmarks: false, timeoutSeconds: 1)) {
                count += 1
            }
            #expect(count == 0)
        }
    }

    @Test func tooOldVersionIsAnExpiredErrorEvent() async throws {
        try await withTestServer(KubeTestServerConfiguration(historyLimit: 3)) { _, client in
            let old = try await client.create(.configMaps, configMap("a")).resourceVersion!
            for index in 0..<5 { _ = try await client.create(.configMaps, configMap("b\(index)")) }
            var events: [WatchEvent] = []
            for try await event in client.watch(.configMaps, namespace: "default", options: WatchOptions(resourceVersion: old)) {
                events.append(event)
            }
            #expect(events.count == 1)
            #expect(events.first?.type == .error)
            let status = KubeStatus(try #require(events.first?.object), httpStatus: 200)
            #expect(status.code == 410)
            #expect(status.reason == "Expired")
        }
    }

    @Test func tooOldVersionAsHTTPStatusWhenTheServerIsOldFashioned() async throws {
        let configuration = KubeTestServerConfiguration(faults: FaultSettings(expiredWatchAsHTTPStatus: true))
        try await withTestServer(configuration) { server, client in
            let old = try await client.create(.configMaps, configMap("a")).resourceVersion!
            _ = try await client.create(.configMaps, configMap("b"))
            server.compactHistory()
            await #expect {
                for try await _ in client.watch(.configMaps, namespace: "default", options: WatchOptions(resourceVersion: old)) {}
            } throws: { ($0 as? KubeError)?.isGone == true }
        }
    }

    @Test func nonsenseResourceVersionIsABadRequest() async throws {
        try await withTestServer { _, client in
            await #expect {
                for try await _ in client.watch(.configMaps, namespace: "default", options: WatchOptions(resourceVersion: "yesterday")) {}
            } throws: { error in
                guard case .rejected(let status) = error as? KubeError else { return false }
                return status.code == 400 && status.message.contains("yesterday")
            }
        }
    }

    @Test func labelSelectedWatchSeesObjectsEnterAndLeave() async throws {
        try await withTestServer { _, client in
            _ = try await client.create(.configMaps, configMap("a", labels: ["team": "blue"]))
            let version = try await client.list(.configMaps, namespace: "default").resourceVersion
            let events = client.watch(
                .configMaps, namespace: "default", options: WatchOptions(labelSelector: "team=red", resourceVersion: version, allowBookmarks: false, timeoutSeconds: 60))
            _ = try await client.patch(.configMaps, name: "a", .merge(["metadata": ["labels": ["team": "red"]]]))
            _ = try await client.patch(.configMaps, name: "a", .merge(["data": ["x": "1"]]))
            _ = try await client.patch(.configMaps, name: "a", .merge(["metadata": ["labels": ["team": "green"]]]))
            var seen: [WatchEvent.EventType] = []
            for try await event in events {
                seen.append(event.type)
                if seen.count == 3 { break }
            }
            #expect(seen == [.added, .modified, .deleted])
        }
    }

    @Test func cancellingTheConsumerStopsTheWatch() async throws {
        try await withTestServer { server, client in
            let task = Task {
                var count = 0
                for try await _ in client.watch(.configMaps, namespace: "default") { count += 1 }
                return count
            }
            try await waitUntil("the watch to be open") { server.activeWatchCount == 1 }
            task.cancel()
            _ = try? await task.value
            try await waitUntil("the server to see the watch go") { server.activeWatchCount == 0 }
        }
    }
}

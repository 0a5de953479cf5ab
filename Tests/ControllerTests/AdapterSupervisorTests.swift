import AdapterModel
import Adapter
import Controller
import EventSourceAPI
import Logging
import Reconciler
import Sinks
import TestSupport
import Testing

/// The supervisor applies plans to real adapters reading a real redis-server: starts, restarts
/// and stops exactly what the plan names, notices shared groups, and drains everything at shutdown.
@Suite struct AdapterSupervisorTests {
    private func configuration(
        _ redis: RedisServer, eventSource: String = "orders", event: String, streams: [String]
    ) -> AdapterConfiguration {
        AdapterConfiguration(
            namespace: "default", eventSourceName: eventSource, eventName: event,
            source: RedisStreamEntry(hostAddress: HostAddress(host: "127.0.0.1", port: redis.port), streams: streams),
            sink: SinkSpec(uri: "stdout"), consumerName: "supervisor-test", blockTime: .milliseconds(200))
    }

    private let orders = ObjectKey(namespace: "default", name: "orders")

    @Test func aPlanStartsRestartsAndStopsExactlyTheAdaptersItNames() async throws {
        try await withSupervisor { supervisor, redis in
            let first = configuration(redis, event: "first", streams: ["A"])
            let second = configuration(redis, event: "second", streams: ["B"])
            #expect(await supervisor.apply(AdapterPlan(start: [first, second])) == [.started(first.adapterKey), .started(second.adapterKey)])
            #expect(await supervisor.configurations(of: orders) == [first.adapterKey: first, second.adapterKey: second])
            #expect(Set(supervisor.reports.map(\.eventName)) == ["first", "second"])

            let moved = configuration(redis, event: "first", streams: ["C"])
            #expect(await supervisor.apply(AdapterPlan(restart: [moved])) == [.restarted(first.adapterKey)])
            #expect(await supervisor.configurations(of: orders)[first.adapterKey] == moved)

            #expect(await supervisor.apply(AdapterPlan(stop: [second.adapterKey])) == [.stopped(second.adapterKey)])
            #expect(await supervisor.keys == [first.adapterKey])
            #expect(Set(await supervisor.statuses(of: orders).keys) == ["first"])
            // Another EventSource's adapters are not this one's.
            #expect(await supervisor.configurations(of: ObjectKey(namespace: "default", name: "other")).isEmpty)
        }
    }

    @Test func startingWhatRunsAlreadyChangesNothing() async throws {
        try await withSupervisor { supervisor, redis in
            let first = configuration(redis, event: "first", streams: ["A"])
            _ = await supervisor.apply(AdapterPlan(start: [first]))
            #expect(await supervisor.apply(AdapterPlan(start: [first])) == [])
            #expect(await supervisor.count == 1)
        }
    }

    @Test func twoEventSourcesReadingOneStreamInOneGroupAreBothNoted() async throws {
        try await withSupervisor { supervisor, redis in
            let mine = configuration(redis, eventSource: "orders", event: "example", streams: ["SHARED"])
            let theirs = configuration(redis, eventSource: "billing", event: "example", streams: ["SHARED"])
            let apart = configuration(redis, eventSource: "audit", event: "example", streams: ["OWN"])
            _ = await supervisor.apply(AdapterPlan(start: [mine, theirs, apart]))
            let sharing = await supervisor.groupSharing
            #expect(Set(sharing.keys) == [mine.adapterKey, theirs.adapterKey])
            #expect(sharing[mine.adapterKey]?.contains("billing") == true)
            _ = await supervisor.apply(AdapterPlan(stop: [theirs.adapterKey]))
            #expect(await supervisor.groupSharing.isEmpty)
        }
    }

    @Test func stopAllDrainsEveryAdapterAndForgetsThem() async throws {
        try await withSupervisor { supervisor, redis in
            let configurations = (0..<3).map { configuration(redis, event: "e\($0)", streams: ["S\($0)"]) }
            _ = await supervisor.apply(AdapterPlan(start: configurations))
            try await waitUntil("the adapters to be up") { supervisor.reports.count == 3 }
            #expect(await supervisor.stopAll())
            #expect(await supervisor.count == 0)
            #expect(supervisor.reports.isEmpty)
            #expect(await supervisor.groupSharing.isEmpty)
        }
    }
}

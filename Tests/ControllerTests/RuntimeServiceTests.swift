import Adapter
import Controller
import Logging
import ServiceLifecycle
import Synchronization
import Testing
import TestSupport

/// The runtime is the ServiceGroup's first service: it stops last, once the services after it
/// (adapters, servers) have drained on its threads, and is left alone when the group is cancelled.
@Suite struct RuntimeServiceTests {
    /// Stands for an adapter: on graceful shutdown it still needs an event loop of the runtime.
    struct DrainingService: Service {
        let runtime: AdapterRuntime
        let drained: Drained

        func run() async throws {
            try? await gracefulShutdown()
            let answer = try await runtime.eventLoops.next().submit { 42 }.get()
            drained.flag.withLock { $0 = answer == 42 && !runtime.isShutDown }
        }
    }

    final class Drained: Sendable {
        let flag = Mutex(false)
    }

    @Test func gracefulShutdownStopsTheRuntimeAfterTheServicesAfterIt() async throws {
        let runtime = AdapterRuntime(eventLoopThreads: 1)
        let drained = Drained()
        let group = ServiceGroup(
            configuration: .init(
                services: [
                    .init(service: RuntimeService(runtime: runtime, logger: Logger(label: "test"))),
                    .init(service: DrainingService(runtime: runtime, drained: drained)),
                ],
                gracefulShutdownSignals: [], logger: Logger(label: "test")))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            #expect(!runtime.isShutDown)
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        #expect(drained.flag.withLock { $0 }, "the draining service ran on a loop of the runtime before it stopped")
        #expect(runtime.isShutDown)
    }

    @Test func aCancelledGroupLeavesTheRuntimeToTheProcess() async throws {
        let runtime = AdapterRuntime(eventLoopThreads: 1)
        let group = ServiceGroup(
            configuration: .init(
                services: [.init(service: RuntimeService(runtime: runtime, logger: Logger(label: "test")))], gracefulShutdownSignals: [],
                logger: Logger(label: "test")))
        await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            tasks.cancelAll()
            _ = try? await tasks.waitForAll()
        }
        #expect(!runtime.isShutDown)
        await runtime.shutdown()
        #expect(runtime.isShutDown)
    }
}

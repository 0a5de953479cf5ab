import NIOCore

/// An actor whose executor is an event loop: code isolated to it runs on that loop's thread, so
/// it may use a `RedisPipe` of that loop. For short jobs outside an adapter (a stop's CLIENT UNBLOCK).
actor EventLoopIsolation {
    nonisolated let loop: EventLoop
    nonisolated var unownedExecutor: UnownedSerialExecutor { loop.executor.asUnownedSerialExecutor() }

    init(loop: EventLoop) {
        self.loop = loop
    }

    func run<Value: Sendable>(_ body: @Sendable (isolated EventLoopIsolation) async -> Value) async -> Value {
        await body(self)
    }
}

import Foundation
import Testing
import TestSupport
@testable import Adapter

/// The consumer's core under seeded faults (see `ConsumerSimulation`). `make test` runs 2,000
/// seeds; `SIMULATION_SEEDS=100000` (as `make chaos` sets) runs more, and `SIMULATION_SEED=<n>`
/// replays one.
@Suite struct ConsumerSimulationTests {
    static var seeds: ClosedRange<UInt64> {
        let environment = ProcessInfo.processInfo.environment
        if let one = environment["SIMULATION_SEED"].flatMap(UInt64.init) { return one...one }
        let count = environment["SIMULATION_SEEDS"].flatMap(UInt64.init) ?? 2_000
        return 1...max(1, count)
    }

    /// Runs `seeds` on a thread of its own, never on the cooperative pool the other suites' async
    /// tests need; returns the first three failures.
    static func failures(in seeds: ClosedRange<UInt64>) async -> [String] {
        await DedicatedThread.run(name: "consumer-simulation") {
            var failures: [String] = []
            for seed in seeds {
                var simulation = ConsumerSimulation(seed: seed)
                do throws(ConsumerSimulation.Failure) {
                    try simulation.run()
                } catch {
                    failures.append("\(error)")
                    if failures.count >= 3 { break }
                }
            }
            return failures
        }
    }

    @Test func everySeedKeepsTheInvariants() async {
        let started = ContinuousClock.now
        let failures = await Self.failures(in: Self.seeds)
        for failure in failures { Issue.record("\(failure)") }
        print("consumer simulation: \(Self.seeds.count) seeds in \(ContinuousClock.now - started), \(failures.count) failing")
    }

    /// The simulation is worth something only if it catches a broken core: each mutation breaks
    /// one rule, and some seed must find it (the report says which and how fast).
    @Test(arguments: [
        (DeliveryDecisions.AckRule.alsoRetryable, "acknowledged, but the sink never took it"),
        (DeliveryDecisions.AckRule.deadLetterWhileSinkFails, "although the sink never took another entry"),
    ])
    func catchesABrokenAckRule(mutation: DeliveryDecisions.AckRule, finding: String) {
        let started = ContinuousClock.now
        var caught: ConsumerSimulation.Failure?
        var tried = 0
        for seed in UInt64(1)...2_000 {
            tried += 1
            var simulation = ConsumerSimulation(seed: seed, ackRule: mutation)
            do throws(ConsumerSimulation.Failure) {
                try simulation.run()
            } catch {
                caught = error
                break
            }
        }
        #expect(caught?.message.contains(finding) == true, "\(caught.map { "\($0)" } ?? "not caught")")
        print("consumer simulation: mutation \(mutation) caught after \(tried) seed(s) in \(ContinuousClock.now - started): \(caught?.message ?? "-")")
    }

    @Test func aSeedReplaysExactly() {
        for seed in UInt64(1)...20 {
            var first = ConsumerSimulation(seed: seed)
            var second = ConsumerSimulation(seed: seed)
            let firstError = Result { () throws(ConsumerSimulation.Failure) in try first.run() }
            let secondError = Result { () throws(ConsumerSimulation.Failure) in try second.run() }
            #expect(first.fingerprint == second.fingerprint)
            #expect((try? firstError.get()) == nil ? (try? secondError.get()) == nil : true)
        }
    }
}

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

    /// Runs `seeds` on threads of their own (one per core, each taking every n-th seed), never on
    /// the cooperative pool the other suites' async tests need; returns up to three failures,
    /// lowest seed first.
    static func failures(in seeds: ClosedRange<UInt64>) async -> [String] {
        let threads = UInt64(max(1, min(ProcessInfo.processInfo.activeProcessorCount, 4)))
        let found = await withTaskGroup(of: [(UInt64, String)].self) { group in
            for lane in 0..<threads {
                group.addTask {
                    await DedicatedThread.run(name: "consumer-simulation-\(lane)") {
                        var failures: [(UInt64, String)] = []
                        for seed in seeds where seed % threads == lane {
                            var simulation = ConsumerSimulation(seed: seed)
                            do throws(ConsumerSimulation.Failure) {
                                try simulation.run()
                            } catch {
                                failures.append((seed, "\(error)"))
                                if failures.count >= 3 { break }
                            }
                        }
                        return failures
                    }
                }
            }
            var all: [(UInt64, String)] = []
            for await failures in group { all += failures }
            return all
        }
        return found.sorted { $0.0 < $1.0 }.prefix(3).map(\.1)
    }

    @Test func everySeedKeepsTheInvariants() async {
        let started = ContinuousClock.now
        let failures = await Self.failures(in: Self.seeds)
        for failure in failures { Issue.record("\(failure)") }
        print("consumer simulation: \(Self.seeds.count) seeds in \(ContinuousClock.now - started), \(failures.count) failing")
    }

    /// The simulation is worth something only if it catches a broken core: each mutation breaks
    /// one rule, and some seed must find it (the report says which and how fast).
    enum SeededMutation: CustomStringConvertible, CaseIterable {
        /// The core acknowledges entries when it hands them to the sink.
        case ackOnDeliver
        /// A retryable failure is acknowledged as if delivered.
        case ackRetryable
        /// An exhausted entry is dead-lettered while the sink takes nothing.
        case deadLetterWhileSinkFails

        var description: String {
            switch self {
            case .ackOnDeliver: "ack on deliver"
            case .ackRetryable: "ack a retryable failure"
            case .deadLetterWhileSinkFails: "dead-letter while the sink fails"
            }
        }

        /// What the simulation must report; nil: any broken invariant (dead-lettering while the
        /// sink fails shows first as a wrong phase or as a dead letter with no other entry taken).
        var finding: String? {
            switch self {
            case .ackOnDeliver, .ackRetryable: "acknowledged, but the sink never took it"
            case .deadLetterWhileSinkFails: nil
            }
        }

        func simulation(seed: UInt64) -> ConsumerSimulation {
            switch self {
            case .ackOnDeliver: ConsumerSimulation(seed: seed, mutation: .ackOnDeliver)
            case .ackRetryable: ConsumerSimulation(seed: seed, ackRule: .alsoRetryable)
            case .deadLetterWhileSinkFails: ConsumerSimulation(seed: seed, ackRule: .deadLetterWhileSinkFails)
            }
        }
    }

    @Test(arguments: SeededMutation.allCases)
    func catchesABrokenAckRule(mutation: SeededMutation) {
        let finding = mutation.finding
        let started = ContinuousClock.now
        var caught: ConsumerSimulation.Failure?
        var tried = 0
        for seed in UInt64(1)...2_000 {
            tried += 1
            var simulation = mutation.simulation(seed: seed)
            do throws(ConsumerSimulation.Failure) {
                try simulation.run()
            } catch {
                caught = error
                break
            }
        }
        #expect(caught != nil, "mutation \(mutation) not caught in \(tried) seeds")
        if let finding { #expect(caught?.message.contains(finding) == true, "\(caught.map { "\($0)" } ?? "not caught")") }
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

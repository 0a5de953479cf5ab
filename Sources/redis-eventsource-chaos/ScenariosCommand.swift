import ArgumentParser
import BenchSupport
import Foundation

/// Runs every scenario (or those named), each against fresh processes, and writes the results
/// as Markdown. Exits non-zero only when the suite itself could not run: losses are findings,
/// reported in the table, not errors of the runner.
struct ScenariosCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "scenarios", abstract: "Run the fault scenarios and the fuzzer.")

    @Option(help: "The redis-eventsource executable to test (the release build).")
    var product: String

    @Option(help: "The kube-testserver executable.")
    var kubeTestServer: String

    @Option(help: "Write the results as Markdown to this file.")
    var markdown: String?

    @Option(help: "Run only scenarios whose name contains this text.")
    var only: String?

    @Option(help: "Seed for the receiver's random failures and for the fuzzer.")
    var seed: UInt64 = 20_261_126

    @Option(help: "Inputs per fuzz target.")
    var fuzzCount: Int = 20_000

    @Flag(help: "Skip the fuzz targets.")
    var skipFuzz = false

    func run() throws {
        let signals = ChildRegistry.stopChildrenOnSignals(childSignal: SIGKILL, grace: 0)
        defer { withExtendedLifetime(signals) {} }
        let work = try WorkFolder.make()
        defer { work.remove() }
        let context = ScenarioContext(
            product: product, kubeTestServer: kubeTestServer, work: work, seed: seed,
            repositoryRoot: FileManager.default.currentDirectoryPath)
        var results: [ScenarioResult] = []
        for scenario in ScenarioCatalog.all where only.map({ scenario.name.contains($0) }) ?? true {
            Console.say("scenario \(scenario.name): \(scenario.summary)")
            let result = ScenarioRunner.run(scenario, context: context)
            Console.say("  " + result.oneLine)
            results.append(result)
        }
        var fuzz: [FuzzResult] = []
        if !skipFuzz {
            for target in FuzzTarget.allCases {
                Console.say("fuzz \(target.rawValue): \(fuzzCount) inputs, seed \(seed)")
                let result = FuzzRunner.runIsolated(target, seed: seed, count: fuzzCount)
                Console.say("  " + result.oneLine)
                fuzz.append(result)
            }
        }
        let report = ReliabilityReport(scenarios: results, fuzz: fuzz, seed: seed)
        if let markdown { try report.markdown.write(toFile: markdown, atomically: true, encoding: .utf8) }
        print(report.markdown)
    }
}

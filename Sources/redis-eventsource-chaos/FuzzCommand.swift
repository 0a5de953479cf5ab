import ArgumentParser

/// `fuzz --target T`: runs one target in this process and prints one summary line. The
/// scenarios command runs each target as a child of its own, so a crash is a finding in the
/// report instead of the end of the run.
struct FuzzCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "fuzz", abstract: "Fuzz one reader with seeded inputs.")

    @Option(help: "yaml-reader, filter-parser, watch-line-decoder or resp-reply-conversion.")
    var target: String

    @Option(help: "The generator's seed.")
    var seed: UInt64 = 20_261_126

    @Option(help: "How many inputs.")
    var count: Int = 20_000

    func run() throws {
        guard let fuzzTarget = FuzzTarget(rawValue: target) else {
            throw ValidationError("unknown target \(target); one of \(FuzzTarget.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        var mutator = FuzzMutator(target: fuzzTarget, seed: seed)
        var accepted = 0
        for _ in 0..<count where fuzzTarget.consume(mutator.next()) {
            accepted += 1
        }
        print("fuzz-result accepted=\(accepted) rejected=\(count - accepted)")
    }
}

import ArgumentParser

/// `redis-eventsource-chaos`: scripted fault scenarios against the release binaries, and a
/// seeded fuzzer for the parsers that read what users and servers send. `make chaos` runs it
/// through scripts/chaos.sh, which records the figures in RELIABILITY.md.
@main
struct ChaosCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "redis-eventsource-chaos",
        abstract: "Fault scenarios and fuzzing against the real redis-eventsource; counts every entry by its event id.",
        subcommands: [ScenariosCommand.self, FuzzCommand.self],
        defaultSubcommand: ScenariosCommand.self
    )
}

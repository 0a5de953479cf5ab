import ArgumentParser

@main
struct RedisEventSourceCommand: AsyncParsableCommand {
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "redis-eventsource",
        abstract: "Runs Argo Events' Redis Streams EventSources: stream entries in, CloudEvents out.",
        subcommands: [ControllerCommand.self, RunCommand.self, ValidateCommand.self, VersionCommand.self]
    )
}

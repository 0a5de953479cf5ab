import ArgumentParser

@main
struct RedisEventSourceCommand: AsyncParsableCommand {
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "redis-eventsource",
        abstract: "Runs Argo Events' Redis Streams EventSources: stream entries in, CloudEvents out.",
        version: "redis-eventsource \(version)",
        subcommands: [ControllerCommand.self, RunCommand.self, ValidateCommand.self, VersionCommand.self]
    )

    /// ArgumentParser's own entry point, after a check for a mistyped subcommand: its message
    /// ("unexpected argument") would not say what was probably meant.
    static func main() async {
        let arguments = Array(CommandLine.arguments.dropFirst())
        let names = configuration.subcommands.compactMap { $0.configuration.commandName }
        if let first = arguments.first, !first.hasPrefix("-"), !names.contains(first) {
            var message = "error: unknown command '\(first)'."
            if let guess = SubcommandSuggestion.closest(to: first, among: names) { message += " Did you mean '\(guess)'?" }
            message += "\nRun 'redis-eventsource --help' for the commands."
            ManifestLoader.printError(message)
            Self.exit(withError: ExitCode(64))
        }
        do {
            var command = try parseAsRoot(arguments)
            if var asynchronous = command as? AsyncParsableCommand {
                try await asynchronous.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: error)
        }
    }
}

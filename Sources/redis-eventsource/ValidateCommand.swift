import ArgumentParser
import EventSourceAPI

struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Checks an EventSource or RedisStreamSource file.",
        discussion: """
            Exit 0: valid; warnings ('warning: path: message': unknown, misspelled or misplaced fields, fields \
            ignored as Argo ignores them) and notes do not change that. Exit 1: invalid, one 'path: problem' line \
            per problem. Exit 2: unreadable or not YAML.
            """
    )

    @Option(name: .shortAndLong, help: "The EventSource or RedisStreamSource YAML or JSON file (several documents allowed).")
    var file: String?

    @Argument(help: "The file, given without -f.")
    var positionalFile: String?

    func validate() throws {
        switch (file, positionalFile) {
        case (nil, nil): throw ValidationError("give the EventSource file: validate FILE, or validate -f FILE")
        case (.some, .some): throw ValidationError("give the file once: either validate FILE or validate -f FILE")
        default: break
        }
    }

    func run() throws {
        let file = (file ?? positionalFile)!
        let manifest = try ManifestLoader.load(file)
        guard !manifest.documents.isEmpty else {
            print(
                "\(file): no \(SourceKind.eventSource.apiVersion) \(SourceKind.eventSource.kind) or "
                    + "\(SourceKind.redisStreamSource.apiVersion) \(SourceKind.redisStreamSource.kind) found")
            throw ExitCode(1)
        }
        let lines = ManifestLoader.problemLines(manifest)
        for line in lines + ManifestLoader.warningLines(manifest) + ManifestLoader.noteLines(manifest) { print(line) }
        if !lines.isEmpty { throw ExitCode(1) }
    }
}

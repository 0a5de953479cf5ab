import ArgumentParser
import EventSourceAPI
import Foundation
import StructuredData

/// Reads an EventSource file for `run` and `validate`, turning each failure into the documented exit code.
enum ManifestLoader {
    /// Exit 2: the file cannot be read or is not YAML.
    static func load(_ path: String) throws -> EventSourceFile {
        guard let data = FileManager.default.contents(atPath: path) else {
            printError("error: cannot read \(path)")
            throw ExitCode(2)
        }
        let text = String(decoding: data, as: UTF8.self)
        do {
            return try EventSourceFile.parse(text)
        } catch {
            printError("error: \(path): line \(error.line), column \(error.column): \(error.problem)")
            throw ExitCode(2)
        }
    }

    /// One `path: problem` line per problem; prefixed with the document when the file holds several.
    static func problemLines(_ file: EventSourceFile) -> [String] {
        let prefixed = file.documents.count > 1
        return file.documents.flatMap { document -> [String] in
            guard case .failure(let error) = document.result else { return [] }
            return error.problems.map { problem in
                let at = document.position(of: problem).map { " (\($0))" } ?? ""
                return (prefixed ? "document \(document.index): " : "") + problem.description + at
            }
        }
    }

    /// One `warning: path: message` line per warning, for valid and invalid documents alike.
    static func warningLines(_ file: EventSourceFile) -> [String] {
        let prefixed = file.documents.count > 1
        return file.documents.flatMap { document -> [String] in
            let warnings: [ValidationProblem]
            switch document.result {
            case .success(let eventSource): warnings = eventSource.warnings
            case .failure(let error): warnings = error.warnings
            }
            return warnings.map { warning in
                let at = document.position(of: warning).map { " (\($0))" } ?? ""
                return (prefixed ? "document \(document.index): " : "") + "warning: \(warning)" + at
            }
        }
    }

    /// Valid EventSources without a redisStream entry: not an error (Argo runs them), but not run here.
    static func noteLines(_ file: EventSourceFile) -> [String] {
        file.documents.compactMap { document -> String? in
            guard case .success(let eventSource) = document.result, !eventSource.hasRedisStream else { return nil }
            return "document \(document.index): note: EventSource \(eventSource.name) has no redisStream entry; "
                + "redis-eventsource leaves it to Argo's controller"
        }
    }

    static func printError(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}

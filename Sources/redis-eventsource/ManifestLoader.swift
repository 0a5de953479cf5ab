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
            return error.problems.map { prefixed ? "document \(document.index): \($0)" : $0.description }
        }
    }

    static func printError(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}

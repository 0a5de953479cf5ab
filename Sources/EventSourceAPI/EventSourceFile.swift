import StructuredData

/// The EventSources and RedisStreamSources found in one YAML or JSON file (possibly several `---` documents).
public struct EventSourceFile: Sendable {
    /// One document that is an EventSource, and what decoding it gave.
    public struct Document: Sendable {
        /// 1-based position among the file's documents.
        public let index: Int
        public let result: Result<EventSource, ValidationError>
    }

    public let documents: [Document]

    public var eventSources: [EventSource] {
        documents.compactMap { try? $0.result.get() }
    }

    public var problems: [(document: Int, problem: ValidationProblem)] {
        documents.flatMap { document -> [(Int, ValidationProblem)] in
            guard case .failure(let error) = document.result else { return [] }
            return error.problems.map { (document.index, $0) }
        }
    }

    /// Parses the text; a YAML syntax error throws with its line and column. Documents of other
    /// kinds (a Sensor in the same file, say) are skipped, as `kubectl apply` would leave them to their owners.
    public static func parse(_ text: String, defaultNamespace: String = "default") throws(YAMLSyntaxError) -> EventSourceFile {
        let values = try YAMLReader.documents(text)
        var documents: [Document] = []
        for (offset, value) in values.enumerated() where !value.isNull {
            guard SourceKind(kindOf: value) != nil else { continue }
            documents.append(
                Document(
                    index: offset + 1,
                    result: EventSource.decode(value, defaultNamespace: defaultNamespace)))
        }
        return EventSourceFile(documents: documents)
    }
}

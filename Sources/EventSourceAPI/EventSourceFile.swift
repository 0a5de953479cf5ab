import StructuredData

/// The EventSources and RedisStreamSources found in one YAML or JSON file (possibly several `---` documents).
public struct EventSourceFile: Sendable {
    /// One document that is an EventSource, and what decoding it gave.
    public struct Document: Sendable {
        /// 1-based position among the file's documents.
        public let index: Int
        public let result: Result<EventSource, ValidationError>
        /// Where each field stands in the file, for problems to name a line and column.
        public var positions: [String: YAMLKeyPositions.Position] = [:]

        /// "line 10, column 5" of the problem's field, or of its nearest ancestor in the file.
        public func position(of problem: ValidationProblem) -> YAMLKeyPositions.Position? {
            YAMLKeyPositions.nearest(problem.path, in: positions)
        }
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
        let positions = YAMLKeyPositions.documents(text)
        var documents: [Document] = []
        for (offset, value) in values.enumerated() where !value.isNull {
            guard SourceKind(kindOf: value) != nil else { continue }
            documents.append(
                Document(
                    index: offset + 1,
                    result: EventSource.decode(value, defaultNamespace: defaultNamespace),
                    positions: offset < positions.count ? positions[offset] : [:]))
        }
        return EventSourceFile(documents: documents)
    }
}

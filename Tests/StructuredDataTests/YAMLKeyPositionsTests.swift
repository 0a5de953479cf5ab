import StructuredData
import Testing

/// Field paths map to the line and column of their key, list items to their own start, one table per document.
@Suite struct YAMLKeyPositionsTests {
    @Test func keysListItemsAndDocumentsHaveTheirPositions() {
        let text = """
            kind: EventSource
            spec:
              redisStream:
                example: {hostAddress: "a:1", streams: [FOO, BAR]}
              list:
                - name: x
                - y
            ---
            other: 1
            """
        let tables = YAMLKeyPositions.documents(text)
        #expect(tables.count == 2)
        let first = tables.first ?? [:]
        #expect(first["kind"] == .init(line: 1, column: 1))
        #expect(first["spec.redisStream"] == .init(line: 3, column: 3))
        #expect(first["spec.redisStream.example"] == .init(line: 4, column: 5))
        #expect(first["spec.redisStream.example.streams"] == .init(line: 4, column: 35))
        #expect(first["spec.redisStream.example.streams.1"] == .init(line: 4, column: 50))
        #expect(first["spec.list.0"] == .init(line: 6, column: 7))
        #expect(first["spec.list.0.name"] == .init(line: 6, column: 7))
        #expect(first["spec.list.1"] == .init(line: 7, column: 7))
        #expect(tables.last?["other"] == .init(line: 9, column: 1))
    }

    @Test func aMissingFieldIsPlacedAtItsNearestAncestor() {
        let table = YAMLKeyPositions.documents("spec:\n  redisStream:\n    example: {}\n").first ?? [:]
        #expect(YAMLKeyPositions.nearest("spec.redisStream.example.hostAddress", in: table) == .init(line: 3, column: 5))
        #expect(YAMLKeyPositions.nearest("status.x", in: table) == nil)
    }

    @Test func aDocumentThatIsNotYAMLGivesNoTableRatherThanAnError() {
        // YAMLReader reports the syntax error itself, with its position.
        #expect(YAMLKeyPositions.documents("a: [\n").isEmpty)
    }
}

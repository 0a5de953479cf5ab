import Testing
@testable import StructuredData

@Suite struct YAMLTests {
    @Test func readsMultipleDocumentsWithCoreSchemaScalars() throws {
        let documents = try YAMLReader.documents(
            """
            a: 1
            b: true
            c: ~
            d: "1"
            e: 1.5
            f: hello world
            g: [x, 'y']
            ---
            - 0x1f
            - FALSE
            - ""
            """)
        #expect(documents.count == 2)
        #expect(documents[0] == ["a": 1, "b": true, "c": nil, "d": "1", "e": 1.5, "f": "hello world", "g": ["x", "y"]])
        #expect(documents[1] == [31, false, ""])
    }

    @Test func keepsKeyOrder() throws {
        let document = try #require(try YAMLReader.documents("z: 1\na: 2\nm: 3\n").first)
        #expect(document.objectValue?.keys == ["z", "a", "m"])
    }

    @Test func reportsLineAndColumnOfSyntaxErrors() {
        do {
            _ = try YAMLReader.documents("spec:\n  a: 1\n b: [\n")
            Issue.record("expected a syntax error")
        } catch {
            #expect(error.line >= 2)
            #expect(error.column >= 1)
            #expect(!error.problem.isEmpty)
        }
    }

    @Test func rejectsDuplicateKeysWithTheirPosition() {
        do {
            _ = try YAMLReader.documents("a: 1\na: 2\n")
            Issue.record("expected a duplicate key error")
        } catch {
            #expect(error.line == 2)
            #expect(error.problem.contains("duplicate key 'a'"))
        }
    }

    @Test func resolvesAnchorsAliasesAndMergeKeys() throws {
        let documents = try YAMLReader.documents(
            """
            base: &base {host: h, port: 1}
            copy: *base
            merged:
              <<: *base
              port: 2
            """)
        #expect(documents[0]["copy"] == ["host": "h", "port": 1])
        #expect(documents[0]["merged"] == ["host": "h", "port": 2])
    }

    @Test func explicitTagsWin() throws {
        let documents = try YAMLReader.documents("a: !!str 123\nb: !!int \"7\"\n")
        #expect(documents[0] == ["a": "123", "b": 7])
    }

    @Test func emptyInputHasNoDocuments() throws {
        #expect(try YAMLReader.documents("").isEmpty)
    }
}

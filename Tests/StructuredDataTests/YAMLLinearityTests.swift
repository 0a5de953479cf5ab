import Testing
@testable import StructuredData

/// Issue 13, item 7: every list append used to copy the whole list (40,000 items took 7.6 s).
/// These tests count work, not time: the elements copied into new storage must stay below twice the
/// number of elements (amortised growth), where copying on every append would be n²/2.
@Suite struct YAMLLinearityTests {
    static func streamsList(_ count: Int) -> String {
        var text = "streams:\n"
        text.reserveCapacity(count * 12)
        for index in 0..<count { text += "- s\(index)\n" }
        return text
    }

    @Test func aHundredThousandListItemsAreReadWithLinearWork() throws {
        let count = 100_000
        let (documents, work) = try YAMLReader.documentsCountingWork(Self.streamsList(count))
        #expect(documents.first?["streams"]?.arrayValue?.count == count)
        #expect(work.elementsCopied < 2 * count, "copied \(work.elementsCopied) elements for \(count) items")
        // One libyaml event per item plus a constant: a single pass over the input.
        #expect(work.events <= count + 10)
    }

    @Test func workGrowsInProportionToTheInput() throws {
        let small = try YAMLReader.documentsCountingWork(Self.streamsList(10_000)).work
        let large = try YAMLReader.documentsCountingWork(Self.streamsList(80_000)).work
        // Eight times the items: at most about eight times the copies (quadratic would be 64 times).
        #expect(large.elementsCopied <= 8 * small.elementsCopied + 2 * 80_000)
        #expect(large.elementsCopied < 160_000)
    }

    @Test func nestedListsAreNotCopiedEither() throws {
        var text = "a:\n  b:\n"
        for index in 0..<20_000 { text += "  - [x\(index), y]\n" }
        let (documents, work) = try YAMLReader.documentsCountingWork(text)
        #expect(documents.first?["a"]?["b"]?.arrayValue?.count == 20_000)
        #expect(work.elementsCopied < 2 * 20_000 + 20_000)
    }

    @Test func aliasExpansionIsBounded() {
        // "Billion laughs": each level repeats the previous one ten times.
        var text = "l0: &l0 [x, x, x, x, x, x, x, x, x, x]\n"
        for level in 1...9 {
            text += "l\(level): &l\(level) [" + Array(repeating: "*l\(level - 1)", count: 10).joined(separator: ", ") + "]\n"
        }
        do {
            _ = try YAMLReader.documents(text)
            Issue.record("a billion-laughs document was read")
        } catch {
            #expect(error.problem.contains("nodes with aliases expanded"))
        }
    }

    @Test func ordinaryAliasesStillWork() throws {
        let document = try #require(try YAMLReader.documents("base: &b {db: 1}\nx: *b\ny: {<<: *b, db: 2}\n").first)
        #expect(document["x"]?["db"] == 1)
        #expect(document["y"]?["db"] == 2)
    }
}

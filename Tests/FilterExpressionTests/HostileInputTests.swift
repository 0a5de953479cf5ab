import FilterExpression
import Testing

/// Expressions come from users; none may crash the operator or exhaust a thread's stack.
@Suite struct HostileInputTests {
    private static let depth = FilterProgram.maximumDepth

    @Test(arguments: [
        String(repeating: "(", count: 100_000) + "1" + String(repeating: ")", count: 100_000),
        String(repeating: "!", count: 100_000) + "true",
        String(repeating: "not ", count: 50_000) + "true",
        String(repeating: "-", count: 100_000) + "1",
        String(repeating: "[", count: 100_000),
        "x" + String(repeating: "[0]", count: 100_000),
        "x" + String(repeating: ".a", count: 100_000),
        "1" + String(repeating: " + 1", count: 100_000),
        "true" + String(repeating: " && true", count: 100_000),
        String(repeating: "len(", count: 100_000) + "'a'" + String(repeating: ")", count: 100_000),
    ])
    func deepNestingIsASyntaxError(source: String) {
        let error = syntaxError(source)
        #expect(error?.message == "expression nests more than \(Self.depth) levels deep")
    }

    @Test func nestingUpToTheLimitWorks() throws {
        let nested = String(repeating: "(", count: 30) + "1" + String(repeating: ")", count: 30)
        #expect(try value(nested + " == 1") == .bool(true))
        let chain = "0" + String(repeating: " + 1", count: Self.depth - 2)
        #expect(try value(chain) == .int(Int64(Self.depth - 2)))
    }

    @Test func longFlatInputsParse() throws {
        let list = "[" + (0..<10_000).map(String.init).joined(separator: ",") + "]"
        #expect(try passes("9999 in " + list))
        let text = String(repeating: "x", count: 100_000)
        #expect(try passes("len('\(text)') == 100000"))
    }

    @Test func controlAndNULCharactersAreErrorsNotCrashes() {
        #expect(syntaxError("a \u{0} b")?.column == 3)
        #expect(syntaxError("\u{1}")?.message == "unexpected character '\\u{01}'")
    }
}

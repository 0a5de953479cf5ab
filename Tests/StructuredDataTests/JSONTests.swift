import Testing
@testable import StructuredData

@Suite struct JSONTests {
    @Test func parsesAndWritesKeepingKeyOrder() throws {
        let text = #"{"zeta":1,"alpha":[true,false,null],"mid":{"x":-2.5,"y":"s"}}"#
        let value = try JSONParser.parse(text)
        #expect(JSONWriter.string(value) == text)
        #expect(value["alpha"]?.arrayValue?.count == 3)
        #expect(value["mid"]?["x"]?.doubleValue == -2.5)
    }

    @Test func escapesControlCharactersQuotesAndNul() {
        let value: JSONValue = .string("a\"b\\c\n\t\u{0}\u{1f}é")
        #expect(JSONWriter.string(value) == #""a\"b\\c\n\t\u0000\u001fé""#)
    }

    @Test func decodesEscapesIncludingSurrogatePairs() throws {
        let value = try JSONParser.parse(#""\u00e9\ud83d\ude00\/\n""#)
        #expect(value.stringValue == "é😀/\n")
    }

    @Test func loneSurrogateBecomesReplacementCharacter() throws {
        #expect(try JSONParser.parse(#""\ud800x""#).stringValue == "\u{FFFD}x")
    }

    @Test func integersStayIntegersAndLargeNumbersBecomeDoubles() throws {
        #expect(try JSONParser.parse("42") == .int(42))
        #expect(try JSONParser.parse("1e3") == .double(1000))
        #expect(try JSONParser.parse("123456789012345678901234567890").doubleValue != nil)
    }

    @Test(arguments: [
        ("{", "expected a string key"), (#"{"a" 1}"#, "expected ':'"), ("[1,]", "unexpected character ']'"),
        ("tru", "invalid literal"), (#""abc"#, "unterminated string"), ("1 2", "unexpected data after the value"),
        ("\"a\u{1}\"", "control character in a string"), ("-", "expected a digit"),
    ])
    func reportsSyntaxErrors(input: String, problem: String) {
        #expect(throws: JSONSyntaxError.self) { try JSONParser.parse(input) }
        do {
            _ = try JSONParser.parse(input)
        } catch {
            #expect(error.problem.contains(problem), "\(error)")
        }
    }

    @Test func refusesHostileNestingInsteadOfCrashing() {
        let deep = String(repeating: "[", count: 100_000)
        #expect(throws: JSONSyntaxError.self) { try JSONParser.parse(deep) }
    }

    @Test func objectSetAndRemoveKeepOrder() {
        var object = JSONObject([("a", 1), ("b", 2), ("c", 3)])
        object["b"] = nil
        object["a"] = 10
        object["d"] = 4
        #expect(object.keys == ["a", "c", "d"])
        #expect(JSONWriter.string(.object(object)) == #"{"a":10,"c":3,"d":4}"#)
    }
}

@Suite struct MergePatchDiffTests {
    @Test func nullsRemovedKeysRecursesIntoMapsAndReplacesLists() {
        let old: JSONValue = ["a": 1, "gone": "x", "nested": ["keep": 1, "drop": 2, "change": 3], "list": [1, 2]]
        let new: JSONValue = ["a": 1, "nested": ["keep": 1, "change": 4], "list": [2], "added": true]
        let patch = MergePatchDiff.make(from: old, to: new)
        #expect(patch == ["gone": nil, "nested": ["drop": nil, "change": 4], "list": [2], "added": true])
    }

    @Test func withoutAnOldDocumentThePatchIsTheNewOne() {
        #expect(MergePatchDiff.make(from: nil, to: ["a": 1]) == ["a": 1])
    }
}

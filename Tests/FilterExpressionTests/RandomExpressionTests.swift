import FilterExpression
import Testing

/// Token soup from a fixed seed: whatever a user writes must parse or fail with a syntax error,
/// and whatever parses must evaluate or fail with an evaluation error, never trap.
@Suite struct RandomExpressionTests {
    /// SplitMix64, so the sequence is the same on every run and platform.
    private struct Generator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    private static let pieces = [
        "values", "metadata", "stream", ".", "?.", "kind", "[", "]", "(", ")", "{", "}", ",", ":", "?", "??", "#",
        "#index", "#acc", "..", "+", "-", "*", "/", "%", "**", "^", "==", "!=", "<", ">=", "&&", "||", "!", "not",
        "in", "matches", "contains", "startsWith", "|", "0", "1", "-9223372036854775807", "9223372036854775807", "2.5",
        "1e308", "'a'", "\"(a+)+$\"", "'\\u00e9'", "nil", "true", "len", "map", "filter", "reduce", "all", "count",
        "split", "join", "repeat", "replace", "int", "float", "string", "abs", "max", "sort", "keys", "toJSON",
        "fromJSON", "jsonpath", "'$.a[*]'", "toJson", "sprig.", "upper", "add", "div", "mod", "list", "dict", "until",
        "untilStep", "seq", "chunk", "slice", "substr", "trunc", "regexFindAll", "b64dec", "sha256sum", "date",
        "duration", "'1h'", "'2023-08-14'", "let", "x", "=", ";", "$env", " ",
    ]

    @Test func tenThousandRandomExpressionsNeverTrap() {
        var generator = Generator(state: 20_261_126)
        var parsed = 0
        var evaluated = 0
        for _ in 0..<10_000 {
            let length = Int.random(in: 1...14, using: &generator)
            let source = (0..<length).map { _ in Self.pieces.randomElement(using: &generator)! }.joined(separator: " ")
            guard let program = try? FilterProgram.parse(source) else { continue }
            parsed += 1
            if (try? program.value(in: sampleEnvironment, budget: FilterBudget(steps: 20_000))) != nil { evaluated += 1 }
        }
        // The soup must exercise both paths, or the test proves nothing.
        #expect(parsed > 100)
        #expect(evaluated > 50)
    }
}

import FilterExpression
import Testing

/// No expression, however hostile, may run unbounded: regular expressions hit PCRE2's limits,
/// everything else the step budget. Both are evaluation errors with a kind the adapter counts.
@Suite struct BoundedEvaluationTests {
    private static let hostileSubject = FilterEnvironment([
        "values": ["x": .string(String(repeating: "a", count: 22) + "!")]
    ])

    private func errorKind(_ source: String, in environment: FilterEnvironment = sampleEnvironment, budget: Int? = nil)
        throws -> FilterEvaluationError.Kind?
    {
        let program = try FilterProgram.parse(source)
        do {
            _ = try program.value(in: environment, budget: budget.map { FilterBudget(steps: $0) } ?? FilterBudget())
            return nil
        } catch {
            return error.kind
        }
    }

    @Test(arguments: [
        #"values.x matches "^(a+)+$""#,
        #"values.x matches ("^(a+)" + "+$")"#,
        #"sprig.regexMatch("^(a+)+$", values.x)"#,
        #"sprig.regexFind("^(a|a?)+$", values.x) == """#,
        #"sprig.regexReplaceAll("^(a+)+$", values.x, "") == """#,
    ])
    func catastrophicBacktrackingHitsTheMatchLimit(source: String) throws {
        #expect(try errorKind(source, in: Self.hostileSubject) == .regexLimitExceeded, "\(source)")
    }

    @Test func theSamePatternMatchesOrdinaryInput() throws {
        let environment = FilterEnvironment(["values": ["x": .string(String(repeating: "a", count: 22))]])
        #expect(try passes(#"values.x matches "^(a+)+$""#, in: environment))
        #expect(try !passes(#"values.x matches "^b""#, in: Self.hostileSubject))
    }

    @Test(arguments: [
        "len(1..1000000000) > 0",
        "len(map(1..2000, map(1..2000, #))) > 0",
        "count(1..100000, any(1..100000, # > 99999)) > 0",
        #"len(sprig.repeat(1000000000, "ab")) > 0"#,
        "len(sprig.until(1000000000)) > 0",
        "len(sprig.untilStep(-9223372036854775807, 9223372036854775807, 1)) > 0",
        #"len(reduce(1..100000, #acc + "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "")) > 0"#,
    ])
    func unboundedWorkExceedsTheBudget(source: String) throws {
        #expect(try errorKind(source) == .budgetExceeded, "\(source)")
    }

    @Test(arguments: [
        "reduce(1..100000, [#acc], [])",
        "reduce(1..100000, {{x: #acc}}, {})",
        "reduce(1..100000, sprig.list(#acc), [])",
    ])
    func deeplyNestedValuesAreRefused(source: String) throws {
        // Comparing, printing or releasing 100,000 levels would overflow the thread's stack.
        let kind = try errorKind(source)
        #expect(kind == .invalidOperation || kind == .budgetExceeded, "\(source)")
        #expect(try errorKind("len(reduce(1..50, [#acc], [])) == 1") == nil)
    }

    static let extremeArguments: [(String, FilterValue)] = [
        ("sprig.chunk(9223372036854775807, [1, 2])", [[1, 2]]),
        ("replace(\"abc\", \"\", \"x\", 9223372036854775807)", "xaxbxcx"),
        ("split(\"a,b\", \",\", -9223372036854775807 - 1)", ["a", "b"]),
        ("jsonpath(\"[1, 2, 3]\", \"$[0:3:9223372036854775807]\")", [1.0]),
        ("jsonpath(\"[1, 2, 3]\", \"$[-9223372036854775807:]\")", [1.0, 2.0, 3.0]),
        ("sprig.substr(9223372036854775807, 2, \"abc\")", ""),
        ("sprig.trunc(-9223372036854775807, \"abc\")", "abc"),
        ("get([1], -9223372036854775807 - 1)", nil),
        (#"fromJSON('"\\ud800\\u0041 \\ud83d\\ude00"')"#, "\u{FFFD}A 😀"),
        ("sprig.seq(1, 9223372036854775807, 9223372036854775807)", "1"),
    ]

    @Test(arguments: extremeArguments)
    func extremeArgumentsGiveAnswersNotCrashes(source: String, expected: FilterValue) throws {
        #expect(try value(source) == expected, "\(source)")
    }

    @Test(arguments: [
        "sprig.indent(2147483647, \"a\")",
        "sprig.repeat(9223372036854775807, \"ab\")",
        "replace(sprig.repeat(100000, \"a\"), \"\", sprig.repeat(1000, \"b\"))",
        "sprig.seq(-9223372036854775807, 9223372036854775807)",
    ])
    func hugeResultsAreChargedBeforeTheyAreBuilt(source: String) throws {
        #expect(try errorKind(source) == .budgetExceeded, "\(source)")
    }

    @Test func aSmallBudgetStopsEvenSimpleLoops() throws {
        #expect(try errorKind("all(1..100, # > 0)", budget: 50) == .budgetExceeded)
        #expect(try errorKind("all(1..10, # > 0)", budget: 200) == nil)
    }

    @Test func ordinaryErrorsHaveTheirOwnKind() throws {
        #expect(try errorKind("values.kind > 1") == .invalidOperation)
    }

    @Test func budgetIsPerEvaluation() throws {
        let program = try FilterProgram.parse("len(1..600000) > 0")
        // Each evaluation gets a fresh default budget, so the second is not starved by the first.
        #expect(try program.evaluate(sampleEnvironment))
        #expect(try program.evaluate(sampleEnvironment))
    }

    @Test(arguments: [
        (#""a\n" matches "a$""#, false),  // RE2: `$` is the end of text unless (?m)
        (#""a\n" matches "(?m)a$""#, true),
        (#""x9" matches "\\d""#, true),
        (#""٣" matches "\\d""#, false),  // RE2's \d is ASCII only
        (#""é" matches "^.$""#, true),  // one code point, not one byte
        (#""ABC" matches "(?i)abc""#, true),
        (#""a.b" matches "a\\.b""#, true),
        (#""ab" matches "(?P<first>a)b""#, true),
    ])
    func regularExpressionsMeanWhatRE2Means(source: String, expected: Bool) throws {
        #expect(try passes(source) == expected, "\(source)")
    }
}

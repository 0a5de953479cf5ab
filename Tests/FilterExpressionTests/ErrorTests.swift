import FilterExpression
import Testing

@Suite struct ErrorTests {
    @Test(arguments: [
        ("values.kind == 'a')", "unexpected token ')' at column 19"),
        ("values.kind ==", "unexpected end of expression at column 15"),
        ("", "empty expression at column 1"),
        ("   ", "empty expression at column 1"),
        ("values.kind = 'a'", "unexpected token '=' (did you mean '=='?) at column 13"),
        ("a & b", "unexpected character '&' (did you mean '&&'?) at column 3"),
        ("'open", "unterminated string at column 1"),
        ("x == \"open", "unterminated string at column 6"),
        ("'bad \\q'", "unknown escape '\\q' at column 6"),
        ("'\\u12'", "invalid \\u escape: expected 4 hex digits at column 2"),
        ("(1 + 2", "expected ')' to close '(' at column 1, found end of expression at column 7"),
        ("[1, 2", "expected ']' to close '[' at column 1, found end of expression at column 6"),
        ("values[1", "expected ']' to close '[' at column 7, found end of expression at column 9"),
        ("values.", "expected a field name after '.', found end of expression at column 8"),
        ("values.1", "unexpected token '.1' at column 7"),
        ("1 2", "unexpected token '2' at column 3"),
        ("a and", "unexpected end of expression at column 6"),
        ("in [1]", "unexpected token 'in' at column 1"),
        ("a not b", "unexpected token 'not' at column 3"),
        ("unknown(1)", "unknown function 'unknown' at column 1"),
        ("sprig.nosuch(1)", "unknown or unsupported sprig function 'nosuch' at column 7"),
        ("sprig.env('HOME')", "unknown or unsupported sprig function 'env' at column 7"),
        // Helm's `required` and a `mustDig` are not in sprig v3.3.0, so Argo has neither.
        ("sprig.required('x', values.kind)", "unknown or unsupported sprig function 'required' at column 7"),
        ("sprig.mustDig('a', 'none', {})", "unknown or unsupported sprig function 'mustDig' at column 7"),
        ("sprig", "sprig is a set of functions: write sprig.<function>(...) at column 1"),
        ("sprig.upper", "sprig.upper must be called: sprig.upper(...) at column 7"),
        ("# > 1", "cannot use pointer accessor outside closure at column 1"),
        ("1 ?? 2 + 3", "operator (+) and coalesce expressions (??) cannot be mixed; wrap either in parentheses at column 8"),
        ("true ? 1", "expected ':' in a ternary 'a ? b : c', found end of expression at column 9"),
        ("/* open", "unclosed comment at column 1"),
        ("{a 1}", "expected ':' after a map key, found token '1' at column 4"),
        ("'x' matches '(a)\\\\1'", "invalid regular expression '(a)\\1': backreference \\1 is not supported (RE2 syntax) at column 13"),
        ("'x' matches 'a(?=b)'", "invalid regular expression 'a(?=b)': lookahead (?= is not supported (RE2 syntax) at column 13"),
        ("len(1, 2)", "len() takes 1 argument, got 2 at column 1"),
        ("len()", "len() takes 1 argument, got 0 at column 1"),
        ("99999999999999999999 > 1", "integer '99999999999999999999' is too large at column 1"),
        ("x # y", "unexpected token '#' at column 3"),
        ("'a' == @", "unexpected character '@' at column 8"),
    ])
    func syntaxErrorsNameThePosition(source: String, expected: String) {
        #expect(syntaxError(source)?.description == expected, "\(source)")
    }

    @Test func invalidLiteralRegexIsASyntaxErrorAtThePattern() throws {
        let error = try #require(syntaxError("values.kind matches '(unclosed'"))
        #expect(error.column == 21)
        #expect(error.message.hasPrefix("invalid regular expression '(unclosed'"))
    }

    /// An unknown top-level name is listed (validation warns about it) and reads as nil, as in Argo.
    @Test func unknownNamesAreListedAndReadAsNil() throws {
        let known = try FilterProgram.parse("values.x == '1' && stream != ''", knownVariables: FilterProgram.redisStreamVariables)
        #expect(known.unknownNames.isEmpty)
        let typo = try FilterProgram.parse("value?.x == nil", knownVariables: FilterProgram.redisStreamVariables)
        #expect(typo.unknownNames.map(\.description)
            == ["unknown name 'value' reads as nil, as in Argo (known: message_id, metadata, stream, values) at column 1"])
        let environment = FilterEnvironment(["values": .map(["x": .string("1")])])
        #expect(try typo.evaluate(environment))
        // Reading a field of nil without `?.` is an evaluation error, as in expr.
        #expect(throws: FilterEvaluationError.self) {
            try FilterProgram.parse("value.x == '1'", knownVariables: FilterProgram.redisStreamVariables).evaluate(environment)
        }
    }

    @Test(arguments: [
        ("values.amount > 40", "cannot compare string with number at column 15"),
        ("values.missing < 1", "cannot compare nil with number at column 16"),
        ("[1] < [2]", "cannot compare list with list at column 5"),
        ("1 && true", "operator && needs booleans, got number at column 3"),
        ("false or 'x'", "operator || needs booleans, got string at column 7"),
        ("!values.kind", "operator ! needs a boolean, got string at column 1"),
        ("-values.kind", "operator - needs a number, got string at column 1"),
        ("values.kind + 1", "cannot apply + to string and number at column 13"),
        ("true * 2", "cannot apply * to boolean and number at column 6"),
        ("1.5 % 2", "operator % needs integers at column 5"),
        ("1 % 0", "integer division by zero in % at column 3"),
        ("9223372036854775807 + 1", "integer overflow in + at column 21"),
        ("values.missing.deeper", "cannot read 'deeper' from nil (use ?. to allow a missing value) at column 16"),
        ("values.kind.x", "cannot read 'x' from a string at column 13"),
        ("metadata.tags[3]", "index 3 out of range for a list of 3 at column 14"),
        ("metadata.tags['a']", "a list index must be an integer, got string at column 14"),
        ("metadata[1]", "a map key must be a string, got number at column 9"),
        ("1 in metadata", "a map key must be a string, got number at column 3"),
        ("'a' in 'abc'", "operator in needs a list or map on its right, got string at column 5"),
        ("1 contains 'a'", "operator contains needs two strings, got number and string at column 3"),
        ("metadata.count matches 'x'", "operator matches needs a string on its left, got number at column 16"),
        ("'a' matches ('(' + '')", "invalid regular expression '(': missing closing parenthesis at offset 1 at column 5"),
        // `not` binds looser than `*` but tighter than `+`, as in expr-lang: this is `(not 1) + 1`.
        ("not 1 + 1 == 3", "operator ! needs a boolean, got number at column 1"),
        ("len(3)", "len(): needs a string, list or map, got number at column 1"),
        ("asInt(values.price)", "asInt(): cannot convert '9.75' to an integer at column 1"),
        ("asInt(true)", "asInt(): needs a number or string, got boolean at column 1"),
        ("asFloat(values.kind)", "asFloat(): cannot convert 'created' to a number at column 1"),
        ("sprig.urlParse('http://[::1')", "sprig.urlParse(): unable to parse url: parse \"http://[::1\": missing ']' in host at column 1"),
        ("sprig.urlParse('http://h:x/')", "sprig.urlParse(): unable to parse url: parse \"http://h:x/\": invalid port \":x\" after host at column 1"),
        ("sprig.urlParse('1a:b')", "sprig.urlParse(): unable to parse url: parse \"1a:b\": first path segment in URL cannot contain colon at column 1"),
        ("sprig.urlParse(':x')", "sprig.urlParse(): unable to parse url: parse \":x\": missing protocol scheme at column 1"),
        ("sprig.urlParse('http://h/%zz')", "sprig.urlParse(): unable to parse url: parse \"http://h/%zz\": invalid URL escape \"%zz\" at column 1"),
        ("sprig.urlJoin({host: 1})", "sprig.urlJoin(): unable to parse host key, must be of type string, but int found at column 1"),
    ])
    func evaluationErrorsAreClear(source: String, expected: String) throws {
        let actual = try evaluationError(source)?.description
        #expect(actual == expected, "\(source) gave \(actual ?? "no error")")
    }

    @Test func aNonBooleanResultIsAnError() throws {
        do {
            _ = try passes("values.kind")
            Issue.record("a string passed as a filter result")
        } catch let error as FilterEvaluationError {
            #expect(error.message == "the filter must produce a boolean, got string")
        }
    }
}

import FilterExpression
import Testing

@Suite struct OperatorTests {
    @Test(arguments: [
        // equality, including expr-lang's "different kinds are unequal"
        "values.kind == 'created'", "values.kind != 'deleted'", "1 == 1.0", "metadata.count == 3",
        "'1' != 1", "nil == nil", "values.missing == nil", "values.kind != nil", "[1, 'a'] == [1.0, 'a']",
        "metadata.nested == metadata.nested", "true == true", "false != true",
        // ordering
        "1 < 2", "2 <= 2", "3 > 2.5", "2.5 >= 2.5", "'abc' < 'abd'", "'B' < 'a'", "'' < 'a'",
        "asInt(values.amount) > 40", "asFloat(values.price) < 10",
        // logic, both spellings
        "true && true", "true and true", "false || true", "false or true", "!false", "not false",
        "!(1 > 2)", "not (1 > 2) and true",
        // membership
        "values.kind in ['created', 'updated']", "'b' in metadata.tags", "2 in [1, 2.0]",
        "'tenant' in metadata", "'x' not in metadata", "5 not in [1, 2]", "'a' in nil == false",
        // strings
        "values.region startsWith 'eu-'", "values.region endsWith 'west'", "values.region contains 'u-w'",
        "values.region contains ''", "values.kind not contains 'x'", "values.kind not startsWith 'x'",
        "values.kind not endsWith 'x'", "values.quoted contains '\"hi\"'",
        "values.region matches '^eu-(west|east)$'", "values.region matches 'west'",
        "values.region not matches '^us'", "values.region matches ('^' + 'eu')",
        "message_id matches `^\\d+-\\d+$`",
        // arithmetic
        "1 + 2 == 3", "5 - 7 == -2", "6 * 7 == 42", "7 / 2 == 3.5", "7 % 3 == 1", "-7 % 3 == -1",
        "1.5 + 1 == 2.5", "2 * 0.5 == 1", "'a' + 'b' == 'ab'", "-metadata.ratio == -0.5", "+3 == 3",
        "values.kind + '!' == 'created!'",
        // functions
        "len(values.kind) == 7", "len(metadata.tags) == 3", "len(metadata) == 5",
        // Go's len counts bytes: ü and ï take two each.
        "len('ünï') == 5",
        "asInt('-12') == -12", "asInt(3.9) == 3", "asInt(7) == 7", "asFloat('2.5') == 2.5",
        "asFloat(2) == 2.0", "int('4') == 4", "float('4') == 4",
    ])
    func holds(source: String) throws {
        #expect(try passes(source), "\(source)")
    }

    @Test(arguments: [
        "values.kind == 'deleted'", "1 > 2", "'b' < 'a'", "true && false", "false and true", "false || false",
        "!true", "'z' in metadata.tags", "values.region startsWith 'us'", "values.region matches '^west'",
        "1 + 1 == 3", "'1' == 1", "values.missing != nil",
    ])
    func fails(source: String) throws {
        #expect(try !passes(source), "\(source)")
    }

    @Test func divisionAlwaysYieldsAFloat() throws {
        #expect(try value("6 / 3") == .float(2))
        #expect(try value("1 / 0") == .float(.infinity))
        #expect(try value("7 % 2") == .int(1))
        #expect(try value("2 * 3") == .int(6))
    }

    @Test func logicShortCircuits() throws {
        // The right side would be an error if it were evaluated.
        #expect(try !passes("false && values.kind > 1"))
        #expect(try passes("true || values.kind > 1"))
        #expect(try passes("values.missing != nil && values.missing.x == 1") == false)
    }

    @Test(arguments: [
        ("1 + 2 * 3", FilterValue.int(7)),
        ("(1 + 2) * 3", .int(9)),
        ("10 - 4 - 3", .int(3)),
        ("2 * 3 % 4", .int(2)),
        ("-2 * 3", .int(-6)),
        ("- (2 * 3)", .int(-6)),
        ("true || false && false", .bool(true)),
        ("(true || false) && false", .bool(false)),
        ("false and false or true", .bool(true)),
        ("1 + 1 == 2 && 'a' < 'b'", .bool(true)),
        ("!true == false", .bool(true)),
        ("not (2 > 3)", .bool(true)),
        ("!false == true", .bool(true)),
        ("!(true && false) == true", .bool(true)),
        ("'a' + 'b' in ['ab']", .bool(true)),
        ("1 < 2 == true", .bool(true)),
    ])
    func precedence(source: String, expected: FilterValue) throws {
        #expect(try value(source) == expected, "\(source)")
    }
}

import FilterExpression
import Testing

@Suite struct LiteralAndAccessTests {
    @Test(arguments: [
        ("42", FilterValue.int(42)),
        ("1_000", .int(1000)),
        ("0x1F", .int(31)),
        ("1.5", .float(1.5)),
        (".5", .float(0.5)),
        ("2e3", .float(2000)),
        ("1.5E-1", .float(0.15)),
        ("\"double\"", .string("double")),
        ("'single'", .string("single")),
        ("'it\\'s'", .string("it's")),
        ("\"tab\\tnew\\nline\"", .string("tab\tnew\nline")),
        ("'\\u00e9\\x41'", .string("éA")),
        ("`raw \\n`", .string("raw \\n")),
        ("'ünïcødé ✓'", .string("ünïcødé ✓")),
        ("true", .bool(true)),
        ("false", .bool(false)),
        ("nil", .null),
        ("[1, 'a', true,]", .list([.int(1), .string("a"), .bool(true)])),
        ("[]", .list([])),
    ])
    func literals(source: String, expected: FilterValue) throws {
        #expect(try value(source) == expected)
    }

    @Test(arguments: [
        ("stream", FilterValue.string("orders")),
        ("message_id", .string("1700000000000-0")),
        ("values.kind", .string("created")),
        ("values[\"kind\"]", .string("created")),
        ("values['with-dash']", .string("yes")),
        ("metadata.nested.deep", .bool(true)),
        ("metadata['nested']['deep']", .bool(true)),
        ("metadata.tags[0]", .string("a")),
        ("metadata.tags[-1]", .string("c")),
        ("metadata.tags[1 + 1]", .string("c")),
        ("values.missing", .null),
        ("unknownVariable", .null),
        ("values.missing?.deeper", .null),
        ("(values).kind", .string("created")),
        ("values['ki' + 'nd']", .string("created")),
    ])
    func access(source: String, expected: FilterValue) throws {
        #expect(try value(source) == expected)
    }

    @Test func keywordsMayNameFields() throws {
        let environment = FilterEnvironment(["values": ["in": "x", "not": "y", "true": "z"]])
        #expect(try value("values.in + values.not + values.true", in: environment) == .string("xyz"))
    }

    @Test func argoEnvironmentReplacesDashesInTopLevelKeysOnly() {
        let environment = FilterEnvironment.argo(["message-id": "1-0", "values": ["a-b": "c"]])
        #expect(environment.variables.keys.sorted() == ["message_id", "values"])
        #expect(environment["values"] == ["a-b": "c"])
        #expect(FilterEnvironment.argoVariableName("x-y-z") == "x_y_z")
    }

    @Test func stringsFromInvalidUTF8CompareByTheirReplacementCharacters() throws {
        // Redis values are bytes; the adapter decodes them leniently, so invalid bytes
        // arrive as U+FFFD and must still compare, search and count predictably.
        let decoded = String(decoding: [0x61, 0xFF, 0x62, 0xC3] as [UInt8], as: UTF8.self)
        let environment = FilterEnvironment(["values": ["raw": .string(decoded)]])
        #expect(try passes("values.raw == 'a\\uFFFDb\\uFFFD'", in: environment))
        #expect(try passes("values.raw startsWith 'a\u{FFFD}'", in: environment))
        #expect(try passes("values.raw contains '\u{FFFD}b'", in: environment))
        // Bytes, as Go counts them: U+FFFD takes three.
        #expect(try value("len(values.raw)", in: environment) == .int(8))
        #expect(try passes("values.raw matches '^a.b.$'", in: environment))
    }

    @Test func stringsCompareByteForByteNotByCanonicalEquivalence() throws {
        // "é" precomposed versus "e" + combining acute: equal to Swift, different to Go.
        let environment = FilterEnvironment(["values": ["name": "caf\u{E9}"]])
        #expect(try passes("values.name == 'caf\\u00e9'", in: environment))
        #expect(try !passes("values.name == 'cafe\\u0301'", in: environment))
        #expect(try !passes("values.name endsWith '\\u0301'", in: environment))
    }

    @Test func regularExpressionsMatchCodePointsLikeGo() throws {
        let environment = FilterEnvironment(["values": ["name": "cafe\u{301}"]])
        // Five code points, four grapheme clusters: Go sees "cafe" plus a combining accent.
        #expect(try passes("values.name matches '^cafe.$'", in: environment))
        #expect(try passes("values.name matches '^caf.$'", in: environment) == false)
        #expect(try passes("values.name matches ('^caf' + '.$')", in: environment) == false)
    }
}

/// Argo's pkg/shared/expr Expand and removeConflicts, applied to the top level of the event data.
@Suite struct ArgoEnvironmentTests {
    @Test func dottedTopLevelKeysExpandIntoNestedMaps() {
        let environment = FilterEnvironment.argo(["a.b": 1, "a.c.d": 2, "a": 3, "ab": 4, "abb": 5])
        #expect(environment.variables == ["a": ["b": 1, "c": ["d": 2]], "ab": 4, "abb": 5])
    }

    @Test func withoutConflictsEveryKeyStays() {
        let environment = FilterEnvironment.argo(["a": 1, "b": 2, "c.d": 3])
        #expect(environment.variables == ["a": 1, "b": 2, "c": ["d": 3]])
    }

    @Test func dashesAreReplacedBeforeExpansion() {
        let environment = FilterEnvironment.argo(["x-y.z-w": "v"])
        #expect(environment.variables == ["x_y": ["z_w": "v"]])
    }

    @Test func nestedDottedKeysStayAsTheyAre() throws {
        let environment = FilterEnvironment.argo(["values": ["a.b": "c"]])
        #expect(try value(#"values["a.b"]"#, in: environment) == "c")
        #expect(try value("values.a", in: environment) == .null)
    }
}

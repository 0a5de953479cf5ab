import Foundation
import FilterExpression
import Testing

/// Every function sprig v3.3.0 offers (the version Argo Events builds with) is either implemented
/// here or listed in docs/configuration.md as not available, and nothing else is offered: a filter
/// that works here works in Argo, and a function a user looks for is either there or named as missing.
@Suite struct SprigCoverageTests {
    /// The keys of `genericMap` in sprig v3.3.0's functions.go (the commented-out gt/gte/lt/lte left out).
    static let sprigV3_3_0 = Set("""
        abbrev abbrevboth add add1 add1f addf adler32sum ago all any append atoi b32dec b32enc b64dec b64enc base bcrypt
        biggest buildCustomCert camelcase cat ceil chunk clean coalesce compact concat contains date dateInZone dateModify
        decryptAES deepCopy deepEqual default derivePassword dict dig dir div divf duration durationRound empty encryptAES
        env expandenv ext fail first float64 floor fromJson genCA genCAWithKey genPrivateKey genSelfSignedCert
        genSelfSignedCertWithKey genSignedCert genSignedCertWithKey get getHostByName has hasKey hasPrefix hasSuffix hello
        htmlDate htmlDateInZone htpasswd indent initial initials int int64 isAbs join kebabcase keys kindIs kindOf last list
        lower max maxf merge mergeOverwrite min minf mod mul mulf mustAppend mustChunk mustCompact mustDateModify
        mustDeepCopy mustFirst mustFromJson mustHas mustInitial mustLast mustMerge mustMergeOverwrite mustPrepend mustPush
        mustRegexFind mustRegexFindAll mustRegexMatch mustRegexReplaceAll mustRegexReplaceAllLiteral mustRegexSplit mustRest
        mustReverse mustSlice mustToDate mustToJson mustToPrettyJson mustToRawJson mustUniq mustWithout nindent nospace now
        omit osBase osClean osDir osExt osIsAbs pick pluck plural prepend push quote randAlpha randAlphaNum randAscii
        randBytes randInt randNumeric regexFind regexFindAll regexMatch regexQuoteMeta regexReplaceAll
        regexReplaceAllLiteral regexSplit repeat replace rest reverse round semver semverCompare seq set sha1sum sha256sum
        sha512sum shuffle slice snakecase sortAlpha split splitList splitn squote sub subf substr swapcase ternary title
        toDate toDecimal toJson toPrettyJson toRawJson toString toStrings trim trimAll trimPrefix trimSuffix trimall trunc
        tuple typeIs typeIsLike typeOf uniq unixEpoch unset until untilStep untitle upper urlJoin urlParse uuidv4 values
        without wrap wrapWith
        """.split(whereSeparator: \.isWhitespace).map(String.init))

    /// Names a user might try that sprig v3.3.0 does not have (Helm's `required`, a `mustDig`).
    static let notSprig = ["required", "mustDig", "gt", "lte", "nosuch"]

    static func isImplemented(_ name: String) -> Bool {
        do {
            _ = try FilterProgram.parse("sprig.\(name)()")
            return true
        } catch {
            return !error.message.hasPrefix("unknown or unsupported sprig function")
        }
    }

    static let configurationPage = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("docs/configuration.md")

    /// The names in the docs' "Sprig functions not available" paragraph.
    static func documentedAsNotAvailable() throws -> Set<String> {
        let page = try String(contentsOf: configurationPage, encoding: .utf8)
        let marker = "**Sprig functions not available**"
        let paragraph = try #require(page.components(separatedBy: "\n\n").first { $0.contains(marker) }, "no \(marker) in the docs")
        let spans = paragraph.components(separatedBy: "`").enumerated().filter { $0.offset % 2 == 1 }.map(\.element)
        return Set(spans.flatMap { $0.split(whereSeparator: \.isWhitespace).map(String.init) })
    }

    /// The names the docs' **Sprig** bullets list as available.
    static func documentedAsAvailable() throws -> Set<String> {
        let page = try String(contentsOf: configurationPage, encoding: .utf8)
        let section = try #require(page.components(separatedBy: "**Sprig**").dropFirst().first)
        let bullets = section.components(separatedBy: "\n\n").first ?? ""
        // Each bullet's first code span is its list of functions.
        return Set(bullets.split(separator: "\n").filter { $0.hasPrefix("- ") }.flatMap { line in
            line.components(separatedBy: "`").dropFirst().first?.split(whereSeparator: \.isWhitespace).map(String.init) ?? []
        }.filter { !$0.contains("…") })
    }

    @Test func everySprigFunctionIsImplementedOrDocumentedAsNotAvailable() throws {
        let missing = try Self.documentedAsNotAvailable()
        for name in Self.sprigV3_3_0.sorted() {
            let implemented = Self.isImplemented(name)
            #expect(implemented != missing.contains(name),
                "sprig.\(name): \(implemented ? "implemented, yet listed as not available" : "neither implemented nor listed as not available")")
        }
        let offered = FilterProgram.sprigFunctionNames
        #expect(offered.subtracting(Self.sprigV3_3_0).isEmpty, "offered, but not in sprig v3.3.0: \(offered.subtracting(Self.sprigV3_3_0).sorted())")
        #expect(offered.allSatisfy(Self.isImplemented))
        #expect(missing.isSubset(of: Self.sprigV3_3_0), "listed as not available but not in sprig v3.3.0: \(missing.subtracting(Self.sprigV3_3_0).sorted())")
    }

    @Test func theDocumentedFunctionsAreImplemented() throws {
        let listed = try Self.documentedAsAvailable()
        #expect(listed.count > 100, "the docs' sprig lists were not found")
        for name in listed.sorted() { #expect(Self.isImplemented(name), "the docs list sprig.\(name), which is not implemented") }
    }

    @Test(arguments: notSprig)
    func namesSprigDoesNotHaveAreNotOffered(_ name: String) {
        #expect(!Self.isImplemented(name), "sprig.\(name) is offered here but sprig v3.3.0 has no such function")
    }
}

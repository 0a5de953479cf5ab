import CPCRE2

/// A regular expression compiled once by PCRE2, matched with PCRE2's match and depth limits so
/// that no pattern, however hostile (`^(a+)+$` against `aaaa…!`), can run for long: hitting a
/// limit is an error of kind `regexLimitExceeded`, never a hung thread.
///
/// Syntax is checked against Go's RE2 (what Argo's `matches` uses) by `RE2Syntax` before PCRE2
/// sees it, so backreferences, lookaround and other backtracking-only constructs are rejected as
/// Argo rejects them. Options bring PCRE2 close to RE2's meaning: UTF-8, `$` only at the very end
/// unless `(?m)`, and ASCII-only `\d \w \s \b` (RE2's default too).
///
/// PCRE2 documents compiled patterns and match contexts as safe to share while unmodified.
/// @unchecked Sendable: the compiler cannot see that the two PCRE2 pointers are read-only after `init`.
final class FilterRegex: @unchecked Sendable {
    /// Backtracking steps one match may take; generous for real patterns, far below what an
    /// exponential pattern needs on a few dozen characters.
    static let matchLimit: UInt32 = 1_000_000
    /// Nesting of backtracking frames; bounds PCRE2's heap use per match.
    static let depthLimit: UInt32 = 10_000

    let pattern: String
    private let code: OpaquePointer
    private let context: OpaquePointer

    /// Why a pattern does not compile, with the offset into the pattern PCRE2 or the RE2 check reports.
    struct CompileError: Error, CustomStringConvertible {
        let message: String
        var description: String { message }
    }

    init(_ pattern: String) throws(CompileError) {
        self.pattern = pattern
        if let problem = RE2Syntax.unsupportedConstruct(in: pattern) {
            throw CompileError(message: problem)
        }
        var errorCode: Int32 = 0
        var errorOffset = 0
        let options = UInt32(PCRE2_UTF) | UInt32(PCRE2_DOLLAR_ENDONLY) | UInt32(PCRE2_NEVER_BACKSLASH_C)
        let compiled = pattern.utf8CString.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: UInt8.self) { bytes in
                pcre2_compile_8(bytes.baseAddress, bytes.count - 1, options, &errorCode, &errorOffset, nil)
            }
        }
        guard let compiled else {
            throw CompileError(message: "\(Self.message(for: errorCode)) at offset \(errorOffset)")
        }
        guard let matchContext = pcre2_match_context_create_8(nil) else {
            pcre2_code_free_8(compiled)
            throw CompileError(message: "out of memory")
        }
        pcre2_set_match_limit_8(matchContext, Self.matchLimit)
        pcre2_set_depth_limit_8(matchContext, Self.depthLimit)
        code = compiled
        context = matchContext
    }

    deinit {
        pcre2_match_context_free_8(context)
        pcre2_code_free_8(code)
    }

    /// Why a match could not finish.
    enum MatchFailure: Error {
        case limitExceeded
        case failed(String)
    }

    /// The byte ranges of the whole match and of each group (nil for a group that took no part),
    /// for the first match at or after `offset` bytes into `text`; nil when there is none.
    func match(_ text: String, from offset: Int = 0) throws(MatchFailure) -> [Range<Int>?]? {
        var text = text
        let result: Result<[Range<Int>?]?, MatchFailure> = text.withUTF8 { bytes in
            guard let matchData = pcre2_match_data_create_from_pattern_8(code, nil) else {
                return .failure(.failed("out of memory"))
            }
            defer { pcre2_match_data_free_8(matchData) }
            // An empty Swift buffer may have no base address; PCRE2 needs a pointer even for "".
            let empty: [UInt8] = [0]
            let rc = empty.withUnsafeBufferPointer { fallback in
                pcre2_match_8(
                    code, bytes.baseAddress ?? fallback.baseAddress, bytes.count, offset,
                    UInt32(PCRE2_NO_UTF_CHECK), matchData, context)
            }
            if rc == PCRE2_ERROR_NOMATCH { return .success(nil) }
            if rc == PCRE2_ERROR_MATCHLIMIT || rc == PCRE2_ERROR_DEPTHLIMIT || rc == PCRE2_ERROR_HEAPLIMIT {
                return .failure(.limitExceeded)
            }
            guard rc >= 0 else { return .failure(.failed(Self.message(for: rc))) }
            let pairs = Int(pcre2_get_ovector_count_8(matchData))
            let ovector = pcre2_get_ovector_pointer_8(matchData)!
            var ranges: [Range<Int>?] = []
            for index in 0..<pairs {
                let start = ovector[2 * index]
                let end = ovector[2 * index + 1]
                ranges.append(start == Self.PCRE2_UNSET_VALUE || end < start ? nil : Int(start)..<Int(end))
            }
            return .success(ranges)
        }
        return try result.get()
    }

    /// Every non-overlapping match, as Go's FindAll finds them: an empty match right after the
    /// previous match is skipped, and the search moves on by one character after an empty match.
    func allMatches(_ text: String, limit: Int = -1, budget: FilterBudget, column: Int)
        throws(FilterEvaluationError) -> [[Range<Int>?]]
    {
        var found: [[Range<Int>?]] = []
        var offset = 0
        var previousEnd = -1
        let bytes = Array(text.utf8)
        while offset <= bytes.count, limit < 0 || found.count < limit {
            try budget.charge(1 + bytes.count / 256, column: column)
            guard let groups = try checkedMatch(text, from: offset, column: column), let whole = groups[0] else { break }
            if whole.isEmpty {
                if whole.lowerBound != previousEnd { found.append(groups) }
                offset = Self.nextCharacter(after: whole.lowerBound, in: bytes)
            } else {
                found.append(groups)
                offset = whole.upperBound
            }
            previousEnd = whole.upperBound
        }
        return found
    }

    /// `match` with failures turned into filter errors at `column`.
    func checkedMatch(_ text: String, from offset: Int = 0, column: Int) throws(FilterEvaluationError)
        -> [Range<Int>?]?
    {
        do {
            return try match(text, from: offset)
        } catch {
            switch error {
            case .limitExceeded:
                throw FilterEvaluationError(
                    "regular expression '\(pattern)' exceeded its match limit on this input", column: column,
                    kind: .regexLimitExceeded)
            case .failed(let message):
                throw FilterEvaluationError("regular expression '\(pattern)' failed: \(message)", column: column)
            }
        }
    }

    private static func nextCharacter(after offset: Int, in bytes: [UInt8]) -> Int {
        var next = offset + 1
        while next < bytes.count, bytes[next] & 0xC0 == 0x80 { next += 1 }
        return next
    }

    private static let PCRE2_UNSET_VALUE = ~Int(0)

    private static func message(for code: Int32) -> String {
        var buffer = [UInt8](repeating: 0, count: 256)
        let length = pcre2_get_error_message_8(code, &buffer, buffer.count)
        guard length > 0 else { return "PCRE2 error \(code)" }
        return String(decoding: buffer[0..<Int(length)], as: UTF8.self)
    }
}

/// One lexical unit of an expression. Keywords (`and`, `in`, `true`, ...) arrive as
/// identifiers: whether `in` is an operator or a field name depends on where it stands.
struct FilterToken: Sendable, Equatable {
    enum Kind: Sendable, Equatable {
        case identifier(String)
        case integer(Int64)
        case float(Double)
        case string(String)
        /// Operators and brackets, e.g. `==`, `?.`, `(`.
        case symbol(String)
        case end
    }

    let kind: Kind
    /// 1-based, in Unicode scalars.
    let column: Int
    /// The source text, for error messages.
    let text: String

    var isEnd: Bool { kind == .end }

    func isSymbol(_ symbol: String) -> Bool { kind == .symbol(symbol) }

    func isWord(_ word: String) -> Bool { kind == .identifier(word) }

    var word: String? {
        if case .identifier(let name) = kind { return name }
        return nil
    }

    /// How an error message names this token.
    var quoted: String {
        isEnd ? "end of expression" : "token '\(text)'"
    }
}

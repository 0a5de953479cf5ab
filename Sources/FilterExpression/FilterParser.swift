/// Precedence climbing over the token list. Recursion depth and tree height are both capped
/// at `maximumDepth`, so hostile input (`((((...`, `!!!!...`, `a+a+a+...`) is a syntax error,
/// not a stack overflow in the parser or later in the evaluator.
struct FilterParser {
    private let tokens: [FilterToken]
    private let knownVariables: Set<String>?
    private let maximumDepth: Int
    private var position = 0
    private var depth = 0

    init(tokens: [FilterToken], knownVariables: Set<String>?, maximumDepth: Int) {
        self.tokens = tokens
        self.knownVariables = knownVariables
        self.maximumDepth = maximumDepth
    }

    static func parse(
        _ source: String, knownVariables: Set<String>?, maximumDepth: Int
    ) throws(FilterSyntaxError) -> FilterNode {
        let tokens = try FilterTokenizer.tokens(of: source)
        if tokens.count == 1 { throw FilterSyntaxError("empty expression", column: 1) }
        var parser = FilterParser(tokens: tokens, knownVariables: knownVariables, maximumDepth: maximumDepth)
        let root = try parser.expression(minimumPrecedence: 0)
        guard parser.current.isEnd else { throw parser.unexpected(parser.current) }
        return root
    }

    private var current: FilterToken { tokens[position] }

    private func lookahead(_ offset: Int) -> FilterToken {
        tokens[min(position + offset, tokens.count - 1)]
    }

    private mutating func advance() -> FilterToken {
        let token = tokens[position]
        if !token.isEnd { position += 1 }
        return token
    }

    private func unexpected(_ token: FilterToken) -> FilterSyntaxError {
        FilterSyntaxError("unexpected \(token.quoted)", column: token.column)
    }

    private mutating func expect(_ symbol: String, closing opener: FilterToken) throws(FilterSyntaxError) {
        guard current.isSymbol(symbol) else {
            throw FilterSyntaxError(
                "expected '\(symbol)' to close '\(opener.text)' at column \(opener.column), found \(current.quoted)",
                column: current.column)
        }
        _ = advance()
    }

    private mutating func enter(_ token: FilterToken) throws(FilterSyntaxError) {
        depth += 1
        if depth > maximumDepth { throw tooDeep(token) }
    }

    private func tooDeep(_ token: FilterToken) -> FilterSyntaxError {
        FilterSyntaxError("expression nests more than \(maximumDepth) levels deep", column: token.column)
    }

    private func node(_ kind: FilterNode.Kind, at token: FilterToken, children: [FilterNode]) throws(FilterSyntaxError)
        -> FilterNode
    {
        let built = FilterNode(kind, column: token.column, children: children)
        if built.height > maximumDepth { throw tooDeep(token) }
        return built
    }

    /// The binary operator at the cursor, with `not` for `not in` and friends, and how many tokens it spans.
    private func binaryOperator() -> (FilterBinaryOperator, negated: Bool, length: Int)? {
        if current.isWord("not"), let next = FilterBinaryOperator.spelled(lookahead(1)), next.isNegatable {
            return (next, true, 2)
        }
        guard let spelled = FilterBinaryOperator.spelled(current) else { return nil }
        return (spelled, false, 1)
    }

    private mutating func expression(minimumPrecedence: Int) throws(FilterSyntaxError) -> FilterNode {
        try enter(current)
        defer { depth -= 1 }
        var left = try unary()
        while let (op, negated, length) = binaryOperator(), op.precedence >= minimumPrecedence {
            let operatorToken = current
            for _ in 0..<length { _ = advance() }
            let right = try expression(minimumPrecedence: op.precedence + 1)
            var combined: FilterNode
            if op == .matches, case .literal(.string(let pattern)) = right.kind {
                combined = try node(
                    .matchesPattern(left, try compile(pattern, at: right.column)), at: operatorToken, children: [left])
            } else {
                combined = try node(.binary(op, left, right), at: operatorToken, children: [left, right])
            }
            if negated {
                combined = try node(.unary(.not, combined), at: operatorToken, children: [combined])
            }
            left = combined
        }
        return left
    }

    private func compile(_ pattern: String, at column: Int) throws(FilterSyntaxError) -> RegexPattern {
        do {
            return try RegexPattern(pattern)
        } catch {
            throw FilterSyntaxError("invalid regular expression '\(pattern)': \(error)", column: column)
        }
    }

    private mutating func unary() throws(FilterSyntaxError) -> FilterNode {
        let token = current
        let op: FilterUnaryOperator?
        let precedence: Int
        switch token.kind {
        case .symbol("!"), .identifier("not"): (op, precedence) = (.not, 50)
        case .symbol("-"): (op, precedence) = (.negate, 90)
        case .symbol("+"): (op, precedence) = (.plus, 90)
        default: (op, precedence) = (nil, 0)
        }
        guard let op else { return try postfix(try primary()) }
        _ = advance()
        let operand = try expression(minimumPrecedence: precedence)
        return try node(.unary(op, operand), at: token, children: [operand])
    }

    private mutating func postfix(_ base: FilterNode) throws(FilterSyntaxError) -> FilterNode {
        var result = base
        while true {
            let token = current
            if token.isSymbol(".") || token.isSymbol("?.") {
                _ = advance()
                let nameToken = advance()
                guard let name = nameToken.word else {
                    throw FilterSyntaxError(
                        "expected a field name after '\(token.text)', found \(nameToken.quoted)", column: nameToken.column)
                }
                let key = FilterNode(.literal(.string(name)), column: nameToken.column)
                result = try node(
                    .member(base: result, key: key, optional: token.isSymbol("?.")), at: token, children: [result])
            } else if token.isSymbol("[") {
                _ = advance()
                try enter(token)
                let key = try expression(minimumPrecedence: 0)
                depth -= 1
                try expect("]", closing: token)
                result = try node(.member(base: result, key: key, optional: false), at: token, children: [result, key])
            } else {
                return result
            }
        }
    }

    private mutating func primary() throws(FilterSyntaxError) -> FilterNode {
        let token = advance()
        switch token.kind {
        case .integer(let number): return FilterNode(.literal(.int(number)), column: token.column)
        case .float(let number): return FilterNode(.literal(.float(number)), column: token.column)
        case .string(let text): return FilterNode(.literal(.string(text)), column: token.column)
        case .symbol("("):
            let inner = try expression(minimumPrecedence: 0)
            try expect(")", closing: token)
            return inner
        case .symbol("["):
            return try listLiteral(opener: token)
        case .identifier(let name):
            return try identifier(name, token: token)
        default:
            throw unexpected(token)
        }
    }

    private mutating func identifier(_ name: String, token: FilterToken) throws(FilterSyntaxError) -> FilterNode {
        switch name {
        case "true": return FilterNode(.literal(.bool(true)), column: token.column)
        case "false": return FilterNode(.literal(.bool(false)), column: token.column)
        case "nil": return FilterNode(.literal(.null), column: token.column)
        case "and", "or", "in", "matches", "contains", "startsWith", "endsWith":
            throw unexpected(token)
        default: break
        }
        if current.isSymbol("(") {
            return try call(name, token: token)
        }
        if let knownVariables, !knownVariables.contains(name) {
            let known = knownVariables.sorted().joined(separator: ", ")
            throw FilterSyntaxError("unknown name '\(name)' (known: \(known))", column: token.column)
        }
        return FilterNode(.variable(name), column: token.column)
    }

    private mutating func call(_ name: String, token: FilterToken) throws(FilterSyntaxError) -> FilterNode {
        guard let function = FilterFunction(named: name) else {
            let known = FilterFunction.allCases.map(\.rawValue).joined(separator: ", ")
            throw FilterSyntaxError("unknown function '\(name)' (known: \(known))", column: token.column)
        }
        let opener = advance()
        let arguments = try commaSeparated(until: ")", opener: opener)
        guard arguments.count == function.argumentCount else {
            throw FilterSyntaxError(
                "\(name)() takes \(function.argumentCount) argument, got \(arguments.count)", column: token.column)
        }
        return try node(.call(function, arguments), at: token, children: arguments)
    }

    private mutating func listLiteral(opener: FilterToken) throws(FilterSyntaxError) -> FilterNode {
        let items = try commaSeparated(until: "]", opener: opener)
        return try node(.list(items), at: opener, children: items)
    }

    /// Items up to the closing symbol; a trailing comma is allowed, as expr-lang allows it.
    private mutating func commaSeparated(until closer: String, opener: FilterToken) throws(FilterSyntaxError)
        -> [FilterNode]
    {
        var items: [FilterNode] = []
        while !current.isSymbol(closer) {
            items.append(try expression(minimumPrecedence: 0))
            guard current.isSymbol(",") else { break }
            _ = advance()
        }
        try expect(closer, closing: opener)
        return items
    }
}

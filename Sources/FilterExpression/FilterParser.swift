/// Precedence climbing over the token list, following expr-lang v1.15's parser (the version
/// Argo Events pins). Recursion depth and tree height are both capped at `maximumDepth`, so
/// hostile input (`((((...`, `!!!!...`, `a+a+a+...`) is a syntax error, not a stack overflow
/// in the parser or later in the evaluator.
struct FilterParser {
    private let tokens: [FilterToken]
    private let knownVariables: Set<String>?
    private let maximumDepth: Int
    private var position = 0
    private var depth = 0
    /// Predicates enclosing the cursor; `#` and `.field` are only valid inside one.
    private var closureDepth = 0
    /// Names bound by enclosing `let`s.
    private var boundNames: [String] = []
    /// Regular expressions written as literals, compiled once here.
    private(set) var patterns: [String: FilterRegex] = [:]
    /// Top-level names outside `knownVariables`, in the order written.
    private(set) var unknownNames: [FilterProgram.UnknownName] = []

    init(tokens: [FilterToken], knownVariables: Set<String>?, maximumDepth: Int) {
        self.tokens = tokens
        self.knownVariables = knownVariables
        self.maximumDepth = maximumDepth
    }

    static func parse(
        _ source: String, knownVariables: Set<String>?, maximumDepth: Int
    ) throws(FilterSyntaxError) -> (FilterNode, [String: FilterRegex], [FilterProgram.UnknownName]) {
        let tokens = try FilterTokenizer.tokens(of: source)
        if tokens.count == 1 { throw FilterSyntaxError("empty expression", column: 1) }
        var parser = FilterParser(tokens: tokens, knownVariables: knownVariables, maximumDepth: maximumDepth)
        let root = try parser.expression(minimumPrecedence: 0)
        guard parser.current.isEnd else { throw parser.unexpected(parser.current) }
        return (root, parser.patterns, parser.unknownNames)
    }

    private var current: FilterToken { tokens[position] }

    private func lookahead(_ offset: Int) -> FilterToken {
        tokens[min(position + offset, tokens.count - 1)]
    }

    @discardableResult
    private mutating func advance() -> FilterToken {
        let token = tokens[position]
        if !token.isEnd { position += 1 }
        return token
    }

    private func unexpected(_ token: FilterToken) -> FilterSyntaxError {
        let hint = token.isSymbol("=") ? " (did you mean '=='?)" : ""
        return FilterSyntaxError("unexpected \(token.quoted)\(hint)", column: token.column)
    }

    private mutating func expect(_ symbol: String, closing opener: FilterToken) throws(FilterSyntaxError) {
        guard current.isSymbol(symbol) else {
            throw FilterSyntaxError(
                "expected '\(symbol)' to close '\(opener.text)' at column \(opener.column), found \(current.quoted)",
                column: current.column)
        }
        advance()
    }

    private mutating func expect(_ symbol: String, after what: String) throws(FilterSyntaxError) {
        guard current.isSymbol(symbol) else {
            throw FilterSyntaxError("expected '\(symbol)' \(what), found \(current.quoted)", column: current.column)
        }
        advance()
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
        if minimumPrecedence == 0, current.isWord("let") {
            return try binding()
        }
        var left = try unary()
        var previous: FilterBinaryOperator?
        while true {
            if current.isSymbol("|") {
                // The pipe binds loosest of all: only an expression at the top of its level takes it.
                guard minimumPrecedence == 0 else { break }
                advance()
                left = try pipe(into: left)
                previous = nil
                continue
            }
            guard let (op, negated, length) = binaryOperator(), op.precedence >= minimumPrecedence else { break }
            let operatorToken = current
            if previous == .coalesce, op != .coalesce {
                throw FilterSyntaxError(
                    "operator (\(op.rawValue)) and coalesce expressions (??) cannot be mixed; wrap either in parentheses",
                    column: operatorToken.column)
            }
            for _ in 0..<length { advance() }
            let right = try expression(minimumPrecedence: op.isRightAssociative ? op.precedence : op.precedence + 1)
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
            previous = op
        }
        if minimumPrecedence == 0 {
            left = try conditional(left)
        }
        return left
    }

    /// `cond ? a : b`, and `a ?: b`, right after a complete expression.
    private mutating func conditional(_ condition: FilterNode) throws(FilterSyntaxError) -> FilterNode {
        var result = condition
        while current.isSymbol("?") {
            let question = advance()
            if current.isSymbol(":") {
                advance()
                let otherwise = try expression(minimumPrecedence: 0)
                result = try node(.conditional(result, result, otherwise), at: question, children: [result, otherwise])
            } else {
                let then = try expression(minimumPrecedence: 0)
                try expect(":", after: "in a ternary 'a ? b : c'")
                let otherwise = try expression(minimumPrecedence: 0)
                result = try node(.conditional(result, then, otherwise), at: question, children: [result, then, otherwise])
            }
        }
        return result
    }

    /// `let name = value; body`.
    private mutating func binding() throws(FilterSyntaxError) -> FilterNode {
        let letToken = advance()
        let nameToken = advance()
        guard let name = nameToken.word else {
            throw FilterSyntaxError("expected a variable name after 'let', found \(nameToken.quoted)", column: nameToken.column)
        }
        try expect("=", after: "after 'let \(name)'")
        let value = try expression(minimumPrecedence: 0)
        try expect(";", after: "after the value of 'let \(name)'")
        boundNames.append(name)
        defer { boundNames.removeLast() }
        let body = try expression(minimumPrecedence: 0)
        return try node(.binding(name: name, value: value, body: body), at: letToken, children: [value, body])
    }

    private func compile(_ pattern: String, at column: Int) throws(FilterSyntaxError) -> FilterRegex {
        do {
            return try FilterRegex(pattern)
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
        advance()
        let operand = try expression(minimumPrecedence: precedence)
        return try postfix(try node(.unary(op, operand), at: token, children: [operand]))
    }

    private mutating func postfix(_ base: FilterNode) throws(FilterSyntaxError) -> FilterNode {
        var result = base
        while true {
            let token = current
            if token.isSymbol(".") || token.isSymbol("?.") {
                advance()
                let nameToken = advance()
                guard let name = nameToken.word else {
                    throw FilterSyntaxError(
                        "expected a field name after '\(token.text)', found \(nameToken.quoted)", column: nameToken.column)
                }
                if current.isSymbol("(") {
                    let opener = advance()
                    let arguments = try commaSeparated(until: ")", opener: opener)
                    result = try node(
                        .method(base: result, name: name, arguments: arguments), at: nameToken,
                        children: [result] + arguments)
                    continue
                }
                let key = FilterNode(.literal(.string(name)), column: nameToken.column)
                result = try node(
                    .member(base: result, key: key, optional: token.isSymbol("?.")), at: nameToken, children: [result])
            } else if token.isSymbol("[") {
                advance()
                try enter(token)
                defer { depth -= 1 }
                result = try indexOrSlice(result, opener: token)
            } else {
                return result
            }
        }
    }

    private mutating func indexOrSlice(_ base: FilterNode, opener: FilterToken) throws(FilterSyntaxError) -> FilterNode {
        var from: FilterNode?
        if !current.isSymbol(":") {
            let key = try expression(minimumPrecedence: 0)
            if !current.isSymbol(":") {
                try expect("]", closing: opener)
                return try node(.member(base: base, key: key, optional: false), at: opener, children: [base, key])
            }
            from = key
        }
        advance()  // ":"
        let to = current.isSymbol("]") ? nil : try expression(minimumPrecedence: 0)
        try expect("]", closing: opener)
        return try node(.slice(base: base, from: from, to: to), at: opener, children: [base] + [from, to].compactMap { $0 })
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
            let items = try commaSeparated(until: "]", opener: token)
            return try node(.list(items), at: token, children: items)
        case .symbol("{"):
            return try mapLiteral(opener: token)
        case .symbol("#"), .symbol("."):
            return try pointer(token)
        case .identifier(let name):
            return try identifier(name, token: token)
        default:
            throw unexpected(token)
        }
    }

    /// `#`, `#index`, `#acc`, or `.field` (short for `#.field`) inside a predicate.
    private mutating func pointer(_ token: FilterToken) throws(FilterSyntaxError) -> FilterNode {
        guard closureDepth > 0 else {
            throw FilterSyntaxError("cannot use pointer accessor outside closure", column: token.column)
        }
        let element = FilterNode(.pointer(""), column: token.column)
        if token.isSymbol(".") {
            let nameToken = advance()
            guard let name = nameToken.word else {
                throw FilterSyntaxError("expected a field name after '.', found \(nameToken.quoted)", column: nameToken.column)
            }
            let key = FilterNode(.literal(.string(name)), column: nameToken.column)
            return try node(.member(base: element, key: key, optional: false), at: token, children: [element])
        }
        if let name = current.word, current.column == token.column + 1 {
            advance()
            guard name == "index" || name == "acc" else {
                throw FilterSyntaxError("unknown pointer '#\(name)' (known: #, #index, #acc)", column: token.column)
            }
            return FilterNode(.pointer(name), column: token.column)
        }
        return element
    }

    private mutating func identifier(_ name: String, token: FilterToken) throws(FilterSyntaxError) -> FilterNode {
        switch name {
        case "true": return FilterNode(.literal(.bool(true)), column: token.column)
        case "false": return FilterNode(.literal(.bool(false)), column: token.column)
        case "nil": return FilterNode(.literal(.null), column: token.column)
        case "$env": return FilterNode(.environment, column: token.column)
        case "and", "or", "in", "matches", "contains", "startsWith", "endsWith", "let":
            throw unexpected(token)
        case "sprig":
            return try sprigCall(token)
        default: break
        }
        if current.isSymbol("(") {
            return try call(name, token: token)
        }
        if let knownVariables, !knownVariables.contains(name), !boundNames.contains(name) {
            unknownNames.append(FilterProgram.UnknownName(name: name, column: token.column, known: knownVariables))
        }
        return FilterNode(.variable(name), column: token.column)
    }

    private mutating func sprigCall(_ token: FilterToken) throws(FilterSyntaxError) -> FilterNode {
        guard current.isSymbol("."), let name = lookahead(1).word else {
            throw FilterSyntaxError("sprig is a set of functions: write sprig.<function>(...)", column: token.column)
        }
        advance()
        let nameToken = advance()
        guard let function = FilterFunctions.sprig[name] else {
            throw FilterSyntaxError("unknown or unsupported sprig function '\(name)'", column: nameToken.column)
        }
        guard current.isSymbol("(") else {
            throw FilterSyntaxError("sprig.\(name) must be called: sprig.\(name)(...)", column: nameToken.column)
        }
        let opener = advance()
        return try resolved(function, arguments: try commaSeparated(until: ")", opener: opener), at: token)
    }

    private mutating func call(_ name: String, token: FilterToken) throws(FilterSyntaxError) -> FilterNode {
        let opener = advance()
        if let predicate = FilterPredicate(rawValue: name) {
            let collection = try expression(minimumPrecedence: 0)
            try expect(",", after: "after the collection of \(name)()")
            return try predicateCall(predicate, collection: collection, at: token, opener: opener)
        }
        guard let function = FilterFunctions.builtins[name] else {
            throw FilterSyntaxError("unknown function '\(name)'", column: token.column)
        }
        return try resolved(function, arguments: try commaSeparated(until: ")", opener: opener), at: token)
    }

    /// The closure (and for `reduce`, the optional initial value) of a predicate, up to its `)`.
    private mutating func predicateCall(
        _ predicate: FilterPredicate, collection: FilterNode, at token: FilterToken, opener: FilterToken
    ) throws(FilterSyntaxError) -> FilterNode {
        let closure = try self.closure()
        var initial: FilterNode?
        if predicate == .reduce, current.isSymbol(",") {
            advance()
            initial = try expression(minimumPrecedence: 0)
        }
        try expect(")", closing: opener)
        return try node(
            .predicate(predicate, collection, closure: closure, initial: initial), at: token,
            children: [collection, closure] + [initial].compactMap { $0 })
    }

    private mutating func closure() throws(FilterSyntaxError) -> FilterNode {
        let braced = current.isSymbol("{")
        let opener = current
        if braced { advance() }
        closureDepth += 1
        defer { closureDepth -= 1 }
        let body = try expression(minimumPrecedence: 0)
        if braced { try expect("}", closing: opener) }
        return body
    }

    /// `left | name(args)`: `left` becomes the first argument.
    private mutating func pipe(into left: FilterNode) throws(FilterSyntaxError) -> FilterNode {
        let token = advance()
        guard let name = token.word, current.isSymbol("(") else {
            throw FilterSyntaxError("expected a function call after '|', found \(token.quoted)", column: token.column)
        }
        let opener = advance()
        if let predicate = FilterPredicate(rawValue: name) {
            return try predicateCall(predicate, collection: left, at: token, opener: opener)
        }
        guard let function = FilterFunctions.builtins[name] else {
            throw FilterSyntaxError("unknown function '\(name)'", column: token.column)
        }
        return try resolved(function, arguments: [left] + (try commaSeparated(until: ")", opener: opener)), at: token)
    }

    private mutating func resolved(_ function: FilterFunction, arguments: [FilterNode], at token: FilterToken)
        throws(FilterSyntaxError) -> FilterNode
    {
        guard function.arity.contains(arguments.count) else {
            throw FilterSyntaxError(
                "\(function.name)() takes \(function.arityDescription), got \(arguments.count)", column: token.column)
        }
        if let index = function.patternArgument, index < arguments.count,
            case .literal(.string(let pattern)) = arguments[index].kind, patterns[pattern] == nil
        {
            patterns[pattern] = try compile(pattern, at: arguments[index].column)
        }
        return try node(.call(function, arguments), at: token, children: arguments)
    }

    private mutating func mapLiteral(opener: FilterToken) throws(FilterSyntaxError) -> FilterNode {
        var pairs: [(key: FilterNode, value: FilterNode)] = []
        var children: [FilterNode] = []
        while !current.isSymbol("}") {
            let keyToken = current
            let key: FilterNode
            switch keyToken.kind {
            case .identifier(let name):
                advance()
                key = FilterNode(.literal(.string(name)), column: keyToken.column)
            case .string:
                advance()
                key = FilterNode(.literal(.string(stringValue(keyToken))), column: keyToken.column)
            case .integer, .float:
                advance()
                key = FilterNode(.literal(.string(keyToken.text)), column: keyToken.column)
            case .symbol("("):
                key = try primary()
            default:
                throw FilterSyntaxError(
                    "a map key must be a quoted string, a number, an identifier, or an expression in parentheses; found \(keyToken.quoted)",
                    column: keyToken.column)
            }
            try expect(":", after: "after a map key")
            let value = try expression(minimumPrecedence: 0)
            pairs.append((key, value))
            children += [key, value]
            guard current.isSymbol(",") else { break }
            advance()
        }
        try expect("}", closing: opener)
        return try node(.map(pairs), at: opener, children: children)
    }

    private func stringValue(_ token: FilterToken) -> String {
        if case .string(let text) = token.kind { return text }
        return token.text
    }

    /// Items up to the closing symbol; a trailing comma is allowed, as expr-lang allows it.
    private mutating func commaSeparated(until closer: String, opener: FilterToken) throws(FilterSyntaxError)
        -> [FilterNode]
    {
        var items: [FilterNode] = []
        while !current.isSymbol(closer) {
            items.append(try expression(minimumPrecedence: 0))
            guard current.isSymbol(",") else { break }
            advance()
        }
        try expect(closer, closing: opener)
        return items
    }
}

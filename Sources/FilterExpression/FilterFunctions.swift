/// Every function an expression can name, resolved when it is parsed.
enum FilterFunctions {
    /// expr-lang's builtins plus Argo's top-level additions.
    static let builtins: [String: FilterFunction] = {
        var table: [String: FilterFunction] = [:]
        for function in ExprStringFunctions.all + ExprValueFunctions.all + ExprCollectionFunctions.all + FilterTime.all {
            table[function.name] = function
        }
        return table
    }()

    /// `sprig.<name>`.
    static let sprig: [String: FilterFunction] = SprigFunctions.all
}

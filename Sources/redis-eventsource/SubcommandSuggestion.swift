/// The subcommand a mistyped one most likely meant: the closest by edit distance, if it is close.
enum SubcommandSuggestion {
    static func closest(to typed: String, among names: [String]) -> String? {
        let scored = names.map { ($0, distance(Array(typed.lowercased()), Array($0))) }
        guard let best = scored.min(by: { $0.1 < $1.1 }) else { return nil }
        // A third of the name may differ: 'contoller' and 'valdiate' are found, 'x' is not.
        return best.1 <= max(1, best.0.count / 3) ? best.0 : nil
    }

    /// Levenshtein distance with adjacent transpositions counted as one edit.
    static func distance(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var table = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in 0...a.count { table[i][0] = i }
        for j in 0...b.count { table[0][j] = j }
        for i in 1...a.count {
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                var best = min(table[i - 1][j] + 1, table[i][j - 1] + 1, table[i - 1][j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] { best = min(best, table[i - 2][j - 2] + 1) }
                table[i][j] = best
            }
        }
        return table[a.count][b.count]
    }
}

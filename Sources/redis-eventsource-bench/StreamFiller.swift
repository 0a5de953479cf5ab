/// Fills the benchmark stream with entries of three short fields, pipelining the XADDs in
/// batches so the fill costs a few hundred round trips rather than one per entry.
struct StreamFiller {
    let stream: String
    let count: Int
    let batchSize = 1_000

    /// The three fields of entry `index`; short and slightly varied, like real small events.
    static func fields(_ index: Int) -> [String] {
        ["user", "u\(100_000 + index % 900_000)", "action", index % 3 == 0 ? "click" : "view", "n", String(index)]
    }

    func fill(_ connection: BenchRedis) throws(BenchError) {
        var written = 0
        while written < count {
            let size = min(batchSize, count - written)
            let commands = (written..<written + size).map { ["XADD", stream, "*"] + Self.fields($0) }
            try connection.pipeline(commands)
            written += size
        }
    }
}

/// Creates the streams before the EventSources are applied, as users' streams would already
/// exist: `XADD … MAXLEN 0` leaves an empty stream and no group, so each adapter still creates
/// its consumer group as it would in production. Pipelined 500 at a time.
enum ScaleStreams {
    static func create(_ streams: [String], port: Int) throws(BenchError) {
        let connection = try BenchRedis(port: port)
        var offset = 0
        while offset < streams.count {
            let batch = streams[offset..<min(offset + 500, streams.count)]
            let commands = batch.map { ["XADD", $0, "MAXLEN", "0", "*", "created", "by-bench"] }
            try connection.pipeline(commands)
            offset += batch.count
        }
        let existing = try connection.command(["DBSIZE"]).integer ?? 0
        guard existing >= streams.count else { throw .redis("only \(existing) of \(streams.count) streams exist") }
    }
}

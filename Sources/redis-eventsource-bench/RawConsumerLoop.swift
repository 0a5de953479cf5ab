import CHiredis
import Glibc

/// The raw capacity for the stdout case: what a consumer that does nothing but XREADGROUP
/// COUNT 100 and XACK can pull through Redis, with hiredis' own C calls and no Swift values
/// per entry. The ids to acknowledge point straight into the read reply.
struct RawConsumerLoop {
    let stream: String
    let group: String
    let consumer: String
    let count: Int
    /// Bounds the loop even if the stream kept growing.
    let maxBatches: Int

    /// Returns how many entries were read and acknowledged.
    func run(_ connection: HiredisConnection) throws(BenchError) -> Int {
        let context = connection.context
        let readWords = ["XREADGROUP", "GROUP", group, consumer, "COUNT", String(count), "STREAMS", stream, ">"]
        let ackWords = ["XACK", stream, group]
        let owned = (readWords + ackWords).map { strdup($0)! }
        defer { owned.forEach { free($0) } }
        var readArgv = owned.prefix(readWords.count).map { UnsafePointer<CChar>?($0) }
        let readLengths = readWords.map { $0.utf8.count }
        var ackArgv = [UnsafePointer<CChar>?](repeating: nil, count: ackWords.count + count)
        var ackLengths = [Int](repeating: 0, count: ackWords.count + count)
        for (index, word) in ackWords.enumerated() {
            ackArgv[index] = UnsafePointer(owned[readWords.count + index])
            ackLengths[index] = word.utf8.count
        }

        var total = 0
        for _ in 0..<maxBatches {
            guard let raw = redisCommandArgv(context, Int32(readArgv.count), &readArgv, readLengths) else {
                throw .redis("XREADGROUP: \(HiredisConnection.errorText(context))")
            }
            let reply = raw.assumingMemoryBound(to: redisReply.self)
            defer { freeReplyObject(raw) }
            guard reply.pointee.type == REDIS_REPLY_ARRAY, reply.pointee.elements > 0 else {
                if reply.pointee.type == REDIS_REPLY_ERROR { throw .redis("XREADGROUP: \(HiredisConnection.replyText(reply))") }
                break  // nil: nothing new, the stream is consumed
            }
            let entries = reply.pointee.element[0]!.pointee.element[1]!.pointee
            let read = min(entries.elements, count)
            if read == 0 { break }
            for index in 0..<read {
                let id = entries.element[index]!.pointee.element[0]!.pointee
                ackArgv[ackWords.count + index] = UnsafePointer(id.str)
                ackLengths[ackWords.count + index] = id.len
            }
            guard let ack = redisCommandArgv(context, Int32(ackWords.count + read), &ackArgv, ackLengths) else {
                throw .redis("XACK: \(HiredisConnection.errorText(context))")
            }
            let acknowledged = ack.assumingMemoryBound(to: redisReply.self).pointee.integer
            freeReplyObject(ack)
            guard acknowledged == read else { throw .redis("XACK acknowledged \(acknowledged) of \(read)") }
            total += read
        }
        return total
    }
}

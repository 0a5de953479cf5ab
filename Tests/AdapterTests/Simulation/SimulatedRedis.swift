import EventSourceAPI
@testable import Adapter

/// A model of what the consumer sees of Redis: streams of integer ids, one consumer group per
/// stream with its last-delivered id and pending entries list (PEL) with delivery counts.
/// Faults change it as Redis would: a destroyed group (NOGROUP), a deleted and re-created
/// stream, an entry trimmed while pending, entries another consumer read and abandoned (for
/// the reclaim).
struct SimulatedRedis {
    struct Group {
        var lastDelivered: Int
        /// This consumer's pending entries and their delivery counts.
        var pending: [Int: Int] = [:]
        /// Entries another consumer read and never acknowledged (it died), with their counts.
        var abandoned: [Int: Int] = [:]
    }

    struct Stream {
        var entries: [Int] = []
        var group: Group?
    }

    var streams: [String: Stream]
    /// Ids are time-ordered across the whole model, as Redis ids are for one writer.
    private(set) var nextID = 1
    /// Entries gone by an outside hand (a destroyed group's PEL, a trimmed entry): not the adapter's loss.
    private(set) var droppedByFault: Set<Ref> = []
    var deadLetters: Set<Ref> = []
    /// Where each group destroyed by an outside hand had got to.
    private var lostPositions: [String: Int] = [:]

    struct Ref: Hashable, Comparable, CustomStringConvertible {
        var stream: String
        var id: Int
        static func < (a: Ref, b: Ref) -> Bool { (a.stream, a.id) < (b.stream, b.id) }
        var description: String { "\(stream) \(id)-0" }
    }

    init(streams names: [String]) {
        streams = Dictionary(uniqueKeysWithValues: names.map { ($0, Stream()) })
    }

    var allWritten: [Ref] {
        streams.keys.sorted().flatMap { name in written[name, default: []].map { Ref(stream: name, id: $0) } }
    }
    private var written: [String: [Int]] = [:]

    mutating func produce(into stream: String) {
        streams[stream, default: Stream()].entries.append(nextID)
        written[stream, default: []].append(nextID)
        nextID += 1
    }

    /// XGROUP CREATE … MKSTREAM at `start` ("$", "0" or "<ms>-<seq>").
    mutating func createGroup(on stream: String, at start: String) -> ConsumerCore.GroupSetup {
        var value = streams[stream, default: Stream()]
        defer { streams[stream] = value }
        guard value.group == nil else { return .ready }
        let position: Int
        switch start {
        case "$":
            position = value.entries.last ?? 0
            // A group lost by an outside hand and re-created at the end (the adapter knew no
            // safer place) skips what the lost group had not handed out yet.
            if let lost = lostPositions[stream] {
                for id in value.entries where id > lost { droppedByFault.insert(Ref(stream: stream, id: id)) }
            }
        case "0": position = 0
        default: position = Int(start.split(separator: "-")[0])!
        }
        value.group = Group(lastDelivered: position)
        lostPositions[stream] = nil
        return .created(at: StreamID("\(position)-0"))
    }

    /// XREADGROUP: nil when the group is gone (NOGROUP).
    mutating func readNew(_ stream: String, count: Int) -> [(id: Int, trimmed: Bool)]? {
        guard var group = streams[stream]?.group else { return nil }
        let fresh = streams[stream]!.entries.filter { $0 > group.lastDelivered }.prefix(count)
        for id in fresh { group.pending[id] = 1 }
        if let last = fresh.last { group.lastDelivered = last }
        streams[stream]!.group = group
        return fresh.map { ($0, false) }
    }

    mutating func readPending(_ stream: String, after cursor: Int, count: Int) -> [(id: Int, trimmed: Bool)]? {
        guard var group = streams[stream]?.group else { return nil }
        let ids = group.pending.keys.filter { $0 > cursor }.sorted().prefix(count)
        for id in ids { group.pending[id]! += 1 }
        streams[stream]!.group = group
        let present = Set(streams[stream]!.entries)
        return ids.map { ($0, !present.contains($0)) }
    }

    func deliveryCount(_ ref: Ref) -> Int { streams[ref.stream]?.group?.pending[ref.id] ?? 1 }

    /// The adapter takes back a read that never reached the sink (XCLAIM … RETRYCOUNT).
    mutating func uncount(_ ref: Ref) {
        if let count = streams[ref.stream]?.group?.pending[ref.id], count > 0 {
            streams[ref.stream]!.group!.pending[ref.id] = count - 1
        }
    }

    mutating func acknowledge(_ ref: Ref) -> Bool {
        guard streams[ref.stream]?.group?.pending.removeValue(forKey: ref.id) != nil else { return false }
        acknowledged.insert(ref)
        return true
    }

    /// Entries an XACK removed from the pending list.
    private(set) var acknowledged: Set<Ref> = []

    func isPending(_ ref: Ref) -> Bool {
        streams[ref.stream]?.group?.pending[ref.id] != nil || streams[ref.stream]?.group?.abandoned[ref.id] != nil
    }

    /// Another consumer reads up to `count` new entries and dies without acknowledging them.
    mutating func abandonNew(_ stream: String, count: Int) -> Int {
        guard var group = streams[stream]?.group else { return 0 }
        let fresh = streams[stream]!.entries.filter { $0 > group.lastDelivered }.prefix(count)
        for id in fresh { group.abandoned[id] = 1 }
        if let last = fresh.last { group.lastDelivered = last }
        streams[stream]!.group = group
        return fresh.count
    }

    /// XPENDING IDLE … + XCLAIM … JUSTID: the abandoned entries become this consumer's (JUSTID
    /// does not count a delivery). Nil when the group is gone (NOGROUP).
    mutating func claimAbandoned(_ stream: String) -> Int? {
        guard var group = streams[stream]?.group else { return nil }
        let moved = group.abandoned
        for (id, count) in moved { group.pending[id] = count }
        group.abandoned = [:]
        streams[stream]!.group = group
        return moved.count
    }

    mutating func destroyGroup(_ stream: String) {
        guard let group = streams[stream]?.group else { return }
        for id in group.pending.keys { droppedByFault.insert(Ref(stream: stream, id: id)) }
        for id in group.abandoned.keys { droppedByFault.insert(Ref(stream: stream, id: id)) }
        lostPositions[stream] = min(lostPositions[stream] ?? group.lastDelivered, group.lastDelivered)
        streams[stream]!.group = nil
    }

    /// DEL of the stream: its entries and group are gone; unread ones were never the adapter's.
    mutating func deleteStream(_ stream: String) {
        guard let value = streams[stream] else { return }
        let read = value.group?.lastDelivered ?? 0
        for id in value.entries where id > read { droppedByFault.insert(Ref(stream: stream, id: id)) }
        destroyGroup(stream)
        streams[stream] = Stream()
    }

    /// XDEL of one pending entry: it stays in the PEL with no fields.
    mutating func trimPending(_ stream: String, pick: Int) {
        guard let group = streams[stream]?.group, !group.pending.isEmpty else { return }
        let ids = group.pending.keys.sorted()
        let id = ids[pick % ids.count]
        streams[stream]!.entries.removeAll { $0 == id }
        droppedByFault.insert(Ref(stream: stream, id: id))
    }

    /// Written but not yet read by the group: still in Redis, not lost.
    func isUnread(_ ref: Ref) -> Bool {
        guard let value = streams[ref.stream], value.entries.contains(ref.id) else { return false }
        return ref.id > (value.group?.lastDelivered ?? 0) || value.group == nil
    }
}

/// One group's line of XINFO GROUPS. Public for the bench, which reads its groups' progress with it.
public struct GroupInfo: Equatable, Sendable {
    public var name: String
    public var pending: Int64
    /// Nil when Redis cannot compute it (entries deleted from the stream) or predates 7.0.
    public var lag: Int64?
    /// Entries the whole group has read since it was created (Redis 7); the same on every replica.
    public var entriesRead: Int64?
    /// The id of the last entry the group handed to any consumer.
    public var lastDeliveredID: String?

    public static func find(_ group: String, in reply: RESPValue) -> GroupInfo? {
        guard let groups = reply.array else { return nil }
        for item in groups {
            guard let flat = item.array else { continue }
            var fields: [String: RESPValue] = [:]
            var index = 0
            while index + 1 < flat.count {
                if let key = flat[index].string { fields[key] = flat[index + 1] }
                index += 2
            }
            guard fields["name"]?.string == group else { continue }
            return GroupInfo(
                name: group, pending: fields["pending"]?.integer ?? 0, lag: fields["lag"]?.integer,
                entriesRead: fields["entries-read"]?.integer, lastDeliveredID: fields["last-delivered-id"]?.string)
        }
        return nil
    }
}

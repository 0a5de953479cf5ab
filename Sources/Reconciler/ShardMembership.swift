import StructuredData

/// The replicas alive under `--shard-by lease`, judged from their membership Leases: each replica
/// holds a Lease of its own named `<prefix><replica>` and renews it; one not renewed for its lease
/// duration has left, as has one released or deleted.
///
/// Expiry is measured on our own monotonic clock from when we last saw a Lease change (as
/// client-go's leader election does), never by comparing its `renewTime` with our wall clock:
/// replicas whose clocks disagree by seconds (or hours) still agree on who is alive.
/// Pure: the caller passes the time, so tests drive it with a clock of their own.
public struct ShardMembership: Sendable {
    public enum Verdict: Sendable, Equatable {
        /// A replica, renewing.
        case member(String)
        /// Released (no holder): the replica left.
        case left(String)
        /// A Lease with the membership label that no replica holds as its own; ignored, and the note says why.
        case notAReplica(String)
    }

    private struct Member: Sendable {
        var identity: String
        /// The spec as last seen: a renewal changes it (renewTime), so a change is a sign of life.
        var spec: JSONValue?
        var seenAt: Duration
        var duration: Duration
    }

    /// This replica: always counted alive, as it renews its own Lease while it runs.
    public let identity: String
    public let leasePrefix: String
    public let defaultLeaseDuration: Duration
    private var members: [String: Member] = [:]

    public init(identity: String, leasePrefix: String, defaultLeaseDuration: Duration) {
        self.identity = identity
        self.leasePrefix = leasePrefix
        self.defaultLeaseDuration = defaultLeaseDuration
    }

    /// The membership Lease of one replica.
    public static func leaseName(prefix: String, identity: String) -> String { prefix + identity }

    /// Takes in a Lease as listed or watched (added or modified).
    public mutating func observe(_ lease: JSONValue, now: Duration) -> Verdict {
        let name = lease["metadata"]?["name"]?.stringValue ?? ""
        let spec = lease["spec"]
        let holder = spec?["holderIdentity"]?.stringValue ?? ""
        guard name.hasPrefix(leasePrefix), name.count > leasePrefix.count else {
            members[name] = nil
            return .notAReplica("Lease \(name) carries the shard membership label but its name does not start with \(leasePrefix); ignored")
        }
        let named = String(name.dropFirst(leasePrefix.count))
        guard !holder.isEmpty else {
            members[name] = nil
            return .left(named)
        }
        guard holder == named else {
            members[name] = nil
            return .notAReplica(
                "Lease \(name) is held by '\(holder)', which is not the replica its name gives ('\(named)'); ignored")
        }
        let seconds = spec?["leaseDurationSeconds"]?.intValue ?? 0
        let duration = seconds > 0 ? Duration.seconds(seconds) : defaultLeaseDuration
        if var member = members[name], member.spec == spec {
            member.duration = duration
            members[name] = member
        } else {
            members[name] = Member(identity: holder, spec: spec, seenAt: now, duration: duration)
        }
        return .member(holder)
    }

    /// A deleted Lease: its replica left.
    public mutating func remove(_ lease: JSONValue) {
        if let name = lease["metadata"]?["name"]?.stringValue { members[name] = nil }
    }

    /// A full list: Leases not in it are gone. Returns the verdicts of those that are not members.
    public mutating func replaceAll(_ leases: [JSONValue], now: Duration) -> [Verdict] {
        let names = Set(leases.compactMap { $0["metadata"]?["name"]?.stringValue })
        for name in members.keys where !names.contains(name) { members[name] = nil }
        return leases.map { observe($0, now: now) }.filter { if case .member = $0 { false } else { true } }
    }

    /// The replicas alive at `now`, sorted; this one among them.
    public func live(now: Duration) -> [String] {
        var alive: Set<String> = [identity]
        for member in members.values where now < member.seenAt + member.duration { alive.insert(member.identity) }
        return alive.sorted()
    }

    /// When the next Lease runs out if not renewed, so the caller knows when to look again.
    public func nextExpiry(after now: Duration) -> Duration? {
        members.values.map { $0.seenAt + $0.duration }.filter { $0 > now }.min()
    }
}

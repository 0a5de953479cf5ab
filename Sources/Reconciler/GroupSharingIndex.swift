import AdapterModel

/// `GroupSharing` kept up to date one adapter at a time: which entries read each stream through
/// each group, and which of those places have more than one reader. Computing the notes from
/// every running configuration on every change cost O(N) per started adapter, O(N²) for N of
/// them (the top of the 10,000-EventSource profile, BENCHMARKS.md); here a change costs the
/// entry's own streams, and the notes cost the shared places only.
public struct GroupSharingIndex: Sendable {
    private var readers: [GroupSharing.Place: Set<AdapterKey>] = [:]
    private var shared: Set<GroupSharing.Place> = []

    public init() {}

    public mutating func insert(_ configuration: AdapterConfiguration) {
        for place in GroupSharing.places(of: configuration) {
            readers[place, default: []].insert(configuration.adapterKey)
            if readers[place]!.count > 1 { shared.insert(place) }
        }
    }

    public mutating func remove(_ configuration: AdapterConfiguration) {
        for place in GroupSharing.places(of: configuration) {
            readers[place]?.remove(configuration.adapterKey)
            if readers[place]?.isEmpty == true { readers[place] = nil }
            if (readers[place]?.count ?? 0) < 2 { shared.remove(place) }
        }
    }

    public var notes: [AdapterKey: String] {
        GroupSharing.notes(shared: shared.compactMap { place in readers[place].map { (place, $0) } })
    }
}

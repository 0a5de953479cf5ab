/// `redis_eventsource_leader`: 1 while this replica may write status and Events (it holds the
/// Lease, or runs without leader election), 0 while it stands by. Every replica exports it from
/// its first scrape, so "no replica leads" is a sum below 1 rather than a series gone missing.
public enum LeadershipMetrics {
    public static let leader = "redis_eventsource_leader"

    public static func collector(_ leadership: Leadership) -> ScrapeCollector {
        {
            [
                GaugeFamily(
                    name: leader, help: "1 while this replica leads and writes EventSource status, 0 while it stands by.",
                    samples: [.init(value: leadership.isLeader ? 1 : 0)])
            ]
        }
    }
}

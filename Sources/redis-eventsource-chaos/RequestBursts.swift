/// Requests grouped into bursts (a retry round sends a batch's requests at once): a gap of more
/// than `separation` seconds starts a new burst. An adapter that backs off leaves longer and
/// longer gaps between its bursts.
struct RequestBursts {
    static let separation = 0.1
    /// Seconds between the end of one burst and the start of the next.
    let gaps: [Double]
    let count: Int

    init(times: [Double]) {
        var gaps: [Double] = []
        var count = times.isEmpty ? 0 : 1
        for (previous, next) in zip(times, times.dropFirst()) where next - previous > Self.separation {
            gaps.append(next - previous)
            count += 1
        }
        self.gaps = gaps
        self.count = count
    }

    /// True when the last gap is longer than the first, or when at most one gap was seen (the
    /// adapter waited longer than most of the window).
    var gapsGrow: Bool {
        guard let first = gaps.first, let last = gaps.last, gaps.count > 1 else { return true }
        return last > first
    }

    var gapsText: String {
        gaps.isEmpty ? "none" : gaps.map { Seconds.text($0) }.joined(separator: ", ")
    }
}

import Adapter

/// A group's progress as the bench counts it, from the adapter's own XINFO GROUPS line.
extension GroupInfo {
    /// Read and acknowledged: the figure every throughput is counted in.
    var acknowledged: Int64 { max(0, (entriesRead ?? 0) - pending) }

    /// Everything read and acknowledged (lag is nil when Redis cannot tell, which is not drained).
    var isDrained: Bool { pending == 0 && lag == 0 }
}

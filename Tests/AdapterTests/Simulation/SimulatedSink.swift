import Sinks

/// A sink whose behaviour the fault schedule changes: healthy, flaky, down (retryable on
/// everything: refused connections, timeouts, a hang cut by its timeout), refusing everything
/// (a redirect loop or a wrong URL: rejected), with some entries that are poison (refused on
/// their own: over the payload limit, a 413).
struct SimulatedSink {
    enum Mode: CaseIterable, CustomStringConvertible {
        case healthy
        case flaky
        case down
        case hanging
        case refusingAll

        var description: String {
            switch self {
            case .healthy: "healthy"
            case .flaky: "flaky"
            case .down: "down"
            case .hanging: "hanging"
            case .refusingAll: "refusingAll"
            }
        }
    }

    var mode: Mode = .healthy
    let keepsOrder: Bool
    /// Entries the sink refuses whatever its mode.
    var poison: Set<SimulatedRedis.Ref> = []
    /// Every acceptance, in order (duplicates included).
    private(set) var accepted: [SimulatedRedis.Ref] = []
    private(set) var acceptedSet: Set<SimulatedRedis.Ref> = []
    /// Entries taken more than once, in the order it happened.
    private(set) var duplicates: [SimulatedRedis.Ref] = []
    /// The last id first taken per stream, and the first time a stream went backwards.
    private var lastFirstTaken: [String: Int] = [:]
    private(set) var outOfOrder: (SimulatedRedis.Ref, after: Int)?

    init(keepsOrder: Bool) {
        self.keepsOrder = keepsOrder
    }

    /// One outcome per event; a sink that keeps order stops at its first retryable failure.
    mutating func submit(_ refs: [SimulatedRedis.Ref], random: inout SimulationRandom) -> [DeliveryOutcome?] {
        var outcomes: [DeliveryOutcome?] = []
        var stopped = false
        for ref in refs {
            if stopped {
                outcomes.append(nil)
                continue
            }
            let outcome = answer(ref, random: &random)
            if case .delivered = outcome { take(ref) }
            if keepsOrder, case .retryable = outcome { stopped = true }
            outcomes.append(outcome)
        }
        return outcomes
    }

    private mutating func take(_ ref: SimulatedRedis.Ref) {
        accepted.append(ref)
        guard acceptedSet.insert(ref).inserted else {
            duplicates.append(ref)
            return
        }
        if let previous = lastFirstTaken[ref.stream], previous > ref.id, outOfOrder == nil { outOfOrder = (ref, previous) }
        lastFirstTaken[ref.stream] = ref.id
    }

    private func answer(_ ref: SimulatedRedis.Ref, random: inout SimulationRandom) -> DeliveryOutcome {
        switch mode {
        case .down: return .retryable(reason: "connection refused")
        case .hanging: return .retryable(reason: "timed out")
        case .refusingAll: return .rejected(reason: "answered 302: a redirect")
        case .healthy, .flaky:
            if poison.contains(ref) { return .rejected(reason: "answered 413 Content Too Large") }
            if mode == .flaky, random.chance(0.3) { return .retryable(reason: "answered 503", retryAfter: nil) }
            return .delivered
        }
    }
}

/// SplitMix64: every fault schedule comes from one seed, so a failing seed replays exactly.
struct SimulationRandom: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func chance(_ probability: Double) -> Bool {
        Double(next() >> 11) / Double(1 << 53) < probability
    }

    mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }
}

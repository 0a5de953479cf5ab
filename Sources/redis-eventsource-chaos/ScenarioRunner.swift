import Adapter
import Foundation

/// Runs one scenario in a fresh session and counts its entries by event id.
enum ScenarioRunner {
    static func run(_ scenario: Scenario, context: ScenarioContext) -> ScenarioResult {
        var result = ScenarioResult(name: scenario.name, summary: scenario.summary)
        let session: ScenarioSession
        do {
            session = try ScenarioSession(context: context, name: scenario.name)
        } catch {
            result.failure = "\(error)"
            return result
        }
        defer { session.close() }
        let outcome: ScenarioOutcome
        do {
            outcome = try scenario.body(session)
        } catch {
            result.failure = "\(error)"
            return result
        }
        // Counted once nothing runs any more: no late delivery changes the figures while they are read.
        session.stopProcesses()
        tally(outcome, session: session, into: &result)
        return result
    }

    private static func tally(_ outcome: ScenarioOutcome, session: ScenarioSession, into result: inout ScenarioResult) {
        let accepted = outcome.acceptedBySink ?? session.receiver.ledger.accepted
        let expectedIDs = Set(outcome.expected.map(\.eventID))
        result.produced = outcome.expected.count
        result.notes = outcome.notes
        result.checks = outcome.checks
        var missing: [ExpectedEvent] = []
        for event in outcome.expected {
            if let count = accepted[event.eventID] {
                result.delivered += 1
                result.duplicates += count - 1
            } else {
                missing.append(event)
            }
        }
        result.unexpected = accepted.keys.filter { !expectedIDs.contains($0) }.count
        let waiting = stillInRedis(missing, session: session)
        result.stuck = waiting
        result.lost = missing.count - waiting
        if let seconds = outcome.deliverySeconds, seconds > 0 {
            result.eventsPerSecond = Double(result.delivered) / seconds
        }
    }

    /// How many of `missing` still wait in Redis: pending in their group, or after the group's
    /// last-delivered id (not read yet), on a stream that still holds them.
    private static func stillInRedis(_ missing: [ExpectedEvent], session: ScenarioSession) -> Int {
        guard !missing.isEmpty else { return 0 }
        var count = 0
        for events in Dictionary(grouping: missing, by: { "\($0.stream)\u{0}\($0.group)" }).values {
            let stream = events[0].stream
            let group = events[0].group
            let present = Set(
                (session.redisCommand("XRANGE", stream, "-", "+")?.array ?? []).compactMap { $0.array?.first?.string })
            let pending = Set(
                (session.redisCommand("XPENDING", stream, group, "-", "+", "1000000")?.array ?? []).compactMap {
                    $0.array?.first?.string
                })
            let groups = session.redisCommand("XINFO", "GROUPS", stream)?.array ?? []
            let lastDelivered = groups.compactMap { info -> String? in
                let pairs = info.array ?? []
                guard let nameIndex = pairs.firstIndex(where: { $0.string == "name" }), nameIndex + 1 < pairs.count,
                    pairs[nameIndex + 1].string == group,
                    let lastIndex = pairs.firstIndex(where: { $0.string == "last-delivered-id" }), lastIndex + 1 < pairs.count
                else { return nil }
                return pairs[lastIndex + 1].string
            }.first
            for event in events where present.contains(event.entryID) {
                if pending.contains(event.entryID) || lastDelivered.map({ isAfter(event.entryID, $0) }) ?? true {
                    count += 1
                }
            }
        }
        return count
    }

    /// Stream id order: milliseconds, then sequence.
    static func isAfter(_ id: String, _ other: String) -> Bool {
        func parts(_ text: String) -> (Int64, Int64) {
            let pieces = text.split(separator: "-")
            return (Int64(pieces.first ?? "0") ?? 0, Int64(pieces.count > 1 ? pieces[1] : "0") ?? 0)
        }
        let (a, b) = (parts(id), parts(other))
        return a.0 != b.0 ? a.0 > b.0 : a.1 > b.1
    }
}

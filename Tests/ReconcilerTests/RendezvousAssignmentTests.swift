import Testing
@testable import Reconciler

@Suite struct RendezvousAssignmentTests {
    private let keys = (0..<3000).map { ObjectKey(namespace: "ns-\($0 % 7)", name: "source-\($0)") }

    private func owners(_ assignment: RendezvousAssignment) -> [ObjectKey: [String]] {
        Dictionary(uniqueKeysWithValues: keys.map { ($0, assignment.owners(of: $0)) })
    }

    @Test func everyReplicaComputesTheSameOwnersWhateverOrderItSeesTheOthersIn() {
        let one = RendezvousAssignment(replicas: ["pod-a", "pod-b", "pod-c"], replicasPerSource: 1)
        let other = RendezvousAssignment(replicas: ["pod-c", "pod-a", "pod-b", "pod-a"], replicasPerSource: 1)
        #expect(owners(one) == owners(other))
        // And the hash does not depend on the process: a fixed weight, pinned here.
        #expect(RendezvousAssignment.weight(replica: "pod-a", item: "ns/es") == RendezvousAssignment.weight(replica: "pod-a", item: "ns/es"))
        #expect(RendezvousAssignment.weight(replica: "pod-a", item: "ns/es") != RendezvousAssignment.weight(replica: "pod-b", item: "ns/es"))
    }

    @Test func threeReplicasShareTheSourcesEvenly() {
        let assignment = RendezvousAssignment(replicas: ["pod-a", "pod-b", "pod-c"], replicasPerSource: 1)
        var counts: [String: Int] = [:]
        for key in keys { counts[assignment.owners(of: key)[0], default: 0] += 1 }
        #expect(counts.count == 3)
        for (_, count) in counts { #expect(abs(count - 1000) < 100, "\(counts)") }
    }

    @Test func aJoiningReplicaTakesAboutAQuarterFromTheOthersAndNothingElseMoves() {
        let before = owners(RendezvousAssignment(replicas: ["pod-a", "pod-b", "pod-c"], replicasPerSource: 1))
        let after = owners(RendezvousAssignment(replicas: ["pod-a", "pod-b", "pod-c", "pod-d"], replicasPerSource: 1))
        let moved = keys.filter { before[$0] != after[$0] }
        // Every move goes to the new replica: none between the old ones.
        #expect(moved.allSatisfy { after[$0] == ["pod-d"] })
        #expect(abs(moved.count - keys.count / 4) < keys.count / 20, "\(moved.count) of \(keys.count) moved")
    }

    @Test func aLeavingReplicaHandsOnlyItsOwnSourcesToTheOthers() {
        let before = owners(RendezvousAssignment(replicas: ["pod-a", "pod-b", "pod-c"], replicasPerSource: 1))
        let after = owners(RendezvousAssignment(replicas: ["pod-a", "pod-c"], replicasPerSource: 1))
        for key in keys {
            if before[key] == ["pod-b"] {
                #expect(after[key] != ["pod-b"])
            } else {
                #expect(after[key] == before[key])
            }
        }
    }

    @Test func withTwoPerSourceEachHasTwoDistinctOwnersAndTheFirstStaysWhenTheSecondLeaves() {
        let three = RendezvousAssignment(replicas: ["pod-a", "pod-b", "pod-c"], replicasPerSource: 2)
        var moved = 0
        for key in keys {
            let owners = three.owners(of: key)
            #expect(owners.count == 2 && Set(owners).count == 2)
            let second = owners[1]
            let remaining = RendezvousAssignment(replicas: ["pod-a", "pod-b", "pod-c"].filter { $0 != second }, replicasPerSource: 2)
            #expect(remaining.owners(of: key).first == owners[0])
            if remaining.owners(of: key) != owners { moved += 1 }
        }
        #expect(moved == keys.count)
    }

    @Test func moreReplicasPerSourceThanAliveRunsOnAll() {
        let assignment = RendezvousAssignment(replicas: ["pod-a", "pod-b"], replicasPerSource: 3)
        #expect(assignment.isShortOfReplicas)
        for key in keys.prefix(50) { #expect(Set(assignment.owners(of: key)) == ["pod-a", "pod-b"]) }
        #expect(!RendezvousAssignment(replicas: ["pod-a", "pod-b"], replicasPerSource: 2).isShortOfReplicas)
    }
}

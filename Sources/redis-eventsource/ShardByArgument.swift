import ArgumentParser

/// `--shard-by`: how EventSources are shared out across replicas. One way exists, spelled `lease`.
enum ShardByArgument: String, ExpressibleByArgument, CaseIterable {
    case lease
}

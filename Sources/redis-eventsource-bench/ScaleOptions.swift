import ArgumentParser

/// The knobs of `--controller-scale`, issue 5's operator benchmark: EventSources applied with
/// kubectl until all are Ready, then the idle controller's memory, threads and CPU.
struct ScaleOptions: ParsableArguments {
    @Flag(help: "Run the controller scale bench (kubectl apply of N EventSources until all are Ready) instead of the throughput bench.")
    var controllerScale = false

    @Option(help: "EventSource counts to measure, comma-separated; each runs on a fresh redis-server, kube-testserver and controller.")
    var scaleSizes = "1,1000,10000"

    @Option(help: "Seconds to wait for all EventSources of one size to be Ready before reporting the size as missed.")
    var scaleTimeout: Double = 90

    @Option(help: "Seconds the idle controller is watched for CPU use, at every size.")
    var scaleIdleSeconds: Double = 30

    @Option(help: "EventSources edited one at a time for the reaction figure, at the largest size; 0 skips it.")
    var reactionEdits = 20

    @Option(help: "EventSources for the sharded figures (three controllers with --shard-by lease, a fourth joining, a kill -9); 0 skips them. Issue 20's aim is set at 30,000; one machine's redis-server and file limits hold fewer.")
    var shardedSize = 3000

    // Values such as `--resync-interval=5` start with dashes, hence unconditional parsing.
    @Option(
        parsing: .unconditionalSingleValue,
        help: "An extra argument for `redis-eventsource controller` (repeatable); the results name it.")
    var scaleControllerArgument: [String] = []

    var sizes: [Int] {
        get throws {
            let sizes = scaleSizes.split(separator: ",").compactMap { Int($0.filter { $0 != " " }) }
            guard !sizes.isEmpty, sizes.allSatisfy({ $0 > 0 && $0 <= 10_000 }) else {
                throw ValidationError("--scale-sizes wants counts from 1 to 10000, e.g. 1,1000,10000")
            }
            return sizes
        }
    }
}

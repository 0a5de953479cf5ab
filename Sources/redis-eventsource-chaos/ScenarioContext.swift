import Synchronization

/// What every scenario shares: the programs under test, the run's folder and seed, and the
/// healthy throughput the partial-failure scenarios are compared with.
final class ScenarioContext: Sendable {
    let product: String
    let kubeTestServer: String
    let work: WorkFolder
    let seed: UInt64
    let repositoryRoot: String
    private let healthy = Mutex<Double?>(nil)

    init(product: String, kubeTestServer: String, work: WorkFolder, seed: UInt64, repositoryRoot: String) {
        self.product = product
        self.kubeTestServer = kubeTestServer
        self.work = work
        self.seed = seed
        self.repositoryRoot = repositoryRoot
    }

    /// Events per second of the baseline scenario, once it has run.
    var healthyThroughput: Double? {
        get { healthy.withLock { $0 } }
        set { healthy.withLock { $0 = newValue } }
    }
}

import BenchSupport
import Foundation
import Glibc

/// `nats-server -js` on 127.0.0.1 for the JetStream figure, storing in the scratch folder. The
/// server picks its own port (`-p -1`) and writes it to a ports file, which the bench reads back.
struct BenchNatsServer {
    let process: SpawnedProcess
    let port: Int

    var url: String { "nats://127.0.0.1:\(port)" }

    static func start(in directory: String) throws(BenchError) -> BenchNatsServer {
        let portsFolder = "\(directory)/nats-ports"
        try? FileManager.default.createDirectory(atPath: portsFolder, withIntermediateDirectories: true)
        let process = try SpawnedProcess(
            InstalledTool.natsServer,
            ["-js", "-sd", "\(directory)/nats-store", "-a", "127.0.0.1", "-p", "-1", "--ports_file_dir", portsFolder],
            standardOutput: "\(directory)/nats.out", standardError: "\(directory)/nats.err")
        let start = MonotonicClock.now()
        while MonotonicClock.seconds(since: start) < 20 {
            guard process.isRunning else {
                throw .process("nats-server exited: \((try? TextFile.read("\(directory)/nats.err")) ?? "")")
            }
            if let port = NatsPortsFile.clientPort(in: portsFolder), LoopbackPort.isListening(port) {
                return BenchNatsServer(process: process, port: port)
            }
            usleep(20_000)
        }
        process.stop()
        throw .timeout("nats-server did not write its ports file")
    }

    func stop() { process.stop() }
}

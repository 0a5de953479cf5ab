import BenchSupport
import CNats
import Foundation

/// `nats-server -js` on 127.0.0.1 for the JetStream scenarios, on a port it picks (`-p -1`, read
/// back from its ports file), storing in the scenario's folder, with NATS' default 1 MB
/// max_payload. The product makes Argo's `default` stream; `eventIDs()` reads it back.
final class ChaosNats {
    let port: Int
    private let process: ChaosProcess

    init(folder: String) throws {
        let portsFolder = "\(folder)/nats-ports"
        try FileManager.default.createDirectory(atPath: portsFolder, withIntermediateDirectories: true)
        let process = try ChaosProcess(
            InstalledTool.natsServer, ["-js", "-sd", "\(folder)/nats-store", "-a", "127.0.0.1", "-p", "-1", "--ports_file_dir", portsFolder],
            folder: folder, label: "nats")
        self.process = process
        var found: Int?
        Poll.until(seconds: 30) {
            found = NatsPortsFile.clientPort(in: portsFolder)
            return found != nil || !process.isRunning
        }
        guard let found else {
            process.stop()
            throw ChaosError.setup("nats-server did not start: \(process.errorOutput.suffix(400))")
        }
        port = found
    }

    var url: String { "nats://127.0.0.1:\(port)" }

    func stop() { process.stop() }

    /// Every message in the `default` stream, as its `Nats-Msg-Id` (the event id) and how many
    /// messages carried it; empty while the stream does not exist.
    func eventIDs() -> [String: Int] {
        var connection: OpaquePointer?
        guard natsConnection_ConnectTo(&connection, url) == NATS_OK, let connection else { return [:] }
        defer { natsConnection_Destroy(connection) }
        var context: OpaquePointer?
        guard natsConnection_JetStream(&context, connection, nil) == NATS_OK, let context else { return [:] }
        defer { jsCtx_Destroy(context) }
        var info: UnsafeMutablePointer<jsStreamInfo>?
        var code = jsErrCode(rawValue: 0)
        guard js_GetStreamInfo(&info, context, "default", nil, &code) == NATS_OK, let info else { return [:] }
        let (first, last) = (info.pointee.State.FirstSeq, info.pointee.State.LastSeq)
        jsStreamInfo_Destroy(info)
        var ids: [String: Int] = [:]
        guard first > 0, last >= first else { return ids }
        for sequence in first...last {
            var message: OpaquePointer?
            guard js_GetMsg(&message, context, "default", sequence, nil, &code) == NATS_OK, let message else { continue }
            var value: UnsafePointer<CChar>?
            if natsMsgHeader_Get(message, "Nats-Msg-Id", &value) == NATS_OK, let value {
                ids[String(cString: value), default: 0] += 1
            }
            natsMsg_Destroy(message)
        }
        return ids
    }
}

import AdapterModel
import ArgumentParser
import Foundation
import Sinks

/// The sink flags `run` and `controller` share, turned into one `SinkOptions`.
struct SinkFlags: ParsableArguments {
    @Option(help: "CA certificates (PEM) to verify https sinks with, instead of the system's.")
    var sinkCaFile: String?

    @Option(help: "Keep-alive connections, and so requests in flight, per adapter for http(s) sinks.")
    var sinkConnections: Int = HTTPSinkOptions.defaultConnections

    @Option(help: "Argo's auth.yaml (username, password) for a nats:// sink given by URL. An EventBus brings its own.")
    var eventbusAuthFile: String?

    @Option(
        help:
            "CA certificates (PEM) that verify a nats:// sink given by URL and, in the controller, every EventBus without a tls block or CA annotation; TLS is then required."
    )
    var eventbusCaFile: String?

    @Option(help: "JetStream publishes in flight, per adapter, awaiting their PubAck.")
    var eventbusPublishWindow: Int = JetStreamSinkOptions.defaultPublishWindow

    func validate() throws {
        guard (1...64).contains(sinkConnections) else { throw ValidationError("--sink-connections must be from 1 to 64") }
        guard (1...65536).contains(eventbusPublishWindow) else {
            throw ValidationError("--eventbus-publish-window must be from 1 to 65536")
        }
    }

    /// Reads the files the flags name; a problem names the flag and the file, never a secret.
    func makeOptions() throws -> SinkOptions {
        var options = SinkOptions(
            http: HTTPSinkOptions(caFile: sinkCaFile, connections: sinkConnections),
            jetStream: JetStreamSinkOptions(publishWindow: eventbusPublishWindow))
        if let eventbusAuthFile {
            let bytes = try Self.read(eventbusAuthFile, flag: "--eventbus-auth-file")
            do {
                options.eventBusCredentials = try NATSCredentials.parse(authYAML: bytes)
            } catch {
                throw ValidationError("--eventbus-auth-file \(eventbusAuthFile): \(error)")
            }
        }
        if let eventbusCaFile {
            let bytes = try Self.read(eventbusCaFile, flag: "--eventbus-ca-file")
            options.eventBusTLS = TLSMaterial(caCertificate: SecretValue(bytes))
        }
        return options
    }

    private static func read(_ path: String, flag: String) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ValidationError("\(flag) \(path): cannot read the file")
        }
        return Array(data)
    }
}

import CNats
import EventSourceAPI
import Foundation
import Sinks

/// The raw JetStream capacity the product is compared with: libnats alone publishing `count`
/// copies of the product's message asynchronously, each with its own `Nats-Msg-Id`, with the
/// same in-flight window, into the same `default` stream; no Redis, no adapter.
struct JetStreamBaseline {
    let url: String
    let subject: String
    let body: [UInt8]
    let count: Int
    let window: Int
    let round: Int

    func run() throws(BenchError) -> ThroughputFigure {
        let session = try JetStreamBenchSession(url: url, window: window)
        try session.createStream()
        var message: OpaquePointer?
        let start = MonotonicClock.now()
        var published = 0
        for index in 0..<count {
            guard natsMsg_Create(&message, subject, nil, body, Int32(body.count)) == NATS_OK else { break }
            var options = jsPubOptions()
            jsPubOptions_Init(&options)
            let status = String(format: "%08x%024x", round, index).withCString { id in
                options.MsgId = id
                return js_PublishMsgAsync(session.context, &message, &options)
            }
            natsMsg_Destroy(message)
            guard status == NATS_OK else { break }
            published += 1
        }
        var wait = jsPubOptions()
        jsPubOptions_Init(&wait)
        wait.MaxWait = 120_000
        let complete = js_PublishAsyncComplete(session.context, &wait) == NATS_OK && published == count
        return ThroughputFigure(entries: Int64(published), seconds: MonotonicClock.seconds(since: start), complete: complete)
    }
}

/// A bench-side libnats connection and JetStream context; also resets the `default` stream
/// between rounds, so every round starts with an empty stream and an empty duplicate window.
final class JetStreamBenchSession {
    let connection: OpaquePointer
    let context: OpaquePointer

    init(url: String, window: Int = 256) throws(BenchError) {
        var connection: OpaquePointer?
        guard natsConnection_ConnectTo(&connection, url) == NATS_OK, let connection else {
            throw .tool("cannot connect to nats-server at \(url)")
        }
        var options = jsOptions()
        jsOptions_Init(&options)
        options.PublishAsync.MaxPending = Int64(window)
        var context: OpaquePointer?
        guard natsConnection_JetStream(&context, connection, &options) == NATS_OK, let context else {
            natsConnection_Destroy(connection)
            throw .tool("cannot open a JetStream context")
        }
        self.connection = connection
        self.context = context
    }

    func deleteStream() {
        var code = jsErrCode(rawValue: 0)
        _ = js_DeleteStream(context, "default", nil, &code)
    }

    /// As the product creates it with an empty streamConfig.
    func createStream() throws(BenchError) {
        var info: UnsafeMutablePointer<jsStreamInfo>?
        var code = jsErrCode(rawValue: 0)
        let status = JetStreamSink.withStreamConfig(JetStreamStreamSettings()) { config in
            js_AddStream(&info, context, config, nil, &code)
        }
        jsStreamInfo_Destroy(info)
        guard status == NATS_OK else { throw .tool("cannot create the default stream: \(String(cString: natsStatus_GetText(status)))") }
    }

    func messageCount() -> UInt64 {
        var info: UnsafeMutablePointer<jsStreamInfo>?
        var code = jsErrCode(rawValue: 0)
        guard js_GetStreamInfo(&info, context, "default", nil, &code) == NATS_OK, let info else { return 0 }
        defer { jsStreamInfo_Destroy(info) }
        return info.pointee.State.Msgs
    }

    deinit {
        jsCtx_Destroy(context)
        natsConnection_Close(connection)
        natsConnection_Destroy(connection)
    }
}

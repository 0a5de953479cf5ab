import CNats
import Foundation

/// One message as a Sensor's durable consumer reads it back from the `default` stream.
public struct JetStreamTestMessage: Sendable {
    public let subject: String
    public let messageID: String?
    public let body: [UInt8]
    public var text: String { String(decoding: body, as: UTF8.self) }
}

public struct JetStreamTestError: Error, CustomStringConvertible {
    public let description: String
}

/// Reads what a test's nats-server holds, through libnats, as an Argo Sensor would: a durable
/// pull consumer on the stream. Every call blocks; run it on `DedicatedThread`.
///
/// `@unchecked Sendable`: owns a libnats connection and JetStream context, which libnats
/// synchronises itself; they are set once in init and freed in deinit.
public final class JetStreamTestReader: @unchecked Sendable {
    private let connection: OpaquePointer
    private let context: OpaquePointer

    /// `asArgoSensor`: TLS without verifying the server, as Argo's Sensors connect to a bus with no
    /// `tls` block; a server that offers no TLS is refused, as they refuse it.
    public init(url: String, user: String? = nil, password: String? = nil, asArgoSensor: Bool = false) throws {
        var options: OpaquePointer?
        guard natsOptions_Create(&options) == NATS_OK, let options else { throw JetStreamTestError(description: "options") }
        defer { natsOptions_Destroy(options) }
        _ = natsOptions_SetURL(options, url)
        if let user, let password { _ = natsOptions_SetUserInfo(options, user, password) }
        if asArgoSensor {
            _ = natsOptions_SetSecure(options, true)
            _ = natsOptions_SkipServerVerification(options, true)
        }
        var connection: OpaquePointer?
        let status = natsConnection_Connect(&connection, options)
        guard status == NATS_OK, let connection else {
            throw JetStreamTestError(description: "connect: \(String(cString: natsStatus_GetText(status)))")
        }
        var context: OpaquePointer?
        guard natsConnection_JetStream(&context, connection, nil) == NATS_OK, let context else {
            natsConnection_Destroy(connection)
            throw JetStreamTestError(description: "JetStream context")
        }
        self.connection = connection
        self.context = context
    }

    /// How many messages the stream holds; nil when it does not exist.
    public func messageCount(stream: String = "default") -> UInt64? {
        var info: UnsafeMutablePointer<jsStreamInfo>?
        var code = jsErrCode(rawValue: 0)
        guard js_GetStreamInfo(&info, context, stream, nil, &code) == NATS_OK, let info else { return nil }
        defer { jsStreamInfo_Destroy(info) }
        return info.pointee.State.Msgs
    }

    /// The stream's settings as nats-server stored them; nil when it does not exist.
    public func streamConfig(stream: String = "default") -> (subjects: [String], maxMsgs: Int64, duplicates: Int64, replicas: Int64)? {
        var info: UnsafeMutablePointer<jsStreamInfo>?
        var code = jsErrCode(rawValue: 0)
        guard js_GetStreamInfo(&info, context, stream, nil, &code) == NATS_OK, let info, let config = info.pointee.Config
        else { return nil }
        defer { jsStreamInfo_Destroy(info) }
        let subjects = (0..<Int(config.pointee.SubjectsLen)).compactMap { config.pointee.Subjects[$0].map { String(cString: $0) } }
        return (subjects, config.pointee.MaxMsgs, config.pointee.Duplicates, config.pointee.Replicas)
    }

    /// Reads with the durable consumer `durable` on `subject` until `count` messages arrived or
    /// `timeout` passed, acknowledging each as a Sensor does; then keeps reading briefly so that
    /// a duplicate would show.
    public func read(subject: String, durable: String, count: Int, timeout: Duration = .seconds(30)) throws
        -> [JetStreamTestMessage]
    {
        var subscription: OpaquePointer?
        var code = jsErrCode(rawValue: 0)
        var status = js_PullSubscribe(&subscription, context, subject, durable, nil, nil, &code)
        guard status == NATS_OK, let subscription else {
            throw JetStreamTestError(description: "pull subscribe: \(String(cString: natsStatus_GetText(status))) \(code.rawValue)")
        }
        defer { natsSubscription_Destroy(subscription) }
        var messages: [JetStreamTestMessage] = []
        let deadline = ContinuousClock.now + TestTimeouts.scaled(timeout)
        var quietFetches = 0
        while ContinuousClock.now < deadline {
            let waiting = messages.count >= count
            if waiting && quietFetches >= 1 { break }
            var list = natsMsgList()
            status = natsSubscription_Fetch(&list, subscription, 256, waiting ? 500 : 1000, &code)
            defer { natsMsgList_Destroy(&list) }
            guard status == NATS_OK else {
                if status == NATS_TIMEOUT {
                    if waiting { quietFetches += 1 }
                    continue
                }
                throw JetStreamTestError(description: "fetch: \(String(cString: natsStatus_GetText(status)))")
            }
            for index in 0..<Int(list.Count) {
                guard let message = list.Msgs[index] else { continue }
                var idPointer: UnsafePointer<CChar>?
                let id = natsMsgHeader_Get(message, "Nats-Msg-Id", &idPointer) == NATS_OK ? idPointer.map { String(cString: $0) } : nil
                let length = Int(natsMsg_GetDataLength(message))
                let body = natsMsg_GetData(message).map { Array(UnsafeRawBufferPointer(start: $0, count: length)) } ?? []
                messages.append(
                    JetStreamTestMessage(subject: String(cString: natsMsg_GetSubject(message)), messageID: id, body: body))
                _ = natsMsg_Ack(message, nil)
            }
        }
        return messages
    }

    deinit {
        jsCtx_Destroy(context)
        natsConnection_Close(connection)
        natsConnection_Destroy(connection)
    }
}

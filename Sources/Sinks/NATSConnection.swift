import AdapterModel
import CNats
import EventSourceAPI
import Foundation
import Synchronization

/// Owns one `natsConnection`, shared by every adapter that publishes to the same NATS server
/// with the same credentials (see `NATSConnectionRegistry`).
///
/// `streamReady` is behind a Mutex.
/// @unchecked Sendable: the compiler cannot see that libnats synchronises every call on the connection pointer.
final class NATSConnection: @unchecked Sendable {
    let pointer: OpaquePointer
    let key: NATSConnectionKey
    /// Whether the `default` stream is known to exist, so adapters check it once per connection.
    private let streamReady = Mutex(false)
    /// The one JetStream context every sink on this connection publishes through. One, because
    /// libnats gives each context's PubAck subscription a thread of its own (it never uses the
    /// global delivery pool for it); `JetStreamAckRouter` sorts the acks out per sink.
    /// The context's address (0 until opened): a pointer is not Sendable, so the Mutex holds its bits.
    private let context = Mutex<UInt>(0)

    private init(pointer: OpaquePointer, key: NATSConnectionKey) {
        self.pointer = pointer
        self.key = key
    }

    /// Connects once; afterwards libnats reconnects on its own, for ever, with jittered waits,
    /// buffering publishes meanwhile. Its subscriptions (one per adapter, for PubAcks) share
    /// libnats' global delivery threads instead of one thread each.
    ///
    /// Without TLS settings (an EventBus with no `tls` block) it connects as Argo's clients do: TLS,
    /// the server's certificate not verified, since the bus gives no CA to verify it with. A server
    /// that offers no TLS at all gets plain text, which Argo's clients would refuse, unless a server
    /// of the list is a `tls://` URL.
    static func connect(_ key: NATSConnectionKey) throws(JetStreamError) -> NATSConnection {
        guard key.tls == nil else { return try connect(key, tls: key.tls) }
        do {
            return try connect(key, tls: TLSMaterial(insecureSkipVerify: true))
        } catch let error where error.serverOffersNoTLS {
            let wantsTLS = NATSServerList.servers(in: key.url).contains { $0.lowercased().hasPrefix("tls://") }
            guard !wantsTLS else { throw error }
            return try connect(key, tls: nil)
        }
    }

    private static func connect(_ key: NATSConnectionKey, tls: TLSMaterial?) throws(JetStreamError) -> NATSConnection {
        var options: OpaquePointer?
        var status = natsOptions_Create(&options)
        guard status == NATS_OK, let options else { throw .nats("cannot create NATS options", status) }
        defer { natsOptions_Destroy(options) }
        func check(_ status: natsStatus, _ what: String) throws(JetStreamError) {
            guard status == NATS_OK else { throw .nats(what, status) }
        }
        // nats.go (Argo) splits a comma-separated URL into servers; libnats wants them one by one.
        let servers = NATSServerList.servers(in: key.url)
        if let problem = NATSServerList.problem(in: key.url) {
            throw JetStreamError("invalid NATS URL \(key.redactedURL): \(problem)")
        }
        let serverCount = Int32(servers.count)
        try withCStrings(servers) { (pointers: inout [UnsafePointer<CChar>?]) throws(JetStreamError) in
            try check(natsOptions_SetServers(options, &pointers, serverCount), "invalid NATS URL \(key.redactedURL)")
        }
        try check(natsOptions_SetTimeout(options, 5000), "NATS options")
        try check(natsOptions_SetMaxReconnect(options, -1), "NATS options")
        try check(natsOptions_SetReconnectWait(options, 500), "NATS options")
        try check(natsOptions_SetReconnectJitter(options, 500, 1000), "NATS options")
        try check(natsOptions_UseGlobalMessageDelivery(options, true), "NATS options")
        if let credentials = key.credentials {
            try check(
                natsOptions_SetUserInfo(options, credentials.username, credentials.password.text), "NATS credentials")
        }
        if let tls {
            try check(natsOptions_SetSecure(options, true), "NATS TLS")
            if let ca = tls.caCertificate {
                try check(natsOptions_SetCATrustedCertificates(options, ca.text), "NATS TLS CA certificate")
            }
            if let certificate = tls.clientCertificate, let privateKey = tls.clientKey {
                try check(
                    natsOptions_SetCertificatesChain(options, certificate.text, privateKey.text),
                    "NATS TLS client certificate")
            }
            if tls.insecureSkipVerify { try check(natsOptions_SkipServerVerification(options, true), "NATS TLS") }
        }
        var connection: OpaquePointer?
        status = natsConnection_Connect(&connection, options)
        guard status == NATS_OK, let connection else {
            let error = JetStreamError.nats("cannot connect to \(key.redactedURL)", status)
            if error.serverOffersNoTLS, tls?.caCertificate != nil {
                throw JetStreamError(
                    "cannot connect to \(key.redactedURL): the server offers no TLS, but a CA certificate is pinned for it",
                    status: NATS_SECURE_CONNECTION_WANTED)
            }
            if status == NATS_SSL_ERROR, let tls, tls.caCertificate != nil, !tls.insecureSkipVerify {
                throw JetStreamError(
                    "cannot connect to \(key.redactedURL): its certificate does not verify against the CA given for it (the bus's tls.caCertSecret, its \(EventBus.caCertSecretAnnotation) annotation, or --eventbus-ca-file): \(error.description)",
                    status: status)
            }
            throw error
        }
        return NATSConnection(pointer: connection, key: key)
    }

    /// Calls `body` with C copies of `strings`, freed afterwards.
    private static func withCStrings(
        _ strings: [String], _ body: (inout [UnsafePointer<CChar>?]) throws(JetStreamError) -> Void
    ) throws(JetStreamError) {
        let copies = strings.map { strdup($0) }
        defer { copies.forEach { free($0) } }
        var pointers = copies.map { UnsafePointer($0) }
        try body(&pointers)
    }

    /// Creates the `default` stream when it is missing, with `settings`; an existing stream is
    /// used as it is, never changed.
    func ensureStream(_ settings: JetStreamStreamSettings, using context: OpaquePointer) throws(JetStreamError) {
        if streamReady.withLock({ $0 }) { return }
        var info: UnsafeMutablePointer<jsStreamInfo>?
        var errorCode = jsErrCode(rawValue: 0)
        var status = js_GetStreamInfo(&info, context, JetStreamMessage.streamName, nil, &errorCode)
        if status == NATS_OK {
            jsStreamInfo_Destroy(info)
        } else if status == NATS_NOT_FOUND {
            status = JetStreamMessage.withStreamConfig(settings) { config in
                js_AddStream(&info, context, config, nil, &errorCode)
            }
            jsStreamInfo_Destroy(info)
            // Another replica may have created it between our look-up and our add.
            guard status == NATS_OK || errorCode == JSStreamNameExistErr else {
                throw .nats("cannot create JetStream stream '\(JetStreamMessage.streamName)'", status)
            }
        } else {
            throw .nats("cannot look up JetStream stream '\(JetStreamMessage.streamName)'", status)
        }
        streamReady.withLock { $0 = true }
    }

    /// The shared JetStream context, opened on first use.
    func jetStreamContext() throws(JetStreamError) -> OpaquePointer {
        let address = try context.withLock { (context: inout UInt) throws(JetStreamError) -> UInt in
            if context != 0 { return context }
            var jsOptions = CNats.jsOptions()
            jsOptions_Init(&jsOptions)
            // No limit in libnats: each sink keeps its own publish window. A limit here would also
            // make a publish from the PubAck thread wait for that very thread.
            jsOptions.PublishAsync.MaxPending = 0
            jsOptions.PublishAsync.AckHandler = JetStreamAckRouter.handler
            var opened: OpaquePointer?
            let status = natsConnection_JetStream(&opened, pointer, &jsOptions)
            guard status == NATS_OK, let opened else { throw .nats("cannot open a JetStream context", status) }
            context = UInt(bitPattern: opened)
            return context
        }
        return OpaquePointer(bitPattern: address)!
    }

    /// Whether a publish can go out without first checking the stream (a blocking request).
    var isStreamReady: Bool { streamReady.withLock { $0 } }

    /// After the stream vanished (no responders to a publish), look it up again next time.
    func forgetStream() {
        streamReady.withLock { $0 = false }
    }

    deinit {
        if let context = OpaquePointer(bitPattern: context.withLock { $0 }) { jsCtx_Destroy(context) }
        natsConnection_Close(pointer)
        natsConnection_Destroy(pointer)
    }
}

import CCurl
import CurlCore
import Foundation

/// One HTTP transfer to the API server on the shared `CurlTransferLoop`: the options from the
/// cluster configuration and the request, and the header lists libcurl reads until it is done.
///
/// @unchecked Sendable: the compiler cannot see that its C memory is used on the curl loop thread only.
final class CurlTransfer: @unchecked Sendable {
    let handle: CurlEasyHandle
    let sink: TransferSink
    private let url: String
    private var headers: UnsafeMutablePointer<curl_slist>?
    private var connectTo: UnsafeMutablePointer<curl_slist>?
    private var completion: ((KubeError?) -> Void)?

    private init(handle: CurlEasyHandle, sink: TransferSink, url: String) {
        self.handle = handle
        self.sink = sink
        self.url = url
    }

    deinit {
        curl_slist_free_all(headers)
        curl_slist_free_all(connectTo)
    }

    /// Sets `handle` up and starts it; `completion` runs on the loop thread with nil once the
    /// response is complete (any status), or with why it is not. Loop thread only.
    static func start(
        handle: CurlEasyHandle, configuration: ClusterConfiguration, request: TransferRequest, sink: TransferSink,
        control: CurlTransferControl, loop: CurlTransferLoop, completion: @escaping (KubeError?) -> Void
    ) {
        guard !control.cancellation.isCancelled else { return completion(.cancelled) }
        let endpoint: ServerEndpoint
        do {
            endpoint = try ServerEndpoint(configuration.server)
        } catch {
            return completion(error)
        }
        var url = endpoint.url(path: request.target)
        if let name = configuration.tlsServerName, !name.isEmpty, name != endpoint.host {
            // Connect to the real address but name the server `name`, so SNI and the
            // certificate check both use it, as client-go's ServerName does.
            url = endpoint.url(path: request.target, host: name)
        }
        let transfer = CurlTransfer(handle: handle, sink: sink, url: url)
        if let error = transfer.configure(configuration: configuration, request: request, endpoint: endpoint) {
            return completion(error)
        }
        transfer.completion = completion
        do {
            try loop.start(handle) { code in transfer.finished(code) }
        } catch {
            transfer.completion = nil
            return completion(.transport("libcurl could not start a transfer to \(url): \(error)"))
        }
        control.attach(transfer)
        // A cancel that came after the check above but before `attach` found nothing to abort.
        if control.cancellation.isCancelled { transfer.abort(on: loop) }
    }

    /// Loop thread only. Does nothing once this transfer finished: its handle may already run
    /// another request, which a late abort must not hit.
    func abort(on loop: CurlTransferLoop) {
        guard completion != nil else { return }
        loop.cancel(handle)
    }

    private func finished(_ code: CURLcode) {
        sink.captureStatusIfMissing()
        guard let completion else { return }
        self.completion = nil
        if code == CURLE_OK { return completion(nil) }
        if code == CURLE_ABORTED_BY_CALLBACK || sink.cancellation.isCancelled { return completion(.cancelled) }
        let error = handle.failure(code)
        completion(.transport("\(error.summary) (curl error \(code.rawValue)) talking to \(url)", curlCode: code))
    }

    private func configure(
        configuration: ClusterConfiguration, request: TransferRequest, endpoint: ServerEndpoint
    ) -> KubeError? {
        do {
            try handle.reset()
        } catch {
            return .transport("libcurl could not reset a handle: \(error)", curlCode: error.code)
        }
        let raw = handle.handle
        if let name = configuration.tlsServerName, !name.isEmpty, name != endpoint.host {
            connectTo = curl_slist_append(connectTo, "\(name):\(endpoint.port):\(endpoint.hostForURL):\(endpoint.port)")
            _ = ccurl_setopt_slist(raw, CURLOPT_CONNECT_TO, connectTo)
            headers = curl_slist_append(headers, "Host: \(endpoint.hostForURL):\(endpoint.port)")
        }
        _ = ccurl_setopt_string(raw, CURLOPT_URL, url)
        _ = ccurl_setopt_long(raw, CURLOPT_NOSIGNAL, 1)
        _ = ccurl_setopt_long(raw, CURLOPT_HTTP_VERSION, Int(CURL_HTTP_VERSION_1_1))
        _ = ccurl_setopt_long(raw, CURLOPT_TCP_KEEPALIVE, 1)
        _ = ccurl_setopt_long(raw, CURLOPT_CONNECTTIMEOUT_MS, 10_000)
        if let timeout = request.timeout {
            _ = ccurl_setopt_long(raw, CURLOPT_TIMEOUT_MS, Int(timeout.components.seconds * 1000))
        }
        _ = ccurl_setopt_string(raw, CURLOPT_CUSTOMREQUEST, request.method)
        if let body = request.body {
            _ = ccurl_setopt_off_t(raw, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.count))
            body.withUnsafeBytes { bytes in
                // COPYPOSTFIELDS copies, so the array may go away before the transfer ends.
                _ = ccurl_setopt_pointer(raw, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: bytes.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!))
            }
        } else if request.method == "GET" {
            _ = ccurl_setopt_long(raw, CURLOPT_HTTPGET, 1)
        }
        headers = curl_slist_append(headers, "Accept: \(request.accept)")
        headers = curl_slist_append(headers, "User-Agent: redis-eventsource-kubeclient/1")
        // libcurl would otherwise send "Expect: 100-continue" for large bodies and wait for it.
        headers = curl_slist_append(headers, "Expect:")
        if let contentType = request.contentType { headers = curl_slist_append(headers, "Content-Type: \(contentType)") }
        if let tokenSource = configuration.token {
            do {
                headers = curl_slist_append(headers, "Authorization: Bearer \(try tokenSource.token())")
            } catch {
                return error
            }
        }
        _ = ccurl_setopt_slist(raw, CURLOPT_HTTPHEADER, headers)
        Self.configureTLS(raw, configuration)
        let userdata = Unmanaged.passUnretained(sink).toOpaque()
        _ = ccurl_setopt_data_callback(raw, CURLOPT_WRITEFUNCTION, TransferSink.writeCallback)
        _ = ccurl_setopt_pointer(raw, CURLOPT_WRITEDATA, userdata)
        _ = ccurl_setopt_data_callback(raw, CURLOPT_HEADERFUNCTION, TransferSink.headerCallback)
        _ = ccurl_setopt_pointer(raw, CURLOPT_HEADERDATA, userdata)
        _ = ccurl_setopt_xferinfo_callback(raw, TransferSink.progressCallback)
        _ = ccurl_setopt_pointer(raw, CURLOPT_XFERINFODATA, userdata)
        _ = ccurl_setopt_long(raw, CURLOPT_NOPROGRESS, 0)
        return nil
    }

    private static func configureTLS(_ raw: UnsafeMutableRawPointer, _ configuration: ClusterConfiguration) {
        if configuration.insecureSkipTLSVerify {
            _ = ccurl_setopt_long(raw, CURLOPT_SSL_VERIFYPEER, 0)
            _ = ccurl_setopt_long(raw, CURLOPT_SSL_VERIFYHOST, 0)
        }
        if let ca = configuration.certificateAuthority {
            ca.withUnsafeBytes { _ = ccurl_setopt_blob(raw, CURLOPT_CAINFO_BLOB, $0.baseAddress, $0.count) }
        }
        if let certificate = configuration.clientCertificate, let key = configuration.clientKey {
            // All transfers share the loop's multi handle, and with it TLS sessions; a server that
            // verifies client certificates may refuse to resume a session (OpenSSL without a
            // session id context does), so each connection makes a full handshake, as when
            // every request had a handle and a session cache of its own.
            _ = ccurl_setopt_long(raw, CURLOPT_SSL_SESSIONID_CACHE, 0)
            _ = ccurl_setopt_string(raw, CURLOPT_SSLCERTTYPE, "PEM")
            certificate.withUnsafeBytes { _ = ccurl_setopt_blob(raw, CURLOPT_SSLCERT_BLOB, $0.baseAddress, $0.count) }
            _ = ccurl_setopt_string(raw, CURLOPT_SSLKEYTYPE, "PEM")
            key.withUnsafeBytes { _ = ccurl_setopt_blob(raw, CURLOPT_SSLKEY_BLOB, $0.baseAddress, $0.count) }
        }
    }
}

/// The scheme, host and port of a `server:` URL.
struct ServerEndpoint: Sendable {
    let scheme: String
    let host: String
    let port: Int
    let basePath: String

    init(_ server: String) throws(KubeError) {
        guard let schemeEnd = server.range(of: "://") else {
            throw .configuration("server \"\(server)\" is not a URL (expected https://host:port)")
        }
        scheme = server[..<schemeEnd.lowerBound].lowercased()
        guard scheme == "https" || scheme == "http" else { throw .configuration("server \"\(server)\" is not http or https") }
        let rest = server[schemeEnd.upperBound...]
        let authority = rest.prefix { $0 != "/" }
        basePath = String(rest.dropFirst(authority.count))
        var hostPart = Substring(authority)
        var portText: Substring?
        if hostPart.hasPrefix("["), let close = hostPart.firstIndex(of: "]") {
            let after = hostPart[hostPart.index(after: close)...]
            if after.hasPrefix(":") { portText = after.dropFirst() }
            hostPart = hostPart[hostPart.index(after: hostPart.startIndex)..<close]
        } else if let colon = hostPart.lastIndex(of: ":") {
            portText = hostPart[hostPart.index(after: colon)...]
            hostPart = hostPart[..<colon]
        }
        guard !hostPart.isEmpty else { throw .configuration("server \"\(server)\" has no host") }
        host = String(hostPart)
        if let portText {
            guard let value = Int(portText), (1...65535).contains(value) else {
                throw .configuration("server \"\(server)\" has an invalid port")
            }
            port = value
        } else {
            port = scheme == "https" ? 443 : 80
        }
    }

    var hostForURL: String { host.contains(":") ? "[\(host)]" : host }

    func url(path: String, host overrideHost: String? = nil) -> String {
        "\(scheme)://\(overrideHost ?? hostForURL):\(port)\(basePath)\(path)"
    }
}

import CCurl
import Foundation

/// Receives what libcurl reads for one transfer. Used only on that transfer's thread: libcurl
/// calls back into it from inside `curl_easy_perform`.
final class TransferSink {
    private let handle: UnsafeMutableRawPointer
    let cancellation: CancellationFlag
    /// For watches: successful response bytes go here as they arrive instead of being collected.
    private let onStreamData: ((UnsafeRawBufferPointer) -> Void)?
    private(set) var status = 0
    private(set) var body: [UInt8] = []
    private(set) var retryAfterSeconds: Int?
    /// Error bodies are Status objects; anything far bigger is not worth keeping.
    private let errorBodyLimit = 1 << 20

    init(handle: UnsafeMutableRawPointer, cancellation: CancellationFlag, onStreamData: ((UnsafeRawBufferPointer) -> Void)? = nil) {
        self.handle = handle
        self.cancellation = cancellation
        self.onStreamData = onStreamData
    }

    func receive(_ bytes: UnsafeRawBufferPointer) {
        if status == 0 {
            var code = 0
            _ = ccurl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &code)
            status = code
        }
        if let onStreamData, (200..<300).contains(status) {
            onStreamData(bytes)
        } else if onStreamData == nil || body.count < errorBodyLimit {
            body.append(contentsOf: bytes)
        }
    }

    /// A response without a body never reached `receive`; its status is read at the end.
    func captureStatusIfMissing() {
        guard status == 0 else { return }
        var code = 0
        _ = ccurl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &code)
        status = code
    }

    func receiveHeader(_ line: UnsafeRawBufferPointer) {
        let text = String(decoding: line, as: UTF8.self)
        if text.hasPrefix("HTTP/") {
            // A new response (after a 100 Continue, say) starts over.
            status = 0
            retryAfterSeconds = nil
            return
        }
        guard let colon = text.firstIndex(of: ":"),
            text[..<colon].lowercased() == "retry-after"
        else { return }
        let value = text[text.index(after: colon)...].trimmingCharacters(in: .whitespacesAndNewlines)
        retryAfterSeconds = Int(value)
    }

    static let writeCallback: ccurl_data_callback = { pointer, size, count, userdata in
        let length = size * count
        guard let pointer, let userdata else { return length }
        let sink = Unmanaged<TransferSink>.fromOpaque(userdata).takeUnretainedValue()
        sink.receive(UnsafeRawBufferPointer(start: pointer, count: length))
        return length
    }

    static let headerCallback: ccurl_data_callback = { pointer, size, count, userdata in
        let length = size * count
        guard let pointer, let userdata else { return length }
        let sink = Unmanaged<TransferSink>.fromOpaque(userdata).takeUnretainedValue()
        sink.receiveHeader(UnsafeRawBufferPointer(start: pointer, count: length))
        return length
    }

    /// libcurl calls this about once a second even on an idle connection; non-zero aborts.
    static let progressCallback: ccurl_xferinfo_callback = { userdata, _, _, _, _ in
        guard let userdata else { return 0 }
        return Unmanaged<TransferSink>.fromOpaque(userdata).takeUnretainedValue().cancellation.isCancelled ? 1 : 0
    }
}

import Foundation

/// Runs libcurl transfers on threads of their own, never on Swift's cooperative pool (a blocked
/// `curl_easy_perform` there would starve every task), and hands results back to async callers.
final class CurlTransport: Sendable {
    let configuration: ClusterConfiguration
    private let handles = CurlHandlePool()

    init(configuration: ClusterConfiguration) {
        self.configuration = configuration
    }

    /// One request, start to finish. Cancelling the calling task aborts the transfer.
    func send(_ request: TransferRequest) async -> Result<TransferResult, KubeError> {
        let cancellation = CancellationFlag()
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Result<TransferResult, KubeError>, Never>) in
                let thread = Thread { [self] in
                    continuation.resume(returning: self.performBlocking(request, cancellation: cancellation))
                }
                thread.name = "kube-client.request"
                thread.start()
            }
        } onCancel: {
            cancellation.cancel()
        }
    }

    private func performBlocking(_ request: TransferRequest, cancellation: CancellationFlag) -> Result<TransferResult, KubeError> {
        let handle: CurlHandle
        do {
            handle = try handles.take()
        } catch {
            return .failure(error)
        }
        let sink = TransferSink(handle: handle.raw, cancellation: cancellation)
        if let error = CurlTransfer.perform(handle: handle, configuration: configuration, request: request, sink: sink) {
            // A handle whose transfer failed may hold a broken connection; let it go.
            return .failure(error)
        }
        handles.giveBack(handle)
        return .success(TransferResult(status: sink.status, body: sink.body, retryAfterSeconds: sink.retryAfterSeconds))
    }

    /// A long-lived streaming GET (a watch) on its own thread. Response bytes arrive as they come;
    /// the stream ends when the server ends the response, and fails with the server's Status on an
    /// HTTP error or with `.transport` when the connection breaks. Ending the consumer's iteration
    /// (or `cancel()`) aborts the transfer within about a second.
    func stream(_ request: TransferRequest) -> ByteStream {
        let cancellation = CancellationFlag()
        let (stream, continuation) = AsyncThrowingStream<[UInt8], any Error>.makeStream()
        continuation.onTermination = { _ in cancellation.cancel() }
        let configuration = self.configuration
        let thread = Thread {
            let handle: CurlHandle
            do {
                handle = try CurlHandle()
            } catch {
                continuation.finish(throwing: error)
                return
            }
            let sink = TransferSink(handle: handle.raw, cancellation: cancellation) { bytes in
                continuation.yield(Array(bytes))
            }
            let failure = CurlTransfer.perform(handle: handle, configuration: configuration, request: request, sink: sink)
            if let failure {
                continuation.finish(throwing: failure)
            } else if !(200..<300).contains(sink.status) {
                continuation.finish(throwing: KubeClient.error(status: sink.status, body: sink.body, retryAfter: sink.retryAfterSeconds))
            } else {
                continuation.finish()
            }
        }
        thread.name = "kube-client.watch"
        thread.start()
        return ByteStream(bytes: stream, lifetime: TransferLifetime(cancellation))
    }
}

/// The bytes of a streaming response, and a way to stop it without waiting for the consumer.
/// When the last copy goes away the transfer stops too, so a consumer that just drops it leaks nothing.
public struct ByteStream: Sendable {
    public let bytes: AsyncThrowingStream<[UInt8], any Error>
    let lifetime: TransferLifetime

    public func cancel() { lifetime.cancellation.cancel() }
}

final class TransferLifetime: Sendable {
    let cancellation: CancellationFlag

    init(_ cancellation: CancellationFlag) {
        self.cancellation = cancellation
    }

    deinit { cancellation.cancel() }
}

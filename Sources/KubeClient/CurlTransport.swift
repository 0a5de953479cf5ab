import CurlCore

/// Runs the client's libcurl transfers on the one transfer thread it is given (`CurlTransferLoop`),
/// never on Swift's cooperative pool and with no thread of their own, and hands results back to
/// async callers.
final class CurlTransport: Sendable {
    let configuration: ClusterConfiguration
    private let handles = CurlHandlePool()
    private let loop: CurlTransferLoop

    init(configuration: ClusterConfiguration, loop: CurlTransferLoop) {
        self.configuration = configuration
        self.loop = loop
    }

    /// One request, start to finish. Cancelling the calling task aborts the transfer.
    func send(_ request: TransferRequest) async -> Result<TransferResult, KubeError> {
        let control = CurlTransferControl(loop: loop)
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Result<TransferResult, KubeError>, Never>) in
                let (configuration, handles, loop) = (self.configuration, self.handles, self.loop)
                loop.execute {
                    let handle: CurlEasyHandle
                    do throws(KubeError) {
                        handle = try handles.take()
                    } catch {
                        return continuation.resume(returning: .failure(error))
                    }
                    let sink = TransferSink(handle: handle.handle, cancellation: control.cancellation)
                    CurlTransfer.start(
                        handle: handle, configuration: configuration, request: request, sink: sink, control: control, loop: loop
                    ) { failure in
                        control.attach(nil)
                        if let failure {
                            // A handle whose transfer failed may hold a broken connection; let it go.
                            return continuation.resume(returning: .failure(failure))
                        }
                        handles.giveBack(handle)
                        continuation.resume(
                            returning: .success(TransferResult(status: sink.status, body: sink.body, retryAfterSeconds: sink.retryAfterSeconds)))
                    }
                }
            }
        } onCancel: {
            control.cancel()
        }
    }

    /// A long-lived streaming GET (a watch). Response bytes arrive as they come, from the
    /// transfer loop's thread; the stream ends when the server ends the response, and fails
    /// with the server's Status on an HTTP error or with `.transport` when the connection
    /// breaks. Ending the consumer's iteration (or `cancel()`) aborts the transfer at once.
    func stream(_ request: TransferRequest) -> ByteStream {
        let control = CurlTransferControl(loop: loop)
        let (stream, continuation) = AsyncThrowingStream<[UInt8], any Error>.makeStream()
        continuation.onTermination = { _ in control.cancel() }
        let (configuration, loop) = (self.configuration, self.loop)
        loop.execute {
            let handle: CurlEasyHandle
            do throws(CurlError) {
                handle = try CurlEasyHandle()
            } catch {
                return continuation.finish(throwing: KubeError.transport("libcurl could not create a handle: \(error)", curlCode: error.code))
            }
            let sink = TransferSink(handle: handle.handle, cancellation: control.cancellation) { bytes in
                continuation.yield(Array(bytes))
            }
            CurlTransfer.start(
                handle: handle, configuration: configuration, request: request, sink: sink, control: control, loop: loop
            ) { failure in
                control.attach(nil)
                if let failure {
                    continuation.finish(throwing: failure)
                } else if !(200..<300).contains(sink.status) {
                    continuation.finish(
                        throwing: KubeClient.error(status: sink.status, body: sink.body, retryAfter: sink.retryAfterSeconds))
                } else {
                    continuation.finish()
                }
            }
        }
        return ByteStream(bytes: stream, lifetime: TransferLifetime(control))
    }
}

/// The bytes of a streaming response, and a way to stop it without waiting for the consumer.
/// When the last copy goes away the transfer stops too, so a consumer that just drops it leaks nothing.
public struct ByteStream: Sendable {
    public let bytes: AsyncThrowingStream<[UInt8], any Error>
    let lifetime: TransferLifetime

    public func cancel() { lifetime.control.cancel() }
}

final class TransferLifetime: Sendable {
    let control: CurlTransferControl

    init(_ control: CurlTransferControl) {
        self.control = control
    }

    deinit { control.cancel() }
}

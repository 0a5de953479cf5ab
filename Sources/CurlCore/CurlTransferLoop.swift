import CCurl
import Foundation
import Synchronization

/// The one thread that runs every libcurl transfer of the process: all HTTP sinks' POSTs and all
/// Kubernetes requests and watches, over one multi handle (its socket interface, see
/// `CurlMultiSockets`) and one connection cache. Clients never block on it: they hand it work
/// with `execute`, start transfers from there with `start`, and hear back in the completion,
/// which runs on this thread too. So whatever a client keeps about its transfers is touched by
/// this thread only, and needs no lock.
///
/// Other threads touch only the job queue (under its mutex) and the wake pipe.
/// @unchecked Sendable: the compiler cannot see that the multi handle and tables stay on the loop thread.
public final class CurlTransferLoop: @unchecked Sendable {
    /// For tests and tools that run no `SinkRuntime`; the executables hand every sink and their
    /// Kubernetes client the loop of their runtime instead. Started on first use.
    public static let shared = CurlTransferLoop(name: "curl-transfers")

    private let jobs = Mutex<[@Sendable () -> Void]>([])
    private let wakePipe: CurlWakePipe?
    /// nil when libcurl could not be set up; `start` then fails every transfer with `setupError`.
    private let multi: CurlMulti?
    private let setupError: CurlMultiError?
    private var completions: [UnsafeMutableRawPointer: (CURLcode) -> Void] = [:]
    /// Connections the clients want kept open between transfers, on top of `baseConnections`.
    private var reservedConnections = 0
    /// For the Kubernetes client: its watches hold connections, and its requests reuse a few.
    private static let baseConnections = 32
    private var thread: Thread?
    /// Set on the loop thread by `shutdown`; the loop ends after the pass that sees it.
    private var stopping = false

    /// Starts the loop's thread, named `name`; `shutdown` ends it.
    public init(name: String) {
        wakePipe = CurlWakePipe()
        var multi: CurlMulti?
        var setupError: CurlMultiError?
        if let wakePipe {
            do {
                multi = try CurlMulti(wakeDescriptor: wakePipe.readDescriptor)
            } catch {
                setupError = error
            }
        } else {
            setupError = CurlMultiError(code: CURLM_INTERNAL_ERROR, call: "pipe")
        }
        multi?.setConnectionCacheSize(Self.baseConnections)
        self.multi = multi
        self.setupError = setupError
        let thread = Thread { [unowned self] in self.run() }
        thread.name = name
        self.thread = thread
        thread.start()
    }

    /// Whether the caller is on the loop thread (where `start` and `cancel` may be called).
    public var isCurrent: Bool { Thread.current === thread }

    /// Runs `job` on the loop thread soon, after the jobs handed over before it.
    public func execute(_ job: @escaping @Sendable () -> Void) {
        let wasIdle = jobs.withLock { jobs in
            jobs.append(job)
            return jobs.count == 1
        }
        if wasIdle { wakePipe?.wake() }
    }

    /// Starts the transfer `easy` is configured for; `completion` runs on the loop thread with
    /// how it ended, exactly once, unless `cancel` takes it back first. The caller keeps
    /// `easy` alive and leaves it alone until then. Loop thread only.
    public func start(_ easy: CurlEasyHandle, completion: @escaping (CURLcode) -> Void) throws(CurlMultiError) {
        precondition(isCurrent, "CurlTransferLoop.start called off the loop thread")
        guard let multi else { throw setupError ?? CurlMultiError(code: CURLM_INTERNAL_ERROR, call: "curl_multi_init") }
        try multi.add(easy.handle)
        completions[easy.handle] = completion
        resizeConnectionCache()
    }

    /// Abandons a transfer still running: its completion runs now with CURLE_ABORTED_BY_CALLBACK
    /// (as when a progress callback aborts), and a connection mid-request is closed. Does
    /// nothing for a transfer that already finished. Loop thread only.
    public func cancel(_ easy: CurlEasyHandle) {
        precondition(isCurrent, "CurlTransferLoop.cancel called off the loop thread")
        guard let completion = completions.removeValue(forKey: easy.handle) else { return }
        multi?.remove(easy.handle)
        completion(CURLE_ABORTED_BY_CALLBACK)
    }

    /// A client (an HTTP sink) keeps up to `count` connections open between its transfers, so the
    /// shared cache grows by as many and never closes them for another client's; negative when
    /// the client goes. Without it libcurl would keep only four per transfer running at the time.
    /// Loop thread only.
    public func reserveConnections(_ count: Int) {
        precondition(isCurrent, "CurlTransferLoop.reserveConnections called off the loop thread")
        reservedConnections += count
        resizeConnectionCache()
    }

    /// libcurl counts the connections in use against the cache size too, so the cache holds one
    /// per running transfer (a long watch holds its own) on top of the idle ones clients keep.
    private func resizeConnectionCache() {
        multi?.setConnectionCacheSize(Self.baseConnections + max(0, reservedConnections) + completions.count)
    }

    /// Ends the loop thread once the jobs handed over before this have run. Transfers still
    /// running end at once, their completions called with CURLE_ABORTED_BY_CALLBACK; jobs handed
    /// over later never run. Call it once no client uses the loop any more.
    public func shutdown() {
        execute { [self] in stopping = true }
    }

    private func run() {
        while !stopping { turn() }
        for (easy, completion) in completions {
            multi?.remove(easy)
            completion(CURLE_ABORTED_BY_CALLBACK)
        }
        completions = [:]
    }

    /// One pass of the loop. Kept out of `run` on purpose: with the body inlined into the endless
    /// loop, Swift 6.3's optimiser (-O) never finishes compiling `run`.
    @inline(never)
    private func turn() {
        runJobs()
        if stopping { return }
        guard let multi else {
            // Nothing can run; only jobs arrive, and they fail their transfers at `start`.
            Thread.sleep(forTimeInterval: 0.1)
            return
        }
        // A failed socket action (a socket libcurl no longer knows, say) leaves the other
        // transfers running, and libcurl's own timeouts end the affected one.
        try? multi.drive(waitingAtMost: .seconds(1))
        while let (easy, result) = multi.nextFinished() {
            multi.remove(easy)
            completions.removeValue(forKey: easy)?(result)
        }
    }

    private func runJobs() {
        let due = jobs.withLock { jobs in
            defer { jobs.removeAll(keepingCapacity: true) }
            return jobs
        }
        for job in due { job() }
    }
}

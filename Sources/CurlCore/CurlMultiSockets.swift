import CCurl

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The sockets and the timer libcurl asks a `CurlMulti` to watch (its multi_socket interface),
/// filled by libcurl's callbacks through an unretained pointer to this object, plus the
/// transfer loop's wake descriptor, always first in the poll list and never handed to libcurl.
///
/// Why not `curl_multi_perform` and `curl_multi_poll`: without readiness from its caller,
/// libcurl polls every busy transfer's socket itself on each perform, which measured three
/// poll(2) calls per request; told which socket is ready, it touches only that transfer.
final class CurlMultiSockets {
    /// The wake descriptor, then the sockets with the poll(2) events libcurl wants for each
    /// (one per connection), kept ready for poll(2) and updated in place.
    private var pollList: [pollfd]
    private var ready: [(socket: Int32, events: Int32)] = []
    /// When libcurl wants `curl_multi_socket_action(CURL_SOCKET_TIMEOUT)`; nil for never.
    private(set) var timerDeadline: ContinuousClock.Instant?

    init(wakeDescriptor: Int32) {
        pollList = [pollfd(fd: wakeDescriptor, events: Int16(POLLIN), revents: 0)]
    }

    /// Registers both callbacks on `multi`. The caller keeps this object alive as long as `multi`.
    func install(on multi: UnsafeMutableRawPointer) -> CURLMcode {
        let me = Unmanaged.passUnretained(self).toOpaque()
        let socketCode = ccurl_multi_setopt_socket_function(multi, { _, socket, what, me, _ in
            guard let me else { return 0 }
            Unmanaged<CurlMultiSockets>.fromOpaque(me).takeUnretainedValue().watch(socket, what)
            return 0
        }, me)
        guard socketCode == CURLM_OK else { return socketCode }
        return ccurl_multi_setopt_timer_function(multi, { _, milliseconds, me in
            guard let me else { return 0 }
            Unmanaged<CurlMultiSockets>.fromOpaque(me).takeUnretainedValue().setTimer(milliseconds)
            return 0
        }, me)
    }

    private func watch(_ socket: Int32, _ what: Int32) {
        let events: Int16
        switch what {
        case CURL_POLL_IN: events = Int16(POLLIN)
        case CURL_POLL_OUT: events = Int16(POLLOUT)
        case CURL_POLL_INOUT: events = Int16(POLLIN | POLLOUT)
        default: events = 0
        }
        let index = pollList.indices.dropFirst().first { pollList[$0].fd == socket }
        switch (index, events) {
        case (let index?, 0): pollList.swapAt(index, pollList.count - 1); pollList.removeLast()
        case (let index?, _): pollList[index].events = events
        case (nil, 0): break
        case (nil, _): pollList.append(pollfd(fd: socket, events: events, revents: 0))
        }
    }

    private func setTimer(_ milliseconds: Int) {
        timerDeadline = milliseconds < 0 ? nil : .now + .milliseconds(milliseconds)
    }

    /// Takes the timer when it is due (libcurl's timers are one-shot: it sets the next itself).
    func takeDueTimer() -> Bool {
        guard let deadline = timerDeadline, deadline <= .now else { return false }
        timerDeadline = nil
        return true
    }

    /// Blocks in poll(2) until a watched socket is ready, the loop is woken, the timer is due,
    /// or `limit` passed;
    /// returns each ready socket with its CURL_CSELECT_* bits (0: let libcurl look). An
    /// interrupted wait returns none.
    func waitForReadySockets(limit: Duration) -> [(socket: Int32, events: Int32)] {
        var wait = limit
        if let deadline = timerDeadline { wait = max(.zero, min(wait, deadline - .now)) }
        // Rounded up, so a timer is never woken for just before it is due.
        let (seconds, attoseconds) = wait.components
        let milliseconds = Int32(clamping: seconds * 1000 + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000)
        let count = poll(&pollList, nfds_t(pollList.count), milliseconds)
        ready.removeAll(keepingCapacity: true)
        guard count > 0 else { return ready }
        if pollList[0].revents != 0 {
            pollList[0].revents = 0
            CurlWakePipe.drain(pollList[0].fd)
        }
        for index in pollList.indices.dropFirst() where pollList[index].revents != 0 {
            let revents = Int32(pollList[index].revents)
            pollList[index].revents = 0
            var events: Int32 = 0
            if revents & Int32(POLLIN | POLLHUP | POLLERR) != 0 { events |= CURL_CSELECT_IN }
            if revents & Int32(POLLOUT) != 0 { events |= CURL_CSELECT_OUT }
            if revents & Int32(POLLERR | POLLNVAL) != 0 { events |= CURL_CSELECT_ERR }
            // Writable only: hand libcurl 0 ("unknown") so it checks both directions itself right
            // before it acts, as curl_easy_perform does. Told CURL_CSELECT_OUT alone, it only
            // sends; a server that answered early (413) and closed while the body was still
            // going out then costs a failed send (CURLE_SEND_ERROR) instead of its answer,
            // which arrived after this poll. Checking first, libcurl reads the answer, stops
            // sending and reports it. Costs one poll(2) per write step of a large body only.
            if events == CURL_CSELECT_OUT { events = 0 }
            ready.append((pollList[index].fd, events))
        }
        return ready
    }
}

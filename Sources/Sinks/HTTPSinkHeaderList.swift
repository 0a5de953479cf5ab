import CCurl
import EventSourceAPI

/// The request headers of one transfer, as the `curl_slist` libcurl reads, in memory this list
/// owns and rewrites in place. A line is encoded again only when its value changed since the
/// previous event: the attributes an adapter sends unchanged (source, specversion, type,
/// subject, content type) are built once, ce-time about once a second, and no event allocates.
/// libcurl reads the list while it sends a request, so it must not change during a transfer.
final class HTTPSinkHeaderList {
    private struct Line {
        var name: String
        var value: String
        var text: UnsafeMutablePointer<CChar>
        var capacity: Int
    }

    private var lines: [Line] = []
    private var nodes: UnsafeMutablePointer<curl_slist>
    private var nodeCapacity: Int
    private var scratch: [UInt8] = []

    init() {
        nodeCapacity = 8
        nodes = .allocate(capacity: nodeCapacity)
        // An empty "Expect:" stops libcurl from waiting for 100-continue before larger bodies.
        set(0, name: "Expect", value: "", line: Array("Expect:\0".utf8))
    }

    deinit {
        for line in lines { line.text.deallocate() }
        nodes.deallocate()
    }

    /// The headers for `event`, valid until the next call.
    func update(for event: CloudEvent, mode: SinkSpec.Mode) -> UnsafeMutablePointer<curl_slist> {
        var count = 1
        CloudEventHTTPMessage.forEachHeader(of: event, mode: mode) { name, value, percentEncode in
            defer { count += 1 }
            if count < lines.count, lines[count].value == value, lines[count].name == name { return }
            scratch.removeAll(keepingCapacity: true)
            scratch.append(contentsOf: name.utf8)
            scratch.append(contentsOf: ": ".utf8)
            if percentEncode {
                CloudEventHTTPMessage.appendPercentEncoded(value, to: &scratch)
            } else {
                scratch.append(contentsOf: value.utf8)
            }
            scratch.append(0)
            set(count, name: name, value: value, line: scratch)
        }
        if count > nodeCapacity {
            nodes.deallocate()
            nodeCapacity = count
            nodes = .allocate(capacity: nodeCapacity)
        }
        for index in 0..<count {
            nodes[index] = curl_slist(data: lines[index].text, next: index + 1 < count ? nodes + index + 1 : nil)
        }
        return nodes
    }

    /// Stores `line` (NUL-terminated) as line `index`, reusing that line's memory when it fits.
    private func set(_ index: Int, name: String, value: String, line: [UInt8]) {
        if index == lines.count {
            let capacity = max(64, line.count)
            lines.append(Line(name: name, value: value, text: .allocate(capacity: capacity), capacity: capacity))
        } else if lines[index].capacity < line.count {
            lines[index].text.deallocate()
            lines[index].capacity = line.count * 2
            lines[index].text = .allocate(capacity: lines[index].capacity)
        }
        lines[index].name = name
        lines[index].value = value
        line.withUnsafeBytes { bytes in
            UnsafeMutableRawPointer(lines[index].text).copyMemory(from: bytes.baseAddress!, byteCount: bytes.count)
        }
    }
}

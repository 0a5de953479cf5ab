import Glibc

/// Progress goes to standard error and results to standard output, unbuffered, so a bench
/// that is interrupted still shows how far it got.
enum Console {
    static func error(_ line: String) { write(line + "\n", to: 2) }
    static func out(_ line: String) { write(line + "\n", to: 1) }

    private static func write(_ text: String, to descriptor: Int32) {
        var bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeMutableBytes { Glibc.write(descriptor, $0.baseAddress! + offset, $0.count - offset) }
            if written < 0 && errno == EINTR { continue }
            if written <= 0 { return }
            offset += written
        }
    }
}

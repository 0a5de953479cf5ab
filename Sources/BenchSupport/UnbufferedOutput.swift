import Glibc

/// Unbuffered writes to standard output or error, safe from a signal handler's queue: progress
/// shows even when the tool is interrupted.
public enum UnbufferedOutput {
    public static func error(_ text: String) { write(text, to: 2) }
    public static func out(_ text: String) { write(text, to: 1) }

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

import BenchSupport

/// Progress goes to standard error and results to standard output, unbuffered, so a bench
/// that is interrupted still shows how far it got.
enum Console {
    static func error(_ line: String) { UnbufferedOutput.error(line + "\n") }
    static func out(_ line: String) { UnbufferedOutput.out(line + "\n") }
}

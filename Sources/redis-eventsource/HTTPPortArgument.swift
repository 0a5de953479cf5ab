import ArgumentParser

/// `--http-port`: a number, or `auto` for a port the system picks. The port actually bound is
/// logged ("serving /healthz /readyz /metrics on http://ADDRESS:PORT"), which is how tests and scripts that
/// run several processes side by side find it without probing for a free port first.
enum HTTPPortArgument: ExpressibleByArgument, CustomStringConvertible, Equatable {
    case number(Int)
    case auto

    init?(argument: String) {
        if argument == "auto" {
            self = .auto
        } else if let number = Int(argument) {
            self = .number(number)
        } else {
            return nil
        }
    }

    var description: String {
        switch self {
        case .number(let number): return String(number)
        case .auto: return "auto"
        }
    }

    /// The port to hand the health server: 0 asks the kernel for one.
    var bindPort: Int {
        switch self {
        case .number(let number): return number
        case .auto: return 0
        }
    }

    /// Whether the number is a port the server can bind; `auto` always is.
    func isValid(allowing range: ClosedRange<Int>) -> Bool {
        switch self {
        case .number(let number): return range.contains(number)
        case .auto: return true
        }
    }
}

/// Why a bench phase could not produce its figure.
enum BenchError: Error, CustomStringConvertible {
    case redis(String)
    case process(String)
    case timeout(String)
    case tool(String)

    var description: String {
        switch self {
        case .redis(let message): return "redis: \(message)"
        case .process(let message): return "process: \(message)"
        case .timeout(let message): return "timed out: \(message)"
        case .tool(let message): return message
        }
    }
}

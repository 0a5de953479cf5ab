/// Warnings one request collects on its way (unknown fields under `fieldValidation=Warn`), sent
/// back as `Warning: 299` headers, which kubectl prints. Lives for one request, on one thread.
final class RequestWarnings {
    private(set) var messages: [String] = []

    func add(_ message: String) {
        if !messages.contains(message) { messages.append(message) }
    }

    /// `299 - "text"`, with the text as an HTTP quoted string.
    var headers: [(String, String)] {
        messages.map { message in
            let quoted = message.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            return ("Warning", "299 - \"\(quoted)\"")
        }
    }
}

import ArgumentParser

/// How log lines look on standard error.
enum LogFormat: String, CaseIterable, ExpressibleByArgument {
    /// `time level label: [key=value …] message`, for people.
    case text
    /// One JSON object per line, for log collectors.
    case json
}

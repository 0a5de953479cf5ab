import ArgumentParser
import Logging

extension Logger.Level: @retroactive ExpressibleByArgument {}

/// The logging flags `run` and `controller` share. Logs go to standard error; standard output
/// is reserved for events.
struct LoggingOptions: ParsableArguments {
    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: Logger.Level = .info

    @Option(help: "Log line format: text, or json (one object per line: time, level, logger, msg, namespace, eventsource, event).")
    var logFormat: LogFormat = .text

    /// Installs the handler for the whole process and returns the root logger.
    func bootstrap() -> Logger {
        let level = logLevel
        let format = logFormat
        LoggingSystem.bootstrap { label in LogLineHandler(label: label, format: format, logLevel: level) }
        return Logger(label: "redis-eventsource")
    }
}

import Foundation

/// Progress goes to standard error; standard output carries the report.
enum Console {
    static func say(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}

import Foundation

/// A manifest written into a fresh temporary folder, for commands that take a file.
public enum TemporaryManifest {
    /// Writes `text` as `eventsource.yaml` in a new folder and returns the file's path.
    public static func write(_ text: String) throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("es-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let file = folder.appendingPathComponent("eventsource.yaml")
        try text.write(to: file, atomically: true, encoding: .utf8)
        return file.path
    }
}

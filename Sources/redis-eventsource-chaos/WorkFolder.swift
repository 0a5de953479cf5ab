import Foundation

/// A temporary folder for one chaos run: manifests, logs, Redis data. Removed at the end.
struct WorkFolder {
    let path: String

    static func make() throws -> WorkFolder {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("chaos-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return WorkFolder(path: path)
    }

    /// A fresh sub-folder for one scenario.
    func folder(_ name: String) throws -> String {
        let folder = "\(path)/\(name)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        return folder
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }
}

import Foundation

/// What `nats-server -p -1 --ports_file_dir DIR` writes: `DIR/nats-server_<pid>.ports`, holding
/// `{"nats": ["nats://127.0.0.1:PORT"], …}`, the port the server picked.
public enum NatsPortsFile {
    /// The client port, once the server has written the file.
    public static func clientPort(in folder: String) -> Int? {
        guard let name = try? FileManager.default.contentsOfDirectory(atPath: folder).first(where: { $0.hasSuffix(".ports") }),
            let data = FileManager.default.contents(atPath: "\(folder)/\(name)"),
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let first = (object["nats"] as? [String])?.first, let colon = first.lastIndex(of: ":")
        else { return nil }
        return Int(first[first.index(after: colon)...])
    }
}

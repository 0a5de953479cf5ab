import Foundation

/// The programs the bench and the chaos runner drive, found where Debian installs them (or on
/// PATH), and this build's own executables beside the running one.
public enum InstalledTool {
    public static var redisServer: String { find("redis-server", in: ["/usr/bin", "/usr/local/bin"]) }
    public static var kubectl: String { find("kubectl", in: ["/usr/bin", "/usr/local/bin"]) }
    public static var natsServer: String { find("nats-server", in: ["/usr/sbin", "/usr/bin", "/usr/local/bin"]) }

    /// `name` from the folder of the running executable, where `swift build` puts every product.
    public static func builtProduct(_ name: String) -> String {
        let me = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return URL(fileURLWithPath: me).deletingLastPathComponent().appendingPathComponent(name).path
    }

    /// The first of `folders` holding an executable `name`; else `name` alone, for PATH lookup.
    private static func find(_ name: String, in folders: [String]) -> String {
        for folder in folders where FileManager.default.isExecutableFile(atPath: "\(folder)/\(name)") {
            return "\(folder)/\(name)"
        }
        return name
    }
}

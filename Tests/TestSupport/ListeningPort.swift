import Foundation

/// The TCP port a child process listens on, read from the kernel: for servers that can bind
/// port 0 but do not print the port they got (socat). Linux only: /proc/PID/fd and /proc/net/tcp.
public enum ListeningPort {
    /// The first IPv4 port `pid` has a listening socket on, or nil while it has none.
    public static func of(pid: pid_t) -> Int? {
        let folder = "/proc/\(pid)/fd"
        guard let descriptors = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return nil }
        let inodes = Set(descriptors.compactMap { name -> String? in
            guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "\(folder)/\(name)"),
                target.hasPrefix("socket:[")
            else { return nil }
            return String(target.dropFirst("socket:[".count).dropLast())
        })
        guard !inodes.isEmpty, let table = try? String(contentsOfFile: "/proc/\(pid)/net/tcp", encoding: .utf8) else {
            return nil
        }
        for line in table.split(separator: "\n").dropFirst() {
            // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode
            let columns = line.split(separator: " ")
            guard columns.count > 9, columns[3] == "0A", inodes.contains(String(columns[9])),
                let portText = columns[1].split(separator: ":").last, let port = Int(portText, radix: 16)
            else { continue }
            return port
        }
        return nil
    }
}

import Foundation

/// The TCP port a child process listens on, read from the kernel: for servers that can bind
/// port 0 but do not print the port they got (socat). Linux only: /proc/PID/fd and /proc/net/tcp.
public enum ListeningPort {
    /// The first IPv4 port `pid` has a listening socket on, or nil while it has none.
    public static func of(pid: pid_t) -> Int? { all(pid: pid).first }

    /// Every IPv4 port `pid` listens on, in the kernel's order (a cluster-mode redis-server has two).
    public static func all(pid: pid_t) -> [Int] {
        let folder = "/proc/\(pid)/fd"
        guard let descriptors = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return [] }
        let inodes = Set(descriptors.compactMap { name -> String? in
            guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "\(folder)/\(name)"),
                target.hasPrefix("socket:[")
            else { return nil }
            return String(target.dropFirst("socket:[".count).dropLast())
        })
        guard !inodes.isEmpty, let table = readWhole("/proc/\(pid)/net/tcp") else { return [] }
        var ports: [Int] = []
        for line in table.split(separator: "\n").dropFirst() {
            // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode
            let columns = line.split(separator: " ")
            guard columns.count > 9, columns[3] == "0A", inodes.contains(String(columns[9])),
                let portText = columns[1].split(separator: ":").last, let port = Int(portText, radix: 16)
            else { continue }
            ports.append(port)
        }
        return ports
    }

    /// Reads a file to its end. Foundation's `String(contentsOfFile:)` stops after the first
    /// 4 KiB of a /proc file (whose size shows as 0), and listeners past that would go unseen.
    static func readWhole(_ path: String) -> String? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = read(descriptor, &buffer, buffer.count)
            if count > 0 {
                bytes.append(contentsOf: buffer[0..<count])
            } else if count < 0 && errno == EINTR {
                continue
            } else {
                return count == 0 ? String(decoding: bytes, as: UTF8.self) : nil
            }
        }
    }
}

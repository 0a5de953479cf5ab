import Glibc

/// Small whole-file reads and writes for the bench's scratch files (manifests, wrk's script and output).
enum TextFile {
    static func write(_ text: String, to path: String) throws(BenchError) {
        guard let file = fopen(path, "w") else { throw .tool("cannot write \(path): \(String(cString: strerror(errno)))") }
        defer { fclose(file) }
        let bytes = Array(text.utf8)
        guard fwrite(bytes, 1, bytes.count, file) == bytes.count else { throw .tool("short write to \(path)") }
    }

    static func read(_ path: String) throws(BenchError) -> String {
        guard let file = fopen(path, "r") else { throw .tool("cannot read \(path): \(String(cString: strerror(errno)))") }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = fread(&buffer, 1, buffer.count, file)
            if count <= 0 { break }
            bytes.append(contentsOf: buffer[0..<count])
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

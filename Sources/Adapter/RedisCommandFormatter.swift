import CHiredis
import NIOCore

/// RESP framing through hiredis' own formatter, so binary arguments are length-prefixed correctly.
enum RedisCommandFormatter {
    static func format(_ arguments: [RedisArgument], into buffer: inout ByteBuffer) {
        withFormatted(arguments) { buffer.writeBytes($0) }
    }

    static func format(_ arguments: [RedisArgument], into payload: inout [UInt8]) {
        withFormatted(arguments) { payload.append(contentsOf: $0) }
    }

    private static func withFormatted(_ arguments: [RedisArgument], _ body: (UnsafeRawBufferPointer) -> Void) {
        var pointers: [UnsafePointer<CChar>?] = []
        var lengths: [Int] = arguments.map(\.bytes.count)
        var storage: [UnsafeMutableRawPointer] = []
        defer { storage.forEach { $0.deallocate() } }
        for argument in arguments {
            let bytes = argument.bytes
            let copy = UnsafeMutableRawPointer.allocate(byteCount: max(bytes.count, 1), alignment: 1)
            bytes.withUnsafeBytes { source in
                if let base = source.baseAddress { copy.copyMemory(from: base, byteCount: bytes.count) }
            }
            storage.append(copy)
            pointers.append(UnsafePointer(copy.assumingMemoryBound(to: CChar.self)))
        }
        var command: UnsafeMutablePointer<CChar>?
        let length = pointers.withUnsafeMutableBufferPointer { argv in
            lengths.withUnsafeMutableBufferPointer { lengthBuffer in
                redisFormatCommandArgv(&command, Int32(argv.count), argv.baseAddress, lengthBuffer.baseAddress)
            }
        }
        guard length > 0, let command else { return }
        defer { redisFreeCommand(command) }
        body(UnsafeRawBufferPointer(start: command, count: Int(length)))
    }
}

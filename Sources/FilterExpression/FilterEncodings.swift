/// Base64 and Base32 (standard alphabets, padded), as Go's encoding packages write them.
enum FilterEncodings {
    private static let base64Alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
    private static let base32Alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".utf8)

    static func base64(_ bytes: [UInt8]) -> String {
        encode(bytes, alphabet: base64Alphabet, bitsPerSymbol: 6, groupSymbols: 4)
    }

    static func base32(_ bytes: [UInt8]) -> String {
        encode(bytes, alphabet: base32Alphabet, bitsPerSymbol: 5, groupSymbols: 8)
    }

    static func fromBase64(_ text: String) -> [UInt8]? {
        decode(text, alphabet: base64Alphabet, bitsPerSymbol: 6, groupSymbols: 4)
    }

    static func fromBase32(_ text: String) -> [UInt8]? {
        decode(text, alphabet: base32Alphabet, bitsPerSymbol: 5, groupSymbols: 8)
    }

    private static func encode(_ bytes: [UInt8], alphabet: [UInt8], bitsPerSymbol: Int, groupSymbols: Int) -> String {
        var output: [UInt8] = []
        var buffer: UInt32 = 0
        var bits = 0
        let mask = UInt32((1 << bitsPerSymbol) - 1)
        for byte in bytes {
            buffer = (buffer << 8) | UInt32(byte)
            bits += 8
            while bits >= bitsPerSymbol {
                bits -= bitsPerSymbol
                output.append(alphabet[Int((buffer >> UInt32(bits)) & mask)])
            }
            buffer &= (1 << UInt32(bits)) - 1
        }
        if bits > 0 { output.append(alphabet[Int((buffer << UInt32(bitsPerSymbol - bits)) & mask)]) }
        while output.count % groupSymbols != 0 { output.append(UInt8(ascii: "=")) }
        return String(decoding: output, as: UTF8.self)
    }

    private static func decode(_ text: String, alphabet: [UInt8], bitsPerSymbol: Int, groupSymbols: Int) -> [UInt8]? {
        let symbols = Array(text.utf8)
        guard symbols.count % groupSymbols == 0 else { return nil }
        var values = [Int](repeating: -1, count: 256)
        for (value, symbol) in alphabet.enumerated() { values[Int(symbol)] = value }
        var output: [UInt8] = []
        var buffer: UInt32 = 0
        var bits = 0
        var padding = false
        for symbol in symbols {
            if symbol == UInt8(ascii: "=") { padding = true; continue }
            guard !padding else { return nil }
            let value = values[Int(symbol)]
            guard value >= 0 else { return nil }
            buffer = (buffer << UInt32(bitsPerSymbol)) | UInt32(value)
            bits += bitsPerSymbol
            if bits >= 8 {
                bits -= 8
                output.append(UInt8((buffer >> UInt32(bits)) & 0xFF))
                buffer &= (1 << UInt32(bits)) - 1
            }
        }
        return output
    }
}

/// The field/value pairs of one stream entry, as ranges of one byte buffer that every entry of a
/// reply shares: parsing a reply copies its bytes once, instead of allocating two arrays per field.
public struct StreamEntryFields: Sendable, RandomAccessCollection, ExpressibleByArrayLiteral {
    /// The bytes of every name and value of the reply, back to back.
    let bytes: [UInt8]
    /// Start and end offsets into `bytes` of each name and value, in reply order: four per pair.
    let bounds: [Int]
    /// This entry's pairs, as indices into `bounds / 4`.
    let pairs: Range<Int>

    init(bytes: [UInt8], bounds: [Int], pairs: Range<Int>) {
        self.bytes = bytes
        self.bounds = bounds
        self.pairs = pairs
    }

    public init(_ pairs: [(name: [UInt8], value: [UInt8])]) {
        var bytes: [UInt8] = []
        var bounds: [Int] = []
        bounds.reserveCapacity(pairs.count * 4)
        for pair in pairs {
            for part in [pair.name, pair.value] {
                bounds.append(bytes.count)
                bytes.append(contentsOf: part)
                bounds.append(bytes.count)
            }
        }
        self.init(bytes: bytes, bounds: bounds, pairs: 0..<pairs.count)
    }

    public init(arrayLiteral elements: (name: [UInt8], value: [UInt8])...) {
        self.init(elements)
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { pairs.count }

    /// A copy of one pair; the hot path reads the ranges instead (`nameRange`, `valueRange`).
    public subscript(position: Int) -> (name: [UInt8], value: [UInt8]) {
        (Array(bytes[nameRange(at: position)]), Array(bytes[valueRange(at: position)]))
    }

    func nameRange(at position: Int) -> Range<Int> {
        let base = (pairs.lowerBound + position) * 4
        return bounds[base]..<bounds[base + 1]
    }

    func valueRange(at position: Int) -> Range<Int> {
        let base = (pairs.lowerBound + position) * 4
        return bounds[base + 2]..<bounds[base + 3]
    }

    static func == (lhs: StreamEntryFields, rhs: StreamEntryFields) -> Bool {
        guard lhs.count == rhs.count else { return false }
        for position in 0..<lhs.count {
            guard lhs.bytes[lhs.nameRange(at: position)] == rhs.bytes[rhs.nameRange(at: position)],
                lhs.bytes[lhs.valueRange(at: position)] == rhs.bytes[rhs.valueRange(at: position)]
            else { return false }
        }
        return true
    }
}

/// Makes inputs from seeds: byte flips, spliced dictionary fragments, cut and repeated slices,
/// crossovers between seeds, and now and then deep nesting or pure noise. Depends only on the
/// generator, so a seed and a count name the same inputs every run.
struct FuzzMutator {
    let seeds: [[UInt8]]
    let dictionary: [[UInt8]]
    var generator: SeededGenerator

    init(target: FuzzTarget, seed: UInt64) {
        seeds = target.seeds.map { Array($0.utf8) }
        dictionary = target.dictionary.map { Array($0.utf8) }
        generator = SeededGenerator(seed: seed)
    }

    mutating func next() -> [UInt8] {
        let kind = Int.random(in: 0..<20, using: &generator)
        if kind == 0 { return noise() }
        if kind == 1 { return nesting() }
        var input = seeds.randomElement(using: &generator)!
        for _ in 0..<Int.random(in: 1...8, using: &generator) { mutate(&input) }
        return input
    }

    private mutating func mutate(_ input: inout [UInt8]) {
        let position = input.isEmpty ? 0 : Int.random(in: 0...input.count, using: &generator)
        switch Int.random(in: 0..<7, using: &generator) {
        case 0 where !input.isEmpty:
            input[min(position, input.count - 1)] ^= UInt8(1 << Int.random(in: 0..<8, using: &generator))
        case 1:
            input.insert(contentsOf: dictionary.randomElement(using: &generator)!, at: position)
        case 2 where !input.isEmpty:
            let end = min(input.count, position + Int.random(in: 1...16, using: &generator))
            input.removeSubrange(min(position, end)..<end)
        case 3 where !input.isEmpty:
            let start = Int.random(in: 0..<input.count, using: &generator)
            let end = min(input.count, start + Int.random(in: 1...32, using: &generator))
            let slice = Array(input[start..<end])
            for _ in 0..<Int.random(in: 1...8, using: &generator) { input.insert(contentsOf: slice, at: position) }
        case 4:
            let other = seeds.randomElement(using: &generator)!
            let cut = other.isEmpty ? 0 : Int.random(in: 0..<other.count, using: &generator)
            input = Array(input[..<position]) + other[cut...]
        case 5:
            input.insert(UInt8.random(in: 0...255, using: &generator), at: position)
        default:
            input = Array(input.prefix(position))
        }
    }

    private mutating func noise() -> [UInt8] {
        (0..<Int.random(in: 0...256, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
    }

    /// An opener repeated thousands of times: stack depth is where recursive readers break.
    private mutating func nesting() -> [UInt8] {
        let opener = dictionary.randomElement(using: &generator)!
        let depth = Int.random(in: 100...5_000, using: &generator)
        return Array([[UInt8]](repeating: opener, count: depth).joined())
    }
}

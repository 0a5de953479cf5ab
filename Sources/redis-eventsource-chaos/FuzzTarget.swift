import Adapter
import FilterExpression
import KubeClient
import StructuredData

/// The readers that take bytes from outside: manifests, filter expressions, the API server's
/// watch stream, and Redis replies. Each takes one input and says whether it was accepted;
/// rejecting is fine, crashing or hanging is the finding.
enum FuzzTarget: String, CaseIterable, Sendable {
    case yaml = "yaml-reader"
    case filter = "filter-parser"
    case watchLine = "watch-line-decoder"
    case resp = "resp-reply-conversion"

    /// True when the input was accepted as valid.
    func consume(_ input: [UInt8]) -> Bool {
        switch self {
        case .yaml:
            return (try? YAMLReader.documents(input)) != nil
        case .filter:
            return (try? FilterProgram.parse(String(decoding: input, as: UTF8.self), knownVariables: FilterProgram.redisStreamVariables)) != nil
        case .watchLine:
            // Cut where the input says, as the network would, then decode every whole line.
            var assembler = LineAssembler()
            var accepted = false
            let cut = input.isEmpty ? 0 : Int(input[0]) % max(input.count, 1)
            for chunk in [Array(input[..<cut]), Array(input[cut...])] {
                for line in assembler.append(chunk) where (try? WatchEvent(line: line)) != nil { accepted = true }
            }
            return accepted
        case .resp:
            let outcome = RESPReplyDecoder.decode(input)
            return outcome.readerError == nil && outcome.replies > 0
        }
    }

    /// Valid inputs the mutator starts from.
    var seeds: [String] {
        switch self {
        case .yaml: return FuzzSeeds.yaml
        case .filter: return FuzzSeeds.filter
        case .watchLine: return FuzzSeeds.watchLines
        case .resp: return FuzzSeeds.resp
        }
    }

    /// Fragments the mutator splices in: the syntax each reader cares about.
    var dictionary: [String] {
        switch self {
        case .yaml: return ["&a ", "*a", "<<: *a", "- ", ": ", "{", "}", "[", "]", "|\n  ", ">-\n", "!!str ", "? ", "---\n", "...\n", "'", "\"", "#", "\t", "\n  ", "1e999", "~", "%YAML 1.2\n"]
        case .filter: return ["(", ")", "[", "]", "\"", "'", "matches", " in ", "&&", "||", "!", "not ", "values.", "values[\"", "asInt(", "len(", "==", "<=", "%", "/", "nil", "1e308", "-", ".", ","]
        case .watchLine: return ["{", "}", "[", "]", "\"type\":", "\"object\":", "\"ADDED\"", "\"ERROR\"", "\\u0000", "\\ud800", "1e999", "-0", "null", ",", ":", "\n", "\r\n"]
        case .resp: return ["*", "$", "+", "-", ":", "_", ",", "#", "%", "~", "=", "(", "\r\n", "-1\r\n", "0\r\n", "2\r\n", "99999999999\r\n", "*-1\r\n", "$-1\r\n"]
        }
    }
}

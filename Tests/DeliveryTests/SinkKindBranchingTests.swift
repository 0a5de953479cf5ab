import Foundation
import Testing

/// The claim `SinkDestination` makes: sink kinds are told apart only in the destination types,
/// `SinkFactory`, the spec's URI reader and each kind's own sink files, so adding a kind touches
/// those and nothing else. The source tree is read as it is; nothing is counted by hand.
@Suite struct SinkKindBranchingTests {
    /// Code that only means something for one kind of sink.
    static let kindSpecificCode: [(name: String, pattern: String)] = [
        ("builds one kind of sink", #"\b(StandardOutputSink|HTTPSink|JetStreamSink)\("#),
        ("reads a URI's kind", #"\.kind\(ofURI:|\b(sink|spec)\.kind\b|SinkSpec\.Kind\b"#),
        ("matches a destination's kind", #"case\s+\.(stdout|http)\b|\.jetStream\(\.|^\s*case\s+\.jetStream\(let\s+\w+\):"#),
    ]

    /// Where kinds may be told apart: the enum, each kind's destination, the factory, the URI reader.
    static let branchingFiles: Set<String> = [
        "Sources/AdapterModel/SinkDestination.swift", "Sources/AdapterModel/HTTPDestination.swift",
        "Sources/AdapterModel/JetStreamDestination.swift", "Sources/Sinks/SinkFactory.swift",
        "Sources/EventSourceAPI/SinkSpec.swift",
    ]

    /// A kind's own files in the Sinks module, which may name their kind.
    static func isKindsOwnFile(_ path: String) -> Bool {
        guard path.hasPrefix("Sources/Sinks/") else { return false }
        let name = (path as NSString).lastPathComponent
        return ["StandardOutputSink", "HTTPSink", "JetStream", "NATS", "LineWriter"].contains { name.hasPrefix($0) }
    }

    /// The tools beside the product (bench, chaos, the test API server) build sinks as they need.
    static let toolFolders = ["Sources/redis-eventsource-bench/", "Sources/redis-eventsource-chaos/", "Sources/KubeTestServer/", "Sources/kube-testserver/"]

    static var packageRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    static func productSources() throws -> [(path: String, text: String)] {
        let root = packageRoot
        let sources = root.appendingPathComponent("Sources")
        guard let walker = FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil) else { return [] }
        var files: [(String, String)] = []
        for case let url as URL in walker where url.pathExtension == "swift" {
            let path = String(url.path.dropFirst(root.path.count + 1))
            guard !toolFolders.contains(where: path.hasPrefix) else { continue }
            files.append((path, try String(contentsOf: url, encoding: .utf8)))
        }
        return files
    }

    static func matches(_ pattern: String, in text: String) throws -> Bool {
        let expression = try NSRegularExpression(pattern: pattern, options: [.anchorsMatchLines])
        return expression.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
    }

    @Test func onlyTheDestinationTypesAndTheFactoryTellSinkKindsApart() throws {
        let files = try Self.productSources()
        #expect(files.count > 50, "the scan found the product's sources under \(Self.packageRoot.path)")
        for (name, pattern) in Self.kindSpecificCode {
            let offenders = try files.filter { file in
                try !Self.branchingFiles.contains(file.path) && !Self.isKindsOwnFile(file.path) && Self.matches(pattern, in: file.text)
            }.map(\.path)
            #expect(offenders.isEmpty, "code that \(name) outside the sink-kind files: \(offenders)")
        }
    }

    /// Each pattern finds what it looks for where it is allowed, so the check above cannot pass by matching nothing.
    @Test func everyPatternFindsTheFactoryOrTheDestinationTypes() throws {
        let files = try Self.productSources().filter { Self.branchingFiles.contains($0.path) }
        #expect(Set(files.map(\.path)) == Self.branchingFiles)
        for (name, pattern) in Self.kindSpecificCode {
            let found = try files.contains { try Self.matches(pattern, in: $0.text) }
            #expect(found, "no sink-kind file \(name)")
        }
    }
}

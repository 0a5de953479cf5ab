import Foundation
import StructuredData
import Testing
import TestSupport
@testable import EventSourceAPI

/// Every number a user writes is bounded to what the code can compute with (issue 13, item 1:
/// `claimMinIdleSeconds: 9223372036854776` passed validation, overflowed in reclaim and crash-looped
/// the controller). One table of extreme values, tried on every numeric field.
@Suite struct NumericBoundsTests {
    struct NumericField: Sendable, CustomTestStringConvertible {
        let name: String
        /// Other fields the entry needs for this one to be valid.
        let companions: String
        let accepted: ClosedRange<Int>
        var testDescription: String { name }
    }

    static let int32 = Int(Int32.min)...Int(Int32.max)
    static let fields = [
        NumericField(name: "db", companions: "", accepted: int32),
        NumericField(name: "maxMsgCountPerRead", companions: "", accepted: int32),
        NumericField(name: "maxDeliveries", companions: "deadLetterStream: DLQ\n", accepted: 1...Int(Int32.max)),
        NumericField(name: "claimMinIdleSeconds", companions: "", accepted: 1...Int(Int32.max)),
    ]

    /// YAML text and the integer it denotes, nil when it is no integer at all.
    static let extremes: [(text: String, value: Int?)] = [
        ("-9223372036854775808", Int.min), ("-2147483649", -2_147_483_649), ("-2147483648", -2_147_483_648), ("-1", -1),
        ("0", 0), ("1", 1), ("2147483647", 2_147_483_647), ("2147483648", 2_147_483_648),
        ("9223372036854776", 9_223_372_036_854_776), ("9223372036854775807", Int.max), ("99999999999999999999", nil),
        ("1e300", nil), ("1.5", nil), (".inf", nil), ("-.inf", nil), (".nan", nil), ("'5'", nil), ("[1]", nil),
    ]

    @Test(arguments: fields)
    func extremeValues(_ field: NumericField) throws {
        for (text, value) in Self.extremes {
            let yaml = """
                apiVersion: argoproj.io/v1alpha1
                kind: EventSource
                metadata: {name: es}
                spec:
                  redisStream:
                    e:
                      hostAddress: "127.0.0.1:6379"
                      streams: [A]
                      \(field.companions.isEmpty ? "" : field.companions + "      ")\(field.name): \(text)
                """
            let result = try #require(try EventSourceFile.parse(yaml).documents.first).result
            let path = "spec.redisStream.e.\(field.name)"
            if let value, field.accepted.contains(value) {
                let source = try #require(try? result.get().redisStream.first?.source, "\(field.name): \(text) should be accepted")
                switch field.name {
                case "db": #expect(source.db == max(value, 0))  // a negative db runs on db 0, as in Argo (V4)
                case "maxMsgCountPerRead": #expect(source.maxMsgCountPerRead == (value > 0 ? value : 10))
                case "maxDeliveries": #expect(source.maxDeliveries == value)
                default: #expect(source.claimMinIdleSeconds == value)
                }
            } else {
                guard case .failure(let error) = result else {
                    Issue.record("\(field.name): \(text) should be rejected")
                    continue
                }
                let bounds = "must be an integer from \(field.accepted.lowerBound) to \(field.accepted.upperBound)"
                #expect(
                    error.problems.contains { $0.path == path && $0.message.hasPrefix(bounds) }, "\(field.name): \(text): \(error)")
            }
        }
    }

    @Test(arguments: ["0", "65536", "99999999999999999999", "-1", "6379x"])
    func portsOutsideOneTo65535AreRejected(_ port: String) throws {
        let yaml = """
            apiVersion: argoproj.io/v1alpha1
            kind: EventSource
            metadata: {name: es}
            spec: {redisStream: {e: {hostAddress: "h:\(port)", streams: [A]}}}
            """
        let result = try #require(try EventSourceFile.parse(yaml).documents.first).result
        guard case .failure(let error) = result else {
            Issue.record("port \(port) accepted")
            return
        }
        #expect(error.problems.map(\.description) == ["spec.redisStream.e.hostAddress: the port must be a number from 1 to 65535, got '\(port)'"])
    }

    /// The CRD refuses what validation refuses, so `kubectl apply` already says no.
    @Test(arguments: fields)
    func theCRDCarriesTheSameBounds(_ field: NumericField) throws {
        let url = BuiltProducts.repositoryRoot.appendingPathComponent("manifests/crds/argoproj.io_eventsources.yaml")
        let crd = try #require(try YAMLReader.documents(try String(contentsOf: url, encoding: .utf8)).first)
        let version = try #require(crd["spec"]?["versions"]?.arrayValue?.first)
        let entry = version["schema"]?["openAPIV3Schema"]?["properties"]?["spec"]?["properties"]?["redisStream"]?["additionalProperties"]
        let schema = try #require(entry?["properties"]?[field.name])
        #expect(schema["type"] == "integer")
        #expect(schema["minimum"]?.intValue == Int64(field.accepted.lowerBound))
        #expect(schema["maximum"]?.intValue == Int64(field.accepted.upperBound))
    }
}

import Testing
@testable import EventSourceAPI

/// `startFrom` and `createStreams`, our consumer-group extensions.
@Suite struct GroupStartDecodingTests {
    private func decode(_ entry: String) throws -> Result<EventSource, ValidationError> {
        let file = try EventSourceFile.parse(
            """
            apiVersion: argoproj.io/v1alpha1
            kind: EventSource
            metadata: {name: es}
            spec:
              redisStream:
                example:
                  hostAddress: 127.0.0.1:6379
                  streams: [FOO]
            \(entry)
            """)
        return try #require(file.documents.first).result
    }

    private func source(_ entry: String) throws -> RedisStreamEntry {
        try #require(try decode(entry).get().redisStream.first?.source)
    }

    @Test func defaultsCreateStreamsAndStartAfterTheNewestEntry() throws {
        let source = try source("")
        #expect(source.startFrom == .newest)
        #expect(source.createStreams)
    }

    @Test func readsEachFormOfStartFromAndTheOptOut() throws {
        #expect(try source("      startFrom: \"0\"").startFrom == .beginning)
        #expect(try source("      startFrom: \"$\"").startFrom == .newest)
        #expect(try source("      startFrom: \"1700000000000-3\"").startFrom == .after(StreamID(milliseconds: 1_700_000_000_000, sequence: 3)))
        #expect(try source("      createStreams: false").createStreams == false)
    }

    @Test func aBadStartFromIsAnErrorNamingTheField() throws {
        for bad in ["latest", "-1", "1-2-3", "99999999999999999999"] {
            guard case .failure(let error) = try decode("      startFrom: \"\(bad)\"") else {
                Issue.record("startFrom \(bad) was accepted")
                continue
            }
            #expect(error.problems.map(\.description).contains { $0.hasPrefix("spec.redisStream.example.startFrom:") })
        }
        guard case .failure(let error) = try decode("      createStreams: \"no\"") else {
            Issue.record("createStreams: \"no\" was accepted")
            return
        }
        #expect(error.problems.map(\.description).contains { $0.hasPrefix("spec.redisStream.example.createStreams:") })
    }
}

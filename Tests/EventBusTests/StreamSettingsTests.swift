import EventSourceAPI
import Testing

@Suite struct StreamSettingsTests {
    @Test func emptyMeansNatsServerDefaultsAsArgoLeavesThem() throws {
        for text in ["", "  \n", "# only a comment\n"] {
            #expect(try JetStreamStreamSettings.parse(text).get() == JetStreamStreamSettings())
        }
    }

    @Test func readsArgosControllerDefaults() throws {
        let settings = try JetStreamStreamSettings.parse(
            """
            maxMsgs: 50000
            maxAge: 168h
            maxBytes: -1
            replicas: 3
            duplicates: 300s
            retention: 0
            discard: 0
            """
        ).get()
        #expect(settings.maxMsgs == 50000)
        #expect(settings.maxAge == 168 * 3600 * 1_000_000_000)
        #expect(settings.maxBytes == -1)
        #expect(settings.replicas == 3)
        #expect(settings.duplicates == 300 * 1_000_000_000)
        #expect(settings.retention == .limits)
        #expect(settings.discard == .old)
    }

    @Test func keysAreCaseInsensitiveLikeViper() throws {
        let settings = try JetStreamStreamSettings.parse("Discard: 1\nRETENTION: 2\nmaxage: 1h30m\n").get()
        #expect(settings.discard == .new)
        #expect(settings.retention == .workQueue)
        #expect(settings.maxAge == 90 * 60 * 1_000_000_000)
    }

    @Test func badValuesNameTheirKey() {
        let cases: [(String, String)] = [
            ("maxMsgs: lots", "streamConfig.maxMsgs"),
            ("maxAge: forever", "streamConfig.maxAge"),
            ("duplicates: -5m", "streamConfig.duplicates"),
            ("replicas: 7", "streamConfig.replicas"),
            ("retention: 3", "streamConfig.retention"),
            ("discard: [1]", "streamConfig.discard"),
            ("maxBytes: 1GB", "streamConfig.maxBytes"),
        ]
        for (text, path) in cases {
            guard case .failure(let error) = JetStreamStreamSettings.parse(text) else {
                Issue.record("\(text) was accepted")
                continue
            }
            #expect(error.problems.map(\.path) == [path], "\(text)")
        }
    }

    @Test func notAMapOrNotYAMLIsReported() {
        for text in ["- a\n- b", "maxMsgs: [", "just text", "a: 1\n---\nb: 2"] {
            guard case .failure(let error) = JetStreamStreamSettings.parse(text) else {
                Issue.record("\(text) was accepted")
                continue
            }
            #expect(error.problems.first?.path == "streamConfig")
        }
    }

    @Test func goDurations() {
        #expect(GoDuration.nanoseconds("300s") == 300_000_000_000)
        #expect(GoDuration.nanoseconds("1.5m") == 90_000_000_000)
        #expect(GoDuration.nanoseconds("250ms") == 250_000_000)
        let expected: Int64 = (2 * 3600 + 45 * 60 + 10) * 1_000_000_000
        #expect(GoDuration.nanoseconds("2h45m10s") == expected)
        #expect(GoDuration.nanoseconds("1000") == 1000)
        #expect(GoDuration.nanoseconds("0") == 0)
        #expect(GoDuration.nanoseconds("5 minutes") == nil)
        #expect(GoDuration.nanoseconds("h") == nil)
        #expect(GoDuration.nanoseconds("") == nil)
    }
}

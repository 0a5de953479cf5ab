import Foundation
import StructuredData
import Testing

@Suite struct KubeTimeTests {
    @Test(arguments: [
        (Int64(0), "1970-01-01T00:00:00Z"), (951_782_400_999, "2000-02-29T00:00:00Z"),
        (1_647_495_121_754, "2022-03-17T05:32:01Z"), (4_102_444_799_000, "2099-12-31T23:59:59Z"),
        (-1, "1969-12-31T23:59:59Z"),
    ])
    func millisecondsBecomeWholeSecondTimes(milliseconds: Int64, expected: String) {
        #expect(KubeTime.time(millisecondsSinceEpoch: milliseconds) == expected)
    }

    @Test func timesParseBackToTheSameSecond() throws {
        let date = Date(timeIntervalSince1970: 1_647_495_121.754)
        let text = KubeTime.time(date)
        #expect(text == "2022-03-17T05:32:01Z")
        #expect(try #require(KubeTime.parse(text)).timeIntervalSince1970 == 1_647_495_121)
        #expect(KubeTime.microTime(date).hasPrefix("2022-03-17T05:32:01.75"))
        #expect(KubeTime.parse("yesterday") == nil)
    }
}

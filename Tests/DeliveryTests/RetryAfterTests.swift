@testable import Adapter
@testable import Sinks
import Testing

@Suite struct RetryAfterTests {
    /// 1994-11-06T08:49:37Z
    private static let now: Int64 = 784_111_777

    @Test(arguments: [
        ("0", Duration.seconds(0)),
        ("120", .seconds(120)),
        (" 5 ", .seconds(5)),
        ("Sun, 06 Nov 1994 08:49:37 GMT", .seconds(0)),
        ("Sun, 06 Nov 1994 08:50:37 GMT", .seconds(60)),
        ("Mon, 07 Nov 1994 08:49:37 GMT", .seconds(86_400)),
        ("Sat, 05 Nov 1994 08:49:37 GMT", .seconds(0)),
    ])
    func readable(value: String, expected: Duration) {
        #expect(HTTPSinkRetryAfter.parse(value, now: Self.now) == expected)
    }

    @Test(arguments: ["", "soon", "-5", "1.5", "Sun, 06 Nov 1994 08:49:37", "Sunday, 06-Nov-94 08:49:37 GMT",
        "Sun, 6 Nov 1994 08:49:37 GMT", "Sun, 06 Foo 1994 08:49:37 GMT", "Sun, 06 Nov 1994 25:49:37 GMT"])
    func unreadable(value: String) {
        #expect(HTTPSinkRetryAfter.parse(value, now: Self.now) == nil)
    }

    @Test func hugeSecondsStillMeanALongTime() {
        #expect(HTTPSinkRetryAfter.parse("99999999999999999999999", now: Self.now) == .seconds(Int64.max))
    }
}

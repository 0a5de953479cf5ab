import Adapter
import FilterExpression
import StructuredData
import Testing

@Suite struct FilterEnvironmentTests {
    @Test func anEventsDataBecomesTheFilterEnvironment() throws {
        var event = sampleEvent
        event.data = [
            "stream": "orders", "message_id": "1-0", "values": ["kind": "created", "amount": "42"],
            "metadata": ["tenant": "acme", "count": 3, "ratio": 0.5, "tags": ["a", nil, true]],
        ]
        let environment = event.filterEnvironment
        #expect(environment["values"] == ["kind": "created", "amount": "42"])
        #expect(environment["metadata"] == ["tenant": "acme", "count": 3, "ratio": 0.5, "tags": ["a", nil, true]])
        let program = try FilterProgram.parse(
            "values.kind == 'created' && asInt(values.amount) > 40 && metadata.count % 2 == 1 && stream == 'orders'",
            knownVariables: FilterProgram.redisStreamVariables)
        #expect(try program.evaluate(environment))
    }

    @Test func dashesInTopLevelNamesBecomeUnderscores() throws {
        var event = sampleEvent
        event.data = ["message-id": "1-0", "values": ["a-b": "c"]]
        let program = try FilterProgram.parse("message_id == '1-0' && values['a-b'] == 'c'")
        #expect(try program.evaluate(event.filterEnvironment))
    }
}

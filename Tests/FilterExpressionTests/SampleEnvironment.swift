import FilterExpression

/// What a Redis stream entry looks like to a filter, with a few awkward values.
let sampleEnvironment = FilterEnvironment.argo([
    "stream": "orders",
    "message_id": "1700000000000-0",
    "values": [
        "kind": "created", "amount": "42", "price": "9.75", "region": "eu-west", "with-dash": "yes",
        "quoted": "say \"hi\"", "empty": "",
    ],
    "metadata": ["tenant": "acme", "tags": ["a", "b", "c"], "count": 3, "ratio": 0.5, "nested": ["deep": true]],
])

func value(_ source: String, in environment: FilterEnvironment = sampleEnvironment) throws -> FilterValue {
    try FilterProgram.parse(source).value(in: environment)
}

func passes(_ source: String, in environment: FilterEnvironment = sampleEnvironment) throws -> Bool {
    try FilterProgram.parse(source).evaluate(environment)
}

func syntaxError(_ source: String) -> FilterSyntaxError? {
    do {
        _ = try FilterProgram.parse(source)
        return nil
    } catch {
        return error
    }
}

func evaluationError(_ source: String, in environment: FilterEnvironment = sampleEnvironment)
    throws -> FilterEvaluationError?
{
    let program = try FilterProgram.parse(source)
    do {
        _ = try program.value(in: environment)
        return nil
    } catch {
        return error
    }
}

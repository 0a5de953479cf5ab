/// Small valid inputs for each fuzz target.
enum FuzzSeeds {
    static let yaml = [
        """
        apiVersion: argoproj.io/v1alpha1
        kind: EventSource
        metadata: {name: example, namespace: default}
        spec:
          redisStream:
            example:
              hostAddress: redis:6379
              streams: [FOO, BAR]
              filter: {expression: 'values.kind == "order"'}
        """,
        "base: &b {a: 1, b: [x, y]}\nderived:\n  <<: *b\n  c: |\n    line one\n    line two\n",
        "- a\n- [b, c]\n- {d: e}\n---\nsecond: 2.5e3\n",
        "key: 'single ''quoted'''\nother: \"double \\u00e9\"\nempty:\nnull_value: ~\n",
    ]

    static let filter = [
        #"values.kind == "order" && asInt(values.amount) >= 100 && !(values.region in ["test", "dev"])"#,
        #"values.x matches "^a[bc]+$" || stream startsWith "orders""#,
        #"len(values) > 2 and not (message_id endsWith "-0")"#,
        #"asFloat(values["price"]) * 2 - 1 / 3 % 2 < 10"#,
        #"metadata.team != nil && values.a contains "b""#,
    ]

    static let watchLines = [
        #"{"type":"ADDED","object":{"apiVersion":"v1","kind":"Secret","metadata":{"name":"a","resourceVersion":"12"}}}"# + "\n",
        #"{"type":"BOOKMARK","object":{"kind":"EventSource","metadata":{"resourceVersion":"99"}}}"# + "\n",
        #"{"type":"ERROR","object":{"kind":"Status","code":410,"reason":"Expired","message":"too old"}}"# + "\n",
        #"{"type":"MODIFIED","object":{"metadata":{"name":"x"},"spec":{"a":[1,2.5,-3e2,true,null,"\u00e9"]}}}"# + "\n",
    ]

    static let resp = [
        "*1\r\n*2\r\n$3\r\nFOO\r\n*1\r\n*2\r\n$15\r\n1700000000000-0\r\n*4\r\n$1\r\nk\r\n$1\r\nv\r\n$1\r\nn\r\n$1\r\n1\r\n",
        "+OK\r\n:42\r\n$-1\r\n*-1\r\n-NOGROUP No such key\r\n",
        "*2\r\n*2\r\n$1\r\nA\r\n*0\r\n*2\r\n$1\r\nB\r\n*1\r\n*2\r\n$3\r\n1-1\r\n*-1\r\n",
        "*3\r\n$4\r\nname\r\n$14\r\nargo-events-cg\r\n:0\r\n",
    ]
}

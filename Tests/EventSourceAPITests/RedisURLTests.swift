import Testing

@testable import EventSourceAPI

/// URLs read as go-redis' `ParseURL` reads them (and redis-cli's `-u`).
@Suite struct RedisURLTests {
    @Test func defaultsAndEachScheme() throws {
        let plain = try RedisURL.parse("redis://").get()
        #expect(plain.address == .tcp(HostAddress(host: "localhost", port: 6379)) && !plain.usesTLS && plain.db == nil)
        let tls = try RedisURL.parse("rediss://app@cache.example/4").get()
        #expect(tls.address == .tcp(HostAddress(host: "cache.example", port: 6379)))
        #expect(tls.usesTLS && tls.username == "app" && tls.db == 4 && tls.password == nil)
        let v6 = try RedisURL.parse("redis://[::1]:6380?db=2").get()
        #expect(v6.address == .tcp(HostAddress(host: "::1", port: 6380)) && v6.db == 2)
        let socket = try RedisURL.parse("unix:///var/run/redis.sock?db=5").get()
        #expect(socket.address == .unix(path: "/var/run/redis.sock") && socket.db == 5)
        #expect(try RedisURL.parse("REDISS://h:1?skip_verify=true").get().skipVerify)
    }

    @Test func userAndPasswordArePercentDecodedAndThePasswordIsNeverPrinted() throws {
        let url = try RedisURL.parse("rediss://app%40corp:p%3Ass%2Fword@h:6380/1").get()
        #expect(url.username == "app@corp" && url.password == "p:ss/word")
        #expect(url.description == "rediss://app@corp@h:6380/1")
        #expect(try RedisURL.parse("redis://:only-password@h").get().username == nil)
    }

    @Test(arguments: [
        ("http://h:6379", "scheme must be redis://"),
        ("h:6379", "must be a URL"),
        ("redis://h:0", "port must be a number from 1 to 65535"),
        ("redis://:s3cret", "port must be a number from 1 to 65535"),
        ("redis://h/1/2", "database number alone"),
        ("redis://h/x", "database must be a number"),
        ("redis://h?db=x", "db option must be a number"),
        ("redis://h?pool_siz=3&foo=1", "unknown options pool_siz, foo"),
        ("unix://", "needs the socket's path"),
        ("unix://host/tmp/redis.sock", "names no host"),
        ("rediss://h?skip_verify=maybe", "skip_verify must be true or false"),
    ])
    func badURLsSayWhy(_ text: String, _ expected: String) {
        guard case .failure(let error) = RedisURL.parse(text) else {
            Issue.record("\(text) accepted")
            return
        }
        #expect(error.message.contains(expected), "\(error.message)")
        #expect(!error.message.contains("s3cret"))
    }

    @Test func goRedisPoolOptionsAreKnownButChangeNothing() throws {
        let url = try RedisURL.parse("redis://h?pool_size=4&dial_timeout=3s&client_name=x").get()
        #expect(url.ignoredOptions == ["pool_size", "dial_timeout", "client_name"])
    }

    @Test func hashSlotsFollowRedisClusterWithHashTags() {
        // Values from CLUSTER KEYSLOT on a real server.
        #expect(RedisHashSlot.slot(of: "foo") == 12182)
        #expect(RedisHashSlot.slot(of: "{user1000}.following") == RedisHashSlot.slot(of: "{user1000}.followers"))
        #expect(RedisHashSlot.slot(of: "{}foo") == RedisHashSlot.slot(of: "{}foo"))
        #expect(RedisHashSlot.slot(of: "{}foo") != RedisHashSlot.slot(of: "foo"))
    }
}

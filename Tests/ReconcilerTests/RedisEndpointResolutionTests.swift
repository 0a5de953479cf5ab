import AdapterModel
import EventSourceAPI
import Testing

@testable import Reconciler

/// `urlSecret` and `sentinel.password` resolved from Secrets into what the connection layer uses.
@Suite struct RedisEndpointResolutionTests {
    private func entry(_ way: String) throws -> (EventSource, RedisStreamEntry) {
        let file = try EventSourceFile.parse(
            """
            apiVersion: argoproj.io/v1alpha1
            kind: EventSource
            metadata: {name: es, namespace: ns}
            spec:
              redisStream:
                e:
                  streams: [A]
                  \(way)
            """)
        let eventSource = try file.documents[0].result.get()
        return (eventSource, try #require(eventSource.redisStream.first).source)
    }

    private func resolve(_ way: String, secrets: [String: [String: [UInt8]]]) throws -> Result<AdapterConfiguration, SecretError> {
        let (eventSource, source) = try entry(way)
        return AdapterConfiguration.resolve(
            eventSource: eventSource, eventName: "e", source: source, destination: .stdout, replicaName: "pod",
            secrets: SecretSnapshot(secrets: ["ns": secrets])
        ).configuration
    }

    @Test func aURLSecretAsKubectlWritesItGivesServerUserPasswordDatabaseAndTLS() throws {
        let text = "rediss://app:pa%24%24@redis.example:6380/2\n"
        let configuration = try resolve("urlSecret: {name: conn, key: url}", secrets: ["conn": ["url": Array(text.utf8)]]).get()
        let target = configuration.redis
        #expect(target.topology == .server(.tcp(HostAddress(host: "redis.example", port: 6380))))
        #expect(target.username == "app" && target.password == SecretValue("pa$$") && target.db == 2)
        #expect(target.tls == TLSMaterial())
        #expect(configuration.urlFromSecret?.password == nil)
        #expect(!"\(target)".contains("pa$$"))
    }

    @Test func aSecretHoldingNoRedisURLNamesTheFieldWithoutRepeatingIt() throws {
        let text = "redis://app:hunter2@h:6379?pool_siz=1"
        let result = try resolve("urlSecret: {name: conn, key: url}", secrets: ["conn": ["url": Array(text.utf8)]])
        guard case .failure(let error) = result else {
            Issue.record("accepted")
            return
        }
        #expect(error.description.contains("urlSecret: not a Redis URL: unknown option pool_siz"))
        #expect(!error.description.contains("hunter2"))
    }

    @Test func theSentinelsPasswordIsReadFromItsSecret() throws {
        let configuration = try resolve(
            "sentinel: {masterName: m, addresses: [\"10.0.0.1:26379\"], username: s, password: {name: sp, key: pw}}",
            secrets: ["sp": ["pw": Array("sentinel-pass".utf8)]]
        ).get()
        guard case .sentinel(let name, let sentinels, let username, let password) = configuration.redis.topology else {
            Issue.record("not a sentinel target")
            return
        }
        #expect(name == "m" && sentinels == [HostAddress(host: "10.0.0.1", port: 26379)])
        #expect(username == "s" && password == SecretValue("sentinel-pass"))
    }
}

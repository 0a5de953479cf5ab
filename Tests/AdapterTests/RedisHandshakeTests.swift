@testable import Adapter
import AdapterModel
import Testing

/// The one handshake every connection runs: which commands, in which order, and how their error
/// replies read. Live servers check the same through `StreamAdapterTests` and `RedisTLSAndACLTests`.
@Suite struct RedisHandshakeTests {
    private func commands(_ handshake: RedisHandshake) -> [[String]] {
        handshake.steps.map { step in step.arguments.map { String(decoding: $0.bytes, as: UTF8.self) } }
    }

    @Test func noPasswordAndDatabaseZeroSendsNothing() {
        #expect(commands(RedisHandshake(username: nil, password: nil, db: 0)).isEmpty)
        // A user without a password is Redis' "default" user's business, not a handshake.
        #expect(commands(RedisHandshake(username: "reader", password: nil, db: 0)).isEmpty)
    }

    @Test func authenticatesFirstThenSelectsTheDatabase() {
        #expect(commands(RedisHandshake(username: nil, password: SecretValue("s3cret"), db: 0)) == [["AUTH", "s3cret"]])
        #expect(
            commands(RedisHandshake(username: "reader", password: SecretValue("s3cret"), db: 3))
                == [["AUTH", "reader", "s3cret"], ["SELECT", "3"]])
        #expect(commands(RedisHandshake(username: nil, password: nil, db: 2)) == [["SELECT", "2"]])
    }

    @Test func anAuthErrorReplyBecomesAnAuthenticationFailureInRedisWords() throws {
        let auth = try #require(RedisHandshake(username: "reader", password: SecretValue("s3cret"), db: 0).steps.first)
        let wrongPass = "WRONGPASS invalid username-password pair or user is disabled."
        let failure = auth.failure(RedisError.fromErrorReply(wrongPass))
        #expect(failure == .authenticationFailed(wrongPass))
        #expect(failure.description == "Redis authentication failed: \(wrongPass)")
        #expect(!failure.description.contains("s3cret"))
        // A broken connection keeps its own words: it is no verdict on the password.
        #expect(auth.failure(.connectionLost("x")) == .connectionLost("x"))
    }

    @Test func aSelectErrorReplyStaysTheServersReply() throws {
        let select = try #require(RedisHandshake(username: nil, password: nil, db: 99).steps.first)
        let reply = RedisError.fromErrorReply("ERR DB index is out of range")
        #expect(select.failure(reply) == reply)
    }
}

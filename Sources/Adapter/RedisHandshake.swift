import AdapterModel

/// What makes a fresh Redis connection ready for an entry: AUTH when a password is set (with the
/// ACL user when one is named), then SELECT when the database is not 0. Pure: it names the commands
/// and judges their error replies; `RedisConnector` carries them on every connection it opens.
struct RedisHandshake: Sendable {
    struct Step: Sendable {
        let arguments: [RedisArgument]
        /// Turns the step's failure into the error users see.
        let failure: @Sendable (RedisError) -> RedisError
    }

    let steps: [Step]

    init(username: String?, password: SecretValue?, db: Int) {
        var steps: [Step] = []
        if let password {
            var arguments: [RedisArgument] = ["AUTH"]
            if let username { arguments.append(RedisArgument(username)) }
            arguments.append(RedisArgument(bytes: password.bytes))
            steps.append(Step(arguments: arguments, failure: Self.authenticationFailure))
        }
        if db != 0 {
            steps.append(Step(arguments: ["SELECT", RedisArgument(db)]) { $0 })
        }
        self.steps = steps
    }

    /// Redis' message names the cause (WRONGPASS, NOAUTH, no password configured) and never echoes
    /// the password; anything else (a lost connection, TLS) keeps its own words.
    private static func authenticationFailure(_ error: RedisError) -> RedisError {
        if case .server(_, let message) = error { return .authenticationFailed(message) }
        return error
    }
}

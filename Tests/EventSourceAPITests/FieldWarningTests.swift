import Testing
@testable import EventSourceAPI

/// Unknown, misspelled and misplaced fields are warnings, wherever they are: Kubernetes keeps them
/// (Argo's CRD preserves unknown fields), so without a warning a typo silently means "the default".
@Suite struct FieldWarningTests {
    private func warnings(_ spec: String) throws -> [String] {
        let yaml = "apiVersion: argoproj.io/v1alpha1\nkind: EventSource\nmetadata: {name: es}\nspec:\n" + spec
        let eventSource = try #require(try EventSourceFile.parse(yaml).documents.first).result.get()
        return eventSource.warnings.map(\.description)
    }

    @Test func inEveryPartOfTheSpec() throws {
        let found = try warnings(
            """
              sink: {uri: stdout, mdoe: structured}
              redisStreams: {}
              redisStream:
                e:
                  hostAddress: "h:1"
                  streams: [A]
                  password: {name: s, key: k, optinal: true}
                  tls: {enabled: true, insecureSkipVerfy: true}
                  filter: {expresion: "true", expression: "true"}
                  somethingElse: 1
            """)
        #expect(
            found.sorted() == [
                "spec.redisStream.e.filter.expresion: unknown field, ignored; did you mean 'expression'?",
                "spec.redisStream.e.password.optinal: unknown field, ignored; did you mean 'optional'?",
                "spec.redisStream.e.somethingElse: unknown field, ignored",
                "spec.redisStream.e.tls.insecureSkipVerfy: unknown field, ignored; did you mean 'insecureSkipVerify'?",
                "spec.redisStreams: unknown field, ignored; did you mean 'redisStream'?",
                "spec.sink.mdoe: unknown field, ignored; did you mean 'mode'?",
            ])
    }

    @Test func misplacedFieldsSayWhereTheyBelong() throws {
        let found = try warnings(
            """
              redisStream:
                e:
                  hostAddress: "h:1"
                  streams: [A]
                  insecureSkipVerify: true
                  expression: "true"
                  tls: {enabled: true, streams: [B]}
            """)
        #expect(
            found.sorted() == [
                "spec.redisStream.e.expression: unknown field here, ignored; 'expression' belongs in an entry's filter",
                "spec.redisStream.e.insecureSkipVerify: unknown field here, ignored; 'insecureSkipVerify' belongs in an entry's tls",
                "spec.redisStream.e.tls.streams: unknown field here, ignored; 'streams' belongs in each spec.redisStream entry",
            ])
    }

    @Test func capitalisationMistakesAndTranspositionsAreRecognised() {
        let fields = FieldSchema.redisStreamEntry.fields
        #expect(FieldSchema.nearest(to: "HostAddress", among: fields) == "hostAddress")
        #expect(FieldSchema.nearest(to: "consumerGruop", among: fields) == "consumerGroup")
        #expect(FieldSchema.nearest(to: "completelyDifferent", among: fields) == nil)
        #expect(FieldSchema.nearest(to: String(repeating: "x", count: 1_000_000), among: fields) == nil)
        #expect(FieldSchema.editDistance(Array("ab"), Array("ba")) == 1)
        #expect(FieldSchema.editDistance(Array(""), Array("abc")) == 3)
    }

    @Test func aHugeUnknownKeyIsShownShortened() throws {
        let key = String(repeating: "k", count: 100_000)
        // An explicit key (`? key`), since libyaml allows implicit keys of at most 1024 characters.
        let found = try warnings("  ? \(key)\n  : 1\n  redisStream: {e: {hostAddress: \"h:1\", streams: [A]}}")
        #expect(found == ["spec.\(String(repeating: "k", count: 64))…: unknown field, ignored"])
    }

    @Test func argoPodFieldsWarnOnlyWhereWeRunTheEventSource() throws {
        #expect(try warnings("  service: {ports: [{port: 12000}]}\n  webhook: {hook: {port: \"12000\"}}").isEmpty)
        #expect(
            try warnings("  template: {serviceAccountName: sa}\n  redisStream: {e: {hostAddress: \"h:1\", streams: [A]}}") == [
                "spec.template: ignored: one redis-eventsource process runs every adapter, so Argo's per-EventSource pod settings do not apply"
            ])
    }

    @Test func anInvalidSpecCarriesItsWarningsToo() throws {
        let yaml = """
            apiVersion: argoproj.io/v1alpha1
            kind: EventSource
            metadata: {name: es}
            spec: {redisStream: {e: {hostAddress: "h:1", streems: [A]}}}
            """
        guard case .failure(let error) = try #require(try EventSourceFile.parse(yaml).documents.first).result else {
            Issue.record("expected a failure")
            return
        }
        #expect(error.problems.map(\.description) == ["spec.redisStream.e.streams: required"])
        #expect(error.warnings.map(\.description) == ["spec.redisStream.e.streems: unknown field, ignored; did you mean 'streams'?"])
    }

    @Test(arguments: [
        ("../private", "key.txt", "name"), ("/etc", "passwd", "name"), ("Upper", "k", "name"), ("s", "../k", "key"),
        ("s", "a/b", "key"), ("s", ".", "key"), ("s", "..data", "key"),
    ])
    func secretReferencesMustBeKubernetesNames(name: String, key: String, field: String) throws {
        let yaml = """
            apiVersion: argoproj.io/v1alpha1
            kind: EventSource
            metadata: {name: es}
            spec: {redisStream: {e: {hostAddress: "h:1", streams: [A], password: {name: "\(name)", key: "\(key)"}}}}
            """
        guard case .failure(let error) = try #require(try EventSourceFile.parse(yaml).documents.first).result else {
            Issue.record("\(name)/\(key) accepted")
            return
        }
        #expect(error.problems.contains { $0.path == "spec.redisStream.e.password.\(field)" && $0.message.contains("not a valid Secret") })
    }

    @Test func validSecretReferencesPass() throws {
        #expect(KubernetesName.secretNameProblem("redis-secret.v2") == nil)
        #expect(KubernetesName.secretKeyProblem("tls.crt") == nil)
        #expect(KubernetesName.secretKeyProblem("Pass_word-1") == nil)
    }
}

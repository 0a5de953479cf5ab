import CCurl
import TestSupport
import Testing

@testable import KubeClient

/// A transport failure carries libcurl's code, and the retry decision reads the code, not text.
@Suite struct TransportErrorTests {
    @Test func aRefusedConnectionCarriesCouldntConnect() async throws {
        let closed = try ReservedPort()
        defer { closed.close() }
        let client = KubeClient(configuration: ClusterConfiguration(server: "http://127.0.0.1:\(closed.port)"), retryPolicy: .never)
        await #expect { _ = try await client.list(.configMaps, namespace: "default") } throws: { error in
            guard case .transport(let message, let curlCode) = error as? KubeError else { return false }
            return curlCode == CURLE_COULDNT_CONNECT && message.contains("127.0.0.1:\(closed.port)")
        }
    }

    @Test func aPOSTIsRetriedOnlyWhenItNeverReachedTheServer() {
        let policy = RetryPolicy.standard
        #expect(policy.shouldRetry(.transport("refused", curlCode: CURLE_COULDNT_CONNECT), method: "POST"))
        #expect(!policy.shouldRetry(.transport("reset mid-answer", curlCode: CURLE_RECV_ERROR), method: "POST"))
        #expect(!policy.shouldRetry(.transport("no code"), method: "POST"))
        #expect(policy.shouldRetry(.transport("reset mid-answer", curlCode: CURLE_RECV_ERROR), method: "PUT"))
        // The code decides, not the wording.
        #expect(!policy.shouldRetry(.transport("(curl error 7)", curlCode: CURLE_OPERATION_TIMEDOUT), method: "POST"))
    }
}

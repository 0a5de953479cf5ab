import AdapterModel
import EventSourceAPI
import NIOCore

/// Asks Sentinels, in order, where the master of `masterName` is (`SENTINEL get-master-addr-by-name`).
/// Asked on every connect, so an adapter whose master failed reaches the promoted one. Failures
/// name the spec field to fix: `sentinel.masterName` when no Sentinel knows the name,
/// `sentinel.addresses` when none answers.
struct SentinelMasterLookup {
    let masterName: String
    let sentinels: [HostAddress]
    let username: String?
    let password: SecretValue?
    let tls: TLSMaterial?
    let timeout: Duration

    func master(on loop: EventLoop, isolation: isolated (any Actor)? = #isolation) async throws(RedisError) -> HostAddress {
        var failures: [String] = []
        var unaware: [String] = []
        for sentinel in sentinels {
            let connector = RedisConnector(
                target: RedisTarget(topology: .server(.tcp(sentinel)), username: username, password: password, tls: tls),
                connectTimeout: timeout, commandTimeout: timeout)
            do throws(RedisError) {
                let pipe = try await connector.open(on: loop)
                defer { pipe.close() }
                let reply = try await pipe.command(["SENTINEL", "get-master-addr-by-name", RedisArgument(masterName)], timeout: timeout)
                guard case .array(let items) = reply, items.count == 2, let host = items[0].string,
                    let port = items[1].integer, (1...65535).contains(port)
                else {
                    unaware.append(sentinel.description)
                    continue
                }
                return HostAddress(host: host, port: Int(port))
            } catch {
                failures.append("\(sentinel): \(error)")
            }
        }
        if !unaware.isEmpty {
            throw .connectFailed(
                "sentinel.masterName: no Sentinel knows a master named '\(masterName)' (asked \(unaware.joined(separator: ", ")))")
        }
        throw .connectFailed("sentinel.addresses: no Sentinel answered (\(failures.joined(separator: "; ")))")
    }

    /// `ROLE` on the server the Sentinels named: right after a failover a Sentinel may still name the
    /// old master, now a replica, where reads would work and acknowledgements fail with READONLY.
    static func confirmMaster(
        _ pipe: any RedisPipe, at address: HostAddress, name: String, timeout: Duration,
        isolation: isolated (any Actor)? = #isolation
    ) async throws(RedisError) {
        let role: String?
        do throws(RedisError) {
            role = try await pipe.command(["ROLE"], timeout: timeout).array?.first?.string
        } catch .server {
            return  // A user without the right to ask ROLE: trust the Sentinels.
        }
        guard role == "master" else {
            throw .connectFailed(
                "sentinel: \(address), named master of '\(name)' by the Sentinels, is a \(role ?? "server of unknown role"); "
                    + "waiting for the failover to settle")
        }
    }
}

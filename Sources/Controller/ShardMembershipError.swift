import KubeClient

/// Why a replica cannot take part in `--shard-by lease`; it stops at start rather than run
/// every EventSource alone without telling anyone.
public enum ShardMembershipError: Error, CustomStringConvertible {
    /// The service account may not use Leases in the namespace (401/403).
    case forbidden(verb: String, namespace: String, KubeError)
    /// The replica's name cannot name a Lease.
    case invalidIdentity(String)

    public var description: String {
        switch self {
        case .forbidden(let verb, let namespace, let error):
            return "--shard-by lease: cannot \(verb) leases.coordination.k8s.io in namespace \(namespace) (\(error)); "
                + "the controller's service account needs get, list, watch, create, update and delete on leases there "
                + "(manifests/variants/sharded grants them)"
        case .invalidIdentity(let name):
            return "--shard-by lease: the replica name '\(name)' (--consumer-name, else $POD_NAME, else the host name) "
                + "cannot name a Lease: use lowercase letters, digits, '-' and '.', starting and ending with a letter or digit"
        }
    }
}

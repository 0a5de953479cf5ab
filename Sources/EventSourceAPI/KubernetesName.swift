/// Kubernetes' rules for object names and Secret keys: a name outside them cannot exist in a cluster,
/// so a reference to it can never resolve, and it could name a path outside a secrets directory.
public enum KubernetesName {
    /// A DNS subdomain (RFC 1123): what Secret and EventSource names must be.
    public static func dnsSubdomainProblem(_ name: String) -> String? {
        guard name.utf8.count <= 253 else { return "must be at most 253 characters" }
        let allowed = name.utf8.allSatisfy { byte in
            isLowerAlphanumeric(byte) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".")
        }
        guard allowed, let first = name.utf8.first, let last = name.utf8.last, isLowerAlphanumeric(first),
            isLowerAlphanumeric(last)
        else {
            return "'\(name)' must be lower-case letters, digits, '-' and '.', starting and ending alphanumeric"
        }
        return nil
    }

    public static func secretNameProblem(_ name: String) -> String? {
        dnsSubdomainProblem(name).map { "not a valid Secret name: \($0)" }
    }

    /// A Secret data key: letters, digits, `-`, `_` and `.`, not `.` and not starting with `..`.
    public static func secretKeyProblem(_ key: String) -> String? {
        guard !key.isEmpty, key.utf8.count <= 253 else { return "not a valid Secret key: must be 1 to 253 characters" }
        let allowed = key.utf8.allSatisfy { byte in
            isLowerAlphanumeric(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ".")
        }
        guard allowed else { return "not a valid Secret key: '\(key)' may hold only letters, digits, '-', '_' and '.'" }
        guard key != ".", !key.hasPrefix("..") else { return "not a valid Secret key: '\(key)' must not be '.' or start with '..'" }
        return nil
    }

    private static func isLowerAlphanumeric(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }
}

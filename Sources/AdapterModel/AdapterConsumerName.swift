/// The consumer name one adapter reads under: the replica's name plus the entry it runs,
/// `<replica>:<namespace>/<eventsource>/<event>`. Two entries of one process that share a
/// stream and group are then two consumers, so neither ever replays the other's pending entries,
/// and a restarted replica with the same name finds its own pending entries again.
public enum AdapterConsumerName {
    /// Redis accepts far longer names, but they appear in every XPENDING and XINFO reply and in
    /// logs; past this many bytes the name is cut and a digest of the whole keeps it unique.
    public static let maximumBytes = 200

    public static func make(replica: String, namespace: String, eventSource: String, event: String) -> String {
        let full = "\(replica):\(namespace)/\(eventSource)/\(event)"
        guard full.utf8.count > maximumBytes else { return full }
        let digest = SHA256Algorithm.shared.withDigest(of: Array(full.utf8)) { bytes in
            bytes.prefix(8).map { byte in
                let hex = String(byte, radix: 16)
                return byte < 16 ? "0" + hex : hex
            }.joined()
        }
        // Cut on a character boundary, leaving room for "~" and 16 hex digits.
        var kept = ""
        var size = 0
        for character in full {
            let length = character.utf8.count
            if size + length > maximumBytes - 17 { break }
            kept.append(character)
            size += length
        }
        return kept + "~" + digest
    }
}

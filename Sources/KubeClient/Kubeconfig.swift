import Foundation
import StructuredData

/// The parts of kubeconfig files that matter for connecting, merged the way kubectl merges them.
struct Kubeconfig: Sendable {
    /// A certificate, key or CA given inline (base64) or as a file; read only if it is used.
    enum Material: Sendable {
        case inline(base64: String, field: String)
        case file(path: String)

        func bytes() throws(KubeError) -> [UInt8] {
            switch self {
            case .inline(let text, let field):
                let compact = text.filter { !$0.isWhitespace }
                guard let data = Data(base64Encoded: compact) else {
                    throw .configuration("\(field) is not valid base64")
                }
                return [UInt8](data)
            case .file(let path):
                guard let data = FileManager.default.contents(atPath: path) else {
                    throw .configuration("cannot read \(path): no such file or not readable")
                }
                return [UInt8](data)
            }
        }
    }

    struct Cluster: Sendable {
        var server: String
        var certificateAuthority: Material?
        var insecureSkipTLSVerify = false
        var tlsServerName: String?
    }

    struct User: Sendable {
        var token: String?
        var tokenFile: String?
        var clientCertificate: Material?
        var clientKey: Material?
    }

    struct Context: Sendable {
        var cluster: String
        var user: String
        var namespace: String?
    }

    var clusters: [String: Cluster] = [:]
    var users: [String: User] = [:]
    var contexts: [String: Context] = [:]
    var currentContext: String?

    static func load(files: [String], skipMissing: Bool) throws(KubeError) -> Kubeconfig {
        var merged = Kubeconfig()
        var loadedAny = false
        for path in files {
            guard let data = FileManager.default.contents(atPath: path) else {
                if skipMissing { continue }
                throw .configuration("cannot read kubeconfig \(path)")
            }
            let directory = (path as NSString).deletingLastPathComponent
            merged.merge(try parse(String(decoding: data, as: UTF8.self), directory: directory, source: path))
            loadedAny = true
        }
        guard loadedAny else { throw .configuration("no kubeconfig found in \(files.joined(separator: ":"))") }
        return merged
    }

    static func parse(_ text: String, directory: String, source: String) throws(KubeError) -> Kubeconfig {
        let documents: [JSONValue]
        do {
            documents = try YAMLReader.documents(text)
        } catch {
            throw .configuration("kubeconfig \(source) is not valid YAML: \(error)")
        }
        guard let root = documents.first, root.objectValue != nil || root.isNull else {
            throw .configuration("kubeconfig \(source) is not a map")
        }
        func absolute(_ path: String) -> String {
            path.hasPrefix("/") || directory.isEmpty ? path : directory + "/" + path
        }
        func material(_ object: JSONValue, data: String, file: String, owner: String) -> Material? {
            if let text = object[data]?.stringValue, !text.isEmpty {
                return .inline(base64: text, field: "\(owner).\(data)")
            }
            if let path = object[file]?.stringValue, !path.isEmpty { return .file(path: absolute(path)) }
            return nil
        }
        var config = Kubeconfig()
        for entry in root["clusters"]?.arrayValue ?? [] {
            guard let name = entry["name"]?.stringValue, let cluster = entry["cluster"] else { continue }
            config.clusters[name] = config.clusters[name] ?? Cluster(
                server: cluster["server"]?.stringValue ?? "",
                certificateAuthority: material(
                    cluster, data: "certificate-authority-data", file: "certificate-authority", owner: "clusters[\(name)]"),
                insecureSkipTLSVerify: cluster["insecure-skip-tls-verify"]?.boolValue ?? false,
                tlsServerName: cluster["tls-server-name"]?.stringValue)
        }
        for entry in root["users"]?.arrayValue ?? [] {
            guard let name = entry["name"]?.stringValue else { continue }
            let user = entry["user"] ?? .object(JSONObject())
            config.users[name] = config.users[name] ?? User(
                token: user["token"]?.stringValue,
                tokenFile: user["tokenFile"]?.stringValue.map(absolute),
                clientCertificate: material(
                    user, data: "client-certificate-data", file: "client-certificate", owner: "users[\(name)]"),
                clientKey: material(user, data: "client-key-data", file: "client-key", owner: "users[\(name)]"))
        }
        for entry in root["contexts"]?.arrayValue ?? [] {
            guard let name = entry["name"]?.stringValue, let context = entry["context"] else { continue }
            config.contexts[name] = config.contexts[name] ?? Context(
                cluster: context["cluster"]?.stringValue ?? "", user: context["user"]?.stringValue ?? "",
                namespace: context["namespace"]?.stringValue)
        }
        if let current = root["current-context"]?.stringValue, !current.isEmpty { config.currentContext = current }
        return config
    }

    /// First wins: a name already defined keeps its earlier definition, as kubectl merges $KUBECONFIG.
    mutating func merge(_ other: Kubeconfig) {
        clusters.merge(other.clusters) { first, _ in first }
        users.merge(other.users) { first, _ in first }
        contexts.merge(other.contexts) { first, _ in first }
        if currentContext == nil { currentContext = other.currentContext }
    }

    func resolve(context name: String?) throws(KubeError) -> ClusterConfiguration {
        guard let contextName = name ?? currentContext else {
            throw .configuration("kubeconfig has no current-context and none was given")
        }
        guard let context = contexts[contextName] else {
            throw .configuration("kubeconfig has no context \"\(contextName)\"")
        }
        guard let cluster = clusters[context.cluster] else {
            throw .configuration("context \"\(contextName)\" names cluster \"\(context.cluster)\", which is not defined")
        }
        guard !cluster.server.isEmpty else { throw .configuration("cluster \"\(context.cluster)\" has no server") }
        let user = context.user.isEmpty ? User() : users[context.user]
        guard let user else {
            throw .configuration("context \"\(contextName)\" names user \"\(context.user)\", which is not defined")
        }
        let clientCertificate = try user.clientCertificate?.bytes()
        let clientKey = try user.clientKey?.bytes()
        if (clientCertificate == nil) != (clientKey == nil) {
            throw .configuration("user \"\(context.user)\" has a client certificate without a key, or a key without a certificate")
        }
        var token: TokenSource?
        if let text = user.token, !text.isEmpty {
            token = TokenSource(token: text)
        } else if let file = user.tokenFile, !file.isEmpty {
            token = try TokenSource(file: file)
        }
        return ClusterConfiguration(
            server: cluster.server, namespace: context.namespace.flatMap { $0.isEmpty ? nil : $0 } ?? "default",
            certificateAuthority: try cluster.certificateAuthority?.bytes(), clientCertificate: clientCertificate,
            clientKey: clientKey, token: token, insecureSkipTLSVerify: cluster.insecureSkipTLSVerify,
            tlsServerName: cluster.tlsServerName)
    }
}

import Foundation
import StructuredData
import TestSupport

/// The monitoring pack (manifests/components/monitoring) as the tests read it: the alert rules of
/// its PrometheusRule, the queries of its Grafana dashboard, and the runbook headings of
/// docs/operations.md they point at.
enum MonitoringPack {
    static var folder: URL { BuiltProducts.repositoryRoot.appendingPathComponent("manifests/components/monitoring") }

    struct Alert {
        let name: String
        let expression: String
        let annotations: JSONValue?
    }

    /// The PrometheusRule's `spec`: the rule groups, in the format Prometheus' own rule files use.
    static func ruleGroups() throws -> JSONValue {
        let text = try String(contentsOf: folder.appendingPathComponent("prometheus_rule.yaml"), encoding: .utf8)
        let documents = try YAMLReader.documents(text)
        guard let spec = documents.first?["spec"] else { throw MonitoringPackError("prometheus_rule.yaml has no spec") }
        return spec
    }

    static func alerts() throws -> [Alert] {
        try (ruleGroups()["groups"]?.arrayValue ?? []).flatMap { $0["rules"]?.arrayValue ?? [] }.compactMap { rule in
            guard let name = rule["alert"]?.stringValue, let expression = rule["expr"]?.stringValue else { return nil }
            return Alert(name: name, expression: expression, annotations: rule["annotations"])
        }
    }

    static func dashboard() throws -> JSONValue {
        try JSONParser.parse(try String(contentsOf: folder.appendingPathComponent("dashboard.json"), encoding: .utf8))
    }

    /// Every panel's queries, with the panel's title.
    static func panelQueries() throws -> [(panel: String, expression: String)] {
        try (dashboard()["panels"]?.arrayValue ?? []).flatMap { panel in
            (panel["targets"]?.arrayValue ?? []).compactMap { target in
                target["expr"]?.stringValue.map { (panel["title"]?.stringValue ?? "?", $0) }
            }
        }
    }

    /// The anchors GitHub gives docs/operations.md's headings: lower case, spaces to dashes, other punctuation dropped.
    static func runbookAnchors() throws -> Set<String> {
        let text = try String(
            contentsOf: BuiltProducts.repositoryRoot.appendingPathComponent("docs/operations.md"), encoding: .utf8)
        return Set(
            text.split(separator: "\n").filter { $0.hasPrefix("#") }.map { line in
                let title = line.drop { $0 == "#" }.trimmingCharacters(in: .whitespaces).lowercased()
                return String(title.compactMap { $0 == " " ? "-" : ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") ? $0 : nil })
            })
    }

    /// The metric names an expression uses: the controller's (`redis_eventsource_…`) and Argo's (`argo_events_…`).
    static func metricNames(in expression: String) -> Set<String> {
        Set(matches(of: #"\b(?:redis_eventsource|argo_events)_[a-z_]+\b"#, in: expression))
    }

    /// The label names an expression uses in matchers (`{stream="x"}`) and groupings (`by (namespace, le)`).
    static func labelNames(in expression: String) -> Set<String> {
        var names = Set<String>()
        for matcher in matches(of: #"\{[^}]*\}"#, in: expression) {
            names.formUnion(matches(of: #"[a-zA-Z_][a-zA-Z0-9_]*(?=\s*(?:=~|!~|!=|=))"#, in: matcher))
        }
        for grouping in matches(of: #"\b(?:by|without)\s*\([^)]*\)"#, in: expression) {
            let inner = grouping.drop { $0 != "(" }.dropFirst().dropLast()
            names.formUnion(inner.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty })
        }
        return names
    }

    private static func matches(of pattern: String, in text: String) -> [String] {
        guard let regex = try? NSRegularExpression(pattern: pattern) else { return [] }
        let range = NSRange(text.startIndex..., in: text)
        return regex.matches(in: text, range: range).compactMap { Range($0.range, in: text).map { String(text[$0]) } }
    }
}

struct MonitoringPackError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// promtool and prometheus from Debian's `prometheus` package (scripts/install-deps.sh, WITH_TEST_TOOLS=1).
enum PrometheusTools {
    static func path(_ tool: String) -> String {
        for folder in ["/usr/bin", "/usr/local/bin"] where FileManager.default.isExecutableFile(atPath: "\(folder)/\(tool)") {
            return "\(folder)/\(tool)"
        }
        return "/usr/bin/\(tool)"
    }
}

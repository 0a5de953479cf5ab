import Foundation
import TestSupport
import Testing

/// The official Python Kubernetes client against the built server: create (a Namespace body
/// without apiVersion and kind among them), list with limit/continue, label selectors, watch from
/// a resourceVersion, patch, status patch and delete, on built-ins and on EventSources. The
/// checks are in `Tests/PythonClientSuite/client_suite.py`; `scripts/install-deps.sh` installs the client.
@Suite struct PythonClientTests {
    private var python: String {
        BuiltProducts.repositoryRoot.appendingPathComponent(".build/python-kubernetes/bin/python").path
    }

    @Test func theOfficialPythonClientWorksAgainstTheServer() async throws {
        try #require(
            FileManager.default.isExecutableFile(atPath: python),
            "the Python kubernetes client is missing: run scripts/install-deps.sh (make test does)")
        let server = try await KubeTestServerProcess()
        defer { server.stop() }
        let suite = BuiltProducts.repositoryRoot.appendingPathComponent("Tests/PythonClientSuite/client_suite.py")
        let crd = BuiltProducts.repositoryRoot.appendingPathComponent("manifests/crds/argoproj.io_eventsources.yaml")
        let run = try await CommandRun.run(python, [suite.path, server.kubeconfigPath, crd.path], timeout: .seconds(180))
        #expect(run.status == 0, "\(run.standardOutput)\n\(run.standardError)")
        #expect(run.standardOutput.contains("ok namespace created without apiVersion/kind"))
        #expect(run.standardOutput.contains("all checks passed"))
    }
}

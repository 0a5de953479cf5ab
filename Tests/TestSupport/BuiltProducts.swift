import Foundation

/// Locates executables built by this package: they sit beside the test runner in the build folder.
public enum BuiltProducts {
    public static var directory: URL {
        let runner = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? CommandLine.arguments[0]
        return URL(fileURLWithPath: runner).deletingLastPathComponent()
    }

    public static func path(_ product: String) -> String {
        directory.appendingPathComponent(product).path
    }

    /// The repository's root, for manifests and examples.
    public static var repositoryRoot: URL {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url
    }
}

import Foundation
import Testing
import TestSupport

/// No container engine runs here, so the image is checked for what can be checked without one:
/// its stages, pinned bases, user, and that it installs every shared library the binary links.
@Suite struct DockerfileTests {
    private var lines: [String] {
        get throws {
            let url = BuiltProducts.repositoryRoot.appendingPathComponent("Dockerfile")
            return try String(contentsOf: url, encoding: .utf8).split(separator: "\n").map(String.init)
        }
    }

    private var fromLines: [[String]] {
        get throws { try lines.filter { $0.hasPrefix("FROM ") }.map { $0.split(separator: " ").map(String.init) } }
    }

    @Test func twoNamedStagesOnBasesPinnedToExactVersions() throws {
        let froms = try fromLines
        #expect(froms.map { $0.last } == ["build", "runtime"])
        let exactTag = /^[a-z0-9.\/-]+:\d+\.\d+(\.\d+)?(-[a-z0-9]+)*$/
        for from in froms {
            let image = from[1]
            #expect(image.wholeMatch(of: exactTag) != nil || image.contains("@sha256:"), "\(image) is not pinned")
            #expect(!image.hasSuffix(":latest"))
        }
        #expect(try lines.contains { $0.hasPrefix("COPY --from=build ") })
    }

    @Test func buildsWithTheToolchainThisRepositoryIsBuiltWith() async throws {
        let version = try await CommandRun.run("/usr/bin/env", ["swift", "--version"])
        let found = try #require(version.standardOutput.firstMatch(of: /Swift version (\d+\.\d+(\.\d+)?)/)?.1)
        let buildImage = try #require(try fromLines.first?[1])
        #expect(buildImage.hasPrefix("swift:\(found)-"), "build stage \(buildImage), toolchain \(found)")
    }

    @Test func runsAsANonRootUser() throws {
        let users = try lines.filter { $0.hasPrefix("USER ") }
        let user = try #require(users.last?.dropFirst(5).split(separator: ":").first)
        let uid = try #require(Int(user))
        #expect(uid != 0)
    }

    /// Package.resolved made on one machine can name commits another cannot fetch, so it is kept out of
    /// git and out of the image build: the build resolves Package.swift's exact pins itself.
    @Test func theBuildResolvesFromPackageSwiftAlone() throws {
        let root = BuiltProducts.repositoryRoot
        let gitignored = try String(contentsOf: root.appendingPathComponent(".gitignore"), encoding: .utf8)
        #expect(gitignored.split(separator: "\n").contains("Package.resolved"))
        let dockerignored = try String(contentsOf: root.appendingPathComponent(".dockerignore"), encoding: .utf8)
        #expect(dockerignored.split(separator: "\n").contains("Package.resolved"))
        let copies = try lines.filter { $0.hasPrefix("COPY ") && !$0.hasPrefix("COPY --from") }
        #expect(copies == ["COPY Package.swift ./", "COPY Sources ./Sources"])
        let manifest = try String(contentsOf: root.appendingPathComponent("Package.swift"), encoding: .utf8)
        let packageLines = manifest.split(separator: "\n").filter { $0.contains(".package(url:") }
        #expect(!packageLines.isEmpty)
        for line in packageLines { #expect(line.contains("exact: \""), "not pinned exactly: \(line)") }
    }

    /// The Debian package of each shared library `redis-eventsource` links directly, except the
    /// Swift runtime (linked statically in the image) and what every Debian base already has (libc6
    /// with its loader, libgcc-s1, libstdc++6).
    @Test func theRuntimeStageInstallsEveryLibraryTheBinaryLinks() async throws {
        let binary = BuiltProducts.path("redis-eventsource")
        let needed = try await CommandRun.run("/usr/bin/readelf", ["-d", binary]).standardOutput
            .matches(of: /\(NEEDED\)\s+Shared library: \[([^\]]+)\]/).map { String($0.1) }
        #expect(needed.contains { $0.hasPrefix("libhiredis") })
        let paths = try await CommandRun.run("/usr/bin/ldd", [binary]).standardOutput
        let swiftRuntime = /^(ld-linux|libswift|libFoundation|lib_Foundation|libdispatch|libBlocksRuntime|libicu|libTesting)/
        let inEveryBase: Set<String> = ["libc6", "libgcc-s1", "libstdc++6"]
        let runtimeInstall = try lines.drop { !$0.hasPrefix("FROM debian") }.joined(separator: " ")
        for library in needed where library.firstMatch(of: swiftRuntime) == nil {
            let line = try #require(paths.split(separator: "\n").first { $0.contains("\(library) => ") })
            let path = String(line.split(separator: " ")[2])
            let owner = try await debianPackage(owning: path)
            guard !inEveryBase.contains(owner) else { continue }
            #expect(runtimeInstall.contains(" \(owner) "), "\(library) comes from \(owner), which the runtime stage does not install")
        }
    }

    /// dpkg records merged-/usr paths either way, so both spellings are asked.
    private func debianPackage(owning path: String) async throws -> String {
        let real = (try? FileManager.default.destinationOfSymbolicLink(atPath: path)).map {
            $0.hasPrefix("/") ? $0 : (path as NSString).deletingLastPathComponent + "/" + $0
        } ?? path
        for candidate in [path, "/usr" + path, real, "/usr" + real, String(real.trimmingPrefix("/usr"))] {
            let answer = try await CommandRun.run("/usr/bin/dpkg", ["-S", candidate])
            if answer.status == 0, let name = answer.standardOutput.split(separator: ":").first { return String(name) }
        }
        Issue.record("no Debian package owns \(path)")
        return ""
    }
}

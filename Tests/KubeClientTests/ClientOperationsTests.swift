import KubeClient
import KubeTestServer
import StructuredData
import Testing

/// The verbs against the test server, with the API rules a controller depends on.
@Suite struct ClientOperationsTests {
    @Test func createGetListAndLabelSelectors() async throws {
        try await withTestServer { _, client in
            _ = try await client.create(.configMaps, configMap("a", data: ["k": "1"], labels: ["app": "x", "tier": "web"]))
            _ = try await client.create(.configMaps, configMap("b", labels: ["app": "x", "tier": "db"]))
            _ = try await client.create(.configMaps, configMap("c", labels: ["app": "y"]))
            let a = try await client.get(.configMaps, name: "a")
            #expect(a["data"]?["k"] == "1")
            #expect(a["metadata"]?["uid"]?.stringValue?.isEmpty == false)
            #expect(a["metadata"]?["creationTimestamp"]?.stringValue?.hasSuffix("Z") == true)
            #expect(a.generation == 1)
            func names(_ selector: String) async throws -> [String] {
                try await client.list(.configMaps, namespace: "default", options: ListOptions(labelSelector: selector))
                    .items.compactMap(\.name)
            }
            #expect(try await names("app=x") == ["a", "b"])
            #expect(try await names("app=x,tier!=web") == ["b"])
            #expect(try await names("tier in (web,db)") == ["a", "b"])
            #expect(try await names("!tier") == ["c"])
            #expect(try await names("app notin (x)") == ["c"])
            await #expect(throws: KubeError.self) { _ = try await names("app in (x") }
        }
    }

    @Test func resourceVersionsAreGlobalAndStrictlyIncreasing() async throws {
        try await withTestServer { _, client in
            var versions: [Int] = []
            for index in 0..<5 {
                versions.append(Int(try await client.create(.configMaps, configMap("cm\(index)")).resourceVersion!)!)
                let lease: JSONValue = [
                    "apiVersion": "coordination.k8s.io/v1", "kind": "Lease", "metadata": ["name": .string("l\(index)")],
                    "spec": [:],
                ]
                versions.append(Int(try await client.create(.leases, lease).resourceVersion!)!)
            }
            #expect(versions == versions.sorted() && Set(versions).count == versions.count)
        }
    }

    @Test func createOfATakenNameIsAlreadyExistsAndGetOfAMissingOneIsNotFound() async throws {
        try await withTestServer { _, client in
            _ = try await client.create(.configMaps, configMap("a"))
            await #expect { _ = try await client.create(.configMaps, configMap("a")) } throws: { ($0 as? KubeError)?.isAlreadyExists == true }
            let failure = await kubeError { _ = try await client.get(.configMaps, name: "nope") }
            guard case .notFound(let status)? = failure else {
                Issue.record("expected NotFound, got \(String(describing: failure))")
                return
            }
            do {
                #expect(status.code == 404)
                #expect(status.reason == "NotFound")
                #expect(status.message == "configmaps \"nope\" not found")
                #expect(status.details?.name == "nope")
            }
        }
    }

    @Test func updateWithAStaleResourceVersionIsAConflict() async throws {
        try await withTestServer { _, client in
            let created = try await client.create(.configMaps, configMap("a", data: ["k": "1"]))
            var first = created
            first["data"]?["k"] = "2"
            let updated = try await client.update(.configMaps, first)
            #expect(updated["data"]?["k"] == "2")
            var stale = created
            stale["data"]?["k"] = "3"
            let failure = await kubeError { _ = try await client.update(.configMaps, stale) }
            guard case .conflict(let status)? = failure else {
                Issue.record("expected a conflict, got \(String(describing: failure))")
                return
            }
            do {
                #expect(status.code == 409)
                #expect(status.message.contains("the object has been modified"))
            }
            #expect(try await client.get(.configMaps, name: "a")["data"]?["k"] == "2")
        }
    }

    @Test func paginationWithLimitAndContinue() async throws {
        try await withTestServer { _, client in
            for index in 0..<25 { _ = try await client.create(.configMaps, configMap(String(format: "cm-%02d", index))) }
            let first = try await client.list(.configMaps, namespace: "default", options: ListOptions(limit: 10))
            #expect(first.items.count == 10)
            let token = try #require(first.continueToken)
            let second = try await client.list(.configMaps, namespace: "default", options: ListOptions(limit: 10, continueToken: token))
            #expect(second.items.first?.name == "cm-10")
            #expect(second.resourceVersion == first.resourceVersion)
            let all = try await client.listAll(.configMaps, namespace: "default", options: ListOptions(limit: 7))
            #expect(all.items.compactMap(\.name) == (0..<25).map { String(format: "cm-%02d", $0) })
        }
    }

    @Test func continueTokenOlderThanTheHistoryIsGone() async throws {
        try await withTestServer { server, client in
            for index in 0..<5 { _ = try await client.create(.configMaps, configMap("cm\(index)")) }
            let first = try await client.list(.configMaps, namespace: "default", options: ListOptions(limit: 2))
            _ = try await client.create(.configMaps, configMap("late"))
            server.compactHistory()
            await #expect {
                _ = try await client.list(.configMaps, namespace: "default", options: ListOptions(limit: 2, continueToken: first.continueToken))
            } throws: { ($0 as? KubeError)?.isGone == true }
        }
    }

    @Test func generationMovesWithSpecOnlyAndStatusGoesThroughTheSubresource() async throws {
        try await withTestServer { _, client in
            try await defineWidgets(client)
            var object = widget("w", size: 1)
            object["status"] = ["phase": "Ignored"]
            let created = try await client.create(widgets, object)
            #expect(created.generation == 1)
            #expect(created["status"] == nil, "status is dropped on create when there is a status subresource")

            let labelled = try await client.patch(widgets, name: "w", .merge(["metadata": ["labels": ["a": "b"]]]))
            #expect(labelled.generation == 1, "metadata changes do not bump generation")

            let resized = try await client.patch(widgets, name: "w", .merge(["spec": ["size": 2], "status": ["phase": "Sneaky"]]))
            #expect(resized.generation == 2)
            #expect(resized["status"] == nil, "the main endpoint ignores status")

            let withStatus = try await client.patchStatus(widgets, name: "w", .merge(["status": ["phase": "Ready"], "spec": ["size": 99]]))
            #expect(withStatus["status"]?["phase"] == "Ready")
            #expect(withStatus["spec"]?["size"] == 2, "/status ignores everything but status")
            #expect(withStatus.generation == 2, "status changes do not bump generation")

            var put = withStatus
            put["status"] = ["phase": "Replaced"]
            let statusPut = try await client.updateStatus(widgets, put)
            #expect(statusPut["status"]?["phase"] == "Replaced")
            #expect(statusPut.generation == 2)

            let unchanged = try await client.patch(widgets, name: "w", .merge(["spec": ["size": 2]]))
            #expect(unchanged.resourceVersion == statusPut.resourceVersion, "a no-op write changes nothing")
        }
    }

    @Test func jsonPatchWithTestOperations() async throws {
        try await withTestServer { _, client in
            _ = try await client.create(.configMaps, configMap("a", data: ["k": "1"]))
            let patched = try await client.patch(
                .configMaps, name: "a",
                .json([
                    ["op": "test", "path": "/data/k", "value": "1"], ["op": "replace", "path": "/data/k", "value": "2"],
                    ["op": "add", "path": "/data/new~1key", "value": "3"],
                ]))
            #expect(patched["data"]?["k"] == "2")
            #expect(patched["data"]?["new/key"] == "3")
            await #expect {
                _ = try await client.patch(.configMaps, name: "a", .json([["op": "test", "path": "/data/k", "value": "1"]]))
            } throws: { error in
                guard case .invalid(let status) = error as? KubeError else { return false }
                return status.message.contains("testing value /data/k failed")
            }
        }
    }

    @Test func mergePatchCarryingAStaleResourceVersionIsAConflict() async throws {
        try await withTestServer { _, client in
            let created = try await client.create(.configMaps, configMap("a"))
            _ = try await client.patch(.configMaps, name: "a", .merge(["data": ["x": "1"]]))
            await #expect {
                _ = try await client.patch(
                    .configMaps, name: "a", .merge(["metadata": ["resourceVersion": .string(created.resourceVersion!)], "data": ["x": "2"]]))
            } throws: { ($0 as? KubeError)?.isConflict == true }
        }
    }

    @Test func serverSideApplyCreatesThenMerges() async throws {
        try await withTestServer { _, client in
            let applied = try await client.patch(
                .configMaps, name: "a", .apply(configMap("a", data: ["one": "1"]), fieldManager: "tests", force: true))
            #expect(applied["data"]?["one"] == "1")
            let managers = applied["metadata"]?["managedFields"]?.arrayValue?.compactMap { $0["manager"]?.stringValue }
            #expect(managers == ["tests"])
            let again = try await client.patch(
                .configMaps, name: "a", .apply(configMap("a", data: ["two": "2"]), fieldManager: "tests"))
            #expect(again["data"]?["one"] == "1")
            #expect(again["data"]?["two"] == "2")
        }
    }

    @Test func finalizersHoldDeletionUntilTheLastOneIsRemoved() async throws {
        try await withTestServer { _, client in
            try await defineWidgets(client)
            var object = widget("w")
            object["metadata"]?["finalizers"] = ["example.com/cleanup", "example.com/other"]
            _ = try await client.create(widgets, object)
            let marked = try await client.delete(widgets, name: "w")
            #expect(marked["metadata"]?["deletionTimestamp"]?.stringValue != nil)
            #expect(try await client.get(widgets, name: "w")["metadata"]?["deletionTimestamp"] != nil)
            await #expect(throws: KubeError.self, "no new finalizers once deleting") {
                _ = try await client.patch(
                    widgets, name: "w", .merge(["metadata": ["finalizers": ["example.com/cleanup", "example.com/other", "late"]]]))
            }
            _ = try await client.patch(widgets, name: "w", .merge(["metadata": ["finalizers": ["example.com/other"]]]))
            #expect(try await client.get(widgets, name: "w").name == "w")
            _ = try await client.patch(widgets, name: "w", .json([["op": "remove", "path": "/metadata/finalizers"]]))
            await #expect { _ = try await client.get(widgets, name: "w") } throws: { ($0 as? KubeError)?.isNotFound == true }
        }
    }

    @Test func deletePreconditionsProtectANewerObject() async throws {
        try await withTestServer { _, client in
            let created = try await client.create(.configMaps, configMap("a"))
            await #expect {
                try await client.delete(.configMaps, name: "a", preconditions: DeletePreconditions(uid: "someone-else"))
            } throws: { ($0 as? KubeError)?.isConflict == true }
            try await client.delete(.configMaps, name: "a", preconditions: DeletePreconditions(uid: created["metadata"]?["uid"]?.stringValue))
            await #expect { _ = try await client.get(.configMaps, name: "a") } throws: { ($0 as? KubeError)?.isNotFound == true }
        }
    }

    @Test func customResourcesComeAndGoWithTheirDefinition() async throws {
        try await withTestServer { _, client in
            await #expect { _ = try await client.list(widgets) } throws: { ($0 as? KubeError)?.isNotFound == true }
            try await defineWidgets(client)
            let crd = try await client.get(.customResourceDefinitions, name: "widgets.example.com")
            let established = crd["status"]?["conditions"]?.arrayValue?.contains {
                $0["type"] == "Established" && $0["status"] == "True"
            }
            #expect(established == true)
            _ = try await client.create(widgets, widget("w"))
            #expect(try await client.list(widgets).items.count == 1)
            try await client.delete(.customResourceDefinitions, name: "widgets.example.com")
            await #expect { _ = try await client.list(widgets) } throws: { ($0 as? KubeError)?.isNotFound == true }
            try await defineWidgets(client)
            #expect(try await client.list(widgets).items.isEmpty, "objects went with their definition")
        }
    }

    @Test func namespacesMustExist() async throws {
        try await withTestServer { _, client in
            await #expect { _ = try await client.create(.configMaps, configMap("a"), namespace: "missing") } throws: {
                ($0 as? KubeError)?.isNotFound == true
            }
            _ = try await client.create(.namespaces, ["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": "team"]])
            _ = try await client.create(.configMaps, configMap("a"), namespace: "team")
            #expect(try await client.list(.configMaps, namespace: "team").items.count == 1)
            #expect(try await client.list(.configMaps).items.contains { $0.name == "a" }, "nil namespace lists all")
        }
    }

    @Test func invalidObjectsAreRefusedWithStatusErrors() async throws {
        try await withTestServer { _, client in
            await #expect { _ = try await client.create(.configMaps, configMap("Not_A_Name")) } throws: { error in
                guard case .invalid(let status) = error as? KubeError else { return false }
                return status.details?.causes.first?.field == "metadata.name"
            }
            var wrongKind = configMap("a")
            wrongKind["kind"] = "Secret"
            await #expect { _ = try await client.create(.configMaps, wrongKind) } throws: { error in
                guard case .rejected(let status) = error as? KubeError else { return false }
                return status.code == 400
            }
        }
    }

    @Test func hugeObjectsAreRefusedWith413() async throws {
        try await withTestServer { _, client in
            let big = String(repeating: "x", count: 2 * 1024 * 1024)
            await #expect { _ = try await client.create(.configMaps, configMap("big", data: ["blob": big])) } throws: { error in
                guard case .rejected(let status) = error as? KubeError else { return false }
                return status.code == 413 && status.reason == "RequestEntityTooLarge"
            }
            let bigger = String(repeating: "y", count: 4 * 1024 * 1024)
            await #expect { _ = try await client.create(.configMaps, configMap("bigger", data: ["blob": bigger])) } throws: { error in
                guard case .rejected(let status) = error as? KubeError else { return false }
                return status.code == 413
            }
            let remaining = try await client.list(.configMaps, namespace: "default")
            #expect(remaining.items.isEmpty)
        }
    }

    @Test func eventsRecordedThroughEventsV1AreVisibleAsCoreEvents() async throws {
        try await withTestServer { _, client in
            try await defineWidgets(client)
            let object = try await client.create(widgets, widget("w"))
            let recorder = EventRecorder(client: client, reportingController: "example.com/controller", reportingInstance: "pod-1")
            let event = try await recorder.record(regarding: object, type: .warning, reason: "Broken", action: "Reconcile", note: "it broke")
            #expect(event["regarding"]?["name"] == "w")
            #expect(event["reportingController"] == "example.com/controller")
            #expect(event["reportingInstance"] == "pod-1")
            #expect(event["eventTime"]?.stringValue?.contains(".") == true)
            let uid = try #require(object["metadata"]?["uid"]?.stringValue)
            // kubectl describe looks them up this way.
            let core = try await client.list(
                .coreEvents, namespace: "default",
                options: ListOptions(fieldSelector: "involvedObject.name=w,involvedObject.kind=Widget,involvedObject.uid=\(uid)"))
            #expect(core.items.count == 1)
            #expect(core.items.first?["message"] == "it broke")
            #expect(core.items.first?["type"] == "Warning")
            #expect(core.items.first?["reason"] == "Broken")
        }
    }
}

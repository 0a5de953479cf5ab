import StructuredData

/// Deletion, with what the real server does around it: preconditions, finalizers that hold an
/// object, terminating namespaces, and what goes with a CRD or a namespace.
extension ObjectOperations {
    func delete(_ state: inout StoreState, name: String) throws(APIError) -> JSONValue {
        guard let existing = state.object(resource.storage, key(name)) else { throw .notFound(resource, name) }
        if !request.body.isEmpty {
            let options = try RequestBody.object(request, limit: configuration.maxRequestBytes)
            if let uid = options["preconditions"]?["uid"]?.stringValue,
                uid != existing["metadata"]?["uid"]?.stringValue
            {
                throw .conflict(
                    resource, name,
                    "Precondition failed: UID in precondition: \(uid), UID in object meta: "
                        + (existing["metadata"]?["uid"]?.stringValue ?? ""))
            }
            if let version = options["preconditions"]?["resourceVersion"]?.stringValue,
                version != existing["metadata"]?["resourceVersion"]?.stringValue
            {
                throw .conflict(
                    resource, name,
                    "Precondition failed: ResourceVersion in precondition: \(version), ResourceVersion in object meta: "
                        + (existing["metadata"]?["resourceVersion"]?.stringValue ?? ""))
            }
        }
        if isDryRun { return ObjectRules.view(existing, as: resource) }
        if resource.storage == BuiltInResources.namespaces.storage {
            // As on a cluster, a namespace terminates first and goes a little later with all it
            // holds (`APIServerCore.finishNamespaceTerminations`), so deletes of its contents that
            // follow at once, as `kubectl delete -k` sends them, still find them.
            guard existing["metadata"]?["deletionTimestamp"] == nil else { return ObjectRules.view(existing, as: resource) }
            var terminating = existing
            terminating["metadata"]?["deletionTimestamp"] = .string(KubeTime.time())
            terminating["status"] = ["phase": "Terminating"]
            return ObjectRules.view(state.store(resource.storage, key(name), terminating), as: resource)
        }
        if !ObjectRules.finalizers(existing).isEmpty {
            // Finalizers hold the object: it is only marked, and goes when the last one is removed.
            guard existing["metadata"]?["deletionTimestamp"] == nil else { return ObjectRules.view(existing, as: resource) }
            var marked = existing
            marked["metadata"]?["deletionTimestamp"] = .string(KubeTime.time())
            marked["metadata"]?["deletionGracePeriodSeconds"] = 0
            return ObjectRules.view(state.store(resource.storage, key(name), marked), as: resource)
        }
        guard let removed = finishDeletion(&state, name: name) else { throw .notFound(resource, name) }
        return ObjectRules.view(removed, as: resource)
    }

    /// Removes the object, and what the real server removes with it: a CRD's resources and objects,
    /// or everything in a namespace.
    func finishDeletion(_ state: inout StoreState, name: String) -> JSONValue? {
        guard let removed = state.remove(resource.storage, key(name)) else { return nil }
        switch resource.storage {
        case BuiltInResources.customResourceDefinitions.storage:
            if let group = removed["spec"]?["group"]?.stringValue, let plural = removed["spec"]?["names"]?["plural"]?.stringValue {
                let storage = StorageKey(group: group, plural: plural)
                state.catalog.remove(crdName: name)
                state.removeAll(storage)
                state.endWatches(storage)
            }
        case BuiltInResources.namespaces.storage:
            for storage in state.storageKeys where storage != resource.storage {
                state.removeAll(storage, namespace: name)
            }
        default: break
        }
        return removed
    }

    func deleteCollection(_ state: inout StoreState) throws(APIError) -> [JSONValue] {
        let (items, _) = try list(&state)
        var deleted: [JSONValue] = []
        for item in items {
            guard let name = item["metadata"]?["name"]?.stringValue else { continue }
            let scoped = ObjectOperations(
                resource: resource, namespace: item["metadata"]?["namespace"]?.stringValue ?? namespace,
                request: APIRequest(
                    method: "DELETE", path: request.path, query: request.query, headers: [], body: [], bodyTooLarge: false,
                    certificateIdentity: nil),
                configuration: configuration)
            deleted.append(try scoped.delete(&state, name: name))
        }
        return deleted
    }
}

import StructuredData

/// The verbs on one resource (create, get, list, update, patch, delete), run inside one store
/// transaction each, with the rules the real API server applies to them.
struct ObjectOperations {
    let resource: ResourceType
    /// The namespace in the URL; nil for cluster-scoped resources and all-namespace lists.
    let namespace: String?
    let request: APIRequest
    let configuration: KubeTestServerConfiguration
    /// What the answer's `Warning` headers will say.
    var warnings = RequestWarnings()

    private var fieldManager: String? { request.query["fieldManager"] }
    private var fieldValidation: CustomResourceSchema.FieldValidation {
        get throws(APIError) { try CustomResourceSchema.FieldValidation(query: request.query["fieldValidation"]) }
    }
    var isDryRun: Bool { request.query["dryRun"] != nil && request.query["dryRun"] != "" }

    func key(_ name: String) -> ObjectKey {
        ObjectKey(namespace: resource.namespaced ? (namespace ?? "") : "", name: name)
    }

    // MARK: get and list

    func get(_ state: inout StoreState, name: String) throws(APIError) -> JSONValue {
        guard let stored = state.object(resource.storage, key(name)) else { throw .notFound(resource, name) }
        return ObjectRules.view(stored, as: resource)
    }

    func list(_ state: inout StoreState) throws(APIError) -> (items: [JSONValue], metadata: JSONObject) {
        let labels = try request.query["labelSelector"].map { text throws(APIError) in try LabelSelector(parsing: text) }
            ?? .everything
        let fields = try request.query["fieldSelector"].map { text throws(APIError) in try FieldSelector(parsing: text) }
            ?? .everything
        _ = try WatchPlan.parseResourceVersion(request.query["resourceVersion"])
        var limit = 0
        if let text = request.query["limit"], !text.isEmpty {
            guard let value = Int(text), value >= 0 else { throw .badRequest("limit must be a whole number, not \(text)") }
            limit = value
        }
        var listVersion = state.resourceVersion
        var entries = state.objects(resource.storage, namespace: namespace)
        if let text = request.query["continue"], !text.isEmpty {
            let token = try ContinueToken(decoding: text)
            guard token.resourceVersion >= state.compactedThrough else {
                throw .expired(
                    "The provided continue parameter is too old to display a consistent list result. You can start a "
                        + "new list without the continue parameter, or use the continue parameter from the new response.")
            }
            listVersion = token.resourceVersion
            entries = entries.filter { token.after < $0.key }
        }
        var selected: [(key: ObjectKey, object: JSONValue)] = []
        for entry in entries {
            let object = ObjectRules.view(entry.object, as: resource)
            if labels.matches(object: object) && fields.matches(object: object) { selected.append((entry.key, object)) }
        }
        var metadata: JSONObject = objectLiteral(["resourceVersion": .string(String(listVersion))])
        if limit > 0, selected.count > limit {
            let remaining = selected.count - limit
            selected = Array(selected.prefix(limit))
            metadata["continue"] = .string(ContinueToken(resourceVersion: listVersion, after: selected.last!.key).encoded)
            metadata["remainingItemCount"] = .int(Int64(remaining))
        }
        return (selected.map(\.object), metadata)
    }

    // MARK: create

    func create(_ state: inout StoreState, body: JSONValue, operation: String = "Update") throws(APIError) -> JSONValue {
        let body = try ObjectRules.withTypeMeta(body, resource)
        try checkDecodable(body, name: body["metadata"]?["name"]?.stringValue ?? "")
        var object = ObjectRules.toStorage(body, as: resource)
        var metadata = object["metadata"]?.objectValue ?? JSONObject()
        var name = metadata["name"]?.stringValue ?? ""
        if name.isEmpty, let prefix = metadata["generateName"]?.stringValue, !prefix.isEmpty {
            name = ObjectRules.generatedName(prefix: prefix)
            metadata["name"] = .string(name)
        }
        if name.isEmpty { throw .invalid(resource, "", field: "metadata.name", "Required value: name or generateName is required") }
        try ObjectRules.checkName(name, resource)
        if resource.namespaced {
            let urlNamespace = namespace ?? ""
            if let given = metadata["namespace"]?.stringValue, !given.isEmpty, given != urlNamespace {
                throw .badRequest("the namespace of the provided object does not match the namespace sent on the request")
            }
            guard let namespaceObject = state.object(BuiltInResources.namespaces.storage, ObjectKey(namespace: "", name: urlNamespace))
            else { throw .namespaceNotFound(urlNamespace) }
            if namespaceObject["metadata"]?["deletionTimestamp"] != nil { throw .namespaceTerminating(urlNamespace, resource) }
            metadata["namespace"] = .string(urlNamespace)
        } else {
            metadata["namespace"] = nil
        }
        if state.object(resource.storage, key(name)) != nil { throw .alreadyExists(resource, name) }
        for field in ["resourceVersion", "deletionTimestamp", "deletionGracePeriodSeconds", "managedFields"] {
            metadata[field] = nil
        }
        metadata["uid"] = .string(UUIDText.random())
        metadata["generation"] = 1
        metadata["creationTimestamp"] = .string(KubeTime.time())
        object["metadata"] = .object(metadata)
        if resource.hasStatusSubresource { object["status"] = nil }
        var definedResources: [ResourceType]?
        switch resource.storage {
        case BuiltInResources.namespaces.storage:
            object["status"] = ["phase": "Active"]
        case BuiltInResources.customResourceDefinitions.storage:
            definedResources = try checkDefinition(state, object, crdName: name)
            object["status"] = CustomResourceDefinitionReader.acceptedStatus(for: object, now: KubeTime.time())
        case StorageKey(group: "", plural: "secrets"):
            ObjectRules.foldStringData(&object)
            if (object["type"]?.stringValue ?? "").isEmpty { object["type"] = "Opaque" }
        case StorageKey(group: "", plural: "services"):
            let taken = state.objects(resource.storage, namespace: nil).compactMap { $0.object["spec"]?["clusterIP"]?.stringValue }
            ServiceDefaults.apply(&object, takenAddresses: Set(taken))
        default: break
        }
        object = try CustomResourceSchema.checked(object, resource, name: name, validation: fieldValidation, warnings: warnings)
        ObjectRules.recordManager(&object, manager: fieldManager, operation: operation, subresource: nil)
        try ObjectRules.checkSize(object, limit: configuration.maxObjectBytes, resource)
        if isDryRun { return ObjectRules.view(object, as: resource) }
        let stored = state.store(resource.storage, key(name), object)
        if let definedResources { state.catalog.define(crdName: name, resources: definedResources) }
        return ObjectRules.view(stored, as: resource)
    }

    private func checkDefinition(_ state: StoreState, _ crd: JSONValue, crdName: String) throws(APIError) -> [ResourceType] {
        let resources = try CustomResourceDefinitionReader.resources(from: crd)
        if let first = resources.first,
            state.catalog.conflictingDefinition(group: first.group, plural: first.plural, except: crdName)
        {
            throw .invalid(resource, crdName, field: "spec.names.plural", "Invalid value: \"\(first.plural)\": already in use")
        }
        return resources
    }

    /// What the real server's typed decoding would refuse: metadata of the wrong shape, numbers out of range.
    private func checkDecodable(_ object: JSONValue, name: String) throws(APIError) {
        try MetadataShape.check(object, resource, name: name)
        try FiniteNumbers.check(object, resource)
    }

    // MARK: update and patch

    func update(_ state: inout StoreState, name: String, body: JSONValue, subresource: String?) throws(APIError) -> JSONValue {
        let body = try ObjectRules.withTypeMeta(body, resource)
        try checkDecodable(body, name: name)
        let candidate = ObjectRules.toStorage(body, as: resource)
        if let bodyName = candidate["metadata"]?["name"]?.stringValue, bodyName != name {
            throw .badRequest("the name of the object (\(bodyName)) does not match the name on the URL (\(name))")
        }
        guard let existing = state.object(resource.storage, key(name)) else { throw .notFound(resource, name) }
        let given = candidate["metadata"]?["resourceVersion"]?.stringValue ?? ""
        if given.isEmpty {
            if resource.isCustom {
                throw .invalid(
                    resource, name, field: "metadata.resourceVersion", "Invalid value: 0x0: must be specified for an update")
            }
        } else {
            guard Int64(given) != nil else { throw .badRequest("invalid resourceVersion \"\(given)\"") }
            if given != existing["metadata"]?["resourceVersion"]?.stringValue {
                throw .staleResourceVersion(resource, name)
            }
        }
        return try commit(&state, name: name, existing: existing, candidate: candidate, subresource: subresource, operation: "Update")
    }

    func patch(_ state: inout StoreState, name: String, subresource: String?) throws(APIError) -> (JSONValue, created: Bool) {
        let type = request.contentType
        let limit = configuration.maxRequestBytes
        let existing = state.object(resource.storage, key(name))
        switch type {
        case "application/merge-patch+json", "application/strategic-merge-patch+json":
            if type == "application/strategic-merge-patch+json" && resource.isCustom {
                throw .unsupportedMediaType(type, accepted: Self.customPatchTypes)
            }
            let patch = try RequestBody.document(request, limit: limit, yaml: false)
            guard patch.objectValue != nil else { throw .badRequest("a merge patch must be a JSON object") }
            guard let existing else { throw .notFound(resource, name) }
            let current = ObjectRules.view(existing, as: resource)
            let patched = type == "application/strategic-merge-patch+json"
                ? StrategicMergePatch.apply(patch, to: current) : MergePatch.apply(patch, to: current)
            return (try commitPatched(&state, name: name, existing: existing, patched: patched, subresource: subresource, operation: "Update"), false)
        case "application/json-patch+json":
            let patch = try RequestBody.document(request, limit: limit, yaml: false)
            guard let existing else { throw .notFound(resource, name) }
            let patched: JSONValue
            do {
                patched = try JSONPatch.apply(patch, to: ObjectRules.view(existing, as: resource))
            } catch {
                throw APIError(code: 422, reason: "Invalid", message: "the server rejected our request due to an error in our request: \(error.message)")
            }
            return (try commitPatched(&state, name: name, existing: existing, patched: patched, subresource: subresource, operation: "Update"), false)
        case "application/apply-patch+yaml":
            guard let manager = fieldManager, !manager.isEmpty else {
                throw .badRequest("PATCH requests with apply content type must set fieldManager")
            }
            let applied = try ObjectRules.withTypeMeta(try RequestBody.object(request, limit: limit), resource)
            guard let existing else {
                if subresource != nil { throw .notFound(resource, name) }
                var object = applied
                object["metadata"]?["name"] = .string(name)
                return (try create(&state, body: object, operation: "Apply"), true)
            }
            let patched = MergePatch.apply(applied, to: ObjectRules.view(existing, as: resource))
            return (try commitPatched(&state, name: name, existing: existing, patched: patched, subresource: subresource, operation: "Apply"), false)
        default:
            throw .unsupportedMediaType(type, accepted: resource.isCustom ? Self.customPatchTypes : Self.builtInPatchTypes)
        }
    }

    static let customPatchTypes = ["application/json-patch+json", "application/merge-patch+json", "application/apply-patch+yaml"]
    static let builtInPatchTypes = customPatchTypes + ["application/strategic-merge-patch+json"]

    private func commitPatched(
        _ state: inout StoreState, name: String, existing: JSONValue, patched: JSONValue, subresource: String?, operation: String
    ) throws(APIError) -> JSONValue {
        try checkDecodable(patched, name: name)
        // A resourceVersion inside the patch is a precondition, as with PUT.
        if let wanted = patched["metadata"]?["resourceVersion"]?.stringValue,
            wanted != existing["metadata"]?["resourceVersion"]?.stringValue
        {
            throw .staleResourceVersion(resource, name)
        }
        if let patchedName = patched["metadata"]?["name"]?.stringValue, patchedName != name {
            throw .badRequest("the name of the object (\(patchedName)) does not match the name on the URL (\(name))")
        }
        let candidate = ObjectRules.toStorage(patched, as: resource)
        return try commit(&state, name: name, existing: existing, candidate: candidate, subresource: subresource, operation: operation)
    }

    /// Applies the status-subresource, generation and finalizer rules, then stores the result.
    private func commit(
        _ state: inout StoreState, name: String, existing: JSONValue, candidate: JSONValue, subresource: String?,
        operation: String
    ) throws(APIError) -> JSONValue {
        var next: JSONValue
        if subresource == "status" {
            // Through /status only the status changes; everything else stays as it was.
            next = existing
            next["status"] = candidate["status"]
        } else {
            next = candidate
            if resource.hasStatusSubresource { next["status"] = existing["status"] }
            var metadata = candidate["metadata"]?.objectValue ?? JSONObject()
            for field in [
                "name", "namespace", "uid", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds",
                "generation", "managedFields",
            ] {
                metadata[field] = existing["metadata"]?[field]
            }
            next["metadata"] = .object(metadata)
            next["kind"] = existing["kind"]
            next["apiVersion"] = existing["apiVersion"]
        }
        let oldFinalizers = ObjectRules.finalizers(existing)
        let newFinalizers = ObjectRules.finalizers(next)
        let isTerminating = existing["metadata"]?["deletionTimestamp"] != nil
        if isTerminating, newFinalizers.contains(where: { !oldFinalizers.contains($0) }) {
            throw .invalid(
                resource, name, field: "metadata.finalizers",
                "Forbidden: no new finalizers can be added if the object is being deleted")
        }
        if ObjectRules.desiredState(next) != ObjectRules.desiredState(existing) {
            let generation = existing["metadata"]?["generation"]?.intValue ?? 1
            next["metadata"]?["generation"] = .int(generation + 1)
        }
        next = try CustomResourceSchema.checked(next, resource, name: name, validation: fieldValidation, warnings: warnings)
        if ObjectRules.sameContent(next, existing) { return ObjectRules.view(existing, as: resource) }
        var definedResources: [ResourceType]?
        if resource.storage == BuiltInResources.customResourceDefinitions.storage, subresource == nil {
            definedResources = try checkDefinition(state, next, crdName: name)
        }
        if resource.storage == StorageKey(group: "", plural: "secrets") { ObjectRules.foldStringData(&next) }
        ObjectRules.recordManager(&next, manager: fieldManager, operation: operation, subresource: subresource)
        try ObjectRules.checkSize(next, limit: configuration.maxObjectBytes, resource)
        if isDryRun { return ObjectRules.view(next, as: resource) }
        if isTerminating && newFinalizers.isEmpty {
            // The last finalizer is gone: the deletion that was waiting for it happens now.
            state.store(resource.storage, key(name), next)
            return ObjectRules.view(finishDeletion(&state, name: name) ?? next, as: resource)
        }
        let stored = state.store(resource.storage, key(name), next)
        if let definedResources { state.catalog.define(crdName: name, resources: definedResources) }
        return ObjectRules.view(stored, as: resource)
    }
}

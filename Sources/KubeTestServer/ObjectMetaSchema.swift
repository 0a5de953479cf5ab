import StructuredData

/// The part of `ObjectMeta`'s OpenAPI schema that `kubectl explain` shows and validation needs.
/// The real server publishes it once and refers to it; here it is inlined, which kubectl reads the same.
enum ObjectMetaSchema {
    private static func string(_ description: String) -> JSONValue { ["type": "string", "description": .string(description)] }
    private static let stringMap: JSONValue = ["type": "object", "additionalProperties": ["type": "string", "default": ""]]

    static let schema: JSONValue = [
        "type": "object",
        "description": "ObjectMeta is metadata that all persisted resources must have, which includes all objects users must create.",
        "properties": [
            "name": string("Name must be unique within a namespace."),
            "generateName": string("GenerateName is an optional prefix, used by the server, to generate a unique name ONLY IF the Name field has not been provided."),
            "namespace": string("Namespace defines the space within which each name must be unique."),
            "uid": string("UID is the unique in time and space value for this object."),
            "resourceVersion": string("An opaque value that represents the internal version of this object."),
            "generation": ["type": "integer", "format": "int64", "description": "A sequence number representing a specific generation of the desired state."],
            "creationTimestamp": ["type": "string", "format": "date-time", "description": "CreationTimestamp is a timestamp representing the server time when this object was created."],
            "deletionTimestamp": ["type": "string", "format": "date-time", "description": "DeletionTimestamp is the time after which this resource will be deleted."],
            "labels": ["type": "object", "additionalProperties": ["type": "string", "default": ""], "description": "Map of string keys and values that can be used to organize and categorize objects."],
            "annotations": ["type": "object", "additionalProperties": ["type": "string", "default": ""], "description": "Annotations is an unstructured key value map stored with a resource."],
            "finalizers": ["type": "array", "items": ["type": "string", "default": ""], "description": "Must be empty before the object is deleted from the registry."],
            "ownerReferences": ["type": "array", "items": ["type": "object", "x-kubernetes-preserve-unknown-fields": true], "description": "List of objects depended by this object."],
            "managedFields": ["type": "array", "items": ["type": "object", "x-kubernetes-preserve-unknown-fields": true], "description": "ManagedFields maps workflow-id and version to the set of fields that are managed by that workflow."],
        ],
    ]
}

import Foundation
import KubeTestServer
import StructuredData
import TestSupport
import Testing

/// CRD structural schemas enforced on create, update and patch, with the real server's answers:
/// `422 Invalid` and one `details.causes` entry per problem, unknown fields pruned unless preserved,
/// and refused under `fieldValidation=Strict`.
@Suite struct CustomResourceSchemaTests {
    private let gadgets = "/apis/example.com/v1/namespaces/default/gadgets"

    private static let definition = """
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata: {name: gadgets.example.com}
        spec:
          group: example.com
          scope: Namespaced
          names: {plural: gadgets, singular: gadget, kind: Gadget}
          versions:
          - name: v1
            served: true
            storage: true
            subresources: {status: {}}
            schema:
              openAPIV3Schema:
                type: object
                required: [spec]
                properties:
                  spec:
                    type: object
                    required: [size]
                    properties:
                      size: {type: integer, minimum: 1, maximum: 10}
                      ratio: {type: number, exclusiveMaximum: true, maximum: 1}
                      colour: {type: string, enum: [red, green]}
                      code: {type: string, pattern: '^[A-Z]{3}$', maxLength: 3}
                      tags: {type: array, minItems: 1, maxItems: 2, items: {type: string}}
                      port: {x-kubernetes-int-or-string: true}
                      mode: {type: string, default: fast}
                      extras: {type: object, x-kubernetes-preserve-unknown-fields: true}
                      labels: {type: object, additionalProperties: {type: string}}
                  status: {type: object, x-kubernetes-preserve-unknown-fields: true}
        """

    private func withGadgets(_ body: (HTTPProbe) async throws -> Void) async throws {
        try await withServer { _, http in
            try await http.send("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", body: Self.definition,
                                contentType: "application/yaml").expectStatus(201)
            try await body(http)
        }
    }

    private func gadget(_ name: String, spec: String) -> String {
        #"{"apiVersion":"example.com/v1","kind":"Gadget","metadata":{"name":"\#(name)"},"spec":\#(spec)}"#
    }

    private func causes(_ response: HTTPProbe.Response) -> [String: (reason: String, message: String)] {
        var found: [String: (reason: String, message: String)] = [:]
        for cause in response.json?["details"]?["causes"]?.arrayValue ?? [] {
            found[cause["field"]?.stringValue ?? ""] = (cause["reason"]?.stringValue ?? "", cause["message"]?.stringValue ?? "")
        }
        return found
    }

    @Test func everyKeywordIsCheckedAndWordedAsTheRealServerWordsIt() async throws {
        try await withGadgets { http in
            let bad = try await http.send("POST", gadgets, body: gadget("bad", spec: """
                {"size":0,"ratio":1,"colour":"blue","code":"abcd","tags":["a","b","c"],"port":true,"labels":{"a":1}}
                """), contentType: "application/json")
            #expect(bad.status == 422)
            #expect(bad.reason == "Invalid")
            #expect(bad.json?["details"]?["kind"] == "Gadget" && bad.json?["details"]?["group"] == "example.com")
            #expect(bad.message.hasPrefix("Gadget.example.com \"bad\" is invalid: ["), "\(bad.message)")
            let found = causes(bad)
            #expect(found["spec.size"]?.message == "Invalid value: 0: spec.size in body should be greater than or equal to 1")
            #expect(found["spec.ratio"]?.message == "Invalid value: 1: spec.ratio in body should be less than 1")
            #expect(found["spec.colour"]?.reason == "FieldValueNotSupported")
            #expect(found["spec.colour"]?.message == #"Unsupported value: "blue": supported values: "red", "green""#)
            #expect(found["spec.code"]?.message == #"Invalid value: "abcd": spec.code in body should match '^[A-Z]{3}$'"#)
            #expect(found["spec.tags"]?.reason == "FieldValueTooMany")
            #expect(found["spec.tags"]?.message == "Too many: 3: must have at most 2 items")
            #expect(found["spec.port"]?.reason == "FieldValueTypeInvalid")
            #expect(found["spec.labels.a"]?.message == #"Invalid value: "integer": spec.labels.a in body must be of type string: "integer""#)

            let missing = try await http.send("POST", gadgets, body: gadget("missing", spec: #"{"tags":[]}"#), contentType: "application/json")
            #expect(causes(missing)["spec.size"]?.message == "Required value")
            #expect(causes(missing)["spec.size"]?.reason == "FieldValueRequired")
            #expect(causes(missing)["spec.tags"]?.message == "Invalid value: 0: spec.tags in body should have at least 1 items")
            let wrongType = try await http.send("POST", gadgets, body: gadget("typed", spec: #"{"size":"big"}"#), contentType: "application/json")
            #expect(wrongType.message == #"Gadget.example.com "typed" is invalid: spec.size: Invalid value: "string": spec.size in body must be of type integer: "string""#)
            #expect(try await http.send("GET", gadgets).json?["items"]?.arrayValue?.isEmpty == true, "nothing invalid was stored")
        }
    }

    @Test func updatesAndPatchesAreCheckedToo() async throws {
        try await withGadgets { http in
            try await http.send("POST", gadgets, body: gadget("g", spec: #"{"size":2,"port":"http"}"#), contentType: "application/json")
                .expectStatus(201)
            let merge = try await http.send("PATCH", "\(gadgets)/g", body: #"{"spec":{"size":11}}"#, contentType: "application/merge-patch+json")
            #expect(merge.status == 422)
            #expect(causes(merge)["spec.size"]?.message == "Invalid value: 11: spec.size in body should be less than or equal to 10")
            let json = try await http.send(
                "PATCH", "\(gadgets)/g", body: #"[{"op":"remove","path":"/spec/size"}]"#, contentType: "application/json-patch+json")
            #expect(causes(json)["spec.size"]?.reason == "FieldValueRequired")
            let current = try #require(try await http.send("GET", "\(gadgets)/g").json)
            var replaced = current
            replaced["spec"]?["colour"] = "purple"
            let put = try await http.send("PUT", "\(gadgets)/g", body: JSONWriter.string(replaced), contentType: "application/json")
            #expect(put.status == 422)
            #expect(try await http.send("GET", "\(gadgets)/g").json?["spec"]?["size"] == 2, "unchanged")
            // Status goes through its subresource, where the schema preserves anything.
            let status = try await http.send(
                "PATCH", "\(gadgets)/g/status", body: #"{"status":{"anything":{"goes":1}}}"#, contentType: "application/merge-patch+json")
            #expect(status.status == 200)
        }
    }

    @Test func unknownFieldsArePrunedOrRefusedAndDefaultsFilled() async throws {
        try await withGadgets { http in
            let created = try await http.send(
                "POST", gadgets, body: gadget("p", spec: #"{"size":1,"typo":true,"extras":{"kept":{"deep":1}}}"#),
                contentType: "application/json")
            #expect(created.status == 201)
            #expect(created.json?["spec"]?["typo"] == nil, "pruned")
            #expect(created.json?["spec"]?["extras"]?["kept"]?["deep"] == 1, "x-kubernetes-preserve-unknown-fields keeps it")
            #expect(created.json?["spec"]?["mode"] == "fast", "the schema's default")
            let strict = try await http.send(
                "POST", "\(gadgets)?fieldValidation=Strict", body: gadget("s", spec: #"{"size":1,"typo":true,"other":2}"#),
                contentType: "application/json")
            #expect(strict.status == 400)
            #expect(strict.message == #"Gadget in version "v1" cannot be handled as a Gadget: strict decoding error: unknown field "spec.typo", unknown field "spec.other""#)
            let nonsense = try await http.send(
                "POST", "\(gadgets)?fieldValidation=Sometimes", body: gadget("n", spec: #"{"size":1}"#), contentType: "application/json")
            #expect(nonsense.status == 400)
        }
    }

    @Test func openAPIPublishesTheSchemaAndTheFieldValidationParameter() async throws {
        try await withGadgets { http in
            let root = try #require(try await http.send("GET", "/openapi/v3").json)
            let url = try #require(root["paths"]?["apis/example.com/v1"]?["serverRelativeURL"]?.stringValue)
            #expect(url.hasPrefix("/openapi/v3/apis/example.com/v1?hash="))
            #expect(root["paths"]?["api/v1"] != nil && root["paths"]?["apis/apps/v1"] != nil)
            let document = try #require(try await http.send("GET", url).json)
            let schema = try #require(document["components"]?["schemas"]?["com.example.v1.Gadget"])
            #expect(schema["properties"]?["spec"]?["properties"]?["size"]?["maximum"] == 10)
            #expect(schema["x-kubernetes-group-version-kind"]?.arrayValue?.first?["kind"] == "Gadget")
            let patch = try #require(document["paths"]?["/apis/example.com/v1/namespaces/{namespace}/gadgets/{name}"]?["patch"])
            #expect(patch["parameters"]?.arrayValue?.contains { $0["name"] == "fieldValidation" } == true)
            #expect(try await http.send("GET", "/openapi/v3/apis/nothing.example.com/v1").status == 404)
            let v2 = try await http.send("GET", "/openapi/v2")
            #expect(v2.json?["swagger"] == "2.0")
        }
    }
}

"""Drives kube-testserver with the official Python Kubernetes client, a second client nobody here
wrote, so the server stays honest to what real clients send and expect.

Usage: client_suite.py KUBECONFIG EVENTSOURCE_CRD_YAML
Prints one line per check; exits 1 with the reason on the first failure.
"""
import sys
import traceback

import yaml
from kubernetes import client, config, watch

NS = "python-suite"


def check(name, condition, detail=""):
    if not condition:
        raise AssertionError(f"{name}: {detail}")
    print(f"ok {name}", flush=True)


def events_until(stream, wanted, limit=50):
    """Collects (type, name) pairs from a watch until `wanted` ones are seen or it ends."""
    seen = []
    for event in stream:
        obj = event["object"]
        name = obj["metadata"]["name"] if isinstance(obj, dict) else obj.metadata.name
        seen.append((event["type"], name))
        if all(item in seen for item in wanted) or len(seen) >= limit:
            break
    return seen


def built_ins(core, apps):
    # A body without apiVersion and kind: the model leaves them out when unset.
    created = core.create_namespace(client.V1Namespace(metadata=client.V1ObjectMeta(name=NS)))
    check("namespace created without apiVersion/kind", created.metadata.name == NS and created.status.phase == "Active")

    for index in range(5):
        core.create_namespaced_config_map(NS, client.V1ConfigMap(
            metadata=client.V1ObjectMeta(name=f"cm-{index}", labels={"app": "demo", "tier": "a" if index % 2 else "b"}),
            data={"index": str(index)}))
    first = core.list_namespaced_config_map(NS, limit=2)
    check("list with limit", len(first.items) == 2 and first.metadata._continue, first.metadata)
    names = [item.metadata.name for item in first.items]
    token = first.metadata._continue
    while token:
        page = core.list_namespaced_config_map(NS, limit=2, _continue=token)
        names += [item.metadata.name for item in page.items]
        token = page.metadata._continue
    check("list with continue", names == [f"cm-{index}" for index in range(5)], names)
    check("label selector =", len(core.list_namespaced_config_map(NS, label_selector="tier=a").items) == 2)
    check("label selector in", len(core.list_namespaced_config_map(NS, label_selector="tier in (a,b),app=demo").items) == 5)
    check("label selector !", len(core.list_namespaced_config_map(NS, label_selector="!tier").items) == 0)

    version = core.list_namespaced_config_map(NS).metadata.resource_version
    core.patch_namespaced_config_map("cm-0", NS, {"data": {"index": "zero"}})
    core.delete_namespaced_config_map("cm-1", NS)
    stream = watch.Watch().stream(core.list_namespaced_config_map, NS, resource_version=version, timeout_seconds=20)
    seen = events_until(stream, [("MODIFIED", "cm-0"), ("DELETED", "cm-1")])
    check("watch from a resourceVersion", seen == [("MODIFIED", "cm-0"), ("DELETED", "cm-1")], seen)

    patched = core.patch_namespaced_config_map("cm-2", NS, [{"op": "replace", "path": "/data/index", "value": "two"}])
    check("JSON patch", patched.data == {"index": "two"}, patched.data)
    merged = core.patch_namespaced_config_map("cm-3", NS, {"metadata": {"labels": {"tier": None}}, "data": {"extra": "x"}})
    check("merge patch", merged.metadata.labels == {"app": "demo"} and merged.data == {"index": "3", "extra": "x"})

    deployment = apps.create_namespaced_deployment(NS, client.V1Deployment(
        metadata=client.V1ObjectMeta(name="web"),
        spec=client.V1DeploymentSpec(
            replicas=2, selector=client.V1LabelSelector(match_labels={"app": "web"}),
            template=client.V1PodTemplateSpec(
                metadata=client.V1ObjectMeta(labels={"app": "web"}),
                spec=client.V1PodSpec(containers=[client.V1Container(name="web", image="nginx:1.27")])))))
    check("deployment created", deployment.metadata.generation == 1)
    status = apps.patch_namespaced_deployment_status("web", NS, {"status": {"readyReplicas": 2, "replicas": 2}})
    check("status patch", status.status.ready_replicas == 2 and status.metadata.generation == 1)
    scaled = apps.patch_namespaced_deployment("web", NS, {"spec": {"replicas": 3}})
    check("spec patch keeps status", scaled.spec.replicas == 3 and scaled.status.ready_replicas == 2
          and scaled.metadata.generation == 2)

    core.delete_namespaced_config_map("cm-0", NS)
    remaining = [item.metadata.name for item in core.list_namespaced_config_map(NS).items]
    check("delete", remaining == ["cm-2", "cm-3", "cm-4"], remaining)
    try:
        core.read_namespaced_config_map("cm-0", NS)
        check("read after delete is 404", False, "still there")
    except client.ApiException as error:
        check("read after delete is 404", error.status == 404, error.status)


def event_sources(extensions, custom, crd_path):
    with open(crd_path) as file:
        crd = yaml.safe_load(file)
    extensions.create_custom_resource_definition(crd)
    check("CRD created", extensions.read_custom_resource_definition("eventsources.argoproj.io").status.accepted_names.kind
          == "EventSource")
    group, version, plural = "argoproj.io", "v1alpha1", "eventsources"

    def source(name, streams, labels):
        return {"apiVersion": f"{group}/{version}", "kind": "EventSource",
                "metadata": {"name": name, "labels": labels},
                "spec": {"redisStream": {"example": {"hostAddress": "127.0.0.1:6379", "streams": streams}}}}

    for index in range(3):
        custom.create_namespaced_custom_object(group, version, NS, plural,
                                               source(f"es-{index}", [f"S{index}"], {"team": "red" if index else "blue"}))
    page = custom.list_namespaced_custom_object(group, version, NS, plural, limit=2)
    rest = custom.list_namespaced_custom_object(group, version, NS, plural, limit=2, _continue=page["metadata"]["continue"])
    names = [item["metadata"]["name"] for item in page["items"] + rest["items"]]
    check("EventSource list with limit/continue", names == ["es-0", "es-1", "es-2"], names)
    red = custom.list_namespaced_custom_object(group, version, NS, plural, label_selector="team=red")
    check("EventSource label selector", [item["metadata"]["name"] for item in red["items"]] == ["es-1", "es-2"])

    try:
        custom.create_namespaced_custom_object(group, version, NS, plural, source("bad", [], {}))
        check("schema refuses empty streams", False, "accepted")
    except client.ApiException as error:
        check("schema refuses empty streams", error.status == 422 and "should have at least 1 items" in error.body, error.body)

    version_before = page["metadata"]["resourceVersion"]
    custom.patch_namespaced_custom_object(group, version, NS, plural, "es-0",
                                          {"spec": {"redisStream": {"example": {"streams": ["S0", "T0"]}}}})
    patched = custom.get_namespaced_custom_object(group, version, NS, plural, "es-0")
    check("EventSource merge patch", patched["spec"]["redisStream"]["example"]["streams"] == ["S0", "T0"]
          and patched["metadata"]["generation"] == 2)
    status = custom.patch_namespaced_custom_object_status(
        group, version, NS, plural, "es-0", {"status": {"conditions": [{"type": "Ready", "status": "True"}]}})
    check("EventSource status patch", status["status"]["conditions"][0]["type"] == "Ready"
          and status["metadata"]["generation"] == 2)
    custom.delete_namespaced_custom_object(group, version, NS, plural, "es-2")
    stream = watch.Watch().stream(custom.list_namespaced_custom_object, group, version, NS, plural,
                                  resource_version=version_before, timeout_seconds=20)
    seen = events_until(stream, [("DELETED", "es-2")])
    check("EventSource watch from a resourceVersion",
          seen == [("MODIFIED", "es-0"), ("MODIFIED", "es-0"), ("DELETED", "es-2")], seen)
    try:
        custom.get_namespaced_custom_object(group, version, NS, plural, "es-2")
        check("EventSource delete", False, "still there")
    except client.ApiException as error:
        check("EventSource delete", error.status == 404, error.status)


def main():
    kubeconfig, crd_path = sys.argv[1], sys.argv[2]
    config.load_kube_config(config_file=kubeconfig)
    try:
        built_ins(client.CoreV1Api(), client.AppsV1Api())
        event_sources(client.ApiextensionsV1Api(), client.CustomObjectsApi(), crd_path)
    except Exception:  # noqa: BLE001 - the whole trace is the report
        traceback.print_exc()
        sys.exit(1)
    print("all checks passed", flush=True)


main()

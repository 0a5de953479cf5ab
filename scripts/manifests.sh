#!/usr/bin/env bash
# Applies or deletes one kustomization of manifests/ (base, a variant, crds, or a `make deploy`
# overlay) so that an uninstall removes only what our installs created.
#
# Usage: scripts/manifests.sh apply|delete FOLDER      (KUBECTL="kubectl --context x" picks the kubectl)
#
# Everything but CustomResourceDefinitions is applied and deleted as `kubectl apply/delete -k` would.
# Our CRDs share their names with Argo Events' own (eventsources.argoproj.io, eventbus.argoproj.io),
# and deleting a CRD deletes every object of its kind in the cluster, Argo's EventSources included.
# So a CRD is only ever created here, never taken over: when the CRD already exists and our install
# did not create it, it is left exactly as it is; when we create it, it gets the CREATED_LABEL
# below; and delete removes only CRDs that carry that label. A new variant gets the same guarantee
# by being installed through this script (make deploy VARIANT=variants/<name>).
set -euo pipefail
cd "$(dirname "$0")/.."
CREATED_LABEL="redis-eventsource/created-by-install"
read -r -a kubectl <<< "${KUBECTL:-kubectl}"
action="${1:-}"
folder="${2:-}"
if [[ "$action" != apply && "$action" != delete ]] || [[ -z "$folder" ]]; then
  echo "usage: $0 apply|delete FOLDER" >&2
  exit 2
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# One file per CRD (crd-N.yaml) and one for everything else (rest.yaml), in render order.
"${kubectl[@]}" kustomize "$folder" | awk -v dir="$work" '
  function flush(  file) {
    if (doc == "") return
    if (crd) { n++; file = dir "/crd-" n ".yaml" } else { file = dir "/rest.yaml" }
    printf "---\n%s", doc >> file
    close(file)
    doc = ""; crd = 0
  }
  /^---$/ { flush(); next }
  { doc = doc $0 "\n"; if ($0 == "kind: CustomResourceDefinition") crd = 1 }
  END { flush() }'

# "" when the CRD in FILE does not exist, else "name=<value of CREATED_LABEL>".
crd_state() {
  "${kubectl[@]}" get -f "$1" --ignore-not-found \
    -o "jsonpath={.metadata.name}={.metadata.labels.${CREATED_LABEL//./\\.}}"
}

crds=("$work"/crd-*.yaml)
[[ -e "${crds[0]}" ]] || crds=()

if [[ "$action" == apply ]]; then
  for file in "${crds[@]}"; do
    state=$(crd_state "$file")
    if [[ -n "$state" && "$state" != *=true ]]; then
      echo "keeping customresourcedefinition ${state%%=*} as it is: it exists and was not created by this install"
      continue
    fi
    "${kubectl[@]}" apply -f "$file"
    [[ -n "$state" ]] || "${kubectl[@]}" label -f "$file" --overwrite "$CREATED_LABEL=true" > /dev/null
  done
  if [[ -e "$work/rest.yaml" ]]; then "${kubectl[@]}" apply -f "$work/rest.yaml"; fi
else
  if [[ -e "$work/rest.yaml" ]]; then "${kubectl[@]}" delete -f "$work/rest.yaml" --ignore-not-found; fi
  for file in "${crds[@]}"; do
    state=$(crd_state "$file")
    if [[ "$state" == *=true ]]; then
      "${kubectl[@]}" delete -f "$file" --ignore-not-found
    elif [[ -n "$state" ]]; then
      echo "keeping customresourcedefinition ${state%%=*}: this install did not create it"
    fi
  done
fi

#!/usr/bin/env bash
# Writes a kustomize overlay of manifests/base (or of the variant given) that runs the image given,
# for `make deploy IMG=… VARIANT=…`.
# Usage: scripts/deploy-overlay.sh IMAGE FOLDER [KUSTOMIZATION]   (KUSTOMIZATION defaults to
# manifests/base; the overlay refers to it by a relative path, as kustomize demands).
set -euo pipefail
cd "$(dirname "$0")/.."
image="$1"
folder="$2"
base="${3:-manifests/base}"
[[ -f "$base/kustomization.yaml" ]] || { echo "deploy-overlay: no kustomization.yaml in $base (VARIANT is base or variants/<name>)" >&2; exit 1; }
# The tag is what follows the last ':' after the last '/', so registry ports stay in the name.
last="${image##*/}"
if [[ "$last" == *:* ]]; then name="${image%:*}"; tag="${image##*:}"; else name="$image"; tag="latest"; fi
mkdir -p "$folder"
up=$(realpath --relative-to="$folder" "$base")
cat > "$folder/kustomization.yaml" <<YAML
# Written by make deploy; edit manifests/ instead.
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - $up
images:
  - name: redis-eventsource
    newName: $name
    newTag: "$tag"
YAML

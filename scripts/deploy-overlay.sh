#!/usr/bin/env bash
# Writes a kustomize overlay of manifests/base that runs the image given, for `make deploy IMG=…`.
# Usage: scripts/deploy-overlay.sh IMAGE FOLDER   (FOLDER inside the repository; kustomize only
# follows relative paths).
set -euo pipefail
cd "$(dirname "$0")/.."
image="$1"
folder="$2"
# The tag is what follows the last ':' after the last '/', so registry ports stay in the name.
last="${image##*/}"
if [[ "$last" == *:* ]]; then name="${image%:*}"; tag="${image##*:}"; else name="$image"; tag="latest"; fi
mkdir -p "$folder"
up=$(realpath --relative-to="$folder" manifests/base)
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

#!/usr/bin/env bash
# Renders the production overlay (namespace pat--dtc--be) to stdout:
#   scripts/k8s-build.sh [deploy/k8s folder] > rendered.yaml
# The Aspirate base's secretGenerators read git-ignored `.<resource>.secrets` files; production takes
# its connection strings from the Secret pat--dtc--be--connections instead and drops those Secrets,
# so missing files are created empty (as Aspirate does for overlays) only to let kustomize run.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
k8s=${1:-$repo/deploy/k8s}

for folder in "$k8s"/base/*/; do
  placeholder="$folder.$(basename "$folder").secrets"
  [ -e "$placeholder" ] || : > "$placeholder"
done
kubectl kustomize "$k8s/overlays/production"

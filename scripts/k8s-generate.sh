#!/usr/bin/env bash
# Regenerates the Kubernetes base (deploy/k8s/base) from the Aspire manifest (deploy/aspire-manifest.json,
# written by scripts/k8s-manifest.sh) with Aspirate:
#
#   aspirate generate --non-interactive --skip-build --disable-state --include-dashboard false \
#     --image-pull-policy IfNotPresent --container-registry registry.local/dtc --container-image-tag 0.1.0 \
#     --secret-password <any> -pa dtc=<placeholder> -pa rabbitmq=<placeholder> \
#     --output-path deploy/k8s/base -m deploy/aspire-manifest.json
#
# Secrets stay enabled, so each resource's connection strings go to a secretGenerator reading the
# git-ignored `.<resource>.secrets` file and no value lands in the base; the -pa values are
# placeholders that only satisfy the non-interactive run (production reads the Secret
# pat--dtc--be--connections, see docs/DEPLOY.md). The registry and tag are placeholders too: the
# production overlay's `images:` names the real images.
#
# Where `aspirate` (dotnet tool aspirate 9.x) is not installed, deploy/tools/aspirate-generate.cs
# writes the same files (Dtc.Tests/Deploy checks it against Aspirate's own output).
#   scripts/k8s-generate.sh [--builtin] [--output-path DIR]
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"

out=deploy/k8s/base
manifest=deploy/aspire-manifest.json
builtin=false
while [ $# -gt 0 ]; do
  case "$1" in
    --builtin) builtin=true ;;
    --output-path) out=$2; shift ;;
    *) echo "usage: $0 [--builtin] [--output-path DIR]" >&2; exit 2 ;;
  esac
  shift
done

# Every parameter.v0 resource of the manifest needs a -pa, or the non-interactive run stops.
parameters=()
for name in $(awk '/^    "[^"]+": \{/ { gsub(/[":{ ]/, ""); key = $0 } /"type": "parameter.v0"/ { print key }' "$manifest"); do
  parameters+=(-pa "$name=set-in-secret-pat--dtc--be--connections")
done

args=(generate --non-interactive --skip-build --disable-state --include-dashboard false
  --image-pull-policy IfNotPresent --container-registry registry.local/dtc --container-image-tag 0.1.0
  --secret-password "${ASPIRATE_SECRET_PASSWORD:-$(head -c 18 /dev/urandom | base64)}"
  "${parameters[@]}" --output-path "$out" -m "$manifest")

if [ "$builtin" = false ] && command -v aspirate >/dev/null; then
  aspirate "${args[@]}"
else
  [ "$builtin" = true ] || echo "[k8s-generate] aspirate is not installed (not on this package mirror): using deploy/tools/aspirate-generate.cs, which writes what Aspirate 9.1 writes" >&2
  DOTNET_NOLOGO=1 dotnet run deploy/tools/aspirate-generate.cs -- "${args[@]}"
fi

#!/usr/bin/env bash
# Deploys the production overlay to namespace pat--dtc--be, migrations first:
#   1. the previous release's migrations Job is deleted (a Job's pod template cannot change),
#   2. the new Job and its ConfigMap (label dtc/deploy-stage=migrate) are applied and awaited,
#   3. everything else is applied and each Deployment's rollout awaited.
# The Secret pat--dtc--be--connections must exist (docs/DEPLOY.md). Uses the current kubectl context.
#   scripts/k8s-apply.sh [extra kubectl apply arguments, e.g. --dry-run=server]
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ns=pat--dtc--be
job=pat--dtc--be--migrations--prod

rendered=$(mktemp)
trap 'rm -f "$rendered"' EXIT
"$repo/scripts/k8s-build.sh" > "$rendered"

if ! kubectl get secret pat--dtc--be--connections -n "$ns" >/dev/null; then
  echo "Secret pat--dtc--be--connections is missing in $ns: create it first (docs/DEPLOY.md)." >&2
  exit 1
fi

case " $* " in *" --dry-run"*) kubectl apply -f "$rendered" "$@"; exit ;; esac

kubectl delete job "$job" -n "$ns" --ignore-not-found --wait=true
kubectl apply -f "$rendered" -l dtc/deploy-stage=migrate "$@"

echo "Waiting for $job…"
while :; do
  conditions=$(kubectl get job "$job" -n "$ns" -o jsonpath='{range .status.conditions[?(@.status=="True")]}{.type} {end}')
  case " $conditions" in
    *" Complete "*) break ;;
    *" Failed "*) echo "Migrations failed: kubectl logs -n $ns job/$job" >&2; exit 1 ;;
  esac
  sleep 5
done

kubectl apply -f "$rendered" "$@"
for deployment in $(kubectl get deployments -n "$ns" -l app.kubernetes.io/part-of=dtc -o name); do
  kubectl rollout status "$deployment" -n "$ns" --timeout=15m
done

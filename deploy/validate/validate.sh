#!/usr/bin/env bash
# Validates everything under deploy/ that is not C#: the Kubernetes manifests (against the Kubernetes
# API schemas, kubernetes-models), docker-compose.yml (docker-compose config, with .env.example's
# variables), the Prometheus rules (promtool check + promtool's rule unit tests) and the Grafana
# dashboard (JSON, panels, and each query's PromQL through promtool). Installs what it needs from
# Debian and npm when missing; once installed it runs offline. Exits non-zero on any failure.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$root"

need_apt=()
command -v docker-compose >/dev/null 2>&1 || need_apt+=(docker-compose)
command -v promtool >/dev/null 2>&1 || need_apt+=(prometheus)
command -v node >/dev/null 2>&1 || need_apt+=(nodejs npm)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "validate: installing ${need_apt[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi
# The prometheus package starts nothing here (no systemd); only promtool is used.

if [ ! -d "$here/node_modules/kubernetes-models" ] || [ ! -d "$here/node_modules/yaml" ] \
   || [ "$here/package-lock.json" -nt "$here/node_modules/.package-lock.json" ]; then
  (cd "$here" && npm ci --no-audit --no-fund --loglevel=error)
fi

failed=0
step() { local name="$1"; shift; if "$@"; then echo "ok   $name"; else echo "FAIL $name"; failed=1; fi; }

step "kubernetes manifests" node "$here/kubernetes.mjs" deploy/kubernetes

compose_env="$(mktemp)"
dashboard_rules="$(mktemp --suffix=.yml)"
trap 'rm -f "$compose_env" "$dashboard_rules"' EXIT
# .env.example leaves secrets empty on purpose; fill them with placeholders for the check only.
sed -E 's/^([A-Za-z_][A-Za-z0-9_]*)=$/\1=validate-only-placeholder/' .env.example > "$compose_env"
step "docker-compose.yml" docker-compose --env-file "$compose_env" -f docker-compose.yml config -q
# And without the variables it must refuse, naming one: no secret has a default.
compose_refuses_without_secrets() {
  local out empty
  empty="$(mktemp)"
  if out="$(env -i PATH="$PATH" HOME="${HOME:-/root}" docker-compose --env-file "$empty" -f docker-compose.yml config -q 2>&1)"; then
    rm -f "$empty"
    echo "docker-compose accepted the file with no variables set: a secret has a default"; return 1
  fi
  rm -f "$empty"
  grep -q 'set [A-Z_]* in .env' <<<"$out" || { echo "$out"; return 1; }
}
step "docker-compose.yml has no default secrets" compose_refuses_without_secrets

step "prometheus rules" promtool check rules deploy/monitoring/alerts-rules.yml
step "prometheus rule tests" bash -c "cd deploy/monitoring && promtool test rules alerts-rules.test.yml"
step "grafana dashboard" node "$here/dashboard.mjs" deploy/monitoring/alerts-dashboard.json "$dashboard_rules"
step "grafana dashboard queries (PromQL)" promtool check rules "$dashboard_rules"

if [ "$failed" -ne 0 ]; then echo "validate: deploy/ has errors (see FAIL above)"; exit 1; fi
echo "validate: deploy/ is valid"

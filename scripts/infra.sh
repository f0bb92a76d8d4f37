#!/usr/bin/env bash
# Installs (Debian, as root) and starts on loopback what the tests and the local run need:
# RabbitMQ with the management and shovel plugins, PostgreSQL, kubectl, s3cmd, botocore, awscli, Chromium and the Node packages.
# Sourced by test.sh and run.sh; exports RABBITMQ_URL, RABBITMQ_MANAGEMENT_URL and POSTGRES_URL.
# A server that is already given through RABBITMQ_URL / POSTGRES_URL is used as it is.
set -euo pipefail

infra_log() { printf '[infra] %s\n' "$*" >&2; }

infra_apt_install() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ]; then
    infra_log "missing packages: ${missing[*]}; run as root or install them first"; return 1
  fi
  infra_log "installing ${missing[*]}"
  if [ -z "${INFRA_APT_UPDATED:-}" ]; then
    apt-get update -qq >/dev/null; INFRA_APT_UPDATED=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

infra_tools() {
  infra_apt_install s3cmd curl ca-certificates
  # The S3 clients the storage tests prove the MinIO stand-in with: botocore (what MLflow uses for s3://) and awscli.
  infra_apt_install python3-boto3 awscli
  # kubectl may come from another package (e.g. a cloud SDK); Debian's kubernetes-client only when absent.
  command -v kubectl >/dev/null || infra_apt_install kubernetes-client
  command -v node >/dev/null || infra_apt_install nodejs npm
  # The dashboard's browser tests drive Debian's Chromium through Playwright (no browser download is possible here).
  infra_apt_install chromium
  # test.sh counts the TRX results with it.
  command -v python3 >/dev/null || infra_apt_install python3
  # The SQLite shell of docs/runbook.md's online backup, which the saga store's tests run as written.
  infra_apt_install sqlite3
}

infra_rabbitmq() {
  if [ -n "${RABBITMQ_URL:-}" ]; then
    infra_log "using RabbitMQ at ${RABBITMQ_URL%%@*}@… (from RABBITMQ_URL)"
  else
    infra_apt_install rabbitmq-server
    if ! rabbitmqctl -q status >/dev/null 2>&1; then
      infra_log "starting rabbitmq-server"
      rabbitmq-plugins -q --offline enable rabbitmq_management rabbitmq_shovel rabbitmq_shovel_management >/dev/null
      mkdir -p /var/log/rabbitmq
      # Loopback only: nothing here is meant to be reached from another machine.
      RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 RABBITMQ_SERVER_START_ARGS="-rabbitmq_management tcp_config [{ip,\"127.0.0.1\"},{port,15672}]" \
        nohup rabbitmq-server >/var/log/rabbitmq/foreground.log 2>&1 &
    fi
    # await_startup fails at once while the Erlang node is not yet registered, so ask until it answers.
    local attempt
    for attempt in $(seq 1 120); do
      rabbitmqctl -q await_startup --timeout 5 >/dev/null 2>&1 && break
      sleep 1
    done
    if ! rabbitmqctl -q await_startup --timeout 10 >/dev/null 2>&1; then
      infra_log "rabbitmq-server did not start; last lines of its log:"
      tail -n 20 /var/log/rabbitmq/foreground.log >&2 || true
      return 1
    fi
    rabbitmq-plugins -q enable rabbitmq_management rabbitmq_shovel rabbitmq_shovel_management >/dev/null
    export RABBITMQ_URL="amqp://guest:guest@127.0.0.1:5672/"
  fi
  export RABBITMQ_MANAGEMENT_URL="${RABBITMQ_MANAGEMENT_URL:-http://guest:guest@127.0.0.1:15672}"
  local i
  for i in $(seq 1 60); do
    curl -fsS "${RABBITMQ_MANAGEMENT_URL}/api/overview" >/dev/null 2>&1 && return 0
    sleep 1
  done
  infra_log "RabbitMQ management API did not answer at ${RABBITMQ_MANAGEMENT_URL#*@}"; return 1
}

infra_postgres() {
  if [ -n "${POSTGRES_URL:-}" ]; then
    infra_log "using PostgreSQL from POSTGRES_URL"; return 0
  fi
  infra_apt_install postgresql
  local version cluster
  version=$(ls /usr/lib/postgresql | sort -n | tail -1)
  cluster=main
  pg_lsclusters -h | awk '{print $1" "$2}' | grep -q "^$version $cluster$" || pg_createcluster "$version" "$cluster" >/dev/null
  if ! pg_lsclusters -h | awk -v v="$version" -v c="$cluster" '$1==v && $2==c {print $4}' | grep -q online; then
    infra_log "starting PostgreSQL $version"
    pg_ctlcluster "$version" "$cluster" start
  fi
  local i
  for i in $(seq 1 60); do
    su postgres -c "psql -qtAc 'select 1'" >/dev/null 2>&1 && break
    sleep 1
  done
  su postgres -c "psql -qtAc \"select 1 from pg_roles where rolname='mlops'\"" | grep -q 1 \
    || su postgres -c "psql -qc \"create role mlops login createdb password 'mlops'\"" >/dev/null
  su postgres -c "psql -qtAc \"select 1 from pg_database where datname='mlops'\"" | grep -q 1 \
    || su postgres -c "createdb -O mlops mlops"
  export POSTGRES_URL="Host=127.0.0.1;Port=5432;Username=mlops;Password=mlops;Database=mlops"
}

infra_node_packages() {
  local lock dir
  for lock in $(git ls-files '*package-lock.json' 2>/dev/null); do
    dir=$(dirname "$lock")
    if [ ! -d "$dir/node_modules" ] || [ "$lock" -nt "$dir/node_modules" ]; then
      infra_log "npm ci in $dir"
      (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null && touch node_modules)
    fi
  done
}

infra_all() {
  infra_tools
  infra_rabbitmq
  infra_postgres
  infra_node_packages
}

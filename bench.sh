#!/usr/bin/env bash
# Measures the product against the broker's own limit, in one run (docs/benchmarks.md): the saga store against
# MassTransit's in-memory repository; then the sandbox and the three services as real processes (SQLite stores, a vhost
# of their own, the sandbox's delays at zero), N models taken from ModelRegistered to ServingRolloutComplete at once and
# at a fixed offered load, interleaved with RabbitMQ.Client and plain MassTransit baselines on the same broker.
#
#   ./bench.sh            N = 100 (3 minutes on a quiet day, 12 under heavy load; docs/benchmarks.md)
#   ./bench.sh --full     N = 100 and N = 1,000
#   ./bench.sh --docs     also writes the results table into docs/benchmarks.md
#
# Smaller runs (the test uses them): --n N[,N…] --open-loop-flows N --warm-up-flows N --rate F --rounds N --baseline-seconds S
# --store-ticks N --out DIR --no-build. Environment: MLOPS_BENCH_PORT_BASE (5200); MLOPS_BENCH_KEEP=1 keeps the run's
# directory (the services' logs and SQLite stores, to see where a flow's time went).
set -euo pipefail
cd "$(dirname "$0")"
repo=$(pwd)

usage() { sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; }
whole() { [[ "$2" =~ ^[0-9]+$ ]] && [ "$2" -ge 1 ] || { echo "bench.sh: $1 takes a whole number of at least 1, not '$2'" >&2; exit 2; }; }
sizes=100
open_loop_flows=50
warm_up_flows=10
rate=50
rounds=3
baseline_seconds=2
store_ticks=200
out="$repo/benchmarks/results"
docs=""
build=true
while [ $# -gt 0 ]; do
  case "$1" in
    --full) sizes=100,1000; open_loop_flows=500 ;;
    --docs) docs="$repo/docs/benchmarks.md" ;;
    --no-build) build=false ;;
    --n) [[ "${2:-}" =~ ^[0-9]+(,[0-9]+)*$ ]] || { echo "bench.sh: --n takes N or N,N,…, not '${2:-}'" >&2; exit 2; }; sizes=$2; shift ;;
    --open-loop-flows) whole "$1" "${2:-}"; open_loop_flows=$2; shift ;;
    --warm-up-flows) whole "$1" "${2:-}"; warm_up_flows=$2; shift ;;
    --rate) [[ "${2:-}" =~ ^[0-9]+(\.[0-9]+)?$ ]] || { echo "bench.sh: --rate takes flows per second, not '${2:-}'" >&2; exit 2; }; rate=$2; shift ;;
    --rounds) whole "$1" "${2:-}"; rounds=$2; shift ;;
    --baseline-seconds) whole "$1" "${2:-}"; baseline_seconds=$2; shift ;;
    --store-ticks) whole "$1" "${2:-}"; store_ticks=$2; shift ;;
    --out) [ -n "${2:-}" ] || { echo "bench.sh: --out takes a directory" >&2; exit 2; }; out=$(mkdir -p "$2" && cd "$2" && pwd); shift ;;
    -h | --help) usage; exit 0 ;;
    *) echo "bench.sh: unknown argument '$1'" >&2; usage >&2; exit 2 ;;
  esac
  shift
done

# The run's own directory, vhosts and ports, so a developer's ./run.sh and its .run/ are never touched.
run_id=$(od -An -tx1 -N4 /dev/urandom | tr -d ' \n')
export MLOPS_RUN_DIR
MLOPS_RUN_DIR=$(mktemp -d /tmp/mlops-bench-XXXXXX)
export MLOPS_RUN_VHOST="bench-$run_id"
export MLOPS_RUN_PORT_BASE=${MLOPS_BENCH_PORT_BASE:-5200}
baseline_vhost="bench-baseline-$run_id"
source scripts/run/settings.sh
source scripts/run/processes.sh
source scripts/infra.sh

bench_log() { printf '[bench] %s %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }

# Ends the processes of the run (run_stop, in a subshell so it cannot end this script first), then its vhosts and files.
bench_stop() {
  local status=$?
  trap - EXIT INT TERM
  (exit "$status")
  (run_stop) || true
  local vhost
  for vhost in "$run_vhost" "$baseline_vhost"; do run_management DELETE "/api/vhosts/$vhost" 2>/dev/null || true; done
  if [ "$status" -ne 0 ] || [ "${MLOPS_BENCH_KEEP:-}" = 1 ]; then
    bench_log "the processes' logs and stores are kept in $run_dir"
  else
    rm -rf "$run_dir"
  fi
  exit "$status"
}

infra_all
trap bench_stop EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
for name in "${!run_ports[@]}"; do
  run_port_free "${run_ports[$name]}" || run_fail "port ${run_ports[$name]} ($name) is in use: set MLOPS_BENCH_PORT_BASE"
done
mkdir -p "$run_dir/data" "$run_dir/logs"
run_write_secrets
run_vhost_ensure
run_management PUT "/api/vhosts/$baseline_vhost" || run_fail "could not create RabbitMQ vhost '$baseline_vhost'"
rabbitmq_user=${RABBITMQ_URL:-amqp://guest:guest@127.0.0.1:5672/}
rabbitmq_user=${rabbitmq_user#*://}
rabbitmq_user=${rabbitmq_user%%@*}
run_management PUT "/api/permissions/$baseline_vhost/${rabbitmq_user%%:*}" '{"configure":".*","write":".*","read":".*"}' \
  || run_fail "could not give ${rabbitmq_user%%:*} access to vhost '$baseline_vhost'"

# One build of the six programs (benchmarks/bench.slnf): the projects they share are checked once, not six times.
if $build; then
  bench_log "build: benchmarks/bench.slnf (the services, the sandbox, both benchmarks; Release)"
  dotnet build benchmarks/bench.slnf -c Release -nologo -v quiet >"$run_dir/logs/build.log" 2>&1 \
    || { cat "$run_dir/logs/build.log" >&2; run_fail "the build failed"; }
fi

# 1. The saga store against MassTransit's in-memory repository, on RabbitMQ (docs/saga-store.md, "Performance").
bench_log "saga store: $store_ticks transitions per saga, each provider and the in-memory baseline"
dotnet "$(run_dll benchmarks/SagaStore.Benchmarks SagaStore.Benchmarks)" --rabbitmq --ticks "$store_ticks" \
  --json "$run_dir/store.json" >"$run_dir/logs/store.log" 2>&1 \
  || { cat "$run_dir/logs/store.log" >&2; run_fail "the saga store benchmark failed"; }

# 2. The sandbox with its rollout, load and registration delays at zero. Probes keep their shape at 1:100 of their
# periods; the progress deadline keeps its 600 s, so a long queue of rollouts is not failed by the sandbox's clock.
export Sandbox__Kubernetes__PodStartDelay=00:00:00 Sandbox__Kubernetes__ObserveDelay=00:00:00 Sandbox__Kubernetes__UnsealDelay=00:00:00
export Sandbox__Kubernetes__ProbeTimeScale=0.01 Sandbox__mlflow__ModelVersionReadyDelay=00:00:00 Sandbox__ModelServer__LoadTime=00:00:00
run_start_sandbox
printf 'pid.sandbox %s\n' "${run_pids[-1]}" >"$run_dir/run-info"
run_write_kubeconfig
run_prepare_cluster

# 3. The services, one at a time so each one's time to ready is its own. ModelRegistered is the only trigger: the
# registry reconciliation is off and the rollout watcher's periodic re-report is beyond the run, so the broker's count
# is the flows'. Model servers ask for little, so the sandbox's one node (8 CPUs, 32 GiB) holds the 1,610 of --full.
# A saga step retried at a deadline starts at 200 ms instead of 5 s: only the stack's set-up waits so (its SealedSecret
# unsealing); the flows have no step retried (the saga history of a kept run shows none).
export ModelPromoter__Reconciliation__Enabled=false ModelPromoter__Serving__WatcherResync=01:00:00
export Sagas__StepRetry__First=00:00:00.200 Sagas__StepRetry__Max=00:00:02
export ModelPromoter__Policies__Default__Resources__CpuRequest=4m ModelPromoter__Policies__Default__Resources__MemoryRequest=16Mi
info="$run_dir/run-info"
now() { date +%s.%N; }
bench_start_service() { # name project assembly [settings…]
  local name=$1 project=$2 assembly=$3 started waited=0
  shift 3
  started=$(now)
  run_service "$name" "$project" "$assembly" "$@"
  until curl -fsS -o /dev/null --max-time 2 "$(run_url "$name")/health/ready" 2>/dev/null; do
    run_alive "$name" || { tail -n 30 "$run_dir/logs/$name.log" >&2; run_fail "$name exited while starting"; }
    [ "$waited" -lt 1800 ] || { tail -n 30 "$run_dir/logs/$name.log" >&2; run_fail "$name was not ready within 90 s"; }
    sleep 0.05
    waited=$((waited + 1))
  done
  printf 'ready.%s %s\npid.%s %s\nassembly.%s %s.dll\n%s %s\n' "$name" "$(python3 -c "print(round($(now) - $started, 3))")" \
    "$name" "${run_pids[-1]}" "$name" "$assembly" "$name" "$(run_url "$name")" >>"$info"
  bench_log "$name is ready"
}
bench_start_service provisioner services/Provisioner Mlops.Provisioner \
  "Minio__Endpoint=$(run_url s3)" "Minio__AccessKey=$run_minio_root_user" "Minio__SecretKey=$run_minio_root_password"
bench_start_service training-coordinator services/TrainingCoordinator Mlops.TrainingCoordinator
bench_start_service model-promoter services/ModelPromoter Mlops.ModelPromoter \
  "Minio__Endpoint=$(run_url s3)" "Minio__AccessKey=$run_promoter_access_key" "Minio__SecretKey=$run_promoter_secret_key" \
  "ModelPromoter__Webhook__Secret=$run_webhook_secret"

amqp_base=${RABBITMQ_URL:-amqp://guest:guest@127.0.0.1:5672/}
cat >>"$info" <<EOF
vhost $run_vhost
amqp $(run_amqp_url)
baseline-vhost $baseline_vhost
baseline-amqp ${amqp_base%%://*}://$(printf '%s' "${amqp_base#*://}" | cut -d/ -f1)/$baseline_vhost
management ${RABBITMQ_MANAGEMENT_URL:-http://guest:guest@127.0.0.1:15672}
mlflow $(run_url mlflow)
s3 $(run_url s3)
s3-user $run_minio_root_user
s3-secret $run_minio_root_password
ops-token $run_ops_token
EOF

# 4. The flows and the baselines, interleaved; one summary line per figure on stdout.
dotnet "$(run_dll benchmarks/Flow.Benchmarks Flow.Benchmarks)" --run-info "$info" \
  --stack-file "$repo/benchmarks/Flow.Benchmarks/bench-stack.yaml" --store-json "$run_dir/store.json" \
  --n "$sizes" --open-loop-flows "$open_loop_flows" --warm-up-flows "$warm_up_flows" --rate "$rate" --rounds "$rounds" --baseline-seconds "$baseline_seconds" \
  --out "$out" ${docs:+--docs "$docs"}

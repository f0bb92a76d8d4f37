#!/usr/bin/env bash
# Runs the whole system on this machine: RabbitMQ, the sandbox (Kubernetes, MLflow and MinIO stand-ins), the three
# services as processes; applies the homelab stack, trains cnn_classifier and follows the flow until the model is served.
#
#   ./run.sh            run, show the flow, print where to look, keep running until Ctrl-C
#   ./run.sh --once     exit 0 after ServingRolloutComplete (non-zero with the failing step and reason)
#   ./run.sh --fresh    remove the stores (.run/data) and the broker's vhost first
#
# Environment: MLOPS_RUN_DIR (default .run), MLOPS_RUN_PORT_BASE (5100), MLOPS_RUN_VHOST (mlops-local),
# MLOPS_RUN_TIMEOUT (seconds, 600), MLOPS_RUN_TRAINING_PARAMETERS (JSON), MLOPS_<NAME>_PORT for one port; see README.md.
set -euo pipefail
cd "$(dirname "$0")"
repo=$(pwd)

usage() { sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; }
once=false
fresh=false
for arg in "$@"; do
  case "$arg" in
    --once) once=true ;;
    --fresh) fresh=true ;;
    -h | --help) usage; exit 0 ;;
    *) echo "run.sh: unknown argument '$arg'" >&2; usage >&2; exit 2 ;;
  esac
done

source scripts/run/settings.sh
source scripts/run/processes.sh
source scripts/infra.sh

run_log "run directory $run_dir, ports from $port_base, RabbitMQ vhost '$run_vhost'"

# 1. What is missing: the tools, RabbitMQ with its management UI, the MinIO stand-in's Node packages.
rabbitmq_was_running=true
if [ -z "${RABBITMQ_URL:-}" ] && ! rabbitmqctl -q status >/dev/null 2>&1; then rabbitmq_was_running=false; fi
infra_tools
infra_rabbitmq
infra_node_packages
if ! $rabbitmq_was_running; then
  # Started here, so stopped here too (after the services, by run_stop).
  run_started_rabbitmq=true
fi
trap run_stop EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# 2. Ports must be free: another ./run.sh, or anything else, on them is named instead of failing later.
for name in "${!run_ports[@]}"; do
  run_port_free "${run_ports[$name]}" || run_fail "port ${run_ports[$name]} ($name) is in use: stop what listens there, or set MLOPS_RUN_PORT_BASE"
done

# 3. Data, secrets, the broker's vhost.
if $fresh; then
  run_log "--fresh: removing $run_dir/data and the vhost '$run_vhost'"
  rm -rf "$run_dir/data"
  run_vhost_delete
elif [ -d "$run_dir/data" ] && [ -n "$(ls -A "$run_dir/data")" ]; then
  run_keep_previous_stores
fi
mkdir -p "$run_dir/data" "$run_dir/logs"
run_write_secrets
run_vhost_ensure

# The training request is checked before anything starts.
training=$(run_training_request)

# 4. Build once (Release), only when sources changed since the last build of this checkout.
run_build

# 5. The sandbox, then the services, each in a process group of its own.
run_start_sandbox
run_write_kubeconfig
run_prepare_cluster
run_start_services
run_write_endpoints
run_write_stack_file
run_print_endpoints

# 6. The flow: the stack through the Provisioner's ops API, then the homelab's training request, followed live.
set +e
python3 scripts/run/flow.py --run-dir "$run_dir" --stack-file "$run_dir/homelab.yaml" --training "$training" \
  --vhost "$run_vhost" --timeout "$run_timeout" | tee "$run_dir/logs/flow.log" | grep --line-buffered -v '^FLOW '
status=${PIPESTATUS[0]}
set -e
if [ "$status" -ne 0 ]; then
  run_log "the flow failed; the services' logs are in $run_dir/logs/"
  exit 1
fi
read -r _ flow_id serving_namespace serving_deployment < <(grep '^FLOW ' "$run_dir/logs/flow.log")
version=$(grep '^ServingRolloutComplete ' "$run_dir/logs/flow.log" | awk '{print $3}')

if $once; then
  exit 0
fi
run_print_where_to_look "$flow_id" "$serving_namespace" "$serving_deployment" "$version"
run_log "running; Ctrl-C stops everything ./run.sh started"
run_wait_for_any_exit

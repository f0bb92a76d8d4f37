# What ./run.sh does step by step: secrets, build, the sandbox and service processes, the files it writes, and
# stopping exactly what it started. Sourced by run.sh after scripts/run/settings.sh.

run_pids=()
run_names=()
run_started_rabbitmq=false

run_log() { printf '[run] %s\n' "$*" >&2; }
run_fail() { printf '[run] %s\n' "$*" >&2; exit 1; }

run_port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

run_random() { od -An -tx1 -N"$1" /dev/urandom | tr -d ' \n'; }

# .run/secrets: made once and kept, so mlopsctl and scripts keep working across runs.
run_write_secrets() {
  local file="$run_dir/secrets"
  if [ ! -s "$file" ]; then
    (umask 077 && printf 'ops-token local-%s\nwebhook-secret %s\nminio-promoter-secret %s\n' \
      "$(run_random 24)" "$(run_random 24)" "$(run_random 16)" >"$file")
  fi
  chmod 600 "$file"
  run_ops_token=$(awk '$1 == "ops-token" {print $2}' "$file")
  run_webhook_secret=$(awk '$1 == "webhook-secret" {print $2}' "$file")
  run_promoter_secret_key=$(awk '$1 == "minio-promoter-secret" {print $2}' "$file")
  [ -n "$run_ops_token" ] && [ -n "$run_webhook_secret" ] && [ -n "$run_promoter_secret_key" ] \
    || run_fail "$file lacks ops-token, webhook-secret or minio-promoter-secret: remove it to have new ones made"
}

run_management() { # method path [json body]
  local run_management_url=${RABBITMQ_MANAGEMENT_URL:-http://guest:guest@127.0.0.1:15672}
  local url=${run_management_url#*@} credentials=${run_management_url#*://}
  credentials=${credentials%%@*}
  curl -fsS -u "$credentials" -X "$1" -H 'content-type: application/json' ${3:+-d "$3"} "${run_management_url%%://*}://$url$2" >/dev/null
}

run_vhost_ensure() {
  run_management PUT "/api/vhosts/$run_vhost" || run_fail "could not create RabbitMQ vhost '$run_vhost'"
  local user=${RABBITMQ_URL:-amqp://guest:guest@127.0.0.1:5672/}
  user=${user#*://}
  user=${user%%@*}
  user=${user%%:*}
  run_management PUT "/api/permissions/$run_vhost/$user" '{"configure":".*","write":".*","read":".*"}' \
    || run_fail "could not give $user access to vhost '$run_vhost'"
}

run_vhost_delete() { run_management DELETE "/api/vhosts/$run_vhost" 2>/dev/null || true; }

# The sandbox keeps its Kubernetes objects and MLflow registry in memory, so each run starts them empty and the new
# registry numbers cnn_classifier's versions from 1 again. Stores that remember the last run's version 1 as promoted
# would take the new version 1 for a duplicate and serve nothing, so the last run's stores (and the objects MinIO kept
# for them) are moved, whole and readable, to history/<time>/ and this run starts its own.
run_keep_previous_stores() {
  local kept
  kept="$run_dir/history/$(date -u +%Y%m%dT%H%M%SZ)"
  mkdir -p "$run_dir/history"
  mv "$run_dir/data" "$kept"
  run_log "the last run's stores are kept in $kept (the sandbox starts empty, so this run starts its own stores)"
}

# RABBITMQ_URL (infra.sh's, or the one given) with this run's vhost as its path.
run_amqp_url() {
  local base=${RABBITMQ_URL:-amqp://guest:guest@127.0.0.1:5672/}
  local scheme=${base%%://*} rest=${base#*://}
  printf '%s://%s/%s' "$scheme" "${rest%%/*}" "$run_vhost"
}

run_projects=(services/Provisioner services/TrainingCoordinator services/ModelPromoter tools/Sandbox tools/mlopsctl)

# Release builds of the five programs run.sh starts, skipped while nothing they are built from changed.
run_build() {
  local stamp="$run_dir/build.stamp" changed
  if [ -f "$stamp" ]; then
    changed=$(find contracts services tools Directory.Build.props Directory.Packages.props global.json -newer "$stamp" -type f \
      -not -path '*/bin/*' -not -path '*/obj/*' -not -path '*/node_modules/*' -print -quit 2>/dev/null || true)
    if [ -z "$changed" ]; then
      run_log "build: up to date"
      return 0
    fi
  fi
  local project started=$SECONDS
  for project in "${run_projects[@]}"; do
    run_log "build: $project (Release)"
    dotnet build "$project" -c Release -nologo -v quiet >"$run_dir/logs/build.log" 2>&1 \
      || { cat "$run_dir/logs/build.log" >&2; run_fail "build of $project failed"; }
  done
  touch "$stamp"
  run_log "build: done in $((SECONDS - started)) s"
}

run_dll() { printf '%s/%s/bin/Release/net10.0/%s.dll' "$repo" "$1" "$2"; }

# Starts "$@" in <directory>, in a process group of its own, output to logs/<name>.log; run_stop ends the group.
run_spawn() { # name directory command…
  local name=$1 directory=$2
  shift 2
  (cd "$directory" && exec setsid "$@" </dev/null >"$run_dir/logs/$name.log" 2>&1) &
  run_pids+=("$!")
  run_names+=("$name")
}

run_wait_http() { # name url seconds
  local name=$1 url=$2 limit=$3 waited=0
  until curl -fsS -o /dev/null --max-time 5 "$url" 2>/dev/null; do
    run_alive "$name" || { tail -n 30 "$run_dir/logs/$name.log" >&2; run_fail "$name exited while starting (log: $run_dir/logs/$name.log)"; }
    [ "$waited" -lt "$((limit * 5))" ] || { tail -n 30 "$run_dir/logs/$name.log" >&2; run_fail "$name did not answer $url within $limit s"; }
    sleep 0.2
    waited=$((waited + 1))
  done
}

run_alive() {
  local i
  for i in "${!run_names[@]}"; do
    [ "${run_names[$i]}" = "$1" ] && kill -0 "${run_pids[$i]}" 2>/dev/null && return 0
  done
  return 1
}

run_start_sandbox() {
  mkdir -p "$run_dir/data/s3" "$run_dir/data/minio-events"
  run_log "starting the sandbox (Kubernetes, MLflow, MinIO stand-ins)"
  # MinIO's AMQP target MLOPS as DESIGN.md sets it (the stack file's notificationTarget); MLflow's webhook rules let the
  # ModelPromoter's receiver on loopback http be called, as a homelab MLflow would be configured for an in-cluster one.
  run_spawn sandbox "$repo" env \
    "Sandbox__Kubernetes__Port=${run_ports[kubernetes]}" \
    "Sandbox__Kubernetes__SecurePort=${run_ports[kubernetes-https]}" \
    "Sandbox__mlflow__Port=${run_ports[mlflow]}" \
    "Sandbox__s3__Port=${run_ports[s3]}" \
    "Sandbox__control__Port=${run_ports[sandbox-control]}" \
    "Sandbox__s3__RootUser=$run_minio_root_user" \
    "Sandbox__s3__RootPassword=$run_minio_root_password" \
    "Sandbox__s3__Users__$run_pods_access_key=$run_pods_secret_key" \
    "Sandbox__s3__ReadOnlyUsers__$run_promoter_access_key=$run_promoter_secret_key" \
    "Sandbox__s3__DataDirectory=$run_dir/data/s3" \
    "MINIO_NOTIFY_AMQP_ENABLE_MLOPS=on" \
    "MINIO_NOTIFY_AMQP_URL_MLOPS=$(run_amqp_url)" \
    "MINIO_NOTIFY_AMQP_EXCHANGE_MLOPS=$run_minio_exchange" \
    "MINIO_NOTIFY_AMQP_EXCHANGE_TYPE_MLOPS=fanout" \
    "MINIO_NOTIFY_AMQP_DURABLE_MLOPS=on" \
    "MINIO_NOTIFY_AMQP_DELIVERY_MODE_MLOPS=2" \
    "MINIO_NOTIFY_AMQP_QUEUE_DIR_MLOPS=$run_dir/data/minio-events" \
    "MLFLOW_WEBHOOK_ALLOWED_SCHEMES=http,https" \
    "MLFLOW_WEBHOOK_ALLOW_PRIVATE_IPS=true" \
    dotnet "$(run_dll tools/Sandbox Mlops.Sandbox)"
  run_wait_http sandbox "$(run_url kubernetes)/readyz" 60
  run_wait_http sandbox "$(run_url mlflow)/api/2.0/mlflow/experiments/get?experiment_id=0" 30
  run_wait_http sandbox "$(run_url s3)/minio/health/ready" 30
  run_wait_http sandbox "$(run_url sandbox-control)/faults" 30
}

# What the chart does on a cluster before the services start: the namespaces the Provisioner may work in.
run_prepare_cluster() {
  local ns
  for ns in mlflow minio; do
    kubectl --kubeconfig "$run_dir/kubeconfig" create namespace "$ns" >/dev/null 2>&1 \
      || kubectl --kubeconfig "$run_dir/kubeconfig" get namespace "$ns" >/dev/null \
      || run_fail "could not create namespace $ns in the sandbox's Kubernetes"
  done
}

# Settings every service gets: the broker, its SQLite store under data/<service>, the ops token, the sandbox's clients.
run_service() { # name project assembly [extra settings…]
  local name=$1 project=$2 assembly=$3
  shift 3
  mkdir -p "$run_dir/data/$name"
  run_log "starting $name on $(run_url "$name")"
  run_spawn "$name" "$repo/$project/bin/Release/net10.0" env \
    "ASPNETCORE_URLS=$(run_url "$name")" \
    "DOTNET_ENVIRONMENT=Production" \
    "RABBITMQ_URL=$(run_amqp_url)" \
    "SagaStore__Provider=Sqlite" \
    "SagaStore__DataDirectory=$run_dir/data/$name" \
    "Ops__Tokens__local=$run_ops_token" \
    "Kubernetes__Server=$(run_url kubernetes)" \
    "Kubernetes__Namespace=$run_namespace" \
    "Mlflow__Url=$(run_url mlflow)" \
    "$@" \
    dotnet "$assembly.dll"
}

run_start_services() {
  run_service provisioner services/Provisioner Mlops.Provisioner \
    "Minio__Endpoint=$(run_url s3)" \
    "Minio__AccessKey=$run_minio_root_user" \
    "Minio__SecretKey=$run_minio_root_password" \
    "Provisioner__PromoterWebhookUrl=$(run_url model-promoter)/webhooks/mlflow"
  run_service training-coordinator services/TrainingCoordinator Mlops.TrainingCoordinator
  run_service model-promoter services/ModelPromoter Mlops.ModelPromoter \
    "Minio__Endpoint=$(run_url s3)" \
    "Minio__AccessKey=$run_promoter_access_key" \
    "Minio__SecretKey=$run_promoter_secret_key" \
    "ModelPromoter__Webhook__Secret=$run_webhook_secret"
  local name
  for name in provisioner training-coordinator model-promoter; do
    run_wait_http "$name" "$(run_url "$name")/health/ready" 90
    run_log "$name is ready"
  done
  run_start_dashboard
}

# mlopsctl dashboard on loopback: the page, with the ops token and RabbitMQ's credentials kept in its process (environment,
# not arguments, which ps shows).
run_start_dashboard() {
  run_log "starting the dashboard on $(run_url dashboard)"
  run_spawn dashboard "$run_dir" env \
    "MLOPS_PROVISIONER_URL=$(run_url provisioner)" \
    "MLOPS_TRAINING_COORDINATOR_URL=$(run_url training-coordinator)" \
    "MLOPS_MODEL_PROMOTER_URL=$(run_url model-promoter)" \
    "MLOPS_TOKEN=$run_ops_token" \
    "MLOPS_RABBITMQ_MANAGEMENT_URL=${RABBITMQ_MANAGEMENT_URL:-http://guest:guest@127.0.0.1:15672}" \
    dotnet "$(run_dll tools/mlopsctl mlopsctl)" dashboard --bind 127.0.0.1 --port "${run_ports[dashboard]}" --vhost "$run_vhost"
  run_wait_http dashboard "$(run_url dashboard)/health" 60
  run_log "the dashboard is ready"
}

run_write_endpoints() {
  local file="$run_dir/endpoints"
  {
    echo "# Written by ./run.sh: <name> <url>."
    echo "rabbitmq-management http://127.0.0.1:15672"
    for name in provisioner training-coordinator model-promoter kubernetes; do echo "$name $(run_url "$name")"; done
    echo "kubernetes-https https://127.0.0.1:${run_ports[kubernetes-https]}"
    for name in mlflow s3 sandbox-control dashboard; do echo "$name $(run_url "$name")"; done
  } >"$file"
}

run_write_kubeconfig() {
  (umask 077 && cat >"$run_dir/kubeconfig" <<EOF
# Written by ./run.sh: the sandbox's Kubernetes API as the cluster admin (plain http on loopback, no credentials).
apiVersion: v1
kind: Config
clusters:
  - name: sandbox
    cluster:
      server: $(run_url kubernetes)
users:
  - name: admin
    user: {}
contexts:
  - name: sandbox
    context:
      cluster: sandbox
      user: admin
      namespace: $run_namespace
current-context: sandbox
EOF
  )
  (umask 077 && cat >"$run_dir/s3cfg" <<EOF
# Written by ./run.sh: s3cmd against the sandbox's MinIO with the keys the homelab's pods use (s3cmd -c $run_dir/s3cfg).
[default]
access_key = $run_pods_access_key
secret_key = $run_pods_secret_key
host_base = 127.0.0.1:${run_ports[s3]}
host_bucket = 127.0.0.1:${run_ports[s3]}
use_https = False
signature_v2 = False
EOF
  )
}

# stacks/homelab.yaml with the webhook's SealedSecret sealed for this run's secret (the sandbox's sealing), so MLflow
# signs its deliveries with the secret the ModelPromoter checks them with.
run_write_stack_file() {
  local sealed
  sealed=$(printf 'sandbox-sealed:%s' "$run_webhook_secret" | base64 -w0)
  (umask 077 && python3 - "$repo/stacks/homelab.yaml" "$sealed" >"$run_dir/homelab.yaml" <<'PY'
import sys
text = open(sys.argv[1], encoding="utf-8").read()
shipped = "webhook-secret: c2FuZGJveC1zZWFsZWQ6c2FuZGJveC13ZWJob29rLXNpZ25pbmctc2VjcmV0"
if shipped not in text:
    sys.exit("stacks/homelab.yaml no longer seals the webhook secret as run.sh expects")
sys.stdout.write(text.replace(shipped, "webhook-secret: " + sys.argv[2]))
PY
  )
}

# The homelab's original request: python train.py --save_dir models --arch vgg16 --epochs 5 (StartTraining's defaults),
# with MLOPS_RUN_TRAINING_PARAMETERS (a JSON object of strings, e.g. {"epochs": "10"}) as its parameters.
run_training_request() {
  python3 - "$run_stack_name" "${MLOPS_RUN_TRAINING_PARAMETERS:-}" <<'PY'
import json, sys
request = {"stackName": sys.argv[1], "experimentName": "cnn_classifier", "modelName": "cnn_classifier",
           "image": "ghcr.io/mlops-control-plane/cnn-train:1.0.0"}
if sys.argv[2]:
    try:
        parameters = json.loads(sys.argv[2])
    except ValueError as error:
        sys.exit(f"run.sh: MLOPS_RUN_TRAINING_PARAMETERS is not JSON: {error}")
    if not isinstance(parameters, dict) or not all(isinstance(v, str) for v in parameters.values()):
        sys.exit('run.sh: MLOPS_RUN_TRAINING_PARAMETERS must be a JSON object of strings, e.g. {"epochs": "10"}')
    request["parameters"] = parameters
print(json.dumps(request))
PY
}

run_print_endpoints() {
  echo
  echo "Endpoints ($run_dir/endpoints):"
  grep -v '^#' "$run_dir/endpoints" | awk '{printf "  %-22s %s\n", $1, $2}'
  echo "Secrets: $run_dir/secrets (ops-token, webhook-secret; mode 600). Logs: $run_dir/logs/"
  echo
}

run_print_where_to_look() { # flowId namespace deployment version
  local flow=$1 ns=$2 deployment=$3 version=$4 kube="kubectl --kubeconfig $run_dir/kubeconfig"
  local proxy="/api/v1/namespaces/$ns/services/$deployment:5001/proxy"
  local ctl="dotnet $repo/tools/mlopsctl/bin/Release/net10.0/mlopsctl.dll"
  local source
  source=$(curl -fsS "$(run_url mlflow)/api/2.0/mlflow/model-versions/get?name=cnn_classifier&version=$version" \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["model_version"]["source"])')
  cat <<EOF

cnn_classifier version $version is served by Deployment $ns/$deployment.

Kubernetes (the sandbox's API server; kubectl as on a cluster):
  $kube get deployments,pods,services
  $kube logs deployment/$deployment
  $kube get --raw $proxy/version
  s3cmd -c $run_dir/s3cfg get --force $source/serving_input_example.json /tmp/input.json && \\
    curl -s -X POST -H 'Content-Type: application/json' --data @/tmp/input.json $(run_url kubernetes)$proxy/invocations

A model trained outside the product, as the homelab did it from a laptop: a new MLflow run, the model's files uploaded
with s3cmd (MLmodel last), a version registered through MLflow's REST API; MinIO's event for MLmodel (and MLflow's
webhook for the new version) promote it, as "mlopsctl sagas list" then shows:
  mlflow=$(run_url mlflow)/api/2.0/mlflow
  mkdir -p /tmp/laptop-model && s3cmd -c $run_dir/s3cfg get --recursive --force $source/ /tmp/laptop-model/
  experiment=\$(curl -s -X POST \$mlflow/experiments/create -d '{"name":"laptop-'\$RANDOM'"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["experiment_id"])')
  run=\$(curl -s -X POST \$mlflow/runs/create -d '{"experiment_id":"'\$experiment'"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["run"]["info"]["run_id"])')
  s3cmd -c $run_dir/s3cfg put --recursive --exclude MLmodel /tmp/laptop-model/ s3://mlflow/\$experiment/\$run/artifacts/model/
  s3cmd -c $run_dir/s3cfg put /tmp/laptop-model/MLmodel s3://mlflow/\$experiment/\$run/artifacts/model/MLmodel
  curl -s -X POST \$mlflow/model-versions/create -d '{"name":"cnn_classifier","source":"s3://mlflow/'\$experiment/\$run'/artifacts/model","run_id":"'\$run'"}'
  curl -s -X POST \$mlflow/runs/update -d '{"run_id":"'\$run'","status":"FINISHED"}'

mlopsctl (reads $run_dir/endpoints and secrets when run from $(dirname "$run_dir")):
  $ctl flows show $flow
  $ctl sagas list
  $ctl sagas list --state Failed
  $ctl sagas show <sagaId>
  $ctl models cnn_classifier
  $ctl rollback cnn_classifier --reason "the laptop's version answers badly" --wait   (once a second version served)

Dashboard (flows, failed sagas with Replay, approvals, models, triggers, queues): $(run_url dashboard)/

RabbitMQ management: http://127.0.0.1:15672 (guest/guest), vhost $run_vhost.
EOF
}

run_wait_for_any_exit() {
  while true; do
    local i
    for i in "${!run_pids[@]}"; do
      if ! kill -0 "${run_pids[$i]}" 2>/dev/null; then
        run_log "${run_names[$i]} exited; its log: $run_dir/logs/${run_names[$i]}.log"
        exit 1
      fi
    done
    sleep 1
  done
}

# Ends every process group run.sh started (services first, then the sandbox), and RabbitMQ only if run.sh started it.
run_stop() {
  local status=$? i pid waited
  trap - EXIT INT TERM
  for ((i = ${#run_pids[@]} - 1; i >= 0; i--)); do
    kill -TERM -- "-${run_pids[$i]}" 2>/dev/null || true
  done
  for pid in "${run_pids[@]}"; do
    waited=0
    while kill -0 -- "-$pid" 2>/dev/null && [ "$waited" -lt 100 ]; do sleep 0.1; waited=$((waited + 1)); done
    kill -KILL -- "-$pid" 2>/dev/null || true
  done
  wait 2>/dev/null || true
  if $run_started_rabbitmq; then
    run_log "stopping rabbitmq-server (started by this run)"
    rabbitmqctl -q stop >/dev/null 2>&1 || true
  fi
  [ ${#run_pids[@]} -eq 0 ] || run_log "stopped"
  exit "$status"
}

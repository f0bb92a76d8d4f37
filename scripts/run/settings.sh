# Where ./run.sh puts things and which loopback ports it uses; sourced by run.sh.
# Every value can be overridden from the environment (README.md, "./run.sh").

run_dir=${MLOPS_RUN_DIR:-$repo/.run}
case "$run_dir" in /*) ;; *) run_dir="$repo/$run_dir" ;; esac
run_vhost=${MLOPS_RUN_VHOST:-mlops-local}
run_timeout=${MLOPS_RUN_TIMEOUT:-600}
# Below Linux's ephemeral range (32768-60999), from which the tests' free ports come, so the two never collide.
port_base=${MLOPS_RUN_PORT_BASE:-5100}
for value in "$port_base" "$run_timeout"; do
  [[ "$value" =~ ^[0-9]+$ ]] || { echo "run.sh: '$value' is not a whole number (MLOPS_RUN_PORT_BASE, MLOPS_RUN_TIMEOUT)" >&2; exit 2; }
done
[[ "$run_vhost" =~ ^[A-Za-z0-9._-]{1,100}$ ]] || { echo "run.sh: MLOPS_RUN_VHOST '$run_vhost' must be 1 to 100 of A-Z a-z 0-9 . _ -" >&2; exit 2; }

declare -A run_ports=(
  [provisioner]=${MLOPS_PROVISIONER_PORT:-$((port_base + 1))}
  [training-coordinator]=${MLOPS_TRAINING_COORDINATOR_PORT:-$((port_base + 2))}
  [model-promoter]=${MLOPS_MODEL_PROMOTER_PORT:-$((port_base + 3))}
  [dashboard]=${MLOPS_DASHBOARD_PORT:-$((port_base + 4))}
  [kubernetes]=${MLOPS_KUBERNETES_PORT:-$((port_base + 10))}
  [kubernetes-https]=${MLOPS_KUBERNETES_HTTPS_PORT:-$((port_base + 11))}
  [mlflow]=${MLOPS_MLFLOW_PORT:-$((port_base + 12))}
  [s3]=${MLOPS_S3_PORT:-$((port_base + 13))}
  [sandbox-control]=${MLOPS_SANDBOX_CONTROL_PORT:-$((port_base + 14))}
)
for name in "${!run_ports[@]}"; do
  port=${run_ports[$name]}
  [[ "$port" =~ ^[0-9]+$ ]] && [ "$port" -ge 1024 ] && [ "$port" -le 65535 ] \
    || { echo "run.sh: port '$port' for $name must be 1024 to 65535" >&2; exit 2; }
done

run_url() { printf 'http://127.0.0.1:%s' "${run_ports[$1]}"; }

# The homelab's stack: its namespace, the MinIO keys its sealed Secret minio-credentials holds (stacks/homelab.yaml),
# the model-server Service the ModelPromoter names after cnn_classifier.
run_stack_name=homelab
run_namespace=mlflow
run_pods_access_key=mlflow-pods
run_pods_secret_key=sandbox-pods-secret-key
# The ModelPromoter reads MinIO with read-only keys of its own, as its chart gives it.
run_promoter_access_key=model-promoter-reader
run_minio_root_user=minioadmin
run_minio_root_password=minioadmin
run_minio_exchange=mlops-minio-events

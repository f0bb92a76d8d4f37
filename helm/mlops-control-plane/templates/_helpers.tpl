{{/* The chart's name, or nameOverride. */}}
{{- define "mlops-control-plane.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* <release>-<chart name>, or fullnameOverride; the release name alone when it already holds the chart's name. */}}
{{- define "mlops-control-plane.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/* chart-version, for the helm.sh/chart label. */}}
{{- define "mlops-control-plane.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
The services that get a Deployment, a Role and a store: values block => component name and rule file (files/rbac/).
The dashboard is apart: it has no Role and no store.
*/}}
{{- define "mlops-control-plane.services" -}}
provisioner: {name: provisioner, rbacFile: provisioner.yaml}
trainingCoordinator: {name: training-coordinator, rbacFile: training-coordinator.yaml}
modelPromoter: {name: model-promoter, rbacFile: model-promoter.yaml}
{{- end }}

{{/* <fullname>-<component>, the name of a component's objects. Takes (dict "root" $ "component" "model-promoter"). */}}
{{- define "mlops-control-plane.componentName" -}}
{{- printf "%s-%s" (include "mlops-control-plane.fullname" .root | trunc 40 | trimSuffix "-") .component | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* The labels a component's pods are selected by. Takes (dict "root" $ "component" "…"). */}}
{{- define "mlops-control-plane.selectorLabels" -}}
app.kubernetes.io/name: {{ include "mlops-control-plane.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{/* Every object's labels. Takes (dict "root" $ "component" "…"). */}}
{{- define "mlops-control-plane.labels" -}}
helm.sh/chart: {{ include "mlops-control-plane.chart" .root }}
{{ include "mlops-control-plane.selectorLabels" . }}
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
app.kubernetes.io/part-of: {{ include "mlops-control-plane.name" .root }}
{{- end }}

{{/* The ServiceAccount a component runs as. Takes (dict "root" $ "component" "…" "values" <its values block>). */}}
{{- define "mlops-control-plane.serviceAccountName" -}}
{{- if .values.serviceAccount.create }}
{{- default (include "mlops-control-plane.componentName" .) .values.serviceAccount.name }}
{{- else }}
{{- default "default" .values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* repository:tag, the tag defaulting to the appVersion. Takes (dict "root" $ "values" <its values block>). */}}
{{- define "mlops-control-plane.image" -}}
{{- printf "%s:%s" .values.image.repository (default .root.Chart.AppVersion .values.image.tag) }}
{{- end }}

{{/* "true" when the values key at a dotted path (a rule file's feature `value`) is true, else "". Takes (dict "root" $ "path" "a.b.c"). */}}
{{- define "mlops-control-plane.valueAt" -}}
{{- $node := .root.Values }}
{{- range splitList "." .path }}
{{- if kindIs "map" $node }}{{ $node = index $node . }}{{ else }}{{ $node = false }}{{ end }}
{{- end }}
{{- if $node }}true{{ end }}
{{- end }}

{{/*
A service's Role rules: files/rbac/<file>'s `rules`, then the rules of each feature whose values key is true.
The tests read the same files (tests/Mlops.Testing/Chart/ChartRole.cs). Takes (dict "root" $ "file" "provisioner.yaml").
*/}}
{{- define "mlops-control-plane.rules" -}}
{{- $file := .root.Files.Get (printf "files/rbac/%s" .file) | fromYaml }}
{{- $rules := $file.rules | default list }}
{{- range $feature := $file.features | default list }}
{{- if include "mlops-control-plane.valueAt" (dict "root" $.root "path" $feature.value) }}
{{- $rules = concat $rules $feature.rules }}
{{- end }}
{{- end }}
{{- toYaml $rules }}
{{- end }}

{{/* The union of the services' namespaces, in order of first mention. */}}
{{- define "mlops-control-plane.namespaces" -}}
{{- $all := list }}
{{- range $key, $service := include "mlops-control-plane.services" . | fromYaml }}
{{- $all = concat $all ((index $.Values $key).namespaces | default list) }}
{{- end }}
{{- toYaml (uniq $all) }}
{{- end }}

{{/* http://<service>.<release namespace>.svc.cluster.local:<port>. Takes (dict "root" $ "component" "…" "values" <its values block>). */}}
{{- define "mlops-control-plane.url" -}}
{{- printf "http://%s.%s.svc.cluster.local:%v" (include "mlops-control-plane.componentName" .) .root.Release.Namespace .values.service.port }}
{{- end }}

{{/*
A service's non-secret settings, as environment variables (docs/configuration.md): the data of its ConfigMap, and the
source of the checksum on its pod template. Takes (dict "root" $ "key" "provisioner" "component" "provisioner").
*/}}
{{- define "mlops-control-plane.settings" -}}
{{- $root := .root }}
{{- $v := index $root.Values .key }}
{{- $settings := dict "ASPNETCORE_URLS" "http://+:8080" }}
{{- $_ := set $settings "RabbitMq__QuorumQueues" (ternary "true" "false" (eq (toString $root.Values.rabbitmq.quorumQueues) "true")) }}
{{- if eq $root.Values.store.type "sqlite" }}
{{- $_ := set $settings "SagaStore__Provider" "Sqlite" }}
{{- $_ := set $settings "SagaStore__DataDirectory" "/data" }}
{{- else }}
{{- $_ := set $settings "SagaStore__Provider" "Postgres" }}
{{- end }}
{{- if $root.Values.ops.existingSecret }}
{{- $_ := set $settings "Ops__TokenDirectory" "/etc/mlops/ops-tokens" }}
{{- end }}
{{- /* In a pod the client uses the ServiceAccount; calls that name no namespace go to the first one the Role is in. */}}
{{- with $v.namespaces }}
{{- $_ := set $settings "Kubernetes__Namespace" (first .) }}
{{- end }}
{{- $_ := set $settings "Mlflow__Url" $root.Values.mlflow.url }}
{{- if hasKey $v "minio" }}
{{- $_ := set $settings "Minio__Endpoint" $root.Values.minio.endpoint }}
{{- $_ := set $settings "Minio__Region" $root.Values.minio.region }}
{{- end }}
{{- if eq .key "provisioner" }}
{{- range $i, $ns := $v.namespaces }}
{{- $_ := set $settings (printf "Provisioner__Namespaces__%d" $i) $ns }}
{{- end }}
{{- $promoter := include "mlops-control-plane.url" (dict "root" $root "component" "model-promoter" "values" $root.Values.modelPromoter) }}
{{- $_ := set $settings "Provisioner__PromoterWebhookUrl" (default (printf "%s/webhooks/mlflow" $promoter) $v.promoterWebhookUrl) }}
{{- else if eq .key "trainingCoordinator" }}
{{- range $i, $ns := $v.namespaces }}
{{- $_ := set $settings (printf "Training__Namespaces__%d" $i) $ns }}
{{- end }}
{{- /* Without the Argo runner the Role has no rule for Workflows, so the watcher must not list them. */}}
{{- $_ := set $settings "Training__WatchWorkflows" (ternary "true" "false" (eq (toString $v.argo.enabled) "true")) }}
{{- else if eq .key "modelPromoter" }}
{{- range $i, $ns := $v.namespaces }}
{{- $_ := set $settings (printf "ModelPromoter__Serving__WatchNamespaces__%d" $i) $ns }}
{{- end }}
{{- if $root.Values.webhook.existingSecret }}
{{- $_ := set $settings "ModelPromoter__Webhook__SecretFile" (printf "/etc/mlops/webhook/%s" $root.Values.webhook.key) }}
{{- end }}
{{- end }}
{{- range $name, $value := $v.env }}
{{- $_ := set $settings $name (toString $value) }}
{{- end }}
{{- toYaml $settings }}
{{- end }}

{{/* A secretKeyRef env entry. Takes (dict "name" "RABBITMQ_URL" "secret" "…" "key" "…"). */}}
{{- define "mlops-control-plane.secretEnv" -}}
- name: {{ .name }}
  valueFrom:
    secretKeyRef:
      name: {{ .secret | quote }}
      key: {{ .key | quote }}
{{- end }}

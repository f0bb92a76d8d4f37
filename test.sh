#!/usr/bin/env bash
# Sets up what the tests need (see scripts/infra.sh), builds, runs every test project and
# ends with one line: "N passed, N failed, N skipped", counted from the TRX results.
set -euo pipefail
cd "$(dirname "$0")"
# --full: also the long tiers, the test projects whose csproj says <TestTier>full</TestTier> (the chaos suite, the
# chart's RBAC run, ./run.sh as a newcomer runs it); CI runs this. --soak: --full with the chaos suite at full size
# (200 flows, three kills per service, a 60 s MLflow outage; docs/chaos.md).
full=0
while [[ "${1:-}" == "--full" || "${1:-}" == "--soak" ]]; do
  full=1
  [[ "$1" == "--soak" ]] && export MLOPS_SOAK=1
  shift
done
source scripts/infra.sh
infra_all

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
results=TestResults
rm -rf "$results"

status=0
left_out=()
if ! dotnet build Microservices.sln -c Release -nologo -v quiet; then
  echo "build failed" >&2
  status=1
else
  # One project after another: the machine is small and the integration tests share the broker.
  for project in $(git ls-files 'tests/*.csproj'); do
    grep -q 'Microsoft.NET.Test.Sdk' "$project" || continue   # shared test equipment, no tests
    name=$(basename "$project" .csproj)
    if ! grep -q "$name.csproj" Microservices.sln; then
      echo "$project is not in Microservices.sln: add it so it is built" >&2; status=1; continue
    fi
    if [[ $full == 0 ]] && grep -q '<TestTier>full</TestTier>' "$project"; then
      left_out+=("$name"); continue
    fi
    dotnet test "$project" -c Release --no-build -nologo \
      --logger "trx;LogFileName=$name.trx" --logger "console;verbosity=normal" \
      --results-directory "$results" "$@" || status=1
  done
fi

summary=$(python3 - "$results" <<'PY'
import glob, sys, xml.etree.ElementTree as ET
passed = failed = skipped = 0
for path in glob.glob(f"{sys.argv[1]}/**/*.trx", recursive=True):
    root = ET.parse(path).getroot()
    counters = root.find('.//{*}Counters')
    if counters is None:
        continue
    passed += int(counters.get('passed', 0))
    failed += int(counters.get('failed', 0)) + int(counters.get('error', 0)) + int(counters.get('timeout', 0)) + int(counters.get('aborted', 0))
    # xunit's skips are results with outcome NotExecuted; the counters leave them out.
    skipped += sum(1 for r in root.findall('.//{*}UnitTestResult') if r.get('outcome') == 'NotExecuted')
    # Name each failure here, at the end, where a CI log's tail still shows it.
    for r in root.findall('.//{*}UnitTestResult'):
        if r.get('outcome') == 'Failed':
            message = r.find('.//{*}ErrorInfo/{*}Message')
            first = (message.text or '').strip().splitlines()[:1] if message is not None else []
            print(f"FAILED {r.get('testName')}: {first[0] if first else ''}"[:400], file=sys.stderr)
print(f"{passed} passed, {failed} failed, {skipped} skipped")
PY
)
[[ "$summary" == *" 0 failed,"* ]] || status=1
# The chaos suite's figures, added up over its scenarios (tests/Mlops.Chaos.Tests writes one line per scenario).
if [[ -f "$results/chaos/summary.jsonl" ]]; then
  python3 - "$results/chaos/summary.jsonl" <<'PY'
import json, sys
rows = [json.loads(line) for line in open(sys.argv[1]) if line.strip()]
total = {k: sum(r[k] for r in rows) for k in ("flows", "completed", "kills", "faults", "duplicates", "lost")}
print("chaos: " + " ".join(f"{k}={v}" for k, v in total.items()) + f"  (reports: {sys.argv[1].rsplit('/', 1)[0]}/*.json)")
PY
fi
if (( ${#left_out[@]} )); then
  echo "long tiers left out (./test.sh --full runs them): ${left_out[*]}"
fi
echo "$summary"
exit $status

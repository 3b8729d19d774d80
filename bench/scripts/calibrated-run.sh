#!/usr/bin/env bash
# The calibrated profile's benchmark (issue 27): a population of USERS over DAYS simulated days as fast as the machine
# allows, on the embedded default store (SQLite), then `afu dataset fidelity` and `afu dataset evaluate` on what it wrote.
# Prints the figures and writes them to OUT/calibrated-run.txt (plus the run's log, fidelity.json and evaluate.json).
#   bench/scripts/calibrated-run.sh [USERS=10000] [DAYS=7] [OUT=./bench-calibrated] [SEED=1]
set -euo pipefail
USERS=${1:-10000}; DAYS=${2:-7}; OUT=$(realpath -m "${3:-./bench-calibrated}"); SEED=${4:-1}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
AFU=(dotnet "${AFU_DLL:-$ROOT/src/AkkaFakeUsers.Host/bin/Release/net10.0/afu.dll}")
[ -f "${AFU[1]}" ] || dotnet build "$ROOT/src/AkkaFakeUsers.Host" -c Release -v q -nologo
rm -rf "$OUT"; mkdir -p "$OUT"
export AFU__HEALTH__PORT=-1 AFU__DASHBOARD__PORT=-1 AFU_INSPECTION_PORT=0
start=$(date +%s.%N)
/usr/bin/time -v -o "$OUT/time.txt" "${AFU[@]}" run --profile calibrated --users "$USERS" --time-scale max --sim-duration "${DAYS}d" \
  --seed "$SEED" --llm builtin --storage sqlite --data-dir "$OUT/data" > "$OUT/run.log" 2>&1
secs=$(echo "$(date +%s.%N) - $start" | bc)
events=$(grep -oP 'events persisted\s+\K[0-9]+' "$OUT/run.log")
impressions=$(grep -oP 'slates\s+[0-9]+ \(\K[0-9]+' "$OUT/run.log")
posts=$(grep -oP '^\s+posts\s+\K[0-9]+' "$OUT/run.log" | tail -1)
rss=$(grep -oP 'Maximum resident set size \(kbytes\): \K[0-9]+' "$OUT/time.txt")
"${AFU[@]}" dataset fidelity --storage sqlite --data-dir "$OUT/data" --out "$OUT/fidelity" > "$OUT/fidelity.txt" 2>&1 || true
"${AFU[@]}" dataset evaluate --storage sqlite --data-dir "$OUT/data" --out "$OUT/evaluate" > "$OUT/evaluate.txt" 2>&1 || true
{
  echo "calibrated run: $USERS users x $DAYS simulated days, seed $SEED, SQLite, built-in generator ($(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores)"
  printf 'real time            %.0f s (%.1f simulated days per real hour)\n' "$secs" "$(echo "$DAYS * 3600 / $secs" | bc -l)"
  printf 'events written       %s (%.0f events/s)\n' "$events" "$(echo "$events / $secs" | bc -l)"
  printf 'impressions          %s (%.0f impressions/s)\n' "$impressions" "$(echo "$impressions / $secs" | bc -l)"
  printf 'posts                %s\n' "$posts"
  printf 'peak RSS             %.0f MiB\n' "$(echo "$rss / 1024" | bc -l)"
  echo "fidelity:"; sed -n '2,$p' "$OUT/fidelity.txt" | sed 's/^/  /'
  echo "evaluate (impression models):"; grep -A12 '^impression model' "$OUT/evaluate.txt" | sed 's/^/  /'
} | tee "$OUT/calibrated-run.txt"

#!/usr/bin/env bash
# The recommender testbed end to end (README "Test your own recommender"; docs/feeds-and-evaluation.md):
#  0. a warm-up run, exported as obd.csv, trains the reference ranking service (examples/reference_policy.py), which then serves;
#  1. the logged run: DAYS simulated days under an epsilon mix assigned per slate, with the targets popular,
#     chronological and external:ref in the mix and as shadow policies (their propensities logged for every slot);
#  2. one fork per target at FORK_AT (default 1d): the same world from that instant under the target alone;
#  3. afu dataset evaluate: every estimator against the fork truth and the same-run truth.
# Default behaviour otherwise (stop after engagement 0.3, comments on). Prints every step's figures and writes them to OUT/ope-testbed.txt.
#
#   bench/scripts/ope-testbed.sh [USERS=300] [DAYS=7] [OUT=/tmp/ope-testbed] [SEED=11]
# AFU_DLL overrides the afu build to use (default: the Release build of this checkout); FORK_AT the fork instant.
set -euo pipefail
USERS=${1:-300}
DAYS=${2:-7}
OUT=${3:-/tmp/ope-testbed}
SEED=${4:-11}
FORK_AT=${FORK_AT:-1d}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
DLL=${AFU_DLL:-$ROOT/src/AkkaFakeUsers.Host/bin/Release/net10.0/afu.dll}
[ -f "$DLL" ] || { echo "no $DLL: dotnet build AkkaFakeUsers.sln -c Release" >&2; exit 2; }
rm -rf "$OUT"; mkdir -p "$OUT"
REPORT="$OUT/ope-testbed.txt"
export AFU__HEALTH__PORT=-1 AFU__DASHBOARD__PORT=-1 AFU_INSPECTION_PORT=0
say() { echo "$*" | tee -a "$REPORT"; }
afu() { dotnet "$DLL" "$@"; }
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

cat > "$OUT/testbed.conf" <<CONF
afu {
  posting.interval = 6h
  sessions.interval = 2h
  feed.assignment = slate
  feed.policies = "epsilon:0.2:interest=0.7, popular=0.1, chronological=0.1, external:ref=0.1"
  feed.shadow-policies = ["epsilon:0.2:interest", popular, chronological, "external:ref"]
  feed.external { ref { url = "http://127.0.0.1:$PORT/score", timeout = 5s, max-in-flight = 8, fallback = interest } }
}
CONF
COMMON=(--users "$USERS" --seed "$SEED" --llm builtin --time-scale max --config "$OUT/testbed.conf")
timed() { local label=$1; shift; local t0; t0=$(date +%s); "$@" > "$OUT/$label.log" 2>&1; say "$label: $(( $(date +%s) - t0 )) s ($(grep -E '^\s+(impressions|slates) ' "$OUT/$label.log" | tr -s ' ' | tr '\n' ';'))"; }

say "ope-testbed: $USERS users, $DAYS simulated days, seed $SEED, forks at $FORK_AT; $(date -u +%FT%TZ)"
# 0. warm-up under the built-in policies only, and the reference service trained on it
AFU__FEED__POLICIES="epsilon:0.2:interest" AFU__FEED__SHADOW_POLICIES="" timed warmup afu run "${COMMON[@]}" --sim-duration 1d --data-dir "$OUT/warmup"
afu export --format obd --out "$OUT/warmup-obd" --data-dir "$OUT/warmup" > /dev/null
python3 "$ROOT/examples/reference_policy.py" train "$OUT/warmup-obd/obd.csv" --model "$OUT/model.json" | tee -a "$REPORT"
python3 "$ROOT/examples/reference_policy.py" serve --model "$OUT/model.json" --port "$PORT" > "$OUT/service.log" 2>&1 &
SERVICE=$!
trap 'kill $SERVICE 2>/dev/null || true' EXIT
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$PORT/health" > /dev/null && break; sleep 0.2; done

# 1. the logged run
timed logged afu run "${COMMON[@]}" --sim-duration "${DAYS}d" --data-dir "$OUT/logged"
grep -E "external policies" "$OUT/logged.log" | tee -a "$REPORT" || true
# 2. a fork per target, the same world from FORK_AT on under the target alone
FORK_SPAN=$(python3 -c "import re,sys; d=float('$DAYS'); m=re.fullmatch(r'(\d+(?:\.\d+)?)([dh])','$FORK_AT'); a=float(m[1])/(24 if m[2]=='h' else 1); print(f'{(d-a)*24:g}h')")
for target in popular chronological external:ref; do
  dir="fork-${target//:/-}"
  AFU__FEED__ASSIGNMENT=user timed "$dir" afu run "${COMMON[@]}" --sim-duration "$FORK_SPAN" --feed-policy "$target" --fork-from "$OUT/logged" --at "$FORK_AT" --data-dir "$OUT/$dir"
done
# 3. the estimates against both truths
t0=$(date +%s)
afu dataset evaluate --data-dir "$OUT/logged" --config "$OUT/testbed.conf" --out "$OUT/evaluate" \
  --truth "$OUT/fork-popular,$OUT/fork-chronological,$OUT/fork-external-ref" > "$OUT/evaluate.log" 2>&1 || true
say "evaluate: $(( $(date +%s) - t0 )) s"
sed -n '/off-policy/,$p' "$OUT/evaluate.log" | tee -a "$REPORT"
say "service: $(curl -sf "http://127.0.0.1:$PORT/health" || echo unreachable)"

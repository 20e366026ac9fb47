#!/bin/sh
# Throughput of the warm path: CALLERS concurrent callers each looping
# `./sandbox run -- /bin/true` RUNS times through a running engine; prints runs per second (all
# callers together), the engine-served count it checked, the load average and the wall time.
#
#   sandbox-benchmarks/warm-throughput.sh [CALLERS [RUNS]]     # defaults: 2 callers, 500 runs each
#
# Build first (./mvnw -q -DskipTests package). An engine is started when none runs, and stopped
# afterwards; the callers never start one (SANDBOX4J_ENGINE=manual) and the run fails unless every
# run exited 0 and the engine served every one of them (a run that fell back to a JVM per command
# would be counted at the wrong speed). The workspace is a fresh directory under the user's cache,
# not /tmp (the sandbox gives the command a private /tmp).
set -eu
root=$(CDPATH= cd -- "$(dirname -- "$0")/.." && pwd)
sandbox="$root/sandbox"
callers=${1:-2}
runs=${2:-500}
if [ ! -x "$root/sandbox-cli/target/sandbox4j-client" ]; then
  echo "warm-throughput: build first (no native client): ./mvnw -q -DskipTests package" >&2
  exit 2
fi
base=${XDG_CACHE_HOME:-$HOME/.cache}/sandbox4j
mkdir -p "$base"
ws=$(mktemp -d "$base/throughput.XXXXXX")
cd "$ws"
served() { "$sandbox" engine status 2>/dev/null | sed -n 's/^runs served: //p'; }
# an engine this script started is stopped again on the way out, whatever ends it
if "$sandbox" engine status >/dev/null 2>&1; then
  trap 'rm -rf "$ws"' EXIT
else
  trap '"$sandbox" engine stop >/dev/null 2>&1; rm -rf "$ws"' EXIT
  "$sandbox" engine start >/dev/null 2>&1
fi
SANDBOX4J_ENGINE=manual
export SANDBOX4J_ENGINE
# a few runs first: the engine's first requests after a start are slower (JIT)
i=0
while [ $i -lt 50 ]; do "$sandbox" run -- /bin/true; i=$((i + 1)); done
before=$(served)
load=$(cut -d' ' -f1-3 /proc/loadavg)
start=$(date +%s%N)
c=0
pids=""
while [ $c -lt "$callers" ]; do
  (
    i=0
    while [ $i -lt "$runs" ]; do
      "$sandbox" run -- /bin/true || { echo "warm-throughput: a run exited $?" >&2; exit 1; }
      i=$((i + 1))
    done
  ) &
  pids="$pids $!"
  c=$((c + 1))
done
failed=0
for pid in $pids; do wait "$pid" || failed=1; done
end=$(date +%s%N)
after=$(served)
total=$((callers * runs))
if [ "$failed" -ne 0 ] || [ $((after - before)) -ne "$total" ]; then
  echo "warm-throughput: $((after - before)) of $total runs served by the engine; failed=$failed" >&2
  exit 1
fi
awk -v n="$total" -v ns=$((end - start)) -v c="$callers" -v l="$load" -v l2="$(cut -d' ' -f1-3 /proc/loadavg)" \
  'BEGIN { printf "%d callers, %d runs in %.2f s: %.0f runs/s (load before %s, after %s)\n", c, n, ns / 1e9, n / (ns / 1e9), l, l2 }'

#!/bin/sh
# The native client's own cost (sandbox-cli/target/sandbox4j-client), against a stand-in engine
# (native-client-engine.py) so that no JVM is in the figures: the client alone, the fallback when no
# engine listens, a FALLBACK round trip, a SPAWN /bin/true round trip, and the time from exec to
# the REQUEST's arrival and to STARTED. Each "fallback" execs /bin/true as the script.
#
#   sandbox-benchmarks/native-client.sh [RUNS]
#
# Needs hyperfine and python3; installs nothing. Build first: ./mvnw -q -DskipTests package
set -eu
root=$(CDPATH= cd -- "$(dirname -- "$0")/.." && pwd)
runs=${1:-500}
client="$root/sandbox-cli/target/sandbox4j-client"
for tool in hyperfine python3; do
  command -v $tool >/dev/null 2>&1 || { echo "native-client: $tool is missing" >&2; exit 2; }
done
[ -x "$client" ] || { echo "native-client: build first: ./mvnw -q -DskipTests package" >&2; exit 2; }
engine="$root/sandbox-benchmarks/native-client-engine.py"
# Under target/, not /tmp; short enough for a unix socket address.
work=$(mktemp -d "$root/sandbox-cli/target/ncb.XXXXXX")
pids=""
trap 'for p in $pids; do kill $p 2>/dev/null || true; done; rm -rf "$work"' EXIT
for mode in fallback spawn; do
  mkdir -m 700 "$work/$mode"
  python3 "$engine" "$work/$mode" /bin/true $mode > "$work/$mode.log" 2>&1 &
  pids="$pids $!"
done
mkdir -m 700 "$work/none"
for mode in fallback spawn; do
  until grep -q ready "$work/$mode.log" 2>/dev/null; do sleep 0.05; done
done
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores; $(uname -sr)"
median() {
  python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"][0]; print("| %s | %.2f |" % (sys.argv[2], r["median"] * 1000))' "$@"
}
bench() { # NAME, then the environment assignments and the command
  name=$1
  shift
  env "$@" hyperfine -N -w 30 -r "$runs" --style none -i --export-json "$work/r.json" \
    "$client /bin/true run x" >/dev/null 2>&1
  median "$work/r.json" "$name"
}
echo "| what | median (ms) |"
echo "|---|---|"
hyperfine -N -w 30 -r "$runs" --style none --export-json "$work/r.json" '/bin/true run x' >/dev/null 2>&1
median "$work/r.json" "/bin/true (the floor)"
hyperfine -N -w 30 -r "$runs" --style none -i --export-json "$work/r.json" "$client" >/dev/null 2>&1
median "$work/r.json" "client alone (usage message, exit 2)"
bench "no engine (SANDBOX4J_ENGINE=manual): fallback exec" SANDBOX4J_ENGINE=manual XDG_RUNTIME_DIR="$work/none"
bench "FALLBACK round trip, then exec" XDG_RUNTIME_DIR="$work/fallback"
bench "SPAWN /bin/true round trip (REQUEST .. EXIT)" XDG_RUNTIME_DIR="$work/spawn"
mkdir -m 700 "$work/latency"
python3 "$engine" "$work/latency" /bin/true latency "$client" "$runs"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

#!/bin/sh
# CLI cold start: `./sandbox run -- /bin/true` end to end, beside bubblewrap and a bare /bin/true,
# measured by hyperfine in one run (medians are what docs/performance.md reports).
#
#   sandbox-benchmarks/cli-cold-start.sh [RUNS] [hyperfine options...]
#
# Needs the Debian packages hyperfine and bubblewrap; installs nothing itself. Build first:
#   ./mvnw -q -DskipTests package
# Prints the load average before and after: figures taken under load are not comparable.
set -eu
root=$(CDPATH= cd -- "$(dirname -- "$0")/.." && pwd)
runs=${1:-50}
[ $# -gt 0 ] && shift
missing=""
command -v hyperfine >/dev/null 2>&1 || missing="$missing hyperfine"
command -v bwrap >/dev/null 2>&1 || missing="$missing bubblewrap"
if [ -n "$missing" ]; then
  echo "cli-cold-start: missing Debian packages:$missing (sudo apt-get install$missing)" >&2
  exit 2
fi
if [ ! -f "$root/sandbox-cli/target/sandbox-cli.jar" ]; then
  echo "cli-cold-start: build first: ./mvnw -q -DskipTests package" >&2
  exit 2
fi
ws=$(mktemp -d)
trap 'rm -rf "$ws"' EXIT
cd "$ws"
# A fair bubblewrap line does what `sandbox run` does by default: every namespace, a new session,
# a read-only root, fresh /proc, /dev and /tmp. The bare one is the lower bound peers quote.
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores; $(uname -sr)"
hyperfine -N --warmup 5 --runs "$runs" --style basic --export-json "$ws/result.json" "$@" \
  -n 'sandbox run -- /bin/true' "$root/sandbox run -- /bin/true" \
  -n 'bwrap (bare)' 'bwrap --unshare-all --ro-bind / / /bin/true' \
  -n 'bwrap (like sandbox)' \
  'bwrap --unshare-all --die-with-parent --new-session --ro-bind / / --proc /proc --dev /dev --tmpfs /tmp /bin/true' \
  -n '/bin/true' /bin/true
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
# hyperfine's own table reports means; the targets are medians, so list those from its JSON.
echo "| command | median (ms) | min (ms) | max (ms) |"
echo "|---|---:|---:|---:|"
{ tr -d '\n' <"$ws/result.json" | sed 's/": */":/g; s/"command":/\n/g'; echo; } | sed 1d | while IFS= read -r r; do
  name=$(printf '%s' "$r" | sed 's/^"\([^"]*\)".*/\1/')
  field() { printf '%s' "$r" | sed "s/.*\"$1\":\([0-9.e+-]*\).*/\1/"; }
  awk -v n="$name" -v md="$(field median)" -v mn="$(field min)" -v mx="$(field max)" \
    'BEGIN { printf "| %s | %.1f | %.1f | %.1f |\n", n, md * 1000, mn * 1000, mx * 1000 }'
done

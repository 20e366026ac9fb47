#!/bin/sh
# `sandbox run -- /bin/true` end to end, cold (a JVM per command) and warm (through a running
# engine), beside bubblewrap, the Codex CLI's native sandbox and a bare /bin/true, measured by
# hyperfine in one run. Prints a Markdown table of medians (what docs/performance.md reports) with
# each row's ratio to the Codex binary, the load average and the JDK ./sandbox started.
#
#   sandbox-benchmarks/cli-cold-start.sh [RUNS] [hyperfine options...]
#
# Needs the Debian packages hyperfine and bubblewrap; installs nothing itself. Build first:
#   ./mvnw -q -DskipTests package
# The warm row starts an engine (`sandbox engine start --detach`) when none runs and stops it
# afterwards; when this build has no engine or no native client, the row says why it is missing.
# The Codex row needs the `codex` command (the npm package @openai/codex ships its native binary:
# `npm install -g @openai/codex`); CODEX_BIN=PATH names the binary directly.
set -eu
root=$(CDPATH= cd -- "$(dirname -- "$0")/.." && pwd)
sandbox="$root/sandbox"
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
engine_started=""
cleanup() {
  if [ -n "$engine_started" ]; then "$sandbox" engine stop >/dev/null 2>&1 || true; fi
  rm -rf "$ws"
}
trap cleanup EXIT
cd "$ws"
# The warm row talks to the engine only: with SANDBOX4J_ENGINE=manual the client never starts one
# itself, and the cold row turns it off.
SANDBOX4J_ENGINE=manual
export SANDBOX4J_ENGINE
jdk=$(SANDBOX4J_ENGINE=off "$sandbox" --version 2>&1 | sed -n 2p)

warm=""
if [ ! -x "$root/sandbox-cli/target/sandbox4j-client" ]; then
  warm="not available: no native client (sandbox-cli/target/sandbox4j-client; the native profile builds it when a C compiler is present)"
elif ! "$sandbox" engine status >/dev/null 2>&1; then
  if "$sandbox" engine start --detach >"$ws/engine.log" 2>&1; then
    engine_started=yes
    i=0
    until "$sandbox" engine status >/dev/null 2>&1; do
      i=$((i + 1))
      if [ "$i" -ge 30 ]; then
        warm="not available: the engine did not answer within 15 s of \`sandbox engine start --detach\`"
        break
      fi
      sleep 0.5
    done
  else
    warm="not available: \`sandbox engine start --detach\` failed: $(head -n 1 "$ws/engine.log")"
  fi
fi
if [ -z "$warm" ]; then
  # A run that falls back to the JVM would be measured as a cold one: check that it does not.
  reason=$(SANDBOX4J_ENGINE_DEBUG=1 "$sandbox" run -- /bin/true 2>&1 >/dev/null || true)
  [ -z "$reason" ] || warm="not available: the client fell back to the JVM: $(printf '%s' "$reason" | head -n 1)"
fi

codex="${CODEX_BIN:-}"
if [ -z "$codex" ] && command -v codex >/dev/null 2>&1; then
  # `codex` from npm is a node script; the native binary it starts lies in a platform package.
  script=$(readlink -f "$(command -v codex)")
  for c in "${script%/bin/*}"/node_modules/@openai/codex-linux-*/vendor/*/bin/codex; do
    if [ -x "$c" ]; then codex=$c; fi
  done
  [ -n "$codex" ] || codex=$(command -v codex)
fi

# A fair bubblewrap line does what `sandbox run` does by default: every namespace, a new session,
# a read-only root, fresh /proc, /dev and /tmp. The bare one is the lower bound peers quote.
# The command list is built back to front in "$@", after the caller's hyperfine options.
set -- "$@" -n '/bin/true' /bin/true
set -- -n 'bwrap (like sandbox)' \
  'bwrap --unshare-all --die-with-parent --new-session --ro-bind / / --proc /proc --dev /dev --tmpfs /tmp /bin/true' \
  "$@"
set -- -n 'bwrap (bare)' 'bwrap --unshare-all --ro-bind / / /bin/true' "$@"
if [ -n "$codex" ]; then
  set -- -n 'codex sandbox (workspace-write)' "$codex sandbox -c sandbox_mode=\"workspace-write\" -- /bin/true" "$@"
fi
if [ -z "$warm" ]; then set -- -n 'sandbox run -- /bin/true (warm)' "$sandbox run -- /bin/true" "$@"; fi
set -- -n 'sandbox run -- /bin/true (cold)' "env SANDBOX4J_ENGINE=off $sandbox run -- /bin/true" "$@"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores; $(uname -sr)"
echo "./sandbox: $jdk; codex: ${codex:-none}"
hyperfine -N --warmup 5 --runs "$runs" --style basic --export-json "$ws/result.json" "$@"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo

# hyperfine's own table reports means; the targets are medians, so list those from its JSON.
{ tr -d '\n' <"$ws/result.json" | sed 's/": */":/g; s/"command":/\n/g'; echo; } | sed 1d >"$ws/rows"
field() { printf '%s' "$2" | sed "s/.*\"$1\":\([0-9.e+-]*\).*/\1/"; }
codex_median=""
while IFS= read -r r; do
  case $r in '"codex sandbox'*) codex_median=$(field median "$r") ;; esac
done <"$ws/rows"
echo "| command | median (ms) | min (ms) | max (ms) | median / codex |"
echo "|---|---:|---:|---:|---:|"
while IFS= read -r r; do
  name=$(printf '%s' "$r" | sed 's/^"\([^"]*\)".*/\1/')
  awk -v n="$name" -v md="$(field median "$r")" -v mn="$(field min "$r")" -v mx="$(field max "$r")" \
    -v cx="$codex_median" 'BEGIN {
      ratio = cx == "" ? "-" : md / cx < 0.01 ? "<0.01x" : sprintf("%.2fx", md / cx)
      printf "| %s | %.1f | %.1f | %.1f | %s |\n", n, md * 1000, mn * 1000, mx * 1000, ratio }'
done <"$ws/rows"
if [ -n "$warm" ]; then echo "| sandbox run -- /bin/true (warm) | $warm | | | |"; fi
if [ -z "$codex" ]; then
  echo "| codex sandbox (workspace-write) | not available: no \`codex\` command; the npm package @openai/codex ships the native binary (\`npm install -g @openai/codex\`, or CODEX_BIN=PATH) | | | |"
fi
echo
echo "Targets (issue 16, medians): cold at most 250 ms; warm at most 15 ms and at most 0.3x codex."

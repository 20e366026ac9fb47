#!/bin/sh
# Real workloads, each the same command with and without the sandbox (./sandbox run --profile auto,
# no other flag): this project's Maven build offline (a module subset), a Node project's npm test
# (node:test), a Python project's unittest, a Rust crate's cargo test --offline, and git workflows
# (init, commit, branch, merge, rebase, stash, worktree, submodule update from a local path).
# Prints a Markdown table: pass/fail and wall time outside and inside, and the ratio.
#
#   sandbox-benchmarks/workloads.sh [WORKLOAD...]      # default: all; names as in the table
#
# Each workload runs in a fresh copy of its project under a scratch directory (removed at the end;
# SANDBOX4J_WORKLOADS_KEEP=1 keeps it). A workload whose tool is not installed is reported
# "skipped" with the missing tool. Output of failed runs is kept in the scratch directory's logs.
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
sandbox="$root/sandbox"
scratch=$(mktemp -d "${TMPDIR:-/tmp}/sbx4j-workloads.XXXXXX")
modules="sandbox-api,sandbox-proxy,sandbox-config"

cleanup() { [ "${SANDBOX4J_WORKLOADS_KEEP:-}" = 1 ] || rm -rf "$scratch"; }
trap cleanup EXIT

have() { command -v "$1" >/dev/null 2>&1; }
now() { date +%s%N; }

# ---- the projects (each made fresh in $1)

make_maven() {
  # this project's sources as committed (HEAD), not the worktree's build output
  git -C "$root" archive HEAD | tar -x -C "$1"
}

make_node() {
  mkdir -p "$1/test"
  printf '{ "name": "w", "version": "1.0.0", "private": true, "scripts": { "test": "node --test" } }\n' \
    >"$1/package.json"
  cat >"$1/test/sum.test.js" <<'EOF'
const test = require('node:test');
const assert = require('node:assert');
test('adds', () => assert.strictEqual(1 + 2, 3));
test('reads its own file', () => assert.ok(require('fs').readFileSync(__filename, 'utf8').length > 0));
EOF
}

make_python() {
  mkdir -p "$1/tests"
  printf '[project]\nname = "w"\nversion = "1.0"\n' >"$1/pyproject.toml"
  : >"$1/tests/__init__.py"
  cat >"$1/tests/test_sum.py" <<'EOF'
import tempfile, unittest, os
class T(unittest.TestCase):
    def test_sum(self):
        self.assertEqual(sum([1, 2]), 3)
    def test_tmp(self):
        with tempfile.NamedTemporaryFile() as f:
            f.write(b"x"); f.flush()
            self.assertEqual(os.path.getsize(f.name), 1)
EOF
}

make_rust() {
  mkdir -p "$1/src"
  printf '[package]\nname = "w"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\n' \
    >"$1/Cargo.toml"
  cat >"$1/src/lib.rs" <<'EOF'
pub fn add(a: u32, b: u32) -> u32 { a + b }
#[cfg(test)]
mod tests {
    #[test]
    fn adds() { assert_eq!(super::add(1, 2), 3); }
}
EOF
}

make_git() {
  # no marker file: --profile auto chooses nothing; git finds the user's identity in the sanitized
  # copy of the global configuration (GIT_CONFIG_GLOBAL)
  cat >"$1/flow.sh" <<'EOF'
set -eu
g() { git -c protocol.file.allow=always -c init.defaultBranch=main "$@"; }
# a repository below the workspace (the workspace's own .git/config and hooks stay read-only)
g init -q lib && (cd lib && echo 1 >a && g add a && g commit -qm lib)
g init -q app && cd app
echo one >f && g add f && g commit -qm one
g branch feature && g checkout -q feature && echo two >>f && g commit -qam two
g checkout -q main && echo other >g && g add g && g commit -qm other
g merge -q --no-edit feature
g checkout -q -b topic HEAD~1 && echo t >t && g add t && g commit -qm topic && g rebase -q main
echo dirty >>f && g stash -q && g stash pop -q && g checkout -q -- f
g worktree add -q ../wt main~1 && test -f ../wt/f && g worktree remove ../wt
g submodule -q add "$(cd ../lib && pwd)" lib && g commit -qm sub
rm -rf lib && g submodule -q update --init && test -f lib/a
test "$(g log -1 --format=%an)" = "$(git config user.name)"
echo ok
EOF
}

# ---- one workload: NAME TOOL MAKE COMMAND...

rows=""
fmt_ms() { awk -v n="$1" 'BEGIN { printf "%.1f s", n / 1e9 }'; }

workload() {
  name=$1 tool=$2 make=$3
  shift 3
  if [ -n "$selected" ] && ! echo " $selected " | grep -q " $name "; then
    return
  fi
  if ! have "$tool"; then
    rows="$rows| $name | skipped: $tool not installed | | | | |\n"
    return
  fi
  results=""
  for mode in outside inside; do
    ws="$scratch/$name-$mode"
    mkdir -p "$ws"
    "$make" "$ws"
    log="$scratch/$name-$mode.log"
    start=$(now)
    if [ "$mode" = outside ]; then
      (cd "$ws" && "$@") >"$log" 2>&1
    else
      (cd "$ws" && "$sandbox" run --profile auto -- "$@") >"$log" 2>&1
    fi
    rc=$?
    t=$(($(now) - start))
    if [ $rc -eq 0 ]; then verdict=pass; else verdict="FAIL ($rc)"; fi
    results="$results $verdict|$t"
    eval "rc_$mode=$rc t_$mode=$t v_$mode=\"$verdict\""
    if [ $rc -ne 0 ]; then
      echo "workload $name failed $mode (exit $rc); last lines of $log:" >&2
      tail -n 15 "$log" >&2
    fi
  done
  ratio=$(awk -v a="$t_inside" -v b="$t_outside" 'BEGIN { printf "%.2f", a / b }')
  rows="$rows| $name | $v_outside | $(fmt_ms "$t_outside") | $v_inside | $(fmt_ms "$t_inside") | $ratio |\n"
}

selected="$*"
# the sandbox's own start-up is not part of any workload: build the CLI first
"$sandbox" --version >/dev/null || exit 125

# sandbox-proxy's own tests listen on unix sockets, which the default network policy (none) refuses
# inside the sandbox: the module is compiled and checked, its tests are left out (both ways)
workload maven-offline java make_maven ./mvnw -B -o -q -pl "$modules" verify \
  -Dtest='!io.sandbox4j.proxy.**' -Dsurefire.failIfNoSpecifiedTests=false
workload npm-test npm make_node npm test
workload python-unittest python3 make_python python3 -m unittest discover -s tests -v
workload cargo-test-offline cargo make_rust cargo test --offline
workload git-workflows git make_git sh flow.sh

echo "| workload | outside | time | inside (--profile auto) | time | ratio |"
echo "| --- | --- | --- | --- | --- | --- |"
printf "$rows"
echo
echo "maven-offline: ./mvnw -B -o -q -pl $modules verify -Dtest='!io.sandbox4j.proxy.**'" \
  "-Dsurefire.failIfNoSpecifiedTests=false (compile, tests but sandbox-proxy's, checks) on a copy of HEAD"
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) at the end; $(uname -sr)"

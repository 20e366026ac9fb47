#!/bin/sh
# Builds a static class-data-sharing archive for the CLI: a training run of
# `sandbox run -- /bin/true` records the classes start-up loads, then the JVM dumps them into
# target/sandbox-cli.jsa, which ./sandbox maps at start (skipping class parsing and verification).
# Usage: make-cds-archive.sh JAVA TARGET_DIR. Never fails the build: without an archive the CLI
# just starts slower.
java=$1
target=$2
jar="$target/sandbox-cli.jar"
list="$target/sandbox-cli.classlist"
archive="$target/sandbox-cli.jsa"
ws=$(mktemp -d) || exit 0
trap 'rm -rf "$ws"' EXIT
rm -f "$archive" "$list"
# The flags ./sandbox starts with (they decide which classes start-up loads).
flags="-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:-UsePerfData"
flags="$flags -Dguice_bytecode_gen_option=DISABLED -Djdk.lang.Process.launchMechanism=VFORK"
# shellcheck disable=SC2086
LC_ALL=C.UTF-8 SANDBOX4J_CALLER_LC_ALL=unset "$java" -XX:DumpLoadedClassList="$list" $flags -jar "$jar" \
  run --workspace "$ws" -- /bin/true >/dev/null 2>&1
if [ -s "$list" ] && "$java" -Xshare:dump -XX:SharedClassListFile="$list" \
    -XX:SharedArchiveFile="$archive" -XX:+UseSerialGC -cp "$jar" >"$target/cds-dump.log" 2>&1; then
  echo "CDS archive written: $archive"
else
  rm -f "$archive"
  echo "CDS archive not written (see $target/cds-dump.log); the CLI starts without it"
fi
exit 0

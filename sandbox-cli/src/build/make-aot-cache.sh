#!/bin/sh
# Builds a JDK 25+ AOT cache for the CLI (JEP 483 and 514): one training run of
# `sandbox run -- /bin/true` with -XX:AOTCacheOutput records the classes start-up loads and links,
# then the JVM writes them, loaded and linked, to target/sandbox-cli.aot. The JDK's path goes to
# target/sandbox-cli.aot.java; ./sandbox starts that JDK with the cache when the cache is newer than
# the jars and the JDK (otherwise it keeps to the default JDK and the CDS archive).
# Usage: make-aot-cache.sh TARGET_DIR SANDBOX_SCRIPT [JAVA]. JAVA is a JDK 25+ java binary; when it
# is empty: $SANDBOX4J_AOT_JAVA, else the newest JDK 25+ under /usr/lib/jvm. Never fails the build:
# without a cache the CLI starts on the default JDK.
target=$1
script=$2
java=${3:-${SANDBOX4J_AOT_JAVA:-}}
jar="$target/sandbox-cli.jar"
cache="$target/sandbox-cli.aot"
log="$target/aot-cache.log"
rm -f "$cache" "$cache.java" "$log"
# The major version from the JDK's release file (JAVA_VERSION="25.0.3"), without starting a JVM.
major() {
  sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "${1%/bin/java}/release" 2>/dev/null
}
if [ -z "$java" ]; then
  best=0
  for candidate in /usr/lib/jvm/*/bin/java; do
    v=$(major "$candidate")
    if [ -n "$v" ] && [ "$v" -ge 25 ] && [ "$v" -gt "$best" ]; then best=$v; java=$candidate; fi
  done
fi
if [ -z "$java" ]; then
  echo "AOT cache not written: no JDK 25 or later under /usr/lib/jvm (set SANDBOX4J_AOT_JAVA or"
  echo "-DaotJava=PATH/bin/java); ./sandbox starts on the default JDK with the CDS archive"
  exit 0
fi
v=$(major "$java")
if [ ! -x "$java" ] || [ -z "$v" ] || [ "$v" -lt 25 ]; then
  echo "AOT cache not written: $java is not the java binary of a JDK 25 or later"
  exit 0
fi
ws=$(mktemp -d) || exit 0
trap 'rm -rf "$ws"' EXIT
# The flags ./sandbox gives a JDK 25+ (the cache is only used with the same collector and module
# options; -Xshare is refused beside the AOT options).
flags="-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:-UsePerfData"
flags="$flags -Dguice_bytecode_gen_option=DISABLED"
flags="$flags --sun-misc-unsafe-memory-access=allow --enable-native-access=ALL-UNNAMED"
# shellcheck disable=SC2086
LC_ALL=C.UTF-8 SANDBOX4J_CALLER_LC_ALL=unset "$java" -XX:AOTCacheOutput="$cache" $flags \
  -jar "$jar" run --workspace "$ws" -- /bin/true >"$log" 2>&1
if [ -s "$cache" ]; then
  printf '%s\n' "$java" >"$cache.java"
  # Checked end to end: with AOTMode=on the JVM refuses to start unless ./sandbox picks this JDK
  # and the JVM maps the cache.
  if env -u SANDBOX4J_JAVA JAVA_TOOL_OPTIONS=-XX:AOTMode=on "$script" --version >>"$log" 2>&1; then
    echo "AOT cache written: $cache (for $java)"
    exit 0
  fi
fi
rm -f "$cache" "$cache.java"
echo "AOT cache not written (see $log); ./sandbox starts on the default JDK with the CDS archive"
exit 0

#!/bin/sh
# Builds the native launcher into the jar's resources: $1 = target/classes, $2 = the C source dir.
# Called by the Maven profile "native" (active when /usr/bin/cc exists). link-static.sh says why
# it is static and refuses a dynamic result.
set -eu
out="$1/io/sandbox4j/launcher/linux/linux-$(uname -m)"
mkdir -p "$out"
sh "$2/link-static.sh" "$out/sandbox4j-launcher" "$2/sandbox4j-launcher.c" "native launcher"
# The binary's SHA-256 beside it: LauncherBinary names the cache directory by it without hashing at
# run time (initialising a MessageDigest costs a cold JVM about 15 ms).
sha256sum "$out/sandbox4j-launcher" | cut -c1-64 > "$out/sandbox4j-launcher.sha256"

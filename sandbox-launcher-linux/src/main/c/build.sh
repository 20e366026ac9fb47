#!/bin/sh
# Builds the native launcher into the jar's resources: $1 = target/classes, $2 = the C source dir.
# Called by the Maven profile "native" (active when /usr/bin/cc exists).
#
# The launcher is linked statically (-static-pie): it is exec'd with the command's environment, and
# a dynamic launcher would let LD_PRELOAD, LD_AUDIT or LD_LIBRARY_PATH from that environment run
# code in it before it confines anything. A dynamic launcher is never shipped: without glibc's
# static libc.a (Debian: libc6-dev) the build fails.
set -eu
out="$1/io/sandbox4j/launcher/linux/linux-$(uname -m)"
mkdir -p "$out"
if ! ${CC:-cc} -std=gnu11 -O2 -Wall -Wextra -Werror -Wformat=2 -Wshadow \
  -fstack-protector-strong -D_FORTIFY_SOURCE=2 -fPIE -static-pie \
  -Wl,-z,relro,-z,now -Wl,-z,noexecstack \
  -o "$out/sandbox4j-launcher" "$2/sandbox4j-launcher.c"; then
  echo "sandbox4j: cannot link the native launcher statically (-static-pie): install the C" \
    "library's static archive (Debian/Ubuntu: libc6-dev; Fedora: glibc-static) and rebuild," \
    "or build without the launcher with -P '!native'" >&2
  exit 1
fi
if LC_ALL=C readelf -d "$out/sandbox4j-launcher" 2>/dev/null | grep -q '(NEEDED)'; then
  echo "sandbox4j: the native launcher was linked dynamically; refusing to ship it" >&2
  rm -f "$out/sandbox4j-launcher"
  exit 1
fi
strip "$out/sandbox4j-launcher" 2>/dev/null || true
# The binary's SHA-256 beside it: LauncherBinary names the cache directory by it without hashing at
# run time (initialising a MessageDigest costs a cold JVM about 15 ms).
sha256sum "$out/sandbox4j-launcher" | cut -c1-64 > "$out/sandbox4j-launcher.sha256"

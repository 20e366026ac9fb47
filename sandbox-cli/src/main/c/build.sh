#!/bin/sh
# Builds the native client: $1 = the output file (target/sandbox4j-client), $2 = its C source.
# Called by the Maven profile "native" (active when /usr/bin/cc exists).
#
# Linked statically (-static-pie) like the launcher (sandbox-launcher-linux/src/main/c/build.sh):
# it starts in well under a millisecond, and LD_PRELOAD or LD_LIBRARY_PATH from the caller's
# environment cannot run code in the process that forks the sandboxed command. A dynamic client is
# never shipped: without the C library's static archive the build fails.
set -eu
if ! ${CC:-cc} -std=gnu11 -O2 -Wall -Wextra -Werror -Wformat=2 -Wshadow \
  -fstack-protector-strong -D_FORTIFY_SOURCE=2 -fPIE -static-pie \
  -Wl,-z,relro,-z,now -Wl,-z,noexecstack -o "$1" "$2"; then
  echo "sandbox4j: cannot link the native client statically (-static-pie): install the C" \
    "library's static archive (Debian/Ubuntu: libc6-dev; Fedora: glibc-static) and rebuild," \
    "or build without it with -P '!native' (./sandbox then always runs the JVM)" >&2
  exit 1
fi
if LC_ALL=C readelf -d "$1" 2>/dev/null | grep -q '(NEEDED)'; then
  echo "sandbox4j: the native client was linked dynamically; refusing to ship it" >&2
  rm -f "$1"
  exit 1
fi
strip "$1" 2>/dev/null || true

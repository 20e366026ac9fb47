#!/bin/sh
# Compiles one C file into a static, hardened, stripped program: $1 = the output file, $2 = the C
# source, $3 = what it is, for messages ("native launcher", "native client"). Used by build.sh
# (the launcher) and by sandbox-cli's pom (the native client).
#
# Linked statically (-static-pie): these programs are exec'd with the command's or the caller's
# environment, and a dynamic one would let LD_PRELOAD, LD_AUDIT or LD_LIBRARY_PATH from that
# environment run code in it before it confines anything. A dynamic program is never shipped:
# without glibc's static libc.a (Debian: libc6-dev) the build fails.
set -eu
if ! ${CC:-cc} -std=gnu11 -O2 -Wall -Wextra -Werror -Wformat=2 -Wshadow \
  -fstack-protector-strong -D_FORTIFY_SOURCE=2 -fPIE -static-pie \
  -Wl,-z,relro,-z,now -Wl,-z,noexecstack \
  -o "$1" "$2"; then
  echo "sandbox4j: cannot link the $3 statically (-static-pie): install the C" \
    "library's static archive (Debian/Ubuntu: libc6-dev; Fedora: glibc-static) and rebuild," \
    "or build without it with -P '!native'" >&2
  exit 1
fi
if LC_ALL=C readelf -d "$1" 2>/dev/null | grep -q '(NEEDED)'; then
  echo "sandbox4j: the $3 was linked dynamically; refusing to ship it" >&2
  rm -f "$1"
  exit 1
fi
strip "$1" 2>/dev/null || true

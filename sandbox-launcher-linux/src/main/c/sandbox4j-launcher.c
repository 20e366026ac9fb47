/*
 * sandbox4j-launcher: applies a sandbox4j Linux launch plan and execs the command.
 *
 *   SANDBOX4J_PLAN_0=<base64> [SANDBOX4J_PLAN_1=<base64>...] sandbox4j-launcher -- command [args...]
 *   sandbox4j-launcher --probe
 *   SANDBOX4J_PLAN_0=<base64>... sandbox4j-launcher --check-plan    (decode only, for tests)
 *
 * The plan travels in the environment, not in argv: /proc/PID/cmdline is readable by every local
 * user, /proc/PID/environ by the owner only (ProcessBuilder passes no other descriptor than 0-2,
 * which belong to the command). It comes in several variables (the kernel limits one to 128 KiB),
 * joined in index order, then wiped from this process's memory and removed from the environment
 * before anything else happens, so neither the supervisor's environ nor the command's holds it.
 *
 * Policy decisions are made in Java; this program only decodes the plan (strictly: any malformed
 * plan exits 125 naming the problem) and applies it in the fixed order documented in README.md.
 * Any step that fails is fatal: exit 125 with "sandbox4j-launcher: <step>: <reason>" on stderr.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <dirent.h>
#include <limits.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/signalfd.h>
#include <sys/un.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#ifndef __NR_landlock_create_ruleset
#define __NR_landlock_create_ruleset 444
#define __NR_landlock_add_rule 445
#define __NR_landlock_restrict_self 446
#endif
#ifndef __NR_close_range
#define __NR_close_range 436
#endif
#define LL_CREATE_RULESET_VERSION 1U
#define LL_RULE_PATH_BENEATH 1
#define LL_RULE_NET_PORT 2

#define EXIT_LAUNCHER 125
#define PLAN_MAGIC "S4J"
#define PLAN_VERSION 1
#define MAX_PLAN 786432
#define MAX_STR 4095
#define MAX_ITEMS 8192
/* Paths one tmpfs keeps: every writable root beneath a private /tmp (a policy of many roots). */
#define MAX_KEEP 1024
#define MAX_MOUNTS 4096
#define MAX_FILTER_INSNS 4096
#define MAX_CGROUPS 8
#define MAX_CG_FILES 8

/* Record tags: keep in sync with PlanEncoder.java. */
enum {
  T_NAMESPACES = 1,
  T_OPTIONS = 2,
  T_MOUNT = 3,
  T_RLIMIT = 4,
  T_LL_RULESET = 5,
  T_LL_PATH = 6,
  T_LL_PORT = 7,
  T_SECCOMP = 8,
  T_HOSTNAME = 9,
  T_CHDIR = 10,
  /* 11 was the pids-only cgroup record before the generic one: refused as unknown */
  T_CGROUP = 12,
  T_TMPFS_SIZE = 13,
  T_TMPFS_INODES = 14,
  T_OVERLAY = 15,
  T_NET_RELAY = 20,
  T_USAGE = 21,
};
enum { O_NEW_SESSION = 1, O_LOOPBACK_UP = 2 };
enum { M_TMPFS = 1, M_PROC = 2, M_RO_BIND = 3, M_PIN = 4, M_MASK = 5, M_RW_BIND = 6, M_RO_TREE = 7, M_HIDE = 8 };

/* mount_setattr(2) (Linux 5.12): glibc has no wrapper, and <linux/mount.h> clashes with
   <sys/mount.h> in some glibc versions, so the few definitions it needs are here. */
struct s4j_mount_attr { uint64_t attr_set, attr_clr, propagation, userns_fd; };
#define S4J_MOUNT_ATTR_RDONLY 0x00000001ULL
#define S4J_AT_RECURSIVE 0x8000
#ifndef SYS_mount_setattr
#define SYS_mount_setattr 442
#endif

/* Set once a read-only tree was applied: binds taken from it afterwards must be made writable. */
static int ro_tree_applied;
#define ALLOWED_NS \
  (CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS)

struct mnt {
  int kind;
  int optional;
  char *path;
  int nkeep;
  char **keep;
};
/* An overlay on target (the lower layer) with writes in upper (ephemeral workspaces, issue 14;
   copy-on-write toolchain caches, issue 13: java alone may layer seven caches). */
#define MAX_OVERLAYS 16
struct ovl {
  char *target, *upper, *work;
};
struct lim {
  int resource;
  struct rlimit value;
};
struct llpath {
  uint64_t access;
  int optional;
  char *path;
};
struct llport {
  uint64_t port, access;
};
struct filter {
  struct sock_filter *insns;
  unsigned short len;
};
/* A loopback listener inside the network namespace relayed to a unix socket on the host (issue 12),
   or, published, a listener on the host's 127.0.0.1 relayed to the same port inside. */
#define MAX_RELAYS 16
struct relay {
  uint16_t port;
  int publish;    /* listens on the host's 127.0.0.1:port; connects to 127.0.0.1:port inside */
  char *socket;   /* absolute path of the unix socket (not for publish) */
  char *target;   /* NULL: raw relay; else host:port asked of the proxy with CONNECT first */
  char *dir;      /* the socket's directory, opened O_PATH before the mount namespace */
  const char *base;
  int dirfd, lfd[2]; /* listeners: 127.0.0.1 and (inside, where IPv6 exists) [::1] */
};
/* One per-run cgroup, created beneath parent (one per hierarchy on cgroup v1). */
struct cgroup {
  char *parent;
  int nfiles;
  char *file[MAX_CG_FILES];
  char *value[MAX_CG_FILES];
  /* The parent, opened before any namespace exists: the supervisor shares the sandbox's mount
     namespace, whose view of /sys/fs/cgroup becomes read-only (rmdir by path fails with EROFS);
     this descriptor keeps the host's writable mount. */
  int pfd;
  char name[64];
  int created;
};
struct plan {
  uint32_t ns;
  uint32_t options;
  int nmounts, nlimits, nllpaths, nllports, nfilters;
  struct mnt mounts[MAX_MOUNTS];
  struct lim limits[64];
  int have_landlock;
  uint64_t ll_fs, ll_net, ll_scoped;
  struct llpath llpaths[MAX_ITEMS];
  struct llport llports[MAX_ITEMS];
  struct filter filters[64];
  char *hostname;
  char *chdir_to;
  int ncgroups;
  struct cgroup cgroups[MAX_CGROUPS];
  char *tmpfs_size;
  uint64_t tmpfs_inodes;
  int nrelays;
  struct relay relays[MAX_RELAYS];
  int noverlays;
  struct ovl overlays[MAX_OVERLAYS];
  char *usage_path; /* T_USAGE: where the supervisor writes the run's peak memory */
  int have_usage, usage_fd;
};

static struct plan P;
/* The supervisor once it created cgroups, and the child it placed in them: die() removes them. */
static pid_t cg_owner, cg_child;
static void remove_cgroups(void);
static volatile pid_t forward_to = -1;
/* The process that started us (the JVM), recorded first thing in main: when getppid() no longer
   returns it, that process died (we were reparented) and nobody would end the run any more. */
static pid_t starter;
/* How often the supervisor checks that its starter is still alive while it waits. */
#define PARENT_POLL_NS (200 * 1000000L)

static void die(const char *step, const char *fmt, ...) __attribute__((noreturn, format(printf, 2, 3)));
static void die(const char *step, const char *fmt, ...) {
  char msg[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  dprintf(2, "sandbox4j-launcher: %s: %s\n", step, msg);
  if (cg_owner && cg_owner == getpid()) {
    if (cg_child > 0) {
      kill(cg_child, SIGKILL);
      waitpid(cg_child, NULL, 0);
    }
    remove_cgroups();
  }
  _exit(EXIT_LAUNCHER);
}
static void die_errno(const char *step, const char *what) __attribute__((noreturn));
static void die_errno(const char *step, const char *what) {
  int e = errno;
  if (what) die(step, "%s: %s", what, strerror(e));
  die(step, "%s", strerror(e));
}

/* ---------- plan decoding: every read is bounds-checked ---------- */

static int b64val(unsigned char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

static size_t b64decode(const char *in, unsigned char *out, size_t cap) {
  size_t n = strlen(in), o = 0;
  if (n == 0 || n % 4 != 0) die("plan", "base64 length %zu is not a positive multiple of 4", n);
  if (n / 4 * 3 > cap) die("plan", "plan of %zu base64 characters exceeds %d bytes", n, MAX_PLAN);
  for (size_t i = 0; i < n; i += 4) {
    int v[4];
    for (int j = 0; j < 4; j++) {
      unsigned char c = (unsigned char)in[i + j];
      if (c == '=' && i + 4 == n && j >= 2 && (j == 3 || in[i + 3] == '=')) {
        v[j] = -2;
        continue;
      }
      v[j] = b64val(c);
      if (v[j] < 0) die("plan", "invalid base64 character at offset %zu", i + j);
    }
    out[o++] = (unsigned char)(v[0] << 2 | v[1] >> 4);
    if (v[2] >= 0) out[o++] = (unsigned char)((v[1] & 15) << 4 | v[2] >> 2);
    if (v[3] >= 0) {
      if (v[2] < 0) die("plan", "invalid base64 padding");
      out[o++] = (unsigned char)((v[2] & 3) << 6 | v[3]);
    }
  }
  return o;
}

struct cur {
  const unsigned char *p;
  size_t left;
  const char *what;
};

static void need(struct cur *c, size_t n) {
  if (c->left < n) die("plan", "%s record truncated (needs %zu more bytes, has %zu)", c->what, n, c->left);
}
static uint8_t u8(struct cur *c) {
  need(c, 1);
  c->left--;
  return *c->p++;
}
static uint16_t u16(struct cur *c) {
  need(c, 2);
  uint16_t v = (uint16_t)(c->p[0] | c->p[1] << 8);
  c->p += 2, c->left -= 2;
  return v;
}
static uint32_t u32(struct cur *c) {
  need(c, 4);
  uint32_t v = (uint32_t)c->p[0] | (uint32_t)c->p[1] << 8 | (uint32_t)c->p[2] << 16 | (uint32_t)c->p[3] << 24;
  c->p += 4, c->left -= 4;
  return v;
}
static uint64_t u64(struct cur *c) {
  uint64_t lo = u32(c);
  return lo | (uint64_t)u32(c) << 32;
}
/* A string: u16 length, bytes; no NUL inside, 1..MAX_STR bytes. */
static char *str(struct cur *c, size_t len) {
  if (len == 0 || len > MAX_STR) die("plan", "%s: string length %zu out of range 1..%d", c->what, len, MAX_STR);
  need(c, len);
  if (memchr(c->p, 0, len)) die("plan", "%s: string contains a NUL byte", c->what);
  char *s = strndup((const char *)c->p, len);
  if (!s) die_errno("plan", "strndup");
  c->p += len, c->left -= len;
  return s;
}
static char *abspath(struct cur *c, size_t len) {
  char *s = str(c, len);
  if (s[0] != '/') die("plan", "%s: path '%s' is not absolute", c->what, s);
  return s;
}
static void done(struct cur *c) {
  if (c->left) die("plan", "%s record has %zu trailing bytes", c->what, c->left);
}

/* The next free element of the plan array ARR, whose count is N; dies when ARR is full. */
#define CLAIM(arr, n, what)                                                                        \
  ((n) >= (int)(sizeof(arr) / sizeof(arr)[0])                                                      \
       ? (die("plan", "more than %d %s", (int)(sizeof(arr) / sizeof(arr)[0]), (what)), &(arr)[0]) \
       : &(arr)[(n)++])

/* Only limit files of the pids and memory controllers, with a number or "max": the plan cannot
   name cgroup.procs, a release agent or a path. */
static void check_cgroup_file(const char *file, const char *value) {
  if (strncmp(file, "pids.", 5) != 0 && strncmp(file, "memory.", 7) != 0)
    die("plan", "cgroup: file '%s' is not a pids.* or memory.* limit", file);
  for (const char *p = file; *p; p++)
    if (!((*p >= 'a' && *p <= 'z') || *p == '_' || *p == '.') || (p[0] == '.' && p[1] == '.'))
      die("plan", "cgroup: bad file name '%s'", file);
  if (strcmp(value, "max") == 0) return;
  size_t n = strlen(value);
  if (n > 19 || strspn(value, "0123456789") != n) die("plan", "cgroup: value '%s' of %s is not a number or max", value, file);
}

/* A tmpfs size= value: digits and an optional k, m, g or % suffix. */
static void check_tmpfs_size(const char *v) {
  size_t d = strspn(v, "0123456789");
  if (d == 0 || d > 19 || (v[d] && (strchr("kmg%", v[d]) == NULL || v[d + 1])))
    die("plan", "tmpfs size: '%s' is not digits with an optional k, m, g or %% suffix", v);
}

static void decode(const unsigned char *buf, size_t n) {
  if (n < 4 || memcmp(buf, PLAN_MAGIC, 3) != 0) die("plan", "bad magic (not a sandbox4j plan)");
  if (buf[3] != PLAN_VERSION) die("plan", "unsupported plan version %d (this launcher reads %d)", buf[3], PLAN_VERSION);
  struct cur all = {buf + 4, n - 4, "header"};
  while (all.left) {
    all.what = "record header";
    uint8_t tag = u8(&all);
    uint32_t len = u32(&all);
    need(&all, len);
    struct cur c = {all.p, len, "?"};
    all.p += len, all.left -= len;
    switch (tag) {
      case T_NAMESPACES:
        c.what = "namespaces";
        P.ns = u32(&c);
        if (P.ns & ~(uint32_t)ALLOWED_NS) die("plan", "namespaces: unknown flags 0x%x", P.ns & ~(uint32_t)ALLOWED_NS);
        break;
      case T_OPTIONS:
        c.what = "options";
        P.options = u32(&c);
        if (P.options & ~(uint32_t)(O_NEW_SESSION | O_LOOPBACK_UP)) die("plan", "options: unknown bits 0x%x", P.options);
        break;
      case T_MOUNT: {
        c.what = "mount";
        struct mnt *m = CLAIM(P.mounts, P.nmounts, "mounts");
        m->kind = u8(&c);
        if (m->kind < M_TMPFS || m->kind > M_HIDE) die("plan", "mount: unknown kind %d", m->kind);
        uint8_t f = u8(&c);
        if (f > 1) die("plan", "mount: unknown flags 0x%x", f);
        m->optional = f;
        m->path = abspath(&c, u16(&c));
        m->nkeep = u16(&c);
        if (m->nkeep > MAX_KEEP) die("plan", "mount: %d kept paths exceed %d", m->nkeep, MAX_KEEP);
        if (m->nkeep && m->kind != M_TMPFS && m->kind != M_HIDE) die("plan", "mount: kept paths are only valid for tmpfs");
        m->keep = m->nkeep ? calloc((size_t)m->nkeep, sizeof *m->keep) : NULL;
        if (m->nkeep && !m->keep) die_errno("plan", "calloc");
        for (int i = 0; i < m->nkeep; i++) m->keep[i] = abspath(&c, u16(&c));
        break;
      }
      case T_OVERLAY: {
        c.what = "overlay";
        struct ovl *o = CLAIM(P.overlays, P.noverlays, "overlays");
        o->target = abspath(&c, u16(&c));
        o->upper = abspath(&c, u16(&c));
        o->work = abspath(&c, u16(&c));
        break;
      }
      case T_RLIMIT: {
        c.what = "rlimit";
        struct lim *l = CLAIM(P.limits, P.nlimits, "rlimits");
        uint32_t r = u32(&c);
        if (r >= RLIM_NLIMITS) die("plan", "rlimit: unknown resource %u", r);
        l->resource = (int)r;
        l->value.rlim_cur = u64(&c);
        l->value.rlim_max = u64(&c);
        if (l->value.rlim_cur > l->value.rlim_max) die("plan", "rlimit %u: soft limit above hard limit", r);
        break;
      }
      case T_LL_RULESET:
        c.what = "landlock ruleset";
        if (P.have_landlock) die("plan", "landlock ruleset given twice");
        P.have_landlock = 1;
        P.ll_fs = u64(&c);
        P.ll_net = u64(&c);
        P.ll_scoped = u64(&c);
        break;
      case T_LL_PATH: {
        c.what = "landlock path rule";
        struct llpath *r = CLAIM(P.llpaths, P.nllpaths, "landlock path rules");
        r->access = u64(&c);
        uint8_t f = u8(&c);
        if (f > 1) die("plan", "landlock path rule: unknown flags 0x%x", f);
        r->optional = f;
        r->path = abspath(&c, u16(&c));
        break;
      }
      case T_LL_PORT: {
        c.what = "landlock port rule";
        struct llport *r = CLAIM(P.llports, P.nllports, "landlock port rules");
        r->port = u64(&c);
        r->access = u64(&c);
        if (r->port > 65535) die("plan", "landlock port rule: port %llu out of range", (unsigned long long)r->port);
        break;
      }
      case T_SECCOMP: {
        c.what = "seccomp";
        struct filter *f = CLAIM(P.filters, P.nfilters, "seccomp filters");
        if (len == 0 || len % 8 || len / 8 > MAX_FILTER_INSNS)
          die("plan", "seccomp: program length %u is not a positive multiple of 8 up to %d instructions", len, MAX_FILTER_INSNS);
        f->len = (unsigned short)(len / 8);
        f->insns = calloc(f->len, sizeof *f->insns);
        if (!f->insns) die_errno("plan", "calloc");
        for (unsigned i = 0; i < f->len; i++) {
          f->insns[i].code = u16(&c);
          f->insns[i].jt = u8(&c);
          f->insns[i].jf = u8(&c);
          f->insns[i].k = u32(&c);
        }
        break;
      }
      case T_HOSTNAME:
        c.what = "hostname";
        if (len > 64) die("plan", "hostname: %u bytes exceed 64", len);
        free(P.hostname);
        P.hostname = str(&c, len);
        break;
      case T_CHDIR:
        c.what = "chdir";
        free(P.chdir_to);
        P.chdir_to = abspath(&c, len);
        break;
      case T_CGROUP: {
        c.what = "cgroup";
        struct cgroup *g = CLAIM(P.cgroups, P.ncgroups, "cgroups");
        g->pfd = -1;
        g->parent = abspath(&c, u16(&c));
        for (int i = 0; i < P.ncgroups - 1; i++)
          if (strcmp(P.cgroups[i].parent, g->parent) == 0) die("plan", "cgroup: parent %s given twice", g->parent);
        g->nfiles = u8(&c);
        if (g->nfiles < 1 || g->nfiles > MAX_CG_FILES) die("plan", "cgroup: %d limit files, not 1..%d", g->nfiles, MAX_CG_FILES);
        for (int i = 0; i < g->nfiles; i++) {
          g->file[i] = str(&c, u16(&c));
          g->value[i] = str(&c, u16(&c));
          check_cgroup_file(g->file[i], g->value[i]);
        }
        break;
      }
      case T_TMPFS_SIZE:
        c.what = "tmpfs size";
        free(P.tmpfs_size);
        P.tmpfs_size = str(&c, len);
        check_tmpfs_size(P.tmpfs_size);
        break;
      case T_TMPFS_INODES:
        c.what = "tmpfs inodes";
        P.tmpfs_inodes = u64(&c);
        if (P.tmpfs_inodes == 0 || P.tmpfs_inodes > UINT32_MAX) die("plan", "tmpfs inodes: %llu out of range 1..2^32-1", (unsigned long long)P.tmpfs_inodes);
        break;
      case T_USAGE: {
        c.what = "usage report";
        if (P.usage_path) die("plan", "usage report given twice");
        P.usage_path = abspath(&c, len);
        break;
      }
      case T_NET_RELAY: {
        c.what = "network relay";
        struct relay *r = CLAIM(P.relays, P.nrelays, "network relays");
        r->port = u16(&c);
        if (r->port == 0) die("plan", "network relay: port 0");
        for (int i = 0; i < P.nrelays - 1; i++)
          if (P.relays[i].port == r->port) die("plan", "network relay: port %u given twice", r->port);
        uint16_t slen = u16(&c);
        r->socket = slen ? abspath(&c, slen) : NULL;
        uint8_t mode = u8(&c);
        if (mode > 2) die("plan", "network relay: unknown mode %u", mode);
        /* mode 2, publish: no socket; the others relay to one */
        if ((mode == 2) != (r->socket == NULL)) die("plan", "network relay: mode %u %s", mode, mode == 2 ? "(publish) takes no socket" : "needs a socket");
        r->publish = mode == 2;
        r->target = mode == 1 ? str(&c, u16(&c)) : NULL;
        r->dirfd = r->lfd[0] = r->lfd[1] = -1;
        if (r->publish) break;
        const char *slash = strrchr(r->socket, '/');
        r->base = slash + 1;
        if (!*r->base || strlen(r->base) >= sizeof(((struct sockaddr_un *)0)->sun_path))
          die("plan", "network relay: socket name '%s' is empty or too long", r->base);
        r->dir = slash == r->socket ? strdup("/") : strndup(r->socket, (size_t)(slash - r->socket));
        if (!r->dir) die_errno("plan", "strdup");
        /* The target goes into an HTTP request line: host characters, brackets and a port only. */
        if (r->target && (strlen(r->target) > 300 || strspn(r->target, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-:[]") != strlen(r->target)))
          die("plan", "network relay: target '%s' is not host:port", r->target);
        break;
      }
      default:
        die("plan", "unknown record tag %u", tag);
    }
    done(&c);
  }
  if ((P.options & O_LOOPBACK_UP) && !(P.ns & CLONE_NEWNET)) die("plan", "loopback-up needs a network namespace");
  if (P.hostname && !(P.ns & CLONE_NEWUTS)) die("plan", "hostname needs a uts namespace");
  if (P.nmounts && !(P.ns & CLONE_NEWNS)) die("plan", "mounts need a mount namespace");
  if (P.noverlays && !(P.ns & CLONE_NEWNS)) die("plan", "an overlay needs a mount namespace");
  if ((P.nllpaths || P.nllports) && !P.have_landlock) die("plan", "landlock rules without a ruleset");
  if (P.nrelays && !(P.ns & CLONE_NEWNET)) die("plan", "network relays need a network namespace");
  if ((P.tmpfs_size || P.tmpfs_inodes) && !(P.ns & CLONE_NEWNS)) die("plan", "a tmpfs size needs a mount namespace");
}

/* ---------- helpers ---------- */

static void write_file(const char *step, const char *path, const char *data) {
  int fd = open(path, O_WRONLY | O_CLOEXEC);
  if (fd < 0) die_errno(step, path);
  size_t n = strlen(data);
  if (write(fd, data, n) != (ssize_t)n) die_errno(step, path);
  if (close(fd) < 0) die_errno(step, path);
}

static void close_from(int lowfd) {
  if (syscall(__NR_close_range, (unsigned)lowfd, ~0U, 0) == 0) return;
  DIR *d = opendir("/proc/self/fd");
  if (!d) die_errno("close-fds", "/proc/self/fd");
  int self = dirfd(d);
  struct dirent *e;
  while ((e = readdir(d))) {
    int fd = atoi(e->d_name);
    if (fd >= lowfd && fd != self) close(fd);
  }
  closedir(d);
}

/* Mount flags that a user namespace locks on a mount: a read-only remount must keep them. */
static unsigned long locked_flags(const char *path) {
  struct statvfs s;
  if (statvfs(path, &s) < 0) die_errno("mount", path);
  unsigned long f = 0;
  if (s.f_flag & ST_NOSUID) f |= MS_NOSUID;
  if (s.f_flag & ST_NODEV) f |= MS_NODEV;
  if (s.f_flag & ST_NOEXEC) f |= MS_NOEXEC;
  if (s.f_flag & ST_NOATIME) f |= MS_NOATIME;
  if (s.f_flag & ST_NODIRATIME) f |= MS_NODIRATIME;
  if (s.f_flag & ST_RELATIME) f |= MS_RELATIME;
  return f;
}

static void remount_ro(const char *path) {
  if (mount(NULL, path, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY | locked_flags(path), NULL) < 0)
    die_errno("mount read-only", path);
}

/* A bind copies its source mount's flags: one taken from the read-only tree is read-only already
   (checked, not assumed), which saves the remount, one mount(2) per masked file. */
static void ensure_ro(const char *path) {
  struct statvfs s;
  if (statvfs(path, &s) < 0) die_errno("mount", path);
  if (!(s.f_flag & ST_RDONLY)) remount_ro(path);
}

static void mkdirs(const char *path) {
  char buf[PATH_MAX];
  if (strlen(path) >= sizeof buf) die("mount", "path too long: %s", path);
  strcpy(buf, path);
  for (char *p = buf + 1; *p; p++) {
    if (*p != '/') continue;
    *p = 0;
    if (mkdir(buf, 0755) < 0 && errno != EEXIST) die_errno("mount", buf);
    *p = '/';
  }
}

/* A path that grants writing was checked by its real path before the launch; a link put in place
   of one of its directories since (by a command of another run that may write there) would lead
   the grant elsewhere, such as to the launcher's cache. What the descriptor opened must be the
   planned path itself. */
static void same_as_planned(int fd, const char *path, const char *step) {
  char link[64], now[PATH_MAX];
  snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
  ssize_t n = readlink(link, now, sizeof now - 1);
  if (n < 0) die_errno(step, link);
  now[n] = 0;
  if (strcmp(now, path) != 0)
    die(step, "%s leads to %s now, not to the path checked before the launch (a link put in place of one of its directories?)", path, now);
}

/* WRITE_FILE, REMOVE_DIR..MAKE_SYM, TRUNCATE: what a rule grants beyond reading */
#define LL_WRITE_RIGHTS ((1ULL << 1) | 0x1FF0ULL | (1ULL << 14))

/* Whether the plan grants writing path itself (a Landlock write rule, a writable bind, a private
   tmpfs's keep): a private home's keep of such a path is checked as those are, since once its bind
   covers the path, their own checks see only the bind under the planned name. */
static int grants_writing(const char *path) {
  for (int i = 0; i < P.nllpaths; i++)
    if ((P.llpaths[i].access & LL_WRITE_RIGHTS) && strcmp(P.llpaths[i].path, path) == 0) return 1;
  for (int i = 0; i < P.nmounts; i++) {
    if (P.mounts[i].kind == M_RW_BIND && strcmp(P.mounts[i].path, path) == 0) return 1;
    if (P.mounts[i].kind == M_TMPFS)
      for (int k = 0; k < P.mounts[i].nkeep; k++)
        if (strcmp(P.mounts[i].keep[k], path) == 0) return 1;
  }
  return 0;
}

static void do_mount(const struct mnt *m) {
  struct stat st;
  if (m->kind != M_TMPFS && m->kind != M_PROC && stat(m->path, &st) < 0) {
    if (m->optional && (errno == ENOENT || errno == ENOTDIR || errno == EACCES)) return;
    die_errno("mount", m->path);
  }
  switch (m->kind) {
    case M_HIDE:
    case M_TMPFS: {
      int hide = m->kind == M_HIDE;
      int *fds = calloc((size_t)m->nkeep + 1, sizeof *fds);
      struct stat *kst = calloc((size_t)m->nkeep + 1, sizeof *kst);
      if (!fds || !kst) die_errno("mount tmpfs (keep)", "calloc");
      for (int i = 0; i < m->nkeep; i++) {
        fds[i] = open(m->keep[i], O_PATH | O_CLOEXEC);
        /* a hidden directory's keep may be gone (or hidden by an earlier tmpfs): nothing to show */
        if (fds[i] < 0 && hide && (errno == ENOENT || errno == ENOTDIR)) continue;
        if (fds[i] < 0 || fstat(fds[i], &kst[i]) < 0) die_errno("mount tmpfs (keep)", m->keep[i]);
        /* a hidden directory's read-only keep may be spelled through a link in the home */
        if (!hide || grants_writing(m->keep[i])) same_as_planned(fds[i], m->keep[i], "mount tmpfs (keep)");
      }
      char opts[96], inodes[32] = "";
      if (P.tmpfs_inodes) snprintf(inodes, sizeof inodes, ",nr_inodes=%llu", (unsigned long long)P.tmpfs_inodes);
      if (hide) /* a private home: directories and empty files to bind onto, nothing more */
        snprintf(opts, sizeof opts, "mode=0755,size=64k,nr_inodes=%d", 16 + 32 * (m->nkeep > 64 ? m->nkeep : 64));
      else
        snprintf(opts, sizeof opts, "mode=1777%s%s%s", P.tmpfs_size ? ",size=" : "", P.tmpfs_size ? P.tmpfs_size : "", inodes);
      if (mount("tmpfs", m->path, "tmpfs", MS_NOSUID | MS_NODEV, opts) < 0) {
        if (m->optional && errno == ENOENT) return;
        die_errno("mount tmpfs", m->path);
      }
      for (int i = 0; i < m->nkeep; i++) {
        char src[64];
        if (fds[i] < 0) continue;
        mkdirs(m->keep[i]);
        struct stat there;
        if (hide && lstat(m->keep[i], &there) == 0) {
          /* inside a shallower keep bound already: the original is there to bind onto */
        } else if (S_ISDIR(kst[i].st_mode)) {
          if (mkdir(m->keep[i], 0755) < 0 && errno != EEXIST) die_errno("mount tmpfs (keep)", m->keep[i]);
        } else {
          int fd = open(m->keep[i], O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
          if (fd < 0) die_errno("mount tmpfs (keep)", m->keep[i]);
          close(fd);
        }
        snprintf(src, sizeof src, "/proc/self/fd/%d", fds[i]);
        if (mount(src, m->keep[i], NULL, MS_BIND | MS_REC, NULL) < 0) die_errno("mount tmpfs (keep)", m->keep[i]);
        /* a writable root kept in a private tmpfs: taken from the read-only tree, made writable */
        if (!hide && ro_tree_applied &&
            mount(NULL, m->keep[i], NULL, MS_REMOUNT | MS_BIND | locked_flags(m->keep[i]), NULL) < 0)
          die_errno("mount tmpfs (keep writable)", m->keep[i]);
        close(fds[i]);
      }
      free(fds);
      free(kst);
      if (hide) remount_ro(m->path); /* nothing can be created in the hidden directory */
      break;
    }
    case M_PROC:
      if (mount("proc", m->path, "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0) die_errno("mount proc", m->path);
      break;
    case M_PIN:
      if (mount(m->path, m->path, NULL, MS_BIND | MS_REC, NULL) < 0) die_errno("mount pin", m->path);
      break;
    case M_RO_BIND:
      if (mount(m->path, m->path, NULL, MS_BIND | MS_REC, NULL) < 0) die_errno("mount read-only", m->path);
      ensure_ro(m->path);
      break;
    case M_RO_TREE: {
      /* every mount at and beneath the path read-only in one call (this namespace's copies) */
      struct s4j_mount_attr attr = {.attr_set = S4J_MOUNT_ATTR_RDONLY};
      if (syscall(SYS_mount_setattr, AT_FDCWD, m->path, S4J_AT_RECURSIVE, &attr, sizeof attr) < 0)
        die_errno("mount read-only tree", m->path);
      ro_tree_applied = 1;
      break;
    }
    case M_RW_BIND: {
      /* A writable root inside a tree an earlier read-only bind made read-only: the new bind
         inherits MS_RDONLY from its source mount, so remount it without, keeping locked flags.
         Both through a descriptor checked to be the planned path (same_as_planned). */
      char at[64];
      int fd = open(m->path, O_PATH | O_CLOEXEC);
      if (fd < 0) die_errno("mount writable", m->path);
      same_as_planned(fd, m->path, "mount writable");
      snprintf(at, sizeof at, "/proc/self/fd/%d", fd);
      if (mount(at, at, NULL, MS_BIND | MS_REC, NULL) < 0) die_errno("mount writable", m->path);
      close(fd);
      fd = open(m->path, O_PATH | O_CLOEXEC); /* the new bind */
      if (fd < 0) die_errno("mount writable", m->path);
      same_as_planned(fd, m->path, "mount writable");
      snprintf(at, sizeof at, "/proc/self/fd/%d", fd);
      if (mount(NULL, at, NULL, MS_REMOUNT | MS_BIND | locked_flags(at), NULL) < 0)
        die_errno("mount writable", m->path);
      close(fd);
      break;
    }
    case M_MASK:
      if (S_ISDIR(st.st_mode)) {
        if (mount("tmpfs", m->path, "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=0555,size=4k,nr_inodes=1") < 0)
          die_errno("mount mask", m->path);
      } else {
        if (mount("/dev/null", m->path, NULL, MS_BIND, NULL) < 0) die_errno("mount mask", m->path);
        ensure_ro(m->path);
      }
      break;
  }
}

/* The overlay's option string separates with ',' and ':' (and '\\' escapes): a path holding one
   is refused rather than escaped, so no path can add options of its own. */
static void overlay_path_ok(const char *p) {
  if (strpbrk(p, ",:\\")) die("mount overlay", "path holds ',', ':' or '\\', which overlay options cannot carry: %s", p);
}

/* userxattr: what an overlay mounted in a user namespace must use (whiteouts are character devices
   0/0, opaque directories carry user.overlay.opaque); the kernel then refuses redirect_dir and
   metacopy, so renamed directories are copied up whole. The target is its own lower layer: the
   option string is resolved before the overlay covers it. */
static void do_overlay(const struct ovl *o) {
  char opts[3 * MAX_STR + 64];
  overlay_path_ok(o->target);
  overlay_path_ok(o->upper);
  overlay_path_ok(o->work);
  snprintf(opts, sizeof opts, "lowerdir=%s,upperdir=%s,workdir=%s,userxattr", o->target, o->upper, o->work);
  if (mount("overlay", o->target, "overlay", MS_NOSUID | MS_NODEV, opts) < 0) {
    int e = errno;
    die("mount overlay", "%s: %s (the kernel refused an overlay mount in the sandbox's user namespace; needs Linux 5.11+ with overlay, and upper %s on a filesystem with user xattrs)",
        o->target, strerror(e), o->upper);
  }
}

static void loopback_up(void) {
  int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (s < 0) die_errno("loopback", "socket");
  struct ifreq ifr;
  memset(&ifr, 0, sizeof ifr);
  strcpy(ifr.ifr_name, "lo");
  if (ioctl(s, SIOCGIFFLAGS, &ifr) < 0) die_errno("loopback", "SIOCGIFFLAGS");
  ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
  if (ioctl(s, SIOCSIFFLAGS, &ifr) < 0) die_errno("loopback", "SIOCSIFFLAGS");
  close(s);
}

static void drop_capabilities(void) {
  struct __user_cap_header_struct h = {_LINUX_CAPABILITY_VERSION_3, 0};
  struct __user_cap_data_struct d[2];
  if (syscall(SYS_capget, &h, d) < 0) die_errno("capabilities", "capget");
  /* Emptying the bounding set needs CAP_SETPCAP; without it a process has no capabilities to drop
     and no_new_privs keeps exec from granting any. */
  if (d[0].effective & (1U << CAP_SETPCAP)) {
    for (int cap = 0; cap <= 63; cap++) {
      if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0) {
        if (errno == EINVAL) break;
        die_errno("capabilities", "PR_CAPBSET_DROP");
      }
    }
  }
  if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
    die_errno("capabilities", "PR_CAP_AMBIENT_CLEAR_ALL");
  memset(d, 0, sizeof d);
  if (syscall(SYS_capset, &h, d) < 0) die_errno("capabilities", "capset");
}

/* EXECUTE, WRITE_FILE, READ_FILE, TRUNCATE, IOCTL_DEV: the rights a rule on a file may hold. */
#define LL_FILE_RIGHTS ((1ULL << 0) | (1ULL << 1) | (1ULL << 2) | (1ULL << 14) | (1ULL << 15))

struct ll_attr {
  uint64_t fs, net, scoped;
};

static void apply_landlock(void) {
  struct ll_attr a = {P.ll_fs, P.ll_net, P.ll_scoped};
  size_t size = P.ll_scoped ? 24 : P.ll_net ? 16 : 8;
  int rs = (int)syscall(__NR_landlock_create_ruleset, &a, size, 0);
  if (rs < 0) die_errno("landlock", "landlock_create_ruleset");
  for (int i = 0; i < P.nllpaths; i++) {
    struct {
      uint64_t allowed;
      int32_t fd;
    } __attribute__((packed)) pb;
    int fd = open(P.llpaths[i].path, O_PATH | O_CLOEXEC);
    if (fd < 0) {
      if (P.llpaths[i].optional && (errno == ENOENT || errno == ENOTDIR || errno == EACCES)) continue;
      die_errno("landlock", P.llpaths[i].path);
    }
    if (P.llpaths[i].access & LL_WRITE_RIGHTS) same_as_planned(fd, P.llpaths[i].path, "landlock");
    pb.allowed = P.llpaths[i].access;
    pb.fd = fd;
    /* File rules take only file rights: the kernel rejects directory rights on a file (EINVAL).
       Most rules are directories, so the type is looked at only when the kernel refuses. */
    if (pb.allowed && syscall(__NR_landlock_add_rule, rs, LL_RULE_PATH_BENEATH, &pb, 0) < 0) {
      struct stat st;
      if (errno != EINVAL || fstat(fd, &st) < 0 || S_ISDIR(st.st_mode)) die_errno("landlock", P.llpaths[i].path);
      pb.allowed &= LL_FILE_RIGHTS;
      if (pb.allowed && syscall(__NR_landlock_add_rule, rs, LL_RULE_PATH_BENEATH, &pb, 0) < 0)
        die_errno("landlock", P.llpaths[i].path);
    }
    close(fd);
  }
  for (int i = 0; i < P.nllports; i++) {
    struct {
      uint64_t allowed, port;
    } nb = {P.llports[i].access, P.llports[i].port};
    if (syscall(__NR_landlock_add_rule, rs, LL_RULE_NET_PORT, &nb, 0) < 0) die_errno("landlock", "port rule");
  }
  if (syscall(__NR_landlock_restrict_self, rs, 0) < 0) die_errno("landlock", "landlock_restrict_self");
  close(rs);
}

static void apply_seccomp(void) {
  for (int i = 0; i < P.nfilters; i++) {
    struct sock_fprog prog = {P.filters[i].len, P.filters[i].insns};
    if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) < 0) die_errno("seccomp", "SECCOMP_SET_MODE_FILTER");
  }
}

static int status_code(int st) {
  if (WIFEXITED(st)) return WEXITSTATUS(st);
  if (WIFSIGNALED(st)) return 128 + WTERMSIG(st);
  return EXIT_LAUNCHER;
}

static void forward(int sig) {
  if (forward_to > 0) kill(forward_to, sig);
}

static void install_forwarding(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = forward;
  sa.sa_flags = SA_RESTART;
  sigemptyset(&sa.sa_mask);
  int sigs[] = {SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2};
  for (size_t i = 0; i < sizeof sigs / sizeof *sigs; i++)
    if (sigaction(sigs[i], &sa, NULL) < 0) die_errno("signals", "sigaction");
}

/* Without /proc/<pid>/task/<tid>/children (CONFIG_PROC_CHILDREN): scan /proc for our children. */
static void kill_children_by_scan(pid_t self) {
  DIR *d = opendir("/proc");
  if (!d) return;
  struct dirent *e;
  while ((e = readdir(d))) {
    char path[64], buf[512];
    long pid = strtol(e->d_name, NULL, 10);
    if (pid <= 0) continue;
    snprintf(path, sizeof path, "/proc/%ld/stat", pid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) continue;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0) continue;
    buf[n] = 0;
    char *rp = strrchr(buf, ')'); /* the command name may contain spaces and parentheses */
    long ppid;
    char state;
    if (rp && sscanf(rp + 1, " %c %ld", &state, &ppid) == 2 && ppid == self) kill((pid_t)pid, SIGKILL);
  }
  closedir(d);
}

/* Kills every descendant: reparented orphans come to us (subreaper) and are killed in turn. */
static void kill_descendants(void) {
  pid_t self = getpid();
  for (int round = 0; round < 100000; round++) {
    char path[64], buf[4096];
    snprintf(path, sizeof path, "/proc/self/task/%d/children", (int)self);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    ssize_t n = fd >= 0 ? read(fd, buf, sizeof buf - 1) : -1;
    if (fd >= 0) close(fd);
    if (fd < 0) {
      kill_children_by_scan(self);
    } else if (n > 0) {
      buf[n] = 0;
      for (char *s = buf, *end; *s; s = end) {
        long pid = strtol(s, &end, 10);
        if (end == s) break;
        if (pid > 0) kill((pid_t)pid, SIGKILL);
      }
    }
    int st;
    if (waitpid(-1, &st, 0) < 0 && errno == ECHILD) return;
  }
}

/* The command's own steps, in the forked child: session, limits, privileges, confinement, exec. */
static void exec_command(char **argv) __attribute__((noreturn));
static void exec_command(char **argv) {
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, NULL);
  int sigs[] = {SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGPIPE};
  for (size_t i = 0; i < sizeof sigs / sizeof *sigs; i++) signal(sigs[i], SIG_DFL);
  if ((P.options & O_NEW_SESSION) && setsid() < 0) die_errno("setsid", NULL);
  for (int i = 0; i < P.nlimits; i++)
    if (setrlimit(P.limits[i].resource, &P.limits[i].value) < 0) die_errno("rlimit", NULL);
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) die_errno("no_new_privs", NULL);
  drop_capabilities();
  if (P.chdir_to && chdir(P.chdir_to) < 0) die_errno("chdir", P.chdir_to);
  if (P.have_landlock) apply_landlock();
  apply_seccomp();
  execvp(argv[0], argv);
  int e = errno;
  dprintf(2, "sandbox4j-launcher: exec: %s: %s\n", argv[0], strerror(e));
  _exit(e == ENOENT || e == ENOTDIR ? 127 : 126);
}

/* pid 1 of the new pid namespace: mounts, then runs the command and reaps until it ends; when we
   exit, the kernel kills everything left in the namespace. */
static void init_main(char **argv, int syncfd) __attribute__((noreturn));
static void init_main(char **argv, int syncfd) {
  if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0) die_errno("pdeathsig", NULL);
  char go;
  /* The supervisor writes one byte once it has placed us (cgroup); EOF means it died. */
  if (read(syncfd, &go, 1) != 1) _exit(EXIT_LAUNCHER);
  close(syncfd);
  if (P.ns & CLONE_NEWNS) {
    if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0) die_errno("mount", "make / private");
    for (int i = 0; i < P.noverlays; i++) do_overlay(&P.overlays[i]);
    for (int i = 0; i < P.nmounts; i++) do_mount(&P.mounts[i]);
  }
  if (P.options & O_LOOPBACK_UP) loopback_up();
  if (P.hostname && sethostname(P.hostname, strlen(P.hostname)) < 0) die_errno("hostname", NULL);
  prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
  pid_t cmd = fork();
  if (cmd < 0) die_errno("fork", NULL);
  if (cmd == 0) exec_command(argv);
  forward_to = cmd;
  install_forwarding();
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, NULL);
  for (;;) {
    int st;
    pid_t p = waitpid(-1, &st, 0);
    if (p == cmd) _exit(status_code(st));
    if (p < 0 && errno == ECHILD) _exit(EXIT_LAUNCHER);
  }
}

static void open_cgroup_parents(void) {
  for (int i = 0; i < P.ncgroups; i++) {
    P.cgroups[i].pfd = open(P.cgroups[i].parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (P.cgroups[i].pfd < 0) die_errno("cgroup", P.cgroups[i].parent);
  }
}

static void write_at(int dfd, const char *dir, const char *file, const char *data) {
  char path[PATH_MAX];
  snprintf(path, sizeof path, "%s/%s", dir, file);
  int fd = openat(dfd, file, O_WRONLY | O_CLOEXEC);
  if (fd < 0) die_errno("cgroup", path);
  size_t n = strlen(data);
  if (write(fd, data, n) != (ssize_t)n) die_errno("cgroup", path);
  if (close(fd) < 0) die_errno("cgroup", path);
}

/* One cgroup per parent, its limits written in plan order, then the child placed in it (it waits
   for the sync byte, so nothing of the command runs before). */
static void setup_cgroups(pid_t child) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  cg_owner = getpid();
  cg_child = child;
  char pid[32];
  snprintf(pid, sizeof pid, "%d", (int)child);
  for (int i = 0; i < P.ncgroups; i++) {
    struct cgroup *g = &P.cgroups[i];
    char dir[PATH_MAX];
    /* pid plus time: a cgroup left by a supervisor killed with SIGKILL cannot collide with ours */
    snprintf(g->name, sizeof g->name, "sandbox4j-%d-%lld%09ld", (int)getpid(), (long long)ts.tv_sec, ts.tv_nsec);
    snprintf(dir, sizeof dir, "%s/%s", g->parent, g->name);
    if (mkdirat(g->pfd, g->name, 0700) < 0) die_errno("cgroup", dir);
    g->created = 1;
    int dfd = openat(g->pfd, g->name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0) die_errno("cgroup", dir);
    for (int f = 0; f < g->nfiles; f++) write_at(dfd, dir, g->file[f], g->value[f]);
    write_at(dfd, dir, "cgroup.procs", pid);
    close(dfd);
  }
}

/* Removes the run's cgroups through the parents' descriptors. One that cannot be removed is a
   warning, not a failed run: the limits held for the whole run, and the command's exit status is
   worth more than an empty directory (which the next cleanup can remove by its name). */
static void remove_cgroups(void) {
  for (int i = 0; i < P.ncgroups; i++) {
    struct cgroup *g = &P.cgroups[i];
    if (!g->created) continue;
    g->created = 0;
    int r;
    /* Emptied cgroups may stay busy for a moment while the last tasks are released. */
    for (int t = 0; (r = unlinkat(g->pfd, g->name, AT_REMOVEDIR)) < 0 && errno == EBUSY && t < 200; t++) usleep(5000);
    if (r < 0 && errno != ENOENT)
      dprintf(2, "sandbox4j-launcher: warning: cgroup: cannot remove %s/%s: %s\n", g->parent, g->name, strerror(errno));
  }
}

/* Writes the run's peak memory to the T_USAGE file, once every process of the run has been
   waited for: the largest peak RSS of a single descendant (getrusage RUSAGE_CHILDREN counts the
   children and the descendants they or we, the subreaper, waited for), and the memory cgroup's
   peak for the whole tree when the run has one (v2 memory.peak, v1 memory.max_usage_in_bytes). */
static void report_usage(void) {
  if (!P.have_usage) return;
  struct rusage ru;
  if (getrusage(RUSAGE_CHILDREN, &ru) == 0) dprintf(P.usage_fd, "maxrss_kib=%ld\n", ru.ru_maxrss);
  static const char *const peaks[] = {"memory.peak", "memory.max_usage_in_bytes"};
  for (int i = 0; i < P.ncgroups; i++) {
    struct cgroup *g = &P.cgroups[i];
    if (!g->created) continue;
    for (int k = 0; k < 2; k++) {
      char file[160], value[32];
      snprintf(file, sizeof file, "%s/%s", g->name, peaks[k]);
      int fd = openat(g->pfd, file, O_RDONLY | O_CLOEXEC);
      if (fd < 0) continue;
      ssize_t n = read(fd, value, sizeof value - 1);
      close(fd);
      if (n <= 0) continue;
      value[n] = 0;
      value[strcspn(value, "\n")] = 0;
      if (strspn(value, "0123456789") == strlen(value) && *value)
        dprintf(P.usage_fd, "cgroup_%s=%s\n", peaks[k], value);
    }
  }
  close(P.usage_fd);
  P.have_usage = 0;
}

/* Waits for the child, reaping orphans meanwhile. SIGCHLD stays blocked and is waited for with a
   timeout, so the supervisor also notices within PARENT_POLL_NS that its starter died (SIGKILLed
   JVM: its timeout and killTree() are gone with it); it then kills the child, which ends the
   sandbox (a pid namespace's init dies with its pid 1; otherwise run() kills every descendant). A
   fast command costs no extra wake-up: its SIGCHLD ends the wait. */
static int wait_for_child(pid_t child) {
  sigset_t chld;
  sigemptyset(&chld);
  sigaddset(&chld, SIGCHLD);
  sigprocmask(SIG_BLOCK, &chld, NULL);
  const struct timespec tick = {0, PARENT_POLL_NS};
  int st;
  for (;;) {
    pid_t p = waitpid(-1, &st, WNOHANG);
    if (p == child) return status_code(st);
    if (p > 0) continue;
    if (p < 0 && errno != EINTR) return EXIT_LAUNCHER;
    if (getppid() != starter) kill(child, SIGKILL);
    sigtimedwait(&chld, NULL, &tick);
  }
}

/* ---------- network relays (issue 12) ----------
 * The supervisor runs in the sandbox's network namespace and outside Landlock and seccomp. For
 * each relay it listens on 127.0.0.1:PORT there and carries every accepted connection to the
 * host's unix socket (the filtering proxy): no host port is opened. The socket's directory is
 * opened before the mount namespace exists, and connect() goes through it (fchdir + a relative
 * name), so the sandbox's mounts (masks, tmpfs) never hide the socket. Bounded: RELAY_CONNS
 * connections at once for the command's relays and RELAY_CONNS for the published ports (more wait
 * in the listen backlog), two RELAY_BUF buffers each. Two pools, so that clients on the host
 * holding a published port's connections cannot starve the command's way to the proxy, nor the
 * command the published port. */
#define RELAY_CONNS 64
#define RELAY_BUF 65536
struct half {
  char buf[RELAY_BUF];
  size_t n, off;
  int eof, shut;
};
struct rconn {
  int a, b; /* a: the client inside; b: the unix socket */
  int handshake; /* waiting for the proxy's answer to our CONNECT */
  int publish;   /* counted in the published ports' pool */
  struct half ab, ba;
};
#define RCONNS (2 * RELAY_CONNS)
static struct rconn *rconns[RCONNS];

/* Open connections in one pool: the published ports' (1) or the command's relays' (0). */
static int rconns_open(int publish) {
  int n = 0;
  for (int i = 0; i < RCONNS; i++) n += rconns[i] && rconns[i]->publish == publish;
  return n;
}

/* Before any namespace exists: the relays' socket directories are opened, and the published
   ports' listeners are bound in the host's network namespace (a socket stays in the namespace it
   was created in when its process moves on), on its 127.0.0.1 only. */
static void relay_open_dirs(void) {
  for (int i = 0; i < P.nrelays; i++) {
    struct relay *r = &P.relays[i];
    if (r->publish) {
      r->lfd[0] = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
      if (r->lfd[0] < 0) die_errno("publish", "socket");
      struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(r->port), .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
      if (bind(r->lfd[0], (struct sockaddr *)&sa, sizeof sa) < 0 || listen(r->lfd[0], 128) < 0) {
        if (errno == EADDRINUSE) die("publish", "port %u is already in use on the host (127.0.0.1:%u); publish another port or stop what listens there", r->port, r->port);
        char what[64];
        snprintf(what, sizeof what, "cannot listen on the host's 127.0.0.1:%u", r->port);
        die_errno("publish", what);
      }
      continue;
    }
    r->dirfd = open(r->dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (r->dirfd < 0) die_errno("network relay", r->dir);
  }
}

/* Inside the namespace: 127.0.0.1:PORT, and [::1]:PORT too where the namespace has IPv6 (a client
   trying ::1 first must find the relay there rather than a refusal). */
static void relay_listen(void) {
  loopback_up();
  for (int i = 0; i < P.nrelays; i++) {
    struct relay *r = &P.relays[i];
    if (r->publish) continue;
    for (int v6 = 0; v6 < 2; v6++) {
      int fd = socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
      if (fd < 0 && v6 && errno == EAFNOSUPPORT) break; /* a kernel without IPv6 */
      if (fd < 0) die_errno("network relay", "socket");
      int one = 1;
      setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
      struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(r->port), .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
      struct sockaddr_in6 sa6 = {.sin6_family = AF_INET6, .sin6_port = htons(r->port), .sin6_addr = IN6ADDR_LOOPBACK_INIT};
      if (v6) setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
      int b = v6 ? bind(fd, (struct sockaddr *)&sa6, sizeof sa6) : bind(fd, (struct sockaddr *)&sa, sizeof sa);
      if (b < 0 && v6 && errno == EADDRNOTAVAIL) { /* IPv6 disabled in the namespace: no ::1 */
        close(fd);
        break;
      }
      if (b < 0 || listen(fd, 128) < 0) {
        char what[32];
        snprintf(what, sizeof what, v6 ? "[::1]:%u" : "127.0.0.1:%u", r->port);
        die_errno("network relay", what);
      }
      r->lfd[v6] = fd;
    }
  }
}

/* In the child: nothing of the relay may reach the command. */
static void relay_close_fds(void) {
  for (int i = 0; i < P.nrelays; i++) {
    if (P.relays[i].dirfd >= 0) close(P.relays[i].dirfd);
    for (int k = 0; k < 2; k++)
      if (P.relays[i].lfd[k] >= 0) close(P.relays[i].lfd[k]);
  }
}

static void rconn_close(int i) {
  close(rconns[i]->a);
  close(rconns[i]->b);
  free(rconns[i]);
  rconns[i] = NULL;
}

static int unix_connect(const struct relay *r) {
  int b = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (b < 0) return -1;
  struct sockaddr_un sa = {.sun_family = AF_UNIX};
  strcpy(sa.sun_path, r->base);
  if (fchdir(r->dirfd) < 0 || connect(b, (struct sockaddr *)&sa, sizeof sa) < 0 ||
      fcntl(b, F_SETFL, O_NONBLOCK) < 0) {
    close(b);
    return -1;
  }
  return b;
}

/* A published port: 127.0.0.1:PORT in the sandbox's namespace, where the supervisor now lives. The
   connect completes (or is refused) while the pump waits on the socket, as for any other. */
static int inside_connect(const struct relay *r) {
  int b = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (b < 0) return -1;
  struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(r->port), .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  if (connect(b, (struct sockaddr *)&sa, sizeof sa) < 0 && errno != EINPROGRESS) {
    close(b);
    return -1;
  }
  return b;
}

static void relay_accept(const struct relay *r, int lfd) {
  for (;;) {
    int slot = -1;
    for (int i = 0; i < RCONNS && slot < 0; i++)
      if (!rconns[i]) slot = i;
    if (slot < 0 || rconns_open(r->publish != 0) >= RELAY_CONNS) return; /* full: the rest waits in the backlog */
    int a = accept4(lfd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
    if (a < 0) return;
    int b = r->publish ? inside_connect(r) : unix_connect(r);
    struct rconn *c = b < 0 ? NULL : calloc(1, sizeof *c);
    if (!c) {
      if (b >= 0) close(b);
      close(a); /* the client sees the connection closed: the proxy is gone */
      continue;
    }
    c->a = a, c->b = b, c->publish = r->publish != 0;
    if (r->target) {
      int n = snprintf(c->ab.buf, RELAY_BUF, "CONNECT %s HTTP/1.1\r\nHost: %s\r\n\r\n", r->target, r->target);
      c->ab.n = (size_t)n;
      c->handshake = 1;
    }
    rconns[slot] = c;
  }
}

/* Moves bytes one way; returns -1 when the connection is broken. */
static int pump(int from, int to, struct half *h, int hs) {
  if (!h->eof && (h->n == 0 || (hs && h->n < RELAY_BUF))) {
    ssize_t r = read(from, h->buf + h->n, RELAY_BUF - h->n);
    if (r > 0) h->n += (size_t)r;
    else if (r == 0) h->eof = 1;
    else if (errno != EAGAIN && errno != EINTR) return -1;
  }
  if (hs) return 0;
  if (h->n > h->off) {
    ssize_t w = send(to, h->buf + h->off, h->n - h->off, MSG_NOSIGNAL);
    if (w > 0) h->off += (size_t)w;
    else if (errno != EAGAIN && errno != EINTR) return -1;
    if (h->off == h->n) h->n = h->off = 0;
  }
  if (h->eof && h->n == 0 && !h->shut) {
    shutdown(to, SHUT_WR);
    h->shut = 1;
  }
  return 0;
}

/* The proxy's answer to CONNECT: a 200 status line and headers, then the tunnel. */
static int handshake(struct rconn *c) {
  struct half *h = &c->ba;
  char *end = memmem(h->buf, h->n, "\r\n\r\n", 4);
  if (!end) return h->eof || h->n == RELAY_BUF ? -1 : 0;
  if (h->n < 12 || (memcmp(h->buf, "HTTP/1.1 200", 12) != 0 && memcmp(h->buf, "HTTP/1.0 200", 12) != 0)) return -1;
  size_t head = (size_t)(end + 4 - h->buf);
  memmove(h->buf, h->buf + head, h->n - head);
  h->n -= head;
  c->handshake = 0;
  return 0;
}

static void service(int i) {
  struct rconn *c = rconns[i];
  if (pump(c->a, c->b, &c->ab, 0) < 0 || pump(c->b, c->a, &c->ba, c->handshake) < 0 ||
      (c->handshake && handshake(c) < 0)) {
    rconn_close(i);
    return;
  }
  if (!c->handshake && pump(c->b, c->a, &c->ba, 0) < 0) {
    rconn_close(i);
    return;
  }
  if (c->ab.shut && c->ba.shut) rconn_close(i);
}

static long long now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* wait_for_child with the relays served meanwhile: SIGCHLD arrives on a signalfd. When the child
   has ended, the listeners close and open connections get RELAY_DRAIN_MS to deliver what the
   command wrote before it exited (as the kernel would for a direct connection). */
#define RELAY_DRAIN_MS 2000
static int relay_and_wait(pid_t child) {
  sigset_t chld;
  sigemptyset(&chld);
  sigaddset(&chld, SIGCHLD);
  sigprocmask(SIG_BLOCK, &chld, NULL);
  int sfd = signalfd(-1, &chld, SFD_CLOEXEC | SFD_NONBLOCK);
  if (sfd < 0) {
    kill(child, SIGKILL);
    die_errno("network relay", "signalfd");
  }
  struct pollfd fds[1 + 2 * MAX_RELAYS + 2 * RCONNS];
  int code = EXIT_LAUNCHER, ended = 0;
  long long deadline = 0;
  for (;;) {
    int st;
    pid_t p;
    while (!ended && (p = waitpid(child, &st, WNOHANG)) != 0) {
      if (p < 0 && errno == EINTR) continue;
      code = p == child ? status_code(st) : EXIT_LAUNCHER;
      ended = 1;
      deadline = now_ms() + RELAY_DRAIN_MS;
      for (int i = 0; i < P.nrelays; i++)
        for (int k = 0; k < 2; k++) {
          if (P.relays[i].lfd[k] >= 0) close(P.relays[i].lfd[k]);
          P.relays[i].lfd[k] = -1;
        }
    }
    /* orphans of a command without a pid namespace reparent to us (subreaper) */
    while (waitpid(-1, &st, WNOHANG) > 0) {
    }
    int open_conns = 0;
    for (int i = 0; i < RCONNS; i++) open_conns += rconns[i] != NULL;
    if (ended && (open_conns == 0 || now_ms() >= deadline)) break;
    if (!ended && getppid() != starter) kill(child, SIGKILL);
    int n = 0;
    fds[n++] = (struct pollfd){sfd, POLLIN, 0};
    int room[2] = {rconns_open(0) < RELAY_CONNS, rconns_open(1) < RELAY_CONNS};
    for (int i = 0; i < P.nrelays; i++)
      for (int k = 0; k < 2; k++)
        fds[n++] = (struct pollfd){room[P.relays[i].publish != 0] && P.relays[i].lfd[k] >= 0 ? P.relays[i].lfd[k] : -1, POLLIN, 0};
    for (int i = 0; i < RCONNS; i++) {
      struct rconn *c = rconns[i];
      if (!c) continue;
      short ea = (short)((!c->ab.eof && c->ab.n == 0 ? POLLIN : 0) | (!c->handshake && c->ba.n > c->ba.off ? POLLOUT : 0));
      short eb = (short)((!c->ba.eof && (c->ba.n == 0 || c->handshake) ? POLLIN : 0) | (c->ab.n > c->ab.off ? POLLOUT : 0));
      fds[n++] = (struct pollfd){ea ? c->a : -1, ea, 0};
      fds[n++] = (struct pollfd){eb ? c->b : -1, eb, 0};
    }
    long long wait = PARENT_POLL_NS / 1000000L;
    if (ended && deadline - now_ms() < wait) wait = deadline - now_ms();
    if (poll(fds, (nfds_t)n, (int)(wait < 0 ? 0 : wait)) < 0 && errno != EINTR) break;
    struct signalfd_siginfo si;
    while (read(sfd, &si, sizeof si) > 0) {
    }
    for (int i = 0; i < P.nrelays; i++)
      for (int k = 0; k < 2; k++)
        if (fds[1 + 2 * i + k].revents && P.relays[i].lfd[k] >= 0) relay_accept(&P.relays[i], P.relays[i].lfd[k]);
    for (int i = 0; i < RCONNS; i++)
      if (rconns[i]) service(i);
  }
  if (!ended) kill(child, SIGKILL);
  for (int i = 0; i < RCONNS; i++)
    if (rconns[i]) rconn_close(i);
  relay_close_fds();
  close(sfd);
  return code;
}

/* The command can change the modes of a terminal it inherits as stdin/stdout/stderr (setsid does
   not take the descriptors away): the supervisor saves them first and restores them at the end. */
static struct termios tty_modes[3];
static int tty_saved[3];

static void restore_terminal(void) {
  sigset_t ttou, old;
  sigemptyset(&ttou);
  sigaddset(&ttou, SIGTTOU); /* blocked: a background run restores without being stopped */
  sigprocmask(SIG_BLOCK, &ttou, &old);
  for (int fd = 0; fd < 3; fd++)
    if (tty_saved[fd]) tcsetattr(fd, TCSANOW, &tty_modes[fd]);
  sigprocmask(SIG_SETMASK, &old, NULL);
}

static int run(char **argv) {
  close_from(3);
  relay_open_dirs();
  open_cgroup_parents();
  if (P.usage_path) {
    /* opened before any namespace: the file is the starter's, outside every sandbox view */
    P.usage_fd = open(P.usage_path, O_WRONLY | O_TRUNC | O_NOFOLLOW | O_CLOEXEC);
    if (P.usage_fd < 0) die_errno("usage report", P.usage_path);
    P.have_usage = 1;
  }
  for (int fd = 0; fd < 3; fd++) tty_saved[fd] = tcgetattr(fd, &tty_modes[fd]) == 0;
  if (P.ns & CLONE_NEWUSER) {
    uid_t uid = geteuid();
    gid_t gid = getegid();
    char map[64];
    if (unshare(CLONE_NEWUSER) < 0) die_errno("unshare", "user namespace");
    write_file("uid map", "/proc/self/setgroups", "deny");
    snprintf(map, sizeof map, "%u %u 1", uid, uid);
    write_file("uid map", "/proc/self/uid_map", map);
    snprintf(map, sizeof map, "%u %u 1", gid, gid);
    write_file("uid map", "/proc/self/gid_map", map);
    /* The limit is per user namespace and only its root (we, before the capabilities are dropped)
     * may raise it again: the command can create no nested user namespace, whose root would hold
     * every capability over what the nested namespaces it could then create contain. */
    write_file("user namespace limit", "/proc/sys/user/max_user_namespaces", "0");
  }
  if ((P.ns & ~(uint32_t)CLONE_NEWUSER) && unshare((int)(P.ns & ~(uint32_t)CLONE_NEWUSER)) < 0)
    die_errno("unshare", "namespaces");
  if (P.nrelays) relay_listen();

  sigset_t all, old;
  sigfillset(&all);
  sigprocmask(SIG_BLOCK, &all, &old);
  int sync[2];
  if (pipe2(sync, O_CLOEXEC) < 0) die_errno("fork", "pipe");
  int in_pidns = (P.ns & CLONE_NEWPID) != 0;
  if (!in_pidns && prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0) die_errno("subreaper", NULL);
  pid_t child = fork();
  if (child < 0) die_errno("fork", NULL);
  if (child == 0) {
    close(sync[1]);
    relay_close_fds();
    /* the host's cgroup directories stay with the supervisor (init outlives exec's CLOEXEC) */
    for (int i = 0; i < P.ncgroups; i++) close(P.cgroups[i].pfd);
    if (P.have_usage) close(P.usage_fd);
    if (in_pidns || P.nmounts || P.noverlays || (P.options & O_LOOPBACK_UP) || P.hostname) init_main(argv, sync[0]);
    if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0) die_errno("pdeathsig", NULL);
    char go;
    if (read(sync[0], &go, 1) != 1) _exit(EXIT_LAUNCHER);
    close(sync[0]);
    exec_command(argv);
  }
  close(sync[0]);
  setup_cgroups(child);
  if (write(sync[1], "g", 1) != 1) die_errno("fork", "sync");
  close(sync[1]);
  forward_to = child;
  install_forwarding();
  sigprocmask(SIG_SETMASK, &old, NULL);
  int code = P.nrelays ? relay_and_wait(child) : wait_for_child(child);
  forward_to = -1;
  if (!in_pidns) kill_descendants();
  restore_terminal(); /* after the last process that could change them again is gone */
  cg_child = -1;
  report_usage();
  remove_cgroups();
  return code;
}

/* ---------- probe mode ---------- */

static void probe(void) {
  long abi = syscall(__NR_landlock_create_ruleset, NULL, 0, LL_CREATE_RULESET_VERSION);
  printf("landlock_abi=%ld\n", abi < 0 ? 0 : abi);
  if (abi < 0) printf("landlock_error=%s\n", strerror(errno));
  uint32_t action = SECCOMP_RET_ERRNO;
  printf("seccomp_filter=%d\n", syscall(SYS_seccomp, SECCOMP_GET_ACTION_AVAIL, 0, &action) == 0);
  printf("euid=%u\n", geteuid());
  fflush(stdout);
  int p[2];
  if (pipe(p) < 0) return;
  pid_t c = fork();
  if (c == 0) {
    close(p[0]);
    const char *step = "user";
    int ok = unshare(CLONE_NEWUSER) == 0;
    if (ok) {
      step = "pid,mount,net,ipc,uts";
      ok = unshare(CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS) == 0;
    }
    char msg[256];
    if (ok)
      snprintf(msg, sizeof msg, "userns=ok\n");
    else
      snprintf(msg, sizeof msg, "userns=error\nuserns_step=%s\nuserns_errno=%s\n", step, strerror(errno));
    if (write(p[1], msg, strlen(msg)) < 0) _exit(1);
    _exit(0);
  }
  close(p[1]);
  char buf[512];
  ssize_t n;
  while ((n = read(p[0], buf, sizeof buf)) > 0) fwrite(buf, 1, (size_t)n, stdout);
  waitpid(c, NULL, 0);
}

#define PLAN_ENV "SANDBOX4J_PLAN_"
#define MAX_CHUNKS 64

/* Joins SANDBOX4J_PLAN_0.. (every index from 0, none twice), wipes their bytes (what
   /proc/PID/environ shows) and removes them from environ. */
static char *take_plan(void) {
  extern char **environ;
  char *chunk[MAX_CHUNKS] = {0};
  int n = 0;
  size_t total = 0, kept = 0;
  for (size_t i = 0; environ[i]; i++) {
    char *e = environ[i], *end;
    if (strncmp(e, PLAN_ENV, strlen(PLAN_ENV)) != 0) {
      environ[kept++] = e;
      continue;
    }
    long k = strtol(e + strlen(PLAN_ENV), &end, 10);
    if (end == e + strlen(PLAN_ENV) || *end != '=' || k < 0 || k >= MAX_CHUNKS || chunk[k])
      die("plan", "bad or repeated plan variable %.24s", e);
    chunk[k] = end + 1;
    if (k >= n) n = (int)k + 1;
  }
  environ[kept] = NULL;
  if (n == 0) die("plan", "no plan given (" PLAN_ENV "0 is not set)");
  for (int k = 0; k < n; k++) {
    if (!chunk[k]) die("plan", "plan variable " PLAN_ENV "%d is missing", k);
    size_t len = strlen(chunk[k]);
    if (len == 0 || len % 4 != 0) die("plan", "base64 length %zu of chunk %d is not a positive multiple of 4", len, k + 1);
    total += len;
    if (total / 4 * 3 > MAX_PLAN) die("plan", "plan of more than %zu base64 characters exceeds %d bytes", total, MAX_PLAN);
  }
  char *s = malloc(total + 1);
  if (!s) die_errno("plan", "malloc");
  size_t o = 0;
  for (int k = 0; k < n; k++) {
    size_t len = strlen(chunk[k]);
    memcpy(s + o, chunk[k], len);
    memset(chunk[k], 0, len);
    o += len;
  }
  s[o] = 0;
  return s;
}

int main(int argc, char **argv) {
  starter = getppid();
  if (argc == 2 && strcmp(argv[1], "--probe") == 0) {
    probe();
    return 0;
  }
  static unsigned char buf[MAX_PLAN];
  if (argc == 2 && strcmp(argv[1], "--check-plan") == 0) {
    /* Decodes only: lets tests fuzz the decoder without applying anything. */
    decode(buf, b64decode(take_plan(), buf, sizeof buf));
    return 0;
  }
  if (argc < 3 || strcmp(argv[1], "--") != 0)
    die("usage", PLAN_ENV "0=<base64>... sandbox4j-launcher -- command [args...] | --probe");
  char *b64 = take_plan();
  size_t n = b64decode(b64, buf, sizeof buf);
  free(b64);
  decode(buf, n);
  return run(argv + 2);
}

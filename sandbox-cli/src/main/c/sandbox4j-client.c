/*
 * sandbox4j-client: what `./sandbox run ...` execs when it was built. It hands the request to the
 * user's warm sandbox4j engine and itself forks and execs the processes the engine asks for, so the
 * sandboxed command inherits this process's standard streams, terminal, process group and session
 * unchanged. The protocol (version 1) is docs/engine-protocol.md.
 *
 *   sandbox4j-client SCRIPT_REAL_PATH run ARGS...
 *
 * When no engine can be used it execs SCRIPT_REAL_PATH run ARGS... with SANDBOX4J_ENGINE=off (the
 * in-JVM path), after starting an engine in the background when none was listening. Everything the
 * engine sends is length-checked before use: a bad frame is a protocol error, never a crash.
 * SANDBOX4J_ENGINE_DEBUG=1 prints why the engine was not used.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_FRAME 16777216u
#define OUTPUT_CHUNK 65536
#define SIGNAL_GRACE_MS 5000
/* How long the client waits for the engine's first frame before it falls back (nothing has run
 * yet): a hung engine must not hang `run`. SANDBOX4J_ENGINE_WAIT_MS overrides it. */
#define FIRST_FRAME_MS 10000
#define INPUT_HIGH_WATER (1u << 20)

enum {
  T_REQUEST = 0x01,
  T_STARTED = 0x10,
  T_SPAWN_FAILED = 0x11,
  T_OUTPUT = 0x12,
  T_OUTPUT_EOF = 0x13,
  T_EXITED = 0x14,
  T_SIGNAL = 0x15,
  T_SPAWN = 0x20,
  T_INPUT = 0x21,
  T_INPUT_EOF = 0x22,
  T_KILL = 0x23,
  T_WRITE = 0x24,
  T_EXIT = 0x25,
  T_FALLBACK = 0x26,
};

extern char **environ;

static const char *script; /* argv[1]: the real path of the sandbox script */
static char **run_args;    /* argv[2..]: "run" and the user's arguments */
static int run_argc;
static int debug;
static int stdio_was_closed[3];

static const int forwarded[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};
static struct sigaction saved_action[NSIG];
static int saved_valid[NSIG];
static sigset_t saved_mask;
static int sig_pipe[2] = {-1, -1};

static int sock = -1;
static int begun;       /* a SPAWN or WRITE arrived: never fall back from here on */
static int spawned_any; /* a SPAWN arrived on this connection */
static int got_frame;   /* any frame arrived from the engine */
static long long first_frame_ms = FIRST_FRAME_MS, first_frame_deadline;
static pid_t child = -1;
static int in_fd = -1, out_fd[3] = {-1, -1, -1};
static unsigned char *in_buf;
static size_t in_len, in_off, in_cap;
static int in_eof_pending;
static int signalled;
static long long signal_deadline;

/* ---- small helpers ---- */

static long long now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Writes all of buf; EINTR retried, EAGAIN (a non-blocking descriptor) waited out with poll. */
static int write_all(int fd, const void *buf, size_t n) {
  const unsigned char *p = buf;
  while (n > 0) {
    ssize_t w = write(fd, p, n);
    if (w > 0) {
      p += w;
      n -= (size_t)w;
    } else if (w < 0 && errno == EINTR) {
      continue;
    } else if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      struct pollfd pfd = {.fd = fd, .events = POLLOUT};
      if (poll(&pfd, 1, -1) < 0 && errno != EINTR) return -1;
    } else {
      return -1;
    }
  }
  return 0;
}

static void put_u32(unsigned char *p, uint32_t v) {
  p[0] = (unsigned char)(v >> 24);
  p[1] = (unsigned char)(v >> 16);
  p[2] = (unsigned char)(v >> 8);
  p[3] = (unsigned char)v;
}

static uint32_t get_u32(const unsigned char *p) {
  return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* A growing buffer for the REQUEST frame. */
struct buf {
  unsigned char *p;
  size_t len, cap;
  int failed;
};

static void buf_add(struct buf *b, const void *data, size_t n) {
  if (b->failed) return;
  if (b->len + n > b->cap) {
    size_t cap = b->cap ? b->cap : 4096;
    while (cap < b->len + n) cap *= 2;
    unsigned char *p = realloc(b->p, cap);
    if (!p) {
      b->failed = 1;
      return;
    }
    b->p = p;
    b->cap = cap;
  }
  memcpy(b->p + b->len, data, n);
  b->len += n;
}

static void buf_u32(struct buf *b, uint32_t v) {
  unsigned char q[4];
  put_u32(q, v);
  buf_add(b, q, 4);
}

static void buf_bytes(struct buf *b, const char *s) {
  size_t n = strlen(s);
  buf_u32(b, (uint32_t)n);
  buf_add(b, s, n);
}

/* A bounds-checked reader over one frame's payload. */
struct rd {
  const unsigned char *p;
  size_t n;
  int bad;
};

static unsigned rd_u8(struct rd *r) {
  if (r->bad || r->n < 1) return r->bad = 1, 0;
  unsigned v = r->p[0];
  r->p++, r->n--;
  return v;
}

static uint32_t rd_u32(struct rd *r) {
  if (r->bad || r->n < 4) return r->bad = 1, 0;
  uint32_t v = get_u32(r->p);
  r->p += 4, r->n -= 4;
  return v;
}

static const unsigned char *rd_bytes(struct rd *r, uint32_t *len) {
  uint32_t n = rd_u32(r);
  if (r->bad || r->n < n) return r->bad = 1, *len = 0, (const unsigned char *)"";
  const unsigned char *p = r->p;
  r->p += n, r->n -= n;
  *len = n;
  return p;
}

/* A list as a NULL-terminated array of NUL-terminated copies; NULL when malformed. An entry holding
 * a NUL byte cannot be passed to execve: *has_nul says so. */
static char **rd_list(struct rd *r, int *has_nul) {
  uint32_t count = rd_u32(r);
  if (r->bad || count > r->n / 4) return r->bad = 1, NULL;
  char **v = calloc((size_t)count + 1, sizeof *v);
  if (!v) return r->bad = 1, NULL;
  for (uint32_t i = 0; i < count; i++) {
    uint32_t n;
    const unsigned char *p = rd_bytes(r, &n);
    if (r->bad || !(v[i] = malloc((size_t)n + 1))) return r->bad = 1, NULL;
    memcpy(v[i], p, n);
    v[i][n] = 0;
    if (memchr(p, 0, n)) *has_nul = 1;
  }
  return v;
}

static void free_list(char **v) {
  if (!v) return;
  for (char **p = v; *p; p++) free(*p);
  free(v);
}

/* ---- signals ---- */

static void on_signal(int sig) {
  int saved = errno;
  unsigned char b = (unsigned char)sig;
  if (write(sig_pipe[1], &b, 1) < 0) {
    /* the pipe is full: the signals already queued there wake the loop */
  }
  errno = saved;
}

static void save_action(int sig) {
  if (sigaction(sig, NULL, &saved_action[sig]) == 0) saved_valid[sig] = 1;
}

/* What a process this client starts gets: the dispositions and mask this client was started with. */
static void restore_signals(void) {
  for (int sig = 1; sig < NSIG; sig++)
    if (saved_valid[sig]) sigaction(sig, &saved_action[sig], NULL);
  sigprocmask(SIG_SETMASK, &saved_mask, NULL);
}

static void install_handlers(void) {
  if (pipe2(sig_pipe, O_CLOEXEC | O_NONBLOCK) < 0) return;
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sa.sa_flags = SA_RESTART;
  sigemptyset(&sa.sa_mask);
  for (size_t i = 0; i < sizeof forwarded / sizeof *forwarded; i++) {
    /* A signal the caller ignores (nohup, a background job) stays ignored. */
    if (saved_valid[forwarded[i]] && saved_action[forwarded[i]].sa_handler == SIG_IGN) continue;
    sigaction(forwarded[i], &sa, NULL);
  }
  sa.sa_flags = SA_RESTART | SA_NOCLDSTOP;
  sigaction(SIGCHLD, &sa, NULL);
}

/* Leaves descriptors 0-2 and marks every other one close-on-exec. */
static void cloexec_from_3(void) {
#ifdef SYS_close_range
  if (syscall(SYS_close_range, 3u, ~0u, 4u /* CLOSE_RANGE_CLOEXEC */) == 0) return;
#endif
  struct rlimit rl;
  long max = getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY ? (long)rl.rlim_cur
                                                                                 : 65536;
  if (max > 1048576) max = 1048576;
  for (int fd = 3; fd < max; fd++) fcntl(fd, F_SETFD, FD_CLOEXEC);
}

/* The environment without SANDBOX4J_ENGINE, with room for one more entry (extra, if not NULL). */
static char **environment_without_engine(const char *extra) {
  size_t n = 0;
  for (char **e = environ; *e; e++) n++;
  char **env = calloc(n + 2, sizeof *env);
  if (!env) return environ;
  size_t k = 0;
  for (char **e = environ; *e; e++)
    if (strncmp(*e, "SANDBOX4J_ENGINE=", 17) != 0) env[k++] = *e;
  if (extra) env[k++] = (char *)extra;
  env[k] = NULL;
  return env;
}

/* ---- fallback, auto-start, failures ---- */

static void kill_child(void) {
  if (child > 0) {
    kill(child, SIGKILL);
    while (waitpid(child, NULL, 0) < 0 && errno == EINTR) {
    }
    child = -1;
  }
}

/* Runs the in-JVM path: SCRIPT run ARGS... with SANDBOX4J_ENGINE=off. */
__attribute__((noreturn, format(printf, 1, 2))) static void fallback(const char *fmt, ...) {
  if (debug) {
    va_list ap;
    va_start(ap, fmt);
    char reason[1024];
    vsnprintf(reason, sizeof reason, fmt, ap);
    va_end(ap);
    dprintf(2, "sandbox: the sandbox4j engine is not used: %s\n", reason);
  }
  /* After a SIGINT/SIGTERM/... the user asked to stop, not to start the run again in a JVM. */
  if (signalled) exit(128 + signalled);
  if (sock >= 0) close(sock);
  char **argv = calloc((size_t)run_argc + 2, sizeof *argv);
  if (!argv) {
    dprintf(2, "sandbox: out of memory\n");
    exit(125);
  }
  argv[0] = (char *)script;
  for (int i = 0; i < run_argc; i++) argv[i + 1] = run_args[i];
  char **env = environment_without_engine("SANDBOX4J_ENGINE=off");
  restore_signals();
  for (int i = 0; i < 3; i++)
    if (stdio_was_closed[i]) close(i);
  execve(script, argv, env);
  int e = errno;
  dprintf(2, "sandbox: cannot run %s: %s\n", script, strerror(e));
  exit(125);
}

/* Starts `SCRIPT engine start --detach` fully detached, without waiting for it. */
static void autostart(void) {
  char *argv[] = {(char *)script, "engine", "start", "--detach", NULL};
  char **env = environment_without_engine(NULL);
  pid_t p = fork();
  if (p < 0) return;
  if (p == 0) {
    if (setsid() < 0) _exit(1);
    pid_t q = fork();
    if (q != 0) _exit(q < 0);
    int nul = open("/dev/null", O_RDWR);
    if (nul < 0) _exit(1);
    for (int fd = 0; fd < 3; fd++)
      if (dup2(nul, fd) < 0) _exit(1);
    cloexec_from_3();
    restore_signals();
    execve(script, argv, env);
    _exit(127);
  }
  while (waitpid(p, NULL, 0) < 0 && errno == EINTR) {
  }
  if (env != environ) free(env);
}

__attribute__((noreturn)) static void engine_ended(void) {
  if (!begun) fallback("the engine closed the connection before the run began");
  kill_child();
  dprintf(2, "sandbox: the sandbox4j engine ended before the run finished; the command was stopped\n");
  exit(125);
}

__attribute__((noreturn, format(printf, 1, 2))) static void protocol_error(const char *fmt, ...) {
  char what[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(what, sizeof what, fmt, ap);
  va_end(ap);
  if (!begun) fallback("engine protocol error: %s", what);
  kill_child();
  dprintf(2, "sandbox: engine protocol error: %s\n", what);
  exit(125);
}

/* ---- frames to the engine ---- */

static void send_frame(unsigned type, const unsigned char *payload, uint32_t len) {
  unsigned char h[5];
  h[0] = (unsigned char)type;
  put_u32(h + 1, len);
  if (write_all(sock, h, 5) < 0 || (len && write_all(sock, payload, len) < 0)) engine_ended();
}

static void send_i32(unsigned type, int32_t v) {
  unsigned char p[4];
  put_u32(p, (uint32_t)v);
  send_frame(type, p, 4);
}

static void send_u8(unsigned type, unsigned v) {
  unsigned char p = (unsigned char)v;
  send_frame(type, &p, 1);
}

static void send_output(int stream, const unsigned char *data, uint32_t n) {
  static unsigned char p[5 + OUTPUT_CHUNK];
  p[0] = (unsigned char)stream;
  put_u32(p + 1, n);
  memcpy(p + 5, data, n);
  send_frame(T_OUTPUT, p, 5 + n);
}

/* Reads what a piped child stream has; at end of file closes it and sends OUTPUT_EOF. Returns 1 when
 * data was read. */
static int relay_output(int stream) {
  static unsigned char data[OUTPUT_CHUNK];
  ssize_t n = read(out_fd[stream], data, sizeof data);
  if (n > 0) {
    send_output(stream, data, (uint32_t)n);
    return 1;
  }
  if (n < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK)) return 0;
  close(out_fd[stream]);
  out_fd[stream] = -1;
  send_u8(T_OUTPUT_EOF, (unsigned)stream);
  return 0;
}

static void close_input(void) {
  if (in_fd >= 0) close(in_fd);
  in_fd = -1;
  in_len = in_off = 0;
  in_eof_pending = 0;
}

static void flush_input(void) {
  while (in_fd >= 0 && in_off < in_len) {
    ssize_t w = write(in_fd, in_buf + in_off, in_len - in_off);
    if (w > 0) {
      in_off += (size_t)w;
    } else if (w < 0 && errno == EINTR) {
      continue;
    } else if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      return;
    } else {
      close_input(); /* the child closed its standard input (EPIPE): what is left is dropped */
      return;
    }
  }
  in_len = in_off = 0;
  if (in_fd >= 0 && in_eof_pending) close_input();
}

static void reap(void) {
  if (child <= 0) return;
  int status;
  pid_t r;
  while ((r = waitpid(child, &status, WNOHANG)) < 0 && errno == EINTR) {
  }
  if (r != child) return;
  child = -1;
  /* What the child wrote before it ended is in the pipes now: it goes out before EXITED. */
  for (int s = 1; s <= 2; s++)
    for (int k = 0; k < 64 && out_fd[s] >= 0 && relay_output(s); k++) {
    }
  int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  send_i32(T_EXITED, code);
}

/* ---- SPAWN ---- */

static void spawn_failed(int err, const char *program) {
  char msg[PATH_MAX + 128];
  snprintf(msg, sizeof msg, "cannot run %s: %s", program, strerror(err));
  struct buf b = {0};
  buf_u32(&b, (uint32_t)err);
  buf_bytes(&b, msg);
  if (b.failed) protocol_error("out of memory");
  send_frame(T_SPAWN_FAILED, b.p, (uint32_t)b.len);
  free(b.p);
}

/* The end of stream i's pipe that the child uses, and the one this client keeps. */
#define CHILD_END(pipes, i) ((i) == 0 ? (pipes)[0][0] : (pipes)[i][1])
#define CLIENT_END(pipes, i) ((i) == 0 ? (pipes)[0][1] : (pipes)[i][0])

__attribute__((noreturn)) static void exec_child(char **argv, char **env, const unsigned mode[3],
                                                 int pipes[3][2], int err_fd) {
  restore_signals();
  int nul = -1;
  for (int i = 0; i < 3; i++) {
    int fd;
    if (mode[i] == 1) {
      fd = CHILD_END(pipes, i);
    } else if (mode[i] == 2) {
      if (nul < 0) nul = open("/dev/null", O_RDWR | O_CLOEXEC);
      fd = nul;
    } else {
      if (stdio_was_closed[i]) close(i);
      continue;
    }
    if (fd < 0 || dup2(fd, i) < 0) goto fail;
  }
  cloexec_from_3();
  execve(argv[0], argv, env);
fail:;
  int e = errno;
  if (write(err_fd, &e, sizeof e) < 0) {
    /* the client then sees end of file without an errno: it reports EIO */
  }
  _exit(127);
}

/* fork + execve; whether exec succeeded comes back through a close-on-exec pipe. */
static void spawn(char **argv, char **env, const unsigned mode[3]) {
  if (argv[0][0] != '/') {
    spawn_failed(EINVAL, argv[0]);
    return;
  }
  int ep[2] = {-1, -1}, pipes[3][2] = {{-1, -1}, {-1, -1}, {-1, -1}}, err = 0;
  if (pipe2(ep, O_CLOEXEC) < 0) err = errno;
  for (int i = 0; i < 3; i++)
    if (!err && mode[i] == 1 && pipe2(pipes[i], O_CLOEXEC) < 0) err = errno;
  /* No handler of ours may run in the child before it restores the caller's dispositions. */
  sigset_t all, old;
  sigfillset(&all);
  sigprocmask(SIG_BLOCK, &all, &old);
  pid_t pid = -1;
  if (!err && (pid = fork()) < 0) err = errno;
  if (pid == 0) exec_child(argv, env, mode, pipes, ep[1]);
  sigprocmask(SIG_SETMASK, &old, NULL);
  if (ep[1] >= 0) close(ep[1]);
  for (int i = 0; i < 3; i++)
    if (pipes[i][0] >= 0) close(CHILD_END(pipes, i));
  if (!err) {
    int e;
    ssize_t n;
    while ((n = read(ep[0], &e, sizeof e)) < 0 && errno == EINTR) {
    }
    if (n != 0) {
      err = n == (ssize_t)sizeof e ? e : EIO;
      while (waitpid(pid, NULL, 0) < 0 && errno == EINTR) {
      }
    }
  }
  if (ep[0] >= 0) close(ep[0]);
  if (err) {
    for (int i = 0; i < 3; i++)
      if (pipes[i][0] >= 0) close(CLIENT_END(pipes, i));
    spawn_failed(err, argv[0]);
    return;
  }
  child = pid;
  if (mode[0] == 1) {
    in_fd = CLIENT_END(pipes, 0);
    fcntl(in_fd, F_SETFL, O_NONBLOCK);
  }
  for (int s = 1; s <= 2; s++)
    if (mode[s] == 1) {
      out_fd[s] = CLIENT_END(pipes, s);
      fcntl(out_fd[s], F_SETFL, O_NONBLOCK);
    }
  send_i32(T_STARTED, pid);
}

/* ---- frames from the engine ---- */

static void handle_frame(unsigned type, const unsigned char *payload, uint32_t len) {
  struct rd r = {payload, len, 0};
  got_frame = 1;
  switch (type) {
    case T_SPAWN: {
      int has_nul = 0;
      char **argv = rd_list(&r, &has_nul);
      char **env = r.bad ? NULL : rd_list(&r, &has_nul);
      unsigned mode[3];
      for (int i = 0; i < 3; i++) mode[i] = rd_u8(&r);
      if (r.bad || r.n) protocol_error("malformed SPAWN frame (%u bytes)", len);
      if (!argv[0]) protocol_error("SPAWN with an empty argument list");
      for (int i = 0; i < 3; i++)
        if (mode[i] > 2) protocol_error("SPAWN with stream mode %u", mode[i]);
      if (has_nul) protocol_error("SPAWN with a NUL byte inside an argument or variable");
      if (child > 0) protocol_error("SPAWN while the previous child runs");
      begun = spawned_any = 1;
      /* Streams a previous child left open (a process it started still holds them) end here. */
      close_input();
      for (int s = 1; s <= 2; s++)
        if (out_fd[s] >= 0) {
          close(out_fd[s]);
          out_fd[s] = -1;
          send_u8(T_OUTPUT_EOF, (unsigned)s);
        }
      spawn(argv, env, mode);
      free_list(argv);
      free_list(env);
      return;
    }
    case T_INPUT: {
      uint32_t n;
      const unsigned char *data = rd_bytes(&r, &n);
      if (r.bad || r.n) protocol_error("malformed INPUT frame (%u bytes)", len);
      if (!spawned_any) protocol_error("INPUT before any SPAWN");
      if (in_fd < 0 || in_eof_pending) return;
      /* What the child already read goes first, so the buffer holds only what is pending. */
      if (in_off) {
        memmove(in_buf, in_buf + in_off, in_len - in_off);
        in_len -= in_off;
        in_off = 0;
      }
      if (in_len + n > in_cap) {
        size_t cap = in_cap ? in_cap : 65536;
        while (cap < in_len + n) cap *= 2;
        unsigned char *p = realloc(in_buf, cap);
        if (!p) protocol_error("out of memory buffering %u bytes of input", n);
        in_buf = p;
        in_cap = cap;
      }
      memcpy(in_buf + in_len, data, n);
      in_len += n;
      flush_input();
      return;
    }
    case T_INPUT_EOF:
      if (len) protocol_error("INPUT_EOF with a payload (%u bytes)", len);
      if (!spawned_any) protocol_error("INPUT_EOF before any SPAWN");
      in_eof_pending = 1;
      flush_input();
      return;
    case T_KILL: {
      unsigned sig = rd_u8(&r);
      if (r.bad || r.n) protocol_error("malformed KILL frame (%u bytes)", len);
      if (sig < 1 || sig >= NSIG) protocol_error("KILL with signal %u", sig);
      if (!spawned_any) protocol_error("KILL before any SPAWN");
      if (child > 0) kill(child, (int)sig);
      return;
    }
    case T_WRITE: {
      unsigned fd = rd_u8(&r);
      uint32_t n;
      const unsigned char *data = rd_bytes(&r, &n);
      if (r.bad || r.n) protocol_error("malformed WRITE frame (%u bytes)", len);
      if (fd != 1 && fd != 2) protocol_error("WRITE to descriptor %u", fd);
      begun = 1;
      /* A closed or broken stdout/stderr loses the text, as it would for the in-JVM CLI. */
      if (!stdio_was_closed[fd]) write_all((int)fd, data, n);
      return;
    }
    case T_EXIT: {
      uint32_t code = rd_u32(&r);
      if (r.bad || r.n) protocol_error("malformed EXIT frame (%u bytes)", len);
      if (code > 255) protocol_error("EXIT with code %u", code);
      kill_child();
      close(sock);
      exit((int)code);
    }
    case T_FALLBACK: {
      uint32_t n;
      const unsigned char *reason = rd_bytes(&r, &n);
      if (r.bad || r.n) protocol_error("malformed FALLBACK frame (%u bytes)", len);
      if (begun) protocol_error("FALLBACK after the run began");
      fallback("the engine answered: %.*s", (int)(n > 400 ? 400 : n), (const char *)reason);
    }
    default:
      protocol_error("unknown frame type 0x%02x", type);
  }
}

/* ---- connecting ---- */

static uint64_t fnv1a(const char *s) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    h ^= *p;
    h *= 0x100000001b3ULL;
  }
  return h;
}

/* As the engine judges it (EngineLocation.directory): a directory itself, not a link to one. */
static int usable_runtime_dir(const char *dir, uid_t uid) {
  struct stat st;
  return dir && dir[0] == '/' && lstat(dir, &st) == 0 && S_ISDIR(st.st_mode) && st.st_uid == uid &&
         !(st.st_mode & 022);
}

#ifndef SO_PEERPIDFD
#define SO_PEERPIDFD 77
#endif
#ifndef SYS_pidfd_send_signal
#define SYS_pidfd_send_signal 424
#endif

/* Falls back unless the listening process (pid, from SO_PEERCRED) is one a sandboxed command
 * cannot be: it runs without no_new_privs (every sandboxed command has it) in this user namespace.
 * A sandboxed command that can write the engine's directory could otherwise listen in the engine's
 * place and have this client fork and exec what it asks for, outside any sandbox. What /proc says
 * counts only while the process that listened still runs (its pidfd): not a process that got its
 * pid after it ended. */
static void check_engine_process(pid_t pid, const char *path) {
  int pidfd = -1;
  socklen_t len = sizeof pidfd;
  if (getsockopt(sock, SOL_SOCKET, SO_PEERPIDFD, &pidfd, &len) < 0)
    fallback("cannot identify the process listening on %s (SO_PEERPIDFD): %s", path,
             strerror(errno));
  char name[64], status[16384], ns[128], own[128];
  snprintf(name, sizeof name, "/proc/%d/status", (int)pid);
  int fd = open(name, O_RDONLY | O_CLOEXEC);
  size_t have = 0;
  ssize_t n;
  while (fd >= 0 && have < sizeof status - 1 &&
         ((n = read(fd, status + have, sizeof status - 1 - have)) > 0 || (n < 0 && errno == EINTR)))
    if (n > 0) have += (size_t)n;
  if (fd >= 0) close(fd);
  status[have] = 0;
  const char *nnp = strstr(status, "\nNoNewPrivs:");
  if (!nnp) fallback("cannot read %s", name);
  if (strtol(nnp + 12, NULL, 10) != 0)
    fallback("the process listening on %s (pid %d) runs with no_new_privs, as sandboxed commands "
             "do", path, (int)pid);
  snprintf(name, sizeof name, "/proc/%d/ns/user", (int)pid);
  ssize_t a = readlink(name, ns, sizeof ns - 1), b = readlink("/proc/self/ns/user", own, sizeof own - 1);
  if (a < 0 || b < 0 || a != b || memcmp(ns, own, (size_t)a) != 0)
    fallback("the process listening on %s (pid %d) is in another user namespace", path, (int)pid);
  if (syscall(SYS_pidfd_send_signal, pidfd, 0, NULL, 0) < 0)
    fallback("the process that listens on %s ended (pid %d is another process now)", path,
             (int)pid);
  close(pidfd);
}

/* Connects to the engine, or falls back (starting an engine first when none listens). */
static void connect_engine(int manual) {
  uid_t uid = geteuid();
  char dir[PATH_MAX];
  const char *xdg = getenv("XDG_RUNTIME_DIR"), *cache = getenv("XDG_CACHE_HOME"), *home;
  int n;
  if (usable_runtime_dir(xdg, uid)) {
    n = snprintf(dir, sizeof dir, "%s/sandbox4j", xdg);
  } else if (cache && cache[0] == '/') {
    n = snprintf(dir, sizeof dir, "%s/sandbox4j/engine", cache);
  } else if ((home = getenv("HOME")) && home[0] == '/') {
    n = snprintf(dir, sizeof dir, "%s/.cache/sandbox4j/engine", home);
  } else {
    fallback("neither XDG_RUNTIME_DIR, XDG_CACHE_HOME nor HOME names a usable directory");
  }
  if (n < 0 || (size_t)n >= sizeof dir) fallback("the engine's directory name is too long");
  int dfd = open(dir, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (dfd < 0) {
    int e = errno;
    if (e == ENOENT && !manual) autostart();
    fallback("cannot open %s: %s", dir, strerror(e));
  }
  struct stat st;
  if (fstat(dfd, &st) < 0) fallback("cannot stat %s: %s", dir, strerror(errno));
  if (st.st_uid != uid)
    fallback("%s belongs to uid %u, not to this user (uid %u)", dir, (unsigned)st.st_uid,
             (unsigned)uid);
  if (st.st_mode & 077)
    fallback("%s has mode %04o; only its owner may have access (0700)", dir,
             (unsigned)(st.st_mode & 07777));
  struct sockaddr_un addr;
  memset(&addr, 0, sizeof addr);
  addr.sun_family = AF_UNIX;
  char name[40];
  snprintf(name, sizeof name, "engine-%016llx.sock", (unsigned long long)fnv1a(script));
  n = snprintf(addr.sun_path, sizeof addr.sun_path, "%s/%s", dir, name);
  /* A long path goes through the directory we checked (also closing the gap after the check). */
  if (n < 0 || (size_t)n >= sizeof addr.sun_path)
    snprintf(addr.sun_path, sizeof addr.sun_path, "/proc/self/fd/%d/%s", dfd, name);
  /* Non-blocking while connecting: an engine that stopped accepting (its queue full) is EAGAIN
   * at once, not a connect that never returns. */
  sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (sock < 0) fallback("socket: %s", strerror(errno));
  int rc;
  while ((rc = connect(sock, (struct sockaddr *)&addr, sizeof addr)) < 0 && errno == EINTR) {
  }
  if (rc == 0 && fcntl(sock, F_SETFL, fcntl(sock, F_GETFL) & ~O_NONBLOCK) < 0) {
    fallback("fcntl: %s", strerror(errno));
  }
  if (rc < 0) {
    int e = errno;
    if ((e == ENOENT || e == ECONNREFUSED) && !manual) autostart();
    fallback("cannot connect to %s: %s", addr.sun_path, strerror(e));
  }
  close(dfd);
  struct ucred cred;
  socklen_t cl = sizeof cred;
  if (getsockopt(sock, SOL_SOCKET, SO_PEERCRED, &cred, &cl) < 0)
    fallback("SO_PEERCRED: %s", strerror(errno));
  if (cred.uid != uid)
    fallback("the process listening on %s runs as uid %u, not as this user (uid %u)",
             addr.sun_path, (unsigned)cred.uid, (unsigned)uid);
  check_engine_process(cred.pid, addr.sun_path);
}

static void send_request(void) {
  struct buf b = {0};
  buf_u32(&b, 1);
  char cwd[PATH_MAX];
  if (!getcwd(cwd, sizeof cwd)) fallback("getcwd: %s", strerror(errno));
  buf_bytes(&b, cwd);
  buf_u32(&b, (uint32_t)run_argc);
  for (int i = 0; i < run_argc; i++) buf_bytes(&b, run_args[i]);
  uint32_t envc = 0;
  for (char **e = environ; *e; e++) envc++;
  buf_u32(&b, envc);
  for (char **e = environ; *e; e++) buf_bytes(&b, *e);
  uint32_t flags = 0;
  for (int i = 0; i < 3; i++)
    if (!stdio_was_closed[i] && isatty(i)) flags |= 1u << i;
  buf_u32(&b, flags);
  buf_u32(&b, (uint32_t)getpid());
  if (b.failed) fallback("out of memory building the request");
  if (b.len > MAX_FRAME) fallback("the request is larger than 16 MiB");
  send_frame(T_REQUEST, b.p, (uint32_t)b.len);
  free(b.p);
}

/* ---- the loop ---- */

static void on_signals(void) {
  unsigned char sigs[64];
  ssize_t n = read(sig_pipe[0], sigs, sizeof sigs);
  for (ssize_t i = 0; i < n; i++) {
    int sig = sigs[i];
    if (sig == SIGCHLD) {
      reap();
      continue;
    }
    if (child > 0) kill(child, sig);
    if (!signalled) {
      signalled = sig;
      signal_deadline = now_ms() + SIGNAL_GRACE_MS;
    }
    send_u8(T_SIGNAL, (unsigned)sig);
  }
}

static void serve(void) {
  unsigned char *rbuf = NULL;
  size_t rlen = 0, rcap = 0;
  for (;;) {
    struct pollfd p[5];
    int np = 0, isock = -1, isig, iin = -1, iout[3] = {-1, -1, -1};
    if (in_len - in_off < INPUT_HIGH_WATER) {
      isock = np;
      p[np++] = (struct pollfd){.fd = sock, .events = POLLIN};
    }
    isig = np;
    p[np++] = (struct pollfd){.fd = sig_pipe[0], .events = POLLIN};
    if (in_fd >= 0 && in_off < in_len) {
      iin = np;
      p[np++] = (struct pollfd){.fd = in_fd, .events = POLLOUT};
    }
    for (int s = 1; s <= 2; s++)
      if (out_fd[s] >= 0) {
        iout[s] = np;
        p[np++] = (struct pollfd){.fd = out_fd[s], .events = POLLIN};
      }
    int timeout = -1;
    if (!got_frame && !signalled) {
      long long left = first_frame_deadline - now_ms();
      if (left <= 0) fallback("the engine sent nothing within %lld ms", first_frame_ms);
      timeout = (int)left;
    }
    if (signalled) {
      long long left = signal_deadline - now_ms();
      if (left <= 0) {
        kill_child();
        exit(128 + signalled);
      }
      timeout = (int)left;
    }
    if (poll(p, (nfds_t)np, timeout) < 0) {
      if (errno == EINTR) continue;
      protocol_error("poll: %s", strerror(errno));
    }
    if (p[isig].revents) on_signals();
    if (iin >= 0 && p[iin].revents) flush_input();
    for (int s = 1; s <= 2; s++)
      if (iout[s] >= 0 && p[iout[s]].revents && out_fd[s] >= 0) relay_output(s);
    if (isock >= 0 && p[isock].revents) {
      if (rcap - rlen < OUTPUT_CHUNK) {
        size_t cap = rcap ? rcap * 2 : 2 * OUTPUT_CHUNK;
        while (cap - rlen < OUTPUT_CHUNK) cap *= 2;
        unsigned char *q = realloc(rbuf, cap);
        if (!q) protocol_error("out of memory reading from the engine");
        rbuf = q;
        rcap = cap;
      }
      ssize_t n = read(sock, rbuf + rlen, rcap - rlen);
      if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
      if (n <= 0) engine_ended();
      rlen += (size_t)n;
      size_t off = 0;
      while (rlen - off >= 5) {
        uint32_t len = get_u32(rbuf + off + 1);
        if (len > MAX_FRAME) protocol_error("frame length %u is above the 16 MiB limit", len);
        if (rlen - off < 5 + (size_t)len) break;
        handle_frame(rbuf[off], rbuf + off + 5, len);
        off += 5 + (size_t)len;
      }
      memmove(rbuf, rbuf + off, rlen - off);
      rlen -= off;
    }
  }
}

int main(int argc, char **argv) {
  if (argc < 3 || argv[1][0] != '/') {
    dprintf(2, "usage: sandbox4j-client SCRIPT_REAL_PATH run ARGS... (the sandbox script runs it)\n");
    return 2;
  }
  script = argv[1];
  run_args = argv + 2;
  run_argc = argc - 2;
  const char *d = getenv("SANDBOX4J_ENGINE_DEBUG");
  debug = d && strcmp(d, "1") == 0;
  /* Descriptors 0-2 that the caller closed stay closed for the command; meanwhile /dev/null holds
   * them so that no socket or pipe of ours lands there. */
  for (int i = 0; i < 3; i++)
    if (fcntl(i, F_GETFD) < 0 && errno == EBADF) {
      if (open("/dev/null", O_RDWR) != i) return 125;
      stdio_was_closed[i] = 1;
    }
  sigprocmask(SIG_SETMASK, NULL, &saved_mask);
  for (size_t i = 0; i < sizeof forwarded / sizeof *forwarded; i++) save_action(forwarded[i]);
  save_action(SIGCHLD);
  save_action(SIGPIPE);
  signal(SIGPIPE, SIG_IGN);
  const char *mode = getenv("SANDBOX4J_ENGINE");
  if (mode && strcmp(mode, "off") == 0) fallback("SANDBOX4J_ENGINE=off");
  const char *wait = getenv("SANDBOX4J_ENGINE_WAIT_MS");
  if (wait && *wait) {
    char *end;
    long long w = strtoll(wait, &end, 10);
    if (*end == '\0' && w > 0 && w <= 3600000) first_frame_ms = w;
  }
  connect_engine(mode && strcmp(mode, "manual") == 0);
  send_request();
  first_frame_deadline = now_ms() + first_frame_ms;
  install_handlers();
  serve();
}

// Test harness: runs a command under a seccomp filter like a container runtime's default profile
// (Docker's, Podman's), so the catalogue can be judged where user namespaces cannot be created:
// unshare, setns, mount, umount2, pivot_root and the new mount API denied (EPERM); clone with
// namespace flags denied (EPERM); clone3 -> ENOSYS (so libc falls back to clone, whose flags a
// filter can read). The filter is inherited by everything the command starts, the JVM included.
// Built by sandbox-cli's pom (profile "native"), used by NoUserNamespacesConformanceTest.
#define _GNU_SOURCE
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>
#if defined(__x86_64__)
#define ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define ARCH AUDIT_ARCH_AARCH64
#else
#error "nouserns: add this architecture's AUDIT_ARCH"
#endif
#define NSFLAGS (CLONE_NEWUSER|CLONE_NEWNS|CLONE_NEWPID|CLONE_NEWNET|CLONE_NEWIPC|CLONE_NEWUTS|CLONE_NEWCGROUP)
#define DENY(nr, err) BPF_JUMP(BPF_JMP|BPF_JEQ|BPF_K, nr, 0, 1), BPF_STMT(BPF_RET|BPF_K, SECCOMP_RET_ERRNO|(err))
int main(int argc, char **argv) {
  struct sock_filter f[] = {
    BPF_STMT(BPF_LD|BPF_W|BPF_ABS, offsetof(struct seccomp_data, arch)),
    BPF_JUMP(BPF_JMP|BPF_JEQ|BPF_K, ARCH, 1, 0),
    BPF_STMT(BPF_RET|BPF_K, SECCOMP_RET_KILL_PROCESS),
    BPF_STMT(BPF_LD|BPF_W|BPF_ABS, offsetof(struct seccomp_data, nr)),
    DENY(__NR_unshare, EPERM), DENY(__NR_setns, EPERM), DENY(__NR_mount, EPERM),
    DENY(__NR_umount2, EPERM), DENY(__NR_pivot_root, EPERM), DENY(__NR_clone3, ENOSYS),
    DENY(__NR_fsopen, EPERM), DENY(__NR_open_tree, EPERM), DENY(__NR_move_mount, EPERM), DENY(__NR_mount_setattr, EPERM),
    BPF_JUMP(BPF_JMP|BPF_JEQ|BPF_K, __NR_clone, 0, 3),
    BPF_STMT(BPF_LD|BPF_W|BPF_ABS, offsetof(struct seccomp_data, args[0])),
    BPF_JUMP(BPF_JMP|BPF_JSET|BPF_K, NSFLAGS, 0, 1),
    BPF_STMT(BPF_RET|BPF_K, SECCOMP_RET_ERRNO|EPERM),
    BPF_STMT(BPF_RET|BPF_K, SECCOMP_RET_ALLOW),
  };
  struct sock_fprog prog = { sizeof(f)/sizeof(f[0]), f };
  if (argc < 2) { fprintf(stderr, "usage: nouserns CMD...\n"); return 2; }
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) || prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog)) { perror("seccomp"); return 125; }
  execvp(argv[1], argv + 1); perror(argv[1]); return 127;
}

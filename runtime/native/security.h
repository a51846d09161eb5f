/* security.h: what the container's process is allowed, as the spec states it. Shared by the
 * container's init (init.c) and `berth-shim exec` (exec.c), so both apply the same settings.
 *   security.c  spec keys, then the order: rlimits, user, bounding set, no_new_privs,
 *               seccomp, ids, capabilities
 *   seccomp.c   the BPF filter built from the rules Node computed
 *   user.c      uid/gid and supplementary groups from the container's /etc/passwd, /etc/group
 *   paths.c     masked paths, read-only paths, read-only root
 */
#ifndef BERTH_SECURITY_H
#define BERTH_SECURITY_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* one seccomp rule; every rule answers errno (EPERM, ENOSYS...) when it matches */
enum seccomp_kind {
	SECCOMP_DENY,      /* the syscall is refused */
	SECCOMP_DENY_MASK, /* refused when (arg & value) != 0 (low 32 bits of the argument) */
	SECCOMP_ONLY,      /* refused unless the argument is one of values (low 32 bits) */
	SECCOMP_DENY_EQ,   /* refused when the argument is one of values (low 32 bits) */
};
#define SECCOMP_MAX_VALUES 8
struct seccomp_rule {
	enum seccomp_kind kind;
	int errno_value;
	uint32_t nr;
	unsigned arg;
	uint32_t values[SECCOMP_MAX_VALUES];
	size_t n_values;
};

/* one instruction of a classic-BPF program compiled in Node (runtime/security/seccompProfile.ts,
 * for --security-opt seccomp=FILE); the layout of struct sock_filter */
struct bpf_instruction { uint16_t code; uint8_t jt, jf; uint32_t k; };

struct rlimit_rule { int resource; uint64_t soft, hard; };

struct security {
	int has_caps;              /* 0: capabilities left as they are (no key in the spec) */
	uint64_t caps;             /* bounding set; effective and permitted too for uid 0 */
	int no_new_privs;
	const char *user;          /* "name|uid[:group|gid]"; NULL = root */
	struct seccomp_rule *seccomp; size_t n_seccomp; /* none = no filter */
	struct bpf_instruction *bpf; size_t n_bpf;     /* a whole program: used instead of the rules */
	struct rlimit_rule *rlimits; size_t n_rlimits;
	const char **masked; size_t n_masked;
	const char **readonly; size_t n_readonly;
	int readonly_rootfs;
	int default_home;          /* HOME from the user's passwd entry when env has none */
	int host_network;          /* 1: stay in the host's network namespace */
	int host_cgroupns;         /* 1: no private cgroup namespace */
};

/* security.c: a spec key for us? 1 handled, 0 not ours, -1 invalid (errbuf filled) */
int security_parse_key(struct security *sec, const char *key, const char *value,
		       char *errbuf, size_t errlen);
/* Applies everything about the process, in order, just before execve. On failure reports
 * (step, errno, message) on sync_fd and exits. *envp gains HOME when it has none. */
void security_apply_process(const struct security *sec, int sync_fd, const char ***envp);

/* seccomp.c: loads the filter (no-op without rules); -1 with errno on failure */
int seccomp_load(const struct seccomp_rule *rules, size_t n);
/* seccomp.c: loads a compiled program as it is (the kernel checks it); -1 with errno */
int seccomp_load_program(const struct bpf_instruction *prog, size_t n);

/* user.c */
#define USER_MAX_GROUPS 64
struct exec_user {
	uid_t uid; gid_t gid;
	gid_t groups[USER_MAX_GROUPS]; size_t n_groups;
	char home[256];
};
/* resolves spec against the current root's /etc/passwd and /etc/group; -1 with errno and msg */
int user_resolve(const char *spec, struct exec_user *out, char *msg, size_t msglen);

/* paths.c: run after pivot_root, while the process still has every capability */
void paths_mask(const struct security *sec, int sync_fd);
void paths_readonly(const struct security *sec, int sync_fd);
void paths_readonly_root(const struct security *sec, int sync_fd);

#endif

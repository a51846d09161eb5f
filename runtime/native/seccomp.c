/* seccomp.c: a classic-BPF seccomp filter from the rules Node computed (a deny list), or a
 * whole program Node compiled from a Docker profile (seccomp_load_program).
 *
 *   arch != x86_64            -> EPERM (no i386 entry point around the filter)
 *   nr has the x32 bit        -> EPERM
 *   per rule, one block:      deny       jeq nr; ret errno
 *                             deny-mask  jeq nr; ld arg; jset mask -> errno, else allow
 *                             only       jeq nr; ld arg; jeq v1..vn -> allow, else errno
 *                             deny-eq    jeq nr; ld arg; jeq v1..vn -> errno, else allow
 *   default                   allow
 */
#include "shim.h"

#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdlib.h>
#include <sys/prctl.h>

#define X32_SYSCALL_BIT 0x40000000u
#define ARG_LO(i) (offsetof(struct seccomp_data, args) + (i) * sizeof(__u64))
#define RET(v) BPF_STMT(BPF_RET | BPF_K, (v))

int seccomp_load_program(const struct bpf_instruction *prog, size_t n)
{
	_Static_assert(sizeof(struct bpf_instruction) == sizeof(struct sock_filter), "sock_filter layout");
	struct sock_fprog fprog = { (unsigned short)n, (struct sock_filter *)(void *)prog };
	if (n == 0 || n > BPF_MAXINSNS) {
		errno = EINVAL;
		return -1;
	}
	return prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &fprog, 0, 0);
}

int seccomp_load(const struct seccomp_rule *rules, size_t n)
{
#if !defined(__x86_64__)
	if (n) {
		errno = ENOSYS;
		return -1;
	}
	return 0;
#else
	if (n == 0)
		return 0;
	size_t cap = 8 + n * (4 + SECCOMP_MAX_VALUES);
	struct sock_filter *f = calloc(cap, sizeof *f);
	size_t k = 0;
	if (!f) {
		errno = ENOMEM;
		return -1;
	}
	f[k++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch));
	f[k++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0);
	f[k++] = (struct sock_filter)RET(SECCOMP_RET_ERRNO | EPERM);
	f[k++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr));
	f[k++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, X32_SYSCALL_BIT, 0, 1);
	f[k++] = (struct sock_filter)RET(SECCOMP_RET_ERRNO | EPERM);
	for (size_t i = 0; i < n; i++) {
		const struct seccomp_rule *r = &rules[i];
		__u32 deny = SECCOMP_RET_ERRNO | ((__u32)r->errno_value & SECCOMP_RET_DATA);
		switch (r->kind) {
		case SECCOMP_DENY:
			f[k++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, r->nr, 0, 1);
			f[k++] = (struct sock_filter)RET(deny);
			break;
		case SECCOMP_DENY_MASK:
			f[k++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, r->nr, 0, 4);
			f[k++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, ARG_LO(r->arg));
			f[k++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, r->values[0], 0, 1);
			f[k++] = (struct sock_filter)RET(deny);
			f[k++] = (struct sock_filter)RET(SECCOMP_RET_ALLOW);
			break;
		case SECCOMP_ONLY:
		case SECCOMP_DENY_EQ: {
			/* the argument against each value: a match jumps over the first return to the second */
			__u32 matched = r->kind == SECCOMP_ONLY ? SECCOMP_RET_ALLOW : deny;
			__u32 unmatched = r->kind == SECCOMP_ONLY ? deny : SECCOMP_RET_ALLOW;
			size_t m = r->n_values;
			f[k++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, r->nr, 0, (__u8)(m + 3));
			f[k++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, ARG_LO(r->arg));
			for (size_t j = 0; j < m; j++)
				f[k++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, r->values[j], (__u8)(m - j), 0);
			f[k++] = (struct sock_filter)RET(unmatched);
			f[k++] = (struct sock_filter)RET(matched);
			break;
		}
		}
	}
	f[k++] = (struct sock_filter)RET(SECCOMP_RET_ALLOW);
	struct sock_fprog prog = { (unsigned short)k, f };
	int r = prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0);
	int e = errno;
	free(f);
	errno = e;
	return r;
#endif
}

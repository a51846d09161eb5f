/* security.c: the spec's security keys, and applying them to the process before execve.
 *
 * Order (each a named step, reported as (step, errno, message) on failure):
 *   rlimit        setrlimit for each --ulimit (raising a hard limit needs CAP_SYS_RESOURCE)
 *   user          resolve uid, gid and groups in the container's /etc/passwd and /etc/group
 *   capabilities  drop everything outside the set from the bounding set
 *   no-new-privs  PR_SET_NO_NEW_PRIVS when asked
 *   seccomp       the filter (loaded while CAP_SYS_ADMIN is still effective, so that it works
 *                 without no_new_privs too)
 *   setgroups / setgid / setuid
 *   capabilities  effective = permitted = the set for uid 0, nothing for other users;
 *                 inheritable and ambient empty
 */
#include "shim.h"

#include <errno.h>
#include <grp.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

static int grow(void **arr, size_t n, size_t size)
{
	if (n & (n - 1) && n) /* grow at powers of two */
		return 0;
	void *p = realloc(*arr, (n ? n * 2 : 4) * size);
	if (!p)
		return -1;
	*arr = p;
	return 0;
}

static int push_str(const char ***arr, size_t *n, const char *v)
{
	if (grow((void **)arr, *n, sizeof(char *)) < 0)
		return -1;
	(*arr)[(*n)++] = v;
	return 0;
}

static int parse_u64(const char *s, uint64_t *out, char **end)
{
	errno = 0;
	unsigned long long v = strtoull(s, end, 0);
	if (errno || *end == s)
		return -1;
	*out = v;
	return 0;
}

/* "CODE JT JF K": one instruction of a compiled program */
static int parse_bpf(struct security *sec, const char *v, char *errbuf, size_t errlen)
{
	unsigned code, jt, jf;
	unsigned long k;
	int end = 0;
	if (sscanf(v, "%u %u %u %lu%n", &code, &jt, &jf, &k, &end) != 4 || v[end] || code > 0xffff ||
	    jt > 0xff || jf > 0xff || k > 0xffffffffUL) {
		snprintf(errbuf, errlen, "spec: invalid seccomp instruction \"%s\"", v);
		return -1;
	}
	if (grow((void **)&sec->bpf, sec->n_bpf, sizeof *sec->bpf) < 0) {
		snprintf(errbuf, errlen, "out of memory");
		return -1;
	}
	sec->bpf[sec->n_bpf++] = (struct bpf_instruction){ (uint16_t)code, (uint8_t)jt, (uint8_t)jf, (uint32_t)k };
	return 1;
}

/* "deny E NR" | "mask E NR ARG MASK" | "only E NR ARG V1,V2,..." | "denyeq E NR ARG V1,V2,..." */
static int parse_seccomp(struct security *sec, const char *v, char *errbuf, size_t errlen)
{
	struct seccomp_rule r;
	char kind[8];
	int off = 0;
	unsigned e, nr, arg = 0;
	memset(&r, 0, sizeof r);
	if (sscanf(v, "%7s %u %u%n", kind, &e, &nr, &off) != 3)
		goto bad;
	r.errno_value = (int)e;
	r.nr = nr;
	if (!strcmp(kind, "deny")) {
		r.kind = SECCOMP_DENY;
	} else if (!strcmp(kind, "mask") || !strcmp(kind, "only") || !strcmp(kind, "denyeq")) {
		int off2 = 0;
		r.kind = kind[0] == 'm' ? SECCOMP_DENY_MASK : kind[0] == 'o' ? SECCOMP_ONLY : SECCOMP_DENY_EQ;
		if (sscanf(v + off, " %u %n", &arg, &off2) != 1 || arg > 5)
			goto bad;
		r.arg = arg;
		const char *p = v + off + off2;
		while (*p) {
			char *end;
			uint64_t x;
			if (r.n_values == SECCOMP_MAX_VALUES || parse_u64(p, &x, &end) < 0 || x > UINT32_MAX)
				goto bad;
			r.values[r.n_values++] = (uint32_t)x;
			p = *end == ',' ? end + 1 : end;
			if (*end && *end != ',')
				goto bad;
		}
		if (r.n_values == 0 || (r.kind == SECCOMP_DENY_MASK && r.n_values != 1))
			goto bad;
	} else {
		goto bad;
	}
	if (grow((void **)&sec->seccomp, sec->n_seccomp, sizeof r) < 0)
		goto oom;
	sec->seccomp[sec->n_seccomp++] = r;
	return 1;
bad:
	snprintf(errbuf, errlen, "spec: invalid seccomp rule \"%s\"", v);
	return -1;
oom:
	snprintf(errbuf, errlen, "out of memory");
	return -1;
}

static int parse_rlimit(struct security *sec, const char *v, char *errbuf, size_t errlen)
{
	struct rlimit_rule r;
	char *end;
	uint64_t res;
	if (parse_u64(v, &res, &end) < 0 || res >= RLIM_NLIMITS || *end != ' ' ||
	    parse_u64(end + 1, &r.soft, &end) < 0 || *end != ' ' ||
	    parse_u64(end + 1, &r.hard, &end) < 0 || *end || r.soft > r.hard) {
		snprintf(errbuf, errlen, "spec: invalid rlimit \"%s\"", v);
		return -1;
	}
	r.resource = (int)res;
	if (grow((void **)&sec->rlimits, sec->n_rlimits, sizeof r) < 0) {
		snprintf(errbuf, errlen, "out of memory");
		return -1;
	}
	sec->rlimits[sec->n_rlimits++] = r;
	return 1;
}

int security_parse_key(struct security *sec, const char *k, const char *v, char *errbuf, size_t errlen)
{
	char *end;
	if (!strcmp(k, SPEC_KEY_CAPABILITIES)) {
		if (parse_u64(v, &sec->caps, &end) < 0 || *end) {
			snprintf(errbuf, errlen, "spec: invalid capabilities \"%s\"", v);
			return -1;
		}
		sec->has_caps = 1;
		return 1;
	}
	if (!strcmp(k, SPEC_KEY_NO_NEW_PRIVILEGES)) { sec->no_new_privs = !strcmp(v, "1"); return 1; }
	if (!strcmp(k, SPEC_KEY_READONLY_ROOTFS)) { sec->readonly_rootfs = !strcmp(v, "1"); return 1; }
	if (!strcmp(k, SPEC_KEY_DEFAULT_HOME)) { sec->default_home = !strcmp(v, "1"); return 1; }
	if (!strcmp(k, SPEC_KEY_USER)) { sec->user = *v ? v : NULL; return 1; }
	if (!strcmp(k, SPEC_KEY_NETWORK)) {
		if (strcmp(v, "none") && strcmp(v, "host")) {
			snprintf(errbuf, errlen, "spec: network \"%s\" is not none or host", v);
			return -1;
		}
		sec->host_network = !strcmp(v, "host");
		return 1;
	}
	if (!strcmp(k, SPEC_KEY_CGROUPNS)) { sec->host_cgroupns = !strcmp(v, "host"); return 1; }
	if (!strcmp(k, SPEC_KEY_SECCOMP))
		return parse_seccomp(sec, v, errbuf, errlen);
	if (!strcmp(k, SPEC_KEY_SECCOMP_BPF))
		return parse_bpf(sec, v, errbuf, errlen);
	if (!strcmp(k, SPEC_KEY_RLIMIT))
		return parse_rlimit(sec, v, errbuf, errlen);
	if (!strcmp(k, SPEC_KEY_MASKED_PATH) || !strcmp(k, SPEC_KEY_READONLY_PATH)) {
		if (v[0] != '/') {
			snprintf(errbuf, errlen, "spec: %s \"%s\" is not absolute", k, v);
			return -1;
		}
		int r = k[0] == 'm' ? push_str(&sec->masked, &sec->n_masked, v)
				    : push_str(&sec->readonly, &sec->n_readonly, v);
		if (r < 0) {
			snprintf(errbuf, errlen, "out of memory");
			return -1;
		}
		return 1;
	}
	return 0;
}

static int last_cap(void)
{
	FILE *f = fopen("/proc/sys/kernel/cap_last_cap", "re");
	int n = CAP_LAST_CAP;
	if (f) {
		if (fscanf(f, "%d", &n) != 1)
			n = CAP_LAST_CAP;
		fclose(f);
	}
	return n;
}

static int set_caps(uint64_t eff, uint64_t perm, uint64_t inh)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];
	d[0].effective = (uint32_t)eff; d[1].effective = (uint32_t)(eff >> 32);
	d[0].permitted = (uint32_t)perm; d[1].permitted = (uint32_t)(perm >> 32);
	d[0].inheritable = (uint32_t)inh; d[1].inheritable = (uint32_t)(inh >> 32);
	return (int)syscall(SYS_capset, &h, d);
}

static void add_home(const char ***envp, const char *home, int sfd)
{
	size_t n = 0;
	for (; (*envp)[n]; n++)
		if (!strncmp((*envp)[n], "HOME=", 5))
			return;
	const char **env = calloc(n + 2, sizeof(char *));
	char *h = malloc(strlen(home) + 6);
	if (!env || !h)
		sync_init_fail(sfd, STEP_USER, ENOMEM, "out of memory");
	memcpy(env, *envp, n * sizeof(char *));
	sprintf(h, "HOME=%s", home);
	env[n] = h;
	*envp = env;
}

void security_apply_process(const struct security *sec, int sfd, const char ***envp)
{
	struct exec_user u;
	char msg[512];

	for (size_t i = 0; i < sec->n_rlimits; i++) {
		const struct rlimit_rule *r = &sec->rlimits[i];
		struct rlimit rl = { (rlim_t)r->soft, (rlim_t)r->hard };
		if (setrlimit(r->resource, &rl) < 0)
			sync_init_fail(sfd, STEP_RLIMIT, errno, "setrlimit %d to %llu:%llu", r->resource,
				       (unsigned long long)r->soft, (unsigned long long)r->hard);
	}
	if (user_resolve(sec->user, &u, msg, sizeof msg) < 0)
		sync_init_fail(sfd, STEP_USER, errno, "%s", msg);
	if (sec->default_home)
		add_home(envp, u.home, sfd);

	/* what the engine itself lacks (a bounding set without CAP_SYS_RESOURCE, say) cannot be
	 * given: the set is cut to the current bounding set, as runc does for --privileged */
	uint64_t caps = sec->caps;
	if (sec->has_caps) {
		int last = last_cap();
		for (int c = 0; c < 64; c++)
			if (c > last || prctl(PR_CAPBSET_READ, c, 0, 0, 0) != 1)
				caps &= ~(1ULL << c);
		for (int c = 0; c <= last && c < 64; c++) {
			if (caps & (1ULL << c))
				continue;
			if (prctl(PR_CAPBSET_DROP, c, 0, 0, 0) < 0 && errno != EINVAL)
				sync_init_fail(sfd, STEP_CAPABILITIES, errno, "drop capability %d from the bounding set", c);
		}
	}
	if (sec->no_new_privs && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		sync_init_fail(sfd, STEP_NO_NEW_PRIVS, errno, "prctl PR_SET_NO_NEW_PRIVS");
	if (sec->n_bpf ? seccomp_load_program(sec->bpf, sec->n_bpf) < 0 : seccomp_load(sec->seccomp, sec->n_seccomp) < 0) {
		if (sec->n_bpf)
			sync_init_fail(sfd, STEP_SECCOMP, errno, "load the seccomp profile (%zu instructions)", sec->n_bpf);
		sync_init_fail(sfd, STEP_SECCOMP, errno, "load the seccomp filter (%zu rules)", sec->n_seccomp);
	}

	if (setgroups(u.n_groups, u.groups) < 0)
		sync_init_fail(sfd, STEP_USER, errno, "setgroups (%zu groups)", u.n_groups);
	if (setresgid(u.gid, u.gid, u.gid) < 0)
		sync_init_fail(sfd, STEP_USER, errno, "setgid %u", (unsigned)u.gid);
	if (setresuid(u.uid, u.uid, u.uid) < 0)
		sync_init_fail(sfd, STEP_USER, errno, "setuid %u", (unsigned)u.uid);

	if (sec->has_caps) {
		uint64_t set = u.uid == 0 ? caps : 0;
		if (set_caps(set, set, 0) < 0)
			sync_init_fail(sfd, STEP_CAPABILITIES, errno, "capset 0x%llx", (unsigned long long)set);
		if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
			sync_init_fail(sfd, STEP_CAPABILITIES, errno, "clear the ambient set");
	}
}

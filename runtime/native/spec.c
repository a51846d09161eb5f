/* spec.c: read the flat "key\0value\0" spec from fd 3 and parse it. */
#include "shim.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SPEC_MAX (16u << 20)

static int err_out(char *errbuf, size_t errlen, const char *fmt, const char *arg)
{
	snprintf(errbuf, errlen, fmt, arg);
	return -1;
}

/* count occurrences of key among the pairs */
static size_t count_key(const char *buf, size_t len, const char *key)
{
	size_t n = 0, off = 0;
	while (off < len) {
		const char *k = buf + off;
		size_t kl = strlen(k);
		const char *v = k + kl + 1;
		if (strcmp(k, key) == 0)
			n++;
		off += kl + 1 + strlen(v) + 1;
	}
	return n;
}

static const char **alloc_arr(size_t n)
{
	const char **a = calloc(n + 1, sizeof(char *));
	return a;
}

/* what a container and an exec both need: args, and an absolute cwd ("/" by default) */
static int spec_check_process(struct spec *s, char *errbuf, size_t errlen)
{
	if (s->n_args == 0 || !s->args[0][0])
		return err_out(errbuf, errlen, "%s", "spec: args must not be empty");
	if (!s->cwd || !*s->cwd)
		s->cwd = "/";
	if (s->cwd[0] != '/')
		return err_out(errbuf, errlen, "spec: cwd \"%s\" is not absolute", s->cwd);
	return 0;
}

int spec_read(int fd, struct spec *s, char *errbuf, size_t errlen)
{
	size_t cap = 4096, len = 0;
	char *buf = malloc(cap + 1);
	if (!buf)
		return err_out(errbuf, errlen, "%s", "out of memory");
	for (;;) {
		if (len == cap) {
			if (cap >= SPEC_MAX) {
				free(buf);
				return err_out(errbuf, errlen, "%s", "spec too large");
			}
			cap *= 2;
			char *nb = realloc(buf, cap + 1);
			if (!nb) {
				free(buf);
				return err_out(errbuf, errlen, "%s", "out of memory");
			}
			buf = nb;
		}
		ssize_t r = read(fd, buf + len, cap - len);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			free(buf);
			return err_out(errbuf, errlen, "read spec from fd 3: %s", strerror(errno));
		}
		if (r == 0)
			break;
		len += (size_t)r;
	}
	buf[len] = '\0';
	return spec_parse(buf, len, s, errbuf, errlen);
}

int spec_parse(char *buf, size_t len, struct spec *s, char *errbuf, size_t errlen)
{
	/* validate framing: an even number of NUL-terminated strings */
	{
		size_t nstr = 0;
		if (len == 0 || buf[len - 1] != '\0') {
			free(buf);
			return err_out(errbuf, errlen, "%s", "spec is empty or not NUL-terminated");
		}
		for (size_t i = 0; i < len; i++)
			if (buf[i] == '\0')
				nstr++;
		if (nstr % 2) {
			free(buf);
			return err_out(errbuf, errlen, "%s", "spec has a key without a value");
		}
	}
	memset(s, 0, sizeof(*s));
	s->lower_dirs = alloc_arr(count_key(buf, len, SPEC_KEY_LOWER_DIRS));
	s->args = alloc_arr(count_key(buf, len, SPEC_KEY_ARGS));
	s->env = alloc_arr(count_key(buf, len, SPEC_KEY_ENV));
	s->cgroup_procs = alloc_arr(count_key(buf, len, SPEC_KEY_CGROUP_PROCS));
	s->mounts = alloc_arr(count_key(buf, len, SPEC_KEY_MOUNTS));
	s->networks = alloc_arr(count_key(buf, len, SPEC_KEY_NETWORKS));
	s->journal_fields = alloc_arr(count_key(buf, len, SPEC_KEY_JOURNAL_FIELDS));
	if (!s->lower_dirs || !s->args || !s->env || !s->cgroup_procs || !s->networks || !s->journal_fields)
		return err_out(errbuf, errlen, "%s", "out of memory");

	size_t off = 0;
	while (off < len) {
		const char *k = buf + off;
		const char *v = k + strlen(k) + 1;
		off = (size_t)(v - buf) + strlen(v) + 1;
		if (!strcmp(k, SPEC_KEY_ID)) s->id = v;
		else if (!strcmp(k, SPEC_KEY_LOWER_DIRS)) s->lower_dirs[s->n_lower++] = v;
		else if (!strcmp(k, SPEC_KEY_UPPER_DIR)) s->upper_dir = v;
		else if (!strcmp(k, SPEC_KEY_WORK_DIR)) s->work_dir = v;
		else if (!strcmp(k, SPEC_KEY_MERGED_DIR)) s->merged_dir = v;
		else if (!strcmp(k, SPEC_KEY_ARGS)) s->args[s->n_args++] = v;
		else if (!strcmp(k, SPEC_KEY_ENV)) s->env[s->n_env++] = v;
		else if (!strcmp(k, SPEC_KEY_CWD)) s->cwd = v;
		else if (!strcmp(k, SPEC_KEY_HOSTNAME)) s->hostname = v;
		else if (!strcmp(k, SPEC_KEY_CGROUP_PROCS)) s->cgroup_procs[s->n_cgroup_procs++] = v;
		else if (!strcmp(k, SPEC_KEY_LOG_PATH)) s->log_path = v;
		else if (!strcmp(k, SPEC_KEY_EXIT_PATH)) s->exit_path = v;
		else if (!strcmp(k, SPEC_KEY_PID_PATH)) s->pid_path = v;
		else if (!strcmp(k, SPEC_KEY_LOG_MAX_SIZE)) s->log_max_size = strtoll(v, NULL, 10);
		else if (!strcmp(k, SPEC_KEY_LOG_MAX_FILES)) s->log_max_files = (int)strtol(v, NULL, 10);
		else if (!strcmp(k, SPEC_KEY_LOG_COMPRESS)) s->log_compress = !strcmp(v, "1");
		else if (!strcmp(k, SPEC_KEY_JOURNAL_SOCKET)) s->journal_socket = v;
		else if (!strcmp(k, SPEC_KEY_LOG_ATTRS)) s->log_attrs = v;
		else if (!strcmp(k, SPEC_KEY_JOURNAL_FIELDS)) s->journal_fields[s->n_journal_fields++] = v;
		else if (!strcmp(k, SPEC_KEY_MOUNTS)) s->mounts[s->n_mounts++] = v;
		else if (!strcmp(k, SPEC_KEY_EXEC_PID)) s->exec_pid = strtol(v, NULL, 10);
		else if (!strcmp(k, SPEC_KEY_STDIN)) s->open_stdin = !strcmp(v, "1");
		else if (!strcmp(k, SPEC_KEY_TTY)) s->tty = !strcmp(v, "1");
		else if (!strcmp(k, SPEC_KEY_SOCK_PATH)) s->sock_path = v;
		else if (!strcmp(k, SPEC_KEY_NETWORKS)) s->networks[s->n_networks++] = v;
		else if (!strcmp(k, SPEC_KEY_JOIN_NETNS)) s->join_netns = v;
		else if (!strcmp(k, SPEC_KEY_UID_MAP)) s->uid_map = v;
		else if (!strcmp(k, SPEC_KEY_GID_MAP)) s->gid_map = v;
		else {
			int r = security_parse_key(&s->security, k, v, errbuf, errlen);
			if (r < 0)
				return -1;
			if (r == 0)
				return err_out(errbuf, errlen, "unknown spec key \"%s\"", k);
		}
	}
	if (s->exec_pid) { /* exec mode: a process to join, not a container to build */
		if (s->exec_pid < 0)
			return err_out(errbuf, errlen, "%s", "spec: execPid must be a positive pid");
		return spec_check_process(s, errbuf, errlen);
	}
#define REQ_ABS(f, name) \
	if (!s->f || s->f[0] != '/') return err_out(errbuf, errlen, "spec: %s must be an absolute path", name)
	REQ_ABS(upper_dir, SPEC_KEY_UPPER_DIR);
	REQ_ABS(work_dir, SPEC_KEY_WORK_DIR);
	REQ_ABS(merged_dir, SPEC_KEY_MERGED_DIR);
	REQ_ABS(log_path, SPEC_KEY_LOG_PATH);
	REQ_ABS(exit_path, SPEC_KEY_EXIT_PATH);
	REQ_ABS(pid_path, SPEC_KEY_PID_PATH);
#undef REQ_ABS
	if (!s->id || !*s->id)
		return err_out(errbuf, errlen, "%s", "spec: id is required");
	if (s->n_lower == 0)
		return err_out(errbuf, errlen, "%s", "spec: at least one lowerDirs entry is required");
	for (size_t i = 0; i < s->n_lower; i++)
		if (s->lower_dirs[i][0] != '/')
			return err_out(errbuf, errlen, "spec: lowerDirs entry \"%s\" is not absolute", s->lower_dirs[i]);
	for (size_t i = 0; i < s->n_cgroup_procs; i++)
		if (s->cgroup_procs[i][0] != '/')
			return err_out(errbuf, errlen, "spec: cgroupProcs entry \"%s\" is not absolute", s->cgroup_procs[i]);
	if (spec_check_process(s, errbuf, errlen) < 0)
		return -1;
	if (!s->hostname)
		s->hostname = "";
	if (!s->uid_map != !s->gid_map)
		return err_out(errbuf, errlen, "%s", "spec: uidMap and gidMap go together");
	if (s->log_max_size < 0 || s->log_max_files < 0)
		return err_out(errbuf, errlen, "%s", "spec: logMaxSize and logMaxFiles must not be negative");
	return 0;
}

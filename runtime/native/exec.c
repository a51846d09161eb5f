/* exec.c: `berth-shim exec`, one more process in a running container.
 *
 *  E (spawned by Node, stdio = the exec's stdio)  reads the spec from fd 3 (execPid names the
 *     container's init), opens the init's namespaces, joins its cgroups, setns()es into
 *     cgroup, ipc, uts, net, pid and mnt (mnt last), then forks X, which is the first to be
 *     inside the pid namespace. Reports on fd 3 "ok <pid>" once X has exec'd, or
 *     "err <step> <errno> <message>"; then waits for X and exits with its code (128+signal).
 *  X  chdir, the same security settings as the container's init (security.c), execve.
 *     Failures come back over a close-on-exec socket as (step, errno, message).
 */
#include "shim.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile pid_t child_pid;


static void forward(int sig)
{
	if (child_pid > 0)
		kill(child_pid, sig);
}

static const struct { const char *name; int flag; } namespaces[] = {
	{ "cgroup", CLONE_NEWCGROUP }, { "ipc", CLONE_NEWIPC }, { "uts", CLONE_NEWUTS },
	{ "net", CLONE_NEWNET }, { "pid", CLONE_NEWPID }, { "mnt", CLONE_NEWNS },
};
#define N_NS (sizeof namespaces / sizeof namespaces[0])

int exec_main(void)
{
	struct spec s;
	char msg[SYNC_MSG_MAX];
	int nsfd[N_NS], sp[2];

	if (spec_read(SPEC_FD, &s, msg, sizeof msg) < 0)
		return report_spec_fd("spec", EINVAL, msg);
	if (!s.exec_pid)
		return report_spec_fd("spec", EINVAL, "spec: execPid is required for exec");

	/* step "namespaces": open them all while /proc is still the host's */
	for (size_t i = 0; i < N_NS; i++) {
		char p[64], self[64];
		struct stat a, b;
		snprintf(p, sizeof p, "/proc/%ld/ns/%s", s.exec_pid, namespaces[i].name);
		snprintf(self, sizeof self, "/proc/self/ns/%s", namespaces[i].name);
		nsfd[i] = open(p, O_RDONLY | O_CLOEXEC);
		if (nsfd[i] < 0) {
			snprintf(msg, sizeof msg, "open %s (is the container running?)", p);
			return report_spec_fd("namespaces", errno, msg);
		}
		if (stat(p, &a) == 0 && stat(self, &b) == 0 && a.st_ino == b.st_ino && a.st_dev == b.st_dev) {
			close(nsfd[i]); /* shared with us (--network host): nothing to join */
			nsfd[i] = -1;
		}
	}
	/* step "cgroup": before the fork, so that the new process is born inside */
	for (size_t i = 0; i < s.n_cgroup_procs; i++) {
		char pidbuf[32];
		int n = snprintf(pidbuf, sizeof pidbuf, "%ld\n", (long)getpid());
		int fd = open(s.cgroup_procs[i], O_WRONLY | O_CLOEXEC);
		if (fd < 0 || write_all(fd, pidbuf, (size_t)n) < 0) {
			snprintf(msg, sizeof msg, "write pid to %s", s.cgroup_procs[i]);
			return report_spec_fd("cgroup", errno, msg);
		}
		close(fd);
	}
	for (size_t i = 0; i < N_NS; i++) {
		if (nsfd[i] >= 0 && setns(nsfd[i], namespaces[i].flag) < 0) {
			snprintf(msg, sizeof msg, "setns into the %s namespace of pid %ld", namespaces[i].name, s.exec_pid);
			return report_spec_fd("setns", errno, msg);
		}
		if (nsfd[i] >= 0)
			close(nsfd[i]);
	}
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp) < 0)
		return report_spec_fd("sync", errno, "socketpair");

	pid_t pid = fork();
	if (pid < 0)
		return report_spec_fd("fork", errno, "fork into the container's pid namespace");
	if (pid == 0) {
		const char **env = s.env;
		close(sp[0]);
		signal(SIGPIPE, SIG_DFL);
		if (chdir(s.cwd) < 0)
			sync_init_fail(sp[1], "chdir", errno, "chdir to %s", s.cwd);
		umask(022);
		security_apply_process(&s.security, sp[1], &env);
		exec_command(&s, env, sp[1]);
	}
	close(sp[1]);
	child_pid = pid;
	signal(SIGTERM, forward);
	signal(SIGINT, forward);
	signal(SIGHUP, forward);

	struct sync_result r;
	int status = 0;
	int rc = sync_parent_read_result(sp[0], &r);
	if (rc < 0 || !r.ok) {
		int e = errno;
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
		if (rc < 0)
			return report_spec_fd("sync", e, "read the exec result");
		return report_spec_fd(r.step[0] ? r.step : "exec", r.err, r.msg);
	}
	close(sp[0]);
	{
		char line[32];
		int n = snprintf(line, sizeof line, "ok %ld\n", (long)pid);
		write_all(SPEC_FD, line, (size_t)n);
		close(SPEC_FD);
	}
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR)
			return 255;
	}
	return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
}

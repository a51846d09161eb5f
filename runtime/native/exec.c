/* exec.c: `berth-shim exec`, one more process in a running container.
 *
 *  E (spawned by Node, stdio = the exec's stdio)  reads the spec from fd 3 (execPid names the
 *     container's init), opens the init's namespaces, joins its cgroups, setns()es into
 *     cgroup, ipc, uts, net, pid and mnt (mnt last), then forks X, which is the first to be
 *     inside the pid namespace. Reports on fd 3 "ok <pid>" once X has exec'd, or
 *     "err <step> <errno> <message>"; then waits for X and exits with its code (128+signal).
 *  X  chdir, the same security settings as the container's init (security.c), execve.
 *     Failures come back over a close-on-exec socket as (step, errno, message).
 *
 *  With "tty" (exec -t) E opens a pty before it joins the namespaces (from the host's devpts, as
 *  a container's shim does) and X makes the slave its stdio and controlling terminal; with
 *  "stdin" (exec -i, no tty) X's stdin is a pipe. Either way E serves the attach socket at
 *  "sockPath" (bound before the mount namespace is joined: protocol in sock.c) and pumps: the pty
 *  to fd 1, the socket's stdin and resize frames to the pty or pipe, until X exits. Node removes
 *  the socket file afterwards: E no longer sees the host's file system.
 */
#include "shim.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile pid_t child_pid;


static void forward(int sig)
{
	if (child_pid > 0)
		kill(child_pid, sig);
}

/* the user namespace first: joined, it gives the rights to join the others it owns */
static const struct { const char *name; int flag; } namespaces[] = {
	{ "user", CLONE_NEWUSER }, { "cgroup", CLONE_NEWCGROUP }, { "ipc", CLONE_NEWIPC }, { "uts", CLONE_NEWUTS },
	{ "net", CLONE_NEWNET }, { "pid", CLONE_NEWPID }, { "mnt", CLONE_NEWNS },
};
#define N_NS (sizeof namespaces / sizeof namespaces[0])

int exec_main(void)
{
	struct spec s;
	char msg[SYNC_MSG_MAX];
	int nsfd[N_NS], sp[2], nsfd_user_joined = 0;

	signal(SIGPIPE, SIG_IGN); /* the pump writes to Node's pipe; X sets it back */
	if (spec_read(SPEC_FD, &s, msg, sizeof msg) < 0)
		return report_spec_fd(STEP_SPEC, EINVAL, msg);
	if (!s.exec_pid)
		return report_spec_fd(STEP_SPEC, EINVAL, "spec: execPid is required for exec");
	/* the report channel to the daemon stays out of the container's process */
	fcntl(SPEC_FD, F_SETFD, FD_CLOEXEC);

	/* step "stdio": the pty or stdin pipe and the attach socket, while the host's /dev and run
	 * root are still ours */
	int master = -1, slave = -1, in_p[2] = { -1, -1 }, listen_fd = -1;
	if (s.tty) {
		int unlock = 0;
		master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
		if (master < 0 || ioctl(master, TIOCSPTLCK, &unlock) < 0 ||
		    (slave = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC)) < 0)
			return report_spec_fd(STEP_PTY, errno, "open a pty");
		struct winsize ws = { .ws_row = 24, .ws_col = 80 };
		ioctl(master, TIOCSWINSZ, &ws);
	} else if (s.open_stdin && pipe2(in_p, O_CLOEXEC) < 0) {
		return report_spec_fd(STEP_PIPES, errno, "pipe");
	}
	if (s.sock_path && (listen_fd = sock_listen(s.sock_path)) < 0) {
		snprintf(msg, sizeof msg, "listen on %s", s.sock_path);
		return report_spec_fd(STEP_ATTACH_SOCKET, errno, msg);
	}

	/* step "namespaces": open them all while /proc is still the host's */
	for (size_t i = 0; i < N_NS; i++) {
		char p[64], self[64];
		struct stat a, b;
		snprintf(p, sizeof p, "/proc/%ld/ns/%s", s.exec_pid, namespaces[i].name);
		snprintf(self, sizeof self, "/proc/self/ns/%s", namespaces[i].name);
		nsfd[i] = open(p, O_RDONLY | O_CLOEXEC);
		if (nsfd[i] < 0) {
			snprintf(msg, sizeof msg, "open %s (is the container running?)", p);
			return report_spec_fd(STEP_NAMESPACES, errno, msg);
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
			return report_spec_fd(STEP_CGROUP, errno, msg);
		}
		close(fd);
	}
	for (size_t i = 0; i < N_NS; i++) {
		if (nsfd[i] >= 0 && namespaces[i].flag == CLONE_NEWUSER)
			nsfd_user_joined = 1;
		if (nsfd[i] >= 0 && setns(nsfd[i], namespaces[i].flag) < 0) {
			snprintf(msg, sizeof msg, "setns into the %s namespace of pid %ld", namespaces[i].name, s.exec_pid);
			return report_spec_fd(STEP_SETNS, errno, msg);
		}
		if (nsfd[i] >= 0)
			close(nsfd[i]);
	}
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp) < 0)
		return report_spec_fd(STEP_SYNC, errno, "socketpair");
	/* in the container's user namespace (--userns-remap): its root, as the container's init */
	if (nsfd_user_joined && (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0))
		return report_spec_fd(STEP_USERNS, errno, "become the user namespace's root");

	pid_t pid = fork();
	if (pid < 0)
		return report_spec_fd(STEP_FORK, errno, "fork into the container's pid namespace");
	if (pid == 0) {
		const char **env = s.env;
		close(sp[0]);
		signal(SIGPIPE, SIG_DFL);
		if (slave >= 0) {
			/* a session of its own, the slave its controlling terminal and stdio */
			if (setsid() < 0 || ioctl(slave, TIOCSCTTY, 0) < 0)
				sync_init_fail(sp[1], STEP_TTY, errno, "make the pty the controlling terminal");
			for (int fd = 0; fd < 3; fd++)
				if (dup2(slave, fd) < 0)
					sync_init_fail(sp[1], STEP_TTY, errno, "dup2 the pty");
		} else if (in_p[0] >= 0 && dup2(in_p[0], 0) < 0) {
			sync_init_fail(sp[1], STEP_STDIN, errno, "dup2 the stdin pipe");
		}
		if (chdir(s.cwd) < 0)
			sync_init_fail(sp[1], STEP_CHDIR, errno, "chdir to %s", s.cwd);
		umask(022);
		security_apply_process(&s.security, sp[1], &env);
		exec_command(&s, env, sp[1]);
	}
	close(sp[1]);
	if (slave >= 0)
		close(slave);
	if (in_p[0] >= 0)
		close(in_p[0]);
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
			return report_spec_fd(STEP_SYNC, e, "read the exec result");
		return report_spec_fd(r.step[0] ? r.step : STEP_EXEC, r.err, r.msg);
	}
	close(sp[0]);
	{
		char line[32];
		int n = snprintf(line, sizeof line, "ok %ld\n", (long)pid);
		write_all(SPEC_FD, line, (size_t)n);
		close(SPEC_FD);
	}
	if (master >= 0 || in_p[1] >= 0 || listen_fd >= 0) {
		int exit_fd = (int)syscall(SYS_pidfd_open, pid, 0);
		if (exit_fd >= 0) {
			struct pump pump = { NULL, listen_fd, master, -1, master >= 0 ? master : in_p[1], master, pid, exit_fd };
			sock_pump(&pump);
			close(exit_fd);
		}
	}
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR)
			return 255;
	}
	return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
}

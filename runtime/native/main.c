/* main.c: process orchestration.
 *
 *  P (spawned by Node)  reads the spec from fd 3, forks S, relays S's one-line report
 *                       ("ok <containerPid> <shimPid>" / "err <step> <errno> <message>")
 *                       to fd 3 and exits 0.
 *  S (long-lived shim)  setsid(), stdio on /dev/null, every other fd closed; clone()s C in
 *                       new pid/mnt/uts/ipc/net namespaces, puts C in its cgroups, says go,
 *                       waits for exec (or an init error), writes the pid file, reports,
 *                       then pumps C's stdout/stderr (or, with a tty, the pty master) into
 *                       the JSON log while serving the attach socket (sock.c), reaps C,
 *                       writes the exit file atomically and exits.
 *  C (container init)   see init.c.
 */
#include "shim.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static int report_fd = -1;

/* S: report a failure to P and exit */
static void report_err(const char *step, int err, const char *msg) __attribute__((noreturn));
static void report_err(const char *step, int err, const char *msg)
{
	char line[SYNC_MSG_MAX + 128];
	int n = snprintf(line, sizeof line, "err %s %d %s", step, err, msg);
	if (n < 0)
		n = 0;
	if ((size_t)n >= sizeof line - 1)
		n = sizeof line - 2;
	for (int i = 0; i < n; i++)
		if (line[i] == '\n' || line[i] == '\r')
			line[i] = ' ';
	line[n++] = '\n';
	write_all(report_fd, line, (size_t)n);
	_exit(1);
}

static void close_other_fds(int keep)
{
	for (int fd = 3; fd < 1024; fd++)
		if (fd != keep)
			close(fd);
}

static void stdio_devnull(void)
{
	int nul = open("/dev/null", O_RDWR);
	if (nul < 0)
		return;
	for (int fd = 0; fd < 3; fd++)
		if (nul != fd)
			dup2(nul, fd);
	if (nul > 2)
		close(nul);
}

static void kill_and_reap(pid_t pid)
{
	int st;
	kill(pid, SIGKILL);
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
}

static void write_exit_file(const char *path, int status)
{
	char ts[64], data[160];
	int code, n;
	fmt_time_rfc3339nano(ts, sizeof ts);
	if (WIFSIGNALED(status)) {
		code = 128 + WTERMSIG(status);
		n = snprintf(data, sizeof data, "{\"exitCode\":%d,\"signal\":%d,\"time\":\"%s\"}\n",
			     code, WTERMSIG(status), ts);
	} else {
		code = WEXITSTATUS(status);
		n = snprintf(data, sizeof data, "{\"exitCode\":%d,\"signal\":null,\"time\":\"%s\"}\n",
			     code, ts);
	}
	write_file_atomic(path, data, (size_t)n);
}

static void run_shim(const struct spec *s) __attribute__((noreturn));
static void run_shim(const struct spec *s)
{
	int out_p[2], err_p[2], sync_p[2];
	int in_p[2] = { -1, -1 }, master = -1, slave = -1;
	char msg[SYNC_MSG_MAX];

	/* "<pid file>.starting" holds this shim's pid while the container is set up (a copy-up can
	 * take long): a daemon restarted meanwhile waits for the pid file instead of failing the
	 * start. Best effort, no fsync: after a reboot the shim is gone anyway. */
	{
		char path[4096], line[32];
		if ((size_t)snprintf(path, sizeof path, "%s.starting", s->pid_path) < sizeof path) {
			int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
			if (fd >= 0) {
				int n = snprintf(line, sizeof line, "%ld\n", (long)getpid());
				if (write_all(fd, line, (size_t)n) < 0) { /* best effort */ }
				close(fd);
			}
		}
	}

	struct logfile log;
	if (logfile_open(&log, s->log_path, s->log_max_size, s->log_max_files, s->log_compress) < 0) {
		snprintf(msg, sizeof msg, "open %s", s->log_path);
		report_err(STEP_OPEN_LOG, errno, msg);
	}
	log.attrs = s->log_attrs;
	if (s->journal_socket && journal_open(&log.journal, s->journal_socket, s->journal_fields, s->n_journal_fields) < 0) {
		snprintf(msg, sizeof msg, "connect %s", s->journal_socket);
		report_err(STEP_OPEN_LOG, errno, msg);
	}
	if (pipe2(out_p, O_CLOEXEC) < 0 || pipe2(err_p, O_CLOEXEC) < 0) {
		snprintf(msg, sizeof msg, "pipe");
		report_err(STEP_PIPES, errno, msg);
	}
	if (s->tty) {
		/* the master stays here; the init makes the slave its stdio and controlling tty */
		int unlock = 0;
		master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
		if (master < 0 || ioctl(master, TIOCSPTLCK, &unlock) < 0 ||
		    (slave = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC)) < 0) {
			snprintf(msg, sizeof msg, "open a pty");
			report_err(STEP_PTY, errno, msg);
		}
		/* a usable size until the client sends its own */
		struct winsize ws = { .ws_row = 24, .ws_col = 80 };
		ioctl(master, TIOCSWINSZ, &ws);
		close(out_p[1]);
		close(err_p[1]);
		close(err_p[0]);
		out_p[1] = err_p[1] = in_p[0] = slave;
		out_p[0] = in_p[1] = master;
		err_p[0] = -1;
	} else if (s->open_stdin && pipe2(in_p, O_CLOEXEC) < 0) {
		snprintf(msg, sizeof msg, "pipe");
		report_err(STEP_PIPES, errno, msg);
	}
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sync_p) < 0) {
		snprintf(msg, sizeof msg, "socketpair");
		report_err(STEP_SYNC, errno, msg);
	}

	/* --network container:X: the shim enters that netns, and the container is cloned into it */
	if (s->join_netns) {
		int ns = open(s->join_netns, O_RDONLY | O_CLOEXEC);
		if (ns < 0 || setns(ns, CLONE_NEWNET) < 0) {
			snprintf(msg, sizeof msg, "join the network namespace %s", s->join_netns);
			report_err("network", errno, msg);
		}
		close(ns);
	}
	/* --userns-remap: the root on idmapped layers and the volumes, with host root's rights */
	if (s->uid_map && userns_prepare_root(s, msg, sizeof msg) < 0)
		report_err(STEP_USERNS, errno, msg);
	/* fork-like clone (no CLONE_VM, no new stack) into fresh namespaces */
	long pid = syscall(SYS_clone, (s->uid_map ? CLONE_NEWUSER : 0) | CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC |
				      (s->security.host_network || s->join_netns ? 0 : CLONE_NEWNET) | SIGCHLD, NULL, NULL, NULL, 0);
	if (pid < 0) {
		snprintf(msg, sizeof msg, "clone into new namespaces");
		report_err(STEP_CLONE, errno, msg);
	}
	if (pid == 0) {
		struct init_args a = { s, sync_p[1], out_p[1], err_p[1], in_p[0] };
		close(sync_p[0]);
		close(out_p[0]);
		if (err_p[0] >= 0)
			close(err_p[0]);
		if (in_p[1] >= 0 && in_p[1] != out_p[0])
			close(in_p[1]);
		close(log.fd);
		if (log.journal.fd >= 0)
			close(log.journal.fd);
		close(report_fd);
		init_run(&a);
	}
	close(sync_p[1]);
	close(out_p[1]);
	if (err_p[1] != out_p[1])
		close(err_p[1]);
	if (in_p[0] >= 0 && in_p[0] != out_p[1])
		close(in_p[0]);

	/* step "userns": the maps, written from outside before init may run anything */
	if (s->uid_map && userns_write_maps(s, pid, msg, sizeof msg) < 0) {
		int e = errno;
		kill_and_reap((pid_t)pid);
		report_err(STEP_USERNS, e, msg);
	}
	/* step "cgroup": the pid goes into every cgroup before init may run anything */
	for (size_t i = 0; i < s->n_cgroup_procs; i++) {
		char pidbuf[32];
		int n = snprintf(pidbuf, sizeof pidbuf, "%ld\n", pid);
		int fd = open(s->cgroup_procs[i], O_WRONLY | O_CLOEXEC);
		if (fd < 0 || write_all(fd, pidbuf, (size_t)n) < 0) {
			int e = errno;
			snprintf(msg, sizeof msg, "write pid to %s", s->cgroup_procs[i]);
			kill_and_reap((pid_t)pid);
			report_err(STEP_CGROUP, e, msg);
		}
		close(fd);
	}
	/* step "network": veths, addresses and the route, before init may run anything */
	if (s->n_networks > 0 && net_setup(s, pid, msg, sizeof msg) < 0) {
		int e = errno;
		kill_and_reap((pid_t)pid);
		report_err("network", e, msg);
	}
	if (sync_parent_send_go(sync_p[0]) < 0) {
		int e = errno;
		snprintf(msg, sizeof msg, "send go to init");
		kill_and_reap((pid_t)pid);
		report_err(STEP_SYNC, e, msg);
	}
	struct sync_result r;
	if (sync_parent_read_result(sync_p[0], &r) < 0) {
		int e = errno;
		snprintf(msg, sizeof msg, "read init result");
		kill_and_reap((pid_t)pid);
		report_err(STEP_SYNC, e, msg);
	}
	close(sync_p[0]);
	if (!r.ok) {
		kill_and_reap((pid_t)pid);
		report_err(r.step[0] ? r.step : STEP_INIT, r.err, r.msg);
	}

	int listen_fd = -1;
	if (s->sock_path) {
		listen_fd = sock_listen(s->sock_path);
		if (listen_fd < 0) {
			int e = errno;
			snprintf(msg, sizeof msg, "listen on %s", s->sock_path);
			kill_and_reap((pid_t)pid);
			report_err(STEP_ATTACH_SOCKET, e, msg);
		}
	}
	{
		char line[64];
		int n = snprintf(line, sizeof line, "%ld %ld\n", pid, (long)getpid());
		if (write_file_atomic(s->pid_path, line, (size_t)n) < 0) {
			int e = errno;
			snprintf(msg, sizeof msg, "write %s", s->pid_path);
			kill_and_reap((pid_t)pid);
			if (s->sock_path)
				unlink(s->sock_path);
			report_err(STEP_PID_FILE, e, msg);
		}
		n = snprintf(line, sizeof line, "ok %ld %ld\n", pid, (long)getpid());
		write_all(report_fd, line, (size_t)n);
		close(report_fd);
		report_fd = -1;
	}

	struct pump pump = { &log, listen_fd, out_p[0], err_p[0], in_p[1], master, (pid_t)pid, -1 };
	sock_pump(&pump);
	if (s->sock_path) {
		close(listen_fd);
		unlink(s->sock_path);
	}

	int status = 0;
	while (waitpid((pid_t)pid, &status, 0) < 0) {
		if (errno != EINTR) {
			status = 255 << 8;
			break;
		}
	}
	write_exit_file(s->exit_path, status);
	_exit(0);
}

int main(int argc, char **argv)
{
	struct spec spec;
	char err[SYNC_MSG_MAX];
	int rp[2];

	/* a start and an exec enter a container's namespaces: from a sealed copy only (sealedcopy.c) */
	int enters = argc == 1 || (strcmp(argv[1], "rootfs") && strcmp(argv[1], "network"));
	if (enters && sealed_copy_ensure(argv) < 0)
		return report_spec_fd(STEP_SEALED_COPY, errno, "re-execute from a sealed copy of the shim");
	if (argc > 1 && !strcmp(argv[1], "exec"))
		return exec_main();
	if (argc > 1 && !strcmp(argv[1], "rootfs"))
		return rootfs_main();
	if (argc > 1 && !strcmp(argv[1], "network"))
		return network_main(argc, argv);

	if (spec_read(SPEC_FD, &spec, err, sizeof err) < 0) {
		dprintf(SPEC_FD, "err spec %d %s\n", EINVAL, err);
		return 0;
	}
	if (pipe2(rp, O_CLOEXEC) < 0) {
		dprintf(SPEC_FD, "err shim %d pipe\n", errno);
		return 0;
	}
	pid_t s = fork();
	if (s < 0) {
		dprintf(SPEC_FD, "err shim %d fork\n", errno);
		return 0;
	}
	if (s == 0) {
		/* S: detach from Node entirely */
		setsid();
		signal(SIGPIPE, SIG_IGN);
		signal(SIGHUP, SIG_IGN);
		close(rp[0]);
		report_fd = rp[1];
		stdio_devnull();
		close_other_fds(report_fd);
		run_shim(&spec);
	}
	/* P: relay S's single line, then exit */
	close(rp[1]);
	char line[SYNC_MSG_MAX + 128];
	size_t len = 0;
	for (;;) {
		if (len == sizeof line - 1)
			break;
		ssize_t n = read(rp[0], line + len, sizeof line - 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
		if (memchr(line, '\n', len))
			break;
	}
	if (len == 0) {
		int st = 0;
		waitpid(s, &st, WNOHANG);
		dprintf(SPEC_FD, "err shim 0 shim process exited before reporting\n");
		return 0;
	}
	char *nl = memchr(line, '\n', len);
	if (nl)
		len = (size_t)(nl - line) + 1;
	else
		line[len++] = '\n';
	write_all(SPEC_FD, line, len);
	return 0;
}

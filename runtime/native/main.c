/* main.c: process orchestration.
 *
 *  P (spawned by Node)  reads the spec from fd 3, forks S, relays S's one-line report
 *                       ("ok <containerPid> <shimPid>" / "err <step> <errno> <message>")
 *                       to fd 3 and exits 0. The daemon's starts go through the spawner
 *                       instead (spawner.c): one long-lived P that forks an S per request.
 *  S (long-lived shim)  setsid(), stdio on /dev/null, every other fd closed; clone()s C in
 *                       new pid/mnt/uts/ipc/net namespaces, puts C in its cgroups, says go,
 *                       waits for exec (or an init error), writes the pid file, reports,
 *                       then executes itself as the monitor ("pump", monitor_exec), which
 *                       pumps C's stdout/stderr (or, with a tty, the pty master) into
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
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
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

/* Every fd from 3 up but `keep`: two close_range calls where a loop made a thousand closes
 * (the loop is kept for a kernel older than 5.9, and closes up to 1024 as before). */
static void close_other_fds(int keep)
{
	if ((keep < 4 || close_range(3, (unsigned)keep - 1, 0) == 0) && close_range((unsigned)keep + 1, ~0U, 0) == 0)
		return;
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
	/* durable: how the container ended is its record even after the host went down */
	write_file_atomic(path, data, (size_t)n, 1);
}

/*
 * S once the container runs: it pumps the output into the log and serves the attach socket
 * until the output ends, reaps the container and writes the exit file. All it keeps for the
 * container's life is here.
 */
struct monitor {
	pid_t pid;
	const char *exit_path;
	const char *sock_path; /* NULL: no attach socket */
	int listen_fd, out_r, err_r, in_w, tty_master;
	struct logfile log;
};

static void monitor_run(struct monitor *m) __attribute__((noreturn));
static void monitor_run(struct monitor *m)
{
	struct pump pump = { &m->log, m->listen_fd, m->out_r, m->err_r, m->in_w, m->tty_master, m->pid, -1 };
	sock_pump(&pump);
	if (m->sock_path) {
		close(m->listen_fd);
		unlink(m->sock_path);
	}
	int status = 0;
	while (waitpid(m->pid, &status, 0) < 0) {
		if (errno != EINTR) {
			status = 255 << 8;
			break;
		}
	}
	write_exit_file(m->exit_path, status);
	_exit(0);
}

/*
 * `berth-shim pump` and the arguments monitor_exec gives it, in this order. The log's attributes
 * and journald fields (labels and env values a --log-opt picked: maybe secrets) are not
 * arguments, which every user can read in /proc/PID/cmdline: they come in a memfd (PUMP_DATA_FD,
 * or -1 without any), as "attrs\0field\0field\0...".
 */
enum { PUMP_PID = 2, PUMP_EXIT, PUMP_SOCK, PUMP_LISTEN, PUMP_OUT, PUMP_ERR, PUMP_IN, PUMP_TTY, PUMP_LOG_FD,
       PUMP_LOG_PATH, PUMP_LOG_MAX_SIZE, PUMP_LOG_MAX_FILES, PUMP_LOG_COMPRESS, PUMP_JOURNAL_FD, PUMP_DATA_FD,
       PUMP_N_FIELDS, PUMP_ARGC };

/* The memfd of the log's attributes and journald fields; -1 when there are none, -2 on failure. */
static int monitor_data(const struct logfile *log)
{
	if (!log->attrs && log->journal.n_fields == 0)
		return -1;
	int fd = memfd_create("berth-shim-monitor", 0);
	if (fd < 0)
		return -2;
	const char *attrs = log->attrs ? log->attrs : "";
	int ok = write_all(fd, attrs, strlen(attrs) + 1) == 0;
	for (size_t i = 0; ok && i < log->journal.n_fields; i++)
		ok = write_all(fd, log->journal.fields[i], strlen(log->journal.fields[i]) + 1) == 0;
	if (!ok || lseek(fd, 0, SEEK_SET) != 0) {
		close(fd);
		return -2;
	}
	return fd;
}

/*
 * S becomes the monitor by executing itself again: a running container's shim is what each
 * one more container costs, and what the set-up dirtied (the spec and its arrays on the heap,
 * the stack of its deepest calls, the netlink buffers) would stay private to every shim for
 * the container's life. The fresh image holds the monitor's state alone, in its arguments.
 * The same process (the container stays its child) with the same fds, made inheritable; the
 * daemon knows it by pid and by its name, which pump_main sets again. When the exec fails, S
 * monitors all the same, with those pages. Measured with the bench's `run -d busybox sleep`:
 * 56 kB private to each shim, against 80 kB when S monitored in its set-up's image.
 */
static void monitor_exec(struct monitor *m) __attribute__((noreturn));
static void monitor_exec(struct monitor *m)
{
	int data = monitor_data(&m->log);
	if (data == -2)
		monitor_run(m);
	char num[PUMP_ARGC][24];
	const char *argv[PUMP_ARGC + 1];
	int fds[] = { m->listen_fd, m->out_r, m->err_r, m->in_w, m->tty_master, m->log.fd, m->log.journal.fd };
	for (size_t i = 0; i < sizeof fds / sizeof fds[0]; i++)
		if (fds[i] >= 0)
			fcntl(fds[i], F_SETFD, 0);
	argv[0] = SHIM_NAME;
	argv[1] = "pump";
	snprintf(num[PUMP_PID], 24, "%ld", (long)m->pid);
	snprintf(num[PUMP_LISTEN], 24, "%d", m->listen_fd);
	snprintf(num[PUMP_OUT], 24, "%d", m->out_r);
	snprintf(num[PUMP_ERR], 24, "%d", m->err_r);
	snprintf(num[PUMP_IN], 24, "%d", m->in_w);
	snprintf(num[PUMP_TTY], 24, "%d", m->tty_master);
	snprintf(num[PUMP_LOG_FD], 24, "%d", m->log.fd);
	snprintf(num[PUMP_LOG_MAX_SIZE], 24, "%lld", m->log.max_size);
	snprintf(num[PUMP_LOG_MAX_FILES], 24, "%d", m->log.max_files);
	snprintf(num[PUMP_LOG_COMPRESS], 24, "%d", m->log.compress);
	snprintf(num[PUMP_JOURNAL_FD], 24, "%d", m->log.journal.fd);
	snprintf(num[PUMP_DATA_FD], 24, "%d", data);
	snprintf(num[PUMP_N_FIELDS], 24, "%zu", m->log.journal.n_fields);
	for (int i = PUMP_PID; i < PUMP_ARGC; i++)
		argv[i] = num[i];
	argv[PUMP_EXIT] = m->exit_path;
	argv[PUMP_SOCK] = m->sock_path ? m->sock_path : "";
	argv[PUMP_LOG_PATH] = m->log.path;
	argv[PUMP_ARGC] = NULL;
	/* nothing the monitor runs reads the environment (its times are UTC) */
	char *const no_env[] = { NULL };
	execve("/proc/self/exe", (char *const *)argv, no_env);
	if (data >= 0)
		close(data);
	monitor_run(m);
}

/* The attributes and fields monitor_data wrote, read back into memory; 0, or -1 */
static int pump_read_data(int fd, size_t n_fields, struct logfile *log)
{
	struct stat st;
	if (fstat(fd, &st) < 0 || st.st_size <= 0) {
		close(fd);
		return -1;
	}
	char *text = malloc((size_t)st.st_size);
	const char **fields = calloc(n_fields + 1, sizeof *fields);
	off_t got = 0;
	while (text && fields && got < st.st_size) {
		ssize_t n = pread(fd, text + got, (size_t)(st.st_size - got), got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += n;
	}
	close(fd);
	if (got < st.st_size || text[st.st_size - 1] != '\0')
		goto bad;
	char *at = text, *end = text + st.st_size;
	log->attrs = *at ? at : NULL;
	at += strlen(at) + 1;
	for (size_t i = 0; i < n_fields; i++) {
		if (at >= end)
			goto bad;
		fields[i] = at;
		at += strlen(at) + 1;
	}
	log->journal.fields = fields;
	log->journal.n_fields = n_fields;
	return 0;
bad:
	log->attrs = NULL;
	free(text);
	free(fields);
	return -1;
}

/* `berth-shim pump ...`: the monitor in its own image (monitor_exec); never returns */
static int pump_main(int argc, char **argv)
{
	if (argc != PUMP_ARGC)
		_exit(2);
	/* comm would be "exe": the daemon knows its shims by this one */
	prctl(PR_SET_NAME, SHIM_NAME, 0, 0, 0);
	struct monitor m = {
		.pid = (pid_t)atol(argv[PUMP_PID]),
		.exit_path = argv[PUMP_EXIT],
		.sock_path = argv[PUMP_SOCK][0] ? argv[PUMP_SOCK] : NULL,
		.listen_fd = atoi(argv[PUMP_LISTEN]), .out_r = atoi(argv[PUMP_OUT]), .err_r = atoi(argv[PUMP_ERR]),
		.in_w = atoi(argv[PUMP_IN]), .tty_master = atoi(argv[PUMP_TTY]),
	};
	logfile_adopt(&m.log, atoi(argv[PUMP_LOG_FD]), argv[PUMP_LOG_PATH], atoll(argv[PUMP_LOG_MAX_SIZE]),
		      atoi(argv[PUMP_LOG_MAX_FILES]), atoi(argv[PUMP_LOG_COMPRESS]));
	m.log.journal = (struct journal){ atoi(argv[PUMP_JOURNAL_FD]), NULL, 0 };
	int data = atoi(argv[PUMP_DATA_FD]);
	/* without its attributes the log would lose what each record carries: the container is
	 * monitored all the same (its output still logged), as a journal left unconnected would be */
	if (data >= 0 && pump_read_data(data, (size_t)atol(argv[PUMP_N_FIELDS]), &m.log) < 0)
		m.log.journal.fd = -1;
	monitor_run(&m);
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
		/* Not fsynced: it names processes, which a crash of the host ends too, and a file lost
		 * with them says the truth. The rename is enough for a daemon that crashed (the page
		 * cache outlives it); the fsync was 1-2 ms of every start's critical path. */
		if (write_file_atomic(s->pid_path, line, (size_t)n, 0) < 0) {
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

	struct monitor m = { (pid_t)pid, s->exit_path, s->sock_path, listen_fd, out_p[0], err_p[0], in_p[1], master, log };
	monitor_exec(&m);
}

/* S, just forked: its own session, stdio on /dev/null, and no fd but its report's. */
static void detach_shim(int report)
{
	setsid();
	signal(SIGPIPE, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	report_fd = report;
	stdio_devnull();
	close_other_fds(report_fd);
}

/* A container's start: P reads the spec, forks S and relays its report (the header). */
static int start_main(void)
{
	struct spec spec;
	char err[SYNC_MSG_MAX];
	int rp[2];

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
		close(rp[0]);
		detach_shim(rp[1]);
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

/*
 * S as the spawner forks it (spawner.c): the spec is the request's `len` bytes in `buf` (NUL
 * after them), the report goes to `report`. Detaches as start_main's S does; never returns.
 */
void spawned_shim(char *buf, size_t len, int report)
{
	struct spec spec;
	char err[SYNC_MSG_MAX];

	detach_shim(report);
	if (spec_parse(buf, len, &spec, err, sizeof err) < 0) {
		dprintf(report_fd, "err spec %d %s\n", EINVAL, err);
		_exit(1);
	}
	run_shim(&spec);
}

/* Each mode in a function of its own: the monitor's image (pump) keeps no start's frame on its stack. */
int main(int argc, char **argv)
{
	/* a start and an exec enter a container's namespaces: from a sealed copy only (sealedcopy.c) */
	int enters = argc == 1 || (strcmp(argv[1], "rootfs") && strcmp(argv[1], "network") && strcmp(argv[1], "pump"));
	if (enters && sealed_copy_ensure(argv) < 0)
		return report_spec_fd(STEP_SEALED_COPY, errno, "re-execute from a sealed copy of the shim");
	if (argc > 1 && !strcmp(argv[1], "exec"))
		return exec_main();
	if (argc > 1 && !strcmp(argv[1], "rootfs"))
		return rootfs_main();
	if (argc > 1 && !strcmp(argv[1], "pump"))
		return pump_main(argc, argv);
	if (argc > 1 && !strcmp(argv[1], "network"))
		return network_main(argc, argv);
	if (argc > 1 && !strcmp(argv[1], "spawner"))
		return spawner_main(argc, argv);

	return start_main();
}

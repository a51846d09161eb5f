/* spawner.c: `berth-shim spawner`, the daemon's one long-lived P.
 *
 * Node's spawn() forks the whole daemon and waits for the exec: it held the daemon's event
 * loop for 7-14 ms at every container start. The daemon starts this process once instead and
 * asks it over fd 3 (a socket pair). A request is the header "<id> <length>\n" and then the
 * spec's bytes (spec.c's format); the spawner forks an S for it (main.c spawned_shim: from this
 * small process a fork costs little, and no exec is needed) and relays S's one-line report as
 * "<id> <report>\n", in the order the reports come. It reaps the S processes (the monitors)
 * while it lives; they outlive it. It ends when fd 3 reaches its end (the daemon closed it)
 * and dies with the daemon (PR_SET_PDEATHSIG; the daemon's pid is its argument, so that one
 * already gone is seen even where the daemon was pid 1), without its monitors.
 */
#include "shim.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_PENDING 256
#define HEADER_MAX 64
#define SPAWN_SPEC_MAX (16u << 20)

/* an S that has not reported yet */
struct pending {
	unsigned long id;
	int fd; /* the read end of its report pipe */
	size_t len;
	char line[SYNC_MSG_MAX + 128];
};

static struct pending pending[MAX_PENDING];
static size_t n_pending;

static void reply(unsigned long id, const char *line, size_t len)
{
	char head[32];
	int n = snprintf(head, sizeof head, "%lu ", id);
	write_all(SPEC_FD, head, (size_t)n);
	write_all(SPEC_FD, line, len);
}

/* S's report has come, or its pipe ended without one: relay it and forget S. */
static void finish(size_t i)
{
	struct pending *p = &pending[i];
	char *nl = memchr(p->line, '\n', p->len);
	if (nl) {
		reply(p->id, p->line, (size_t)(nl - p->line) + 1);
	} else {
		static const char none[] = "err shim 0 shim process exited before reporting\n";
		reply(p->id, none, sizeof none - 1);
	}
	close(p->fd);
	pending[i] = pending[--n_pending];
}

static void read_report(size_t i)
{
	struct pending *p = &pending[i];
	ssize_t n = read(p->fd, p->line + p->len, sizeof p->line - 1 - p->len);
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n > 0)
		p->len += (size_t)n;
	if (n <= 0 || memchr(p->line, '\n', p->len) || p->len == sizeof p->line - 1)
		finish(i);
}

/* Forks the S of one request; its spec is `spec` (`len` bytes, a NUL after them). */
static void spawn_one(unsigned long id, char *spec, size_t len, const sigset_t *unblocked)
{
	int rp[2];
	if (n_pending == MAX_PENDING) {
		dprintf(SPEC_FD, "%lu err shim %d too many starts at once\n", id, EAGAIN);
		return;
	}
	if (pipe2(rp, O_CLOEXEC) < 0) {
		dprintf(SPEC_FD, "%lu err shim %d pipe\n", id, errno);
		return;
	}
	pid_t s = fork();
	if (s < 0) {
		dprintf(SPEC_FD, "%lu err shim %d fork\n", id, errno);
		close(rp[0]);
		close(rp[1]);
		return;
	}
	if (s == 0) {
		signal(SIGCHLD, SIG_DFL);
		sigprocmask(SIG_SETMASK, unblocked, NULL);
		close(rp[0]);
		spawned_shim(spec, len, rp[1]);
	}
	close(rp[1]);
	pending[n_pending++] = (struct pending){ .id = id, .fd = rp[0] };
}

/* `berth-shim spawner DAEMON_PID` */
int spawner_main(int argc, char **argv)
{
	sigset_t chld, unblocked;
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (argc < 3 || getppid() != (pid_t)strtol(argv[2], NULL, 10))
		return 0; /* the daemon is already gone (or this was not started by one) */
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	sigprocmask(SIG_BLOCK, &chld, &unblocked);
	int sfd = signalfd(-1, &chld, SFD_CLOEXEC | SFD_NONBLOCK);
	if (sfd < 0)
		return report_spec_fd("shim", errno, "signalfd");

	/* the request being read: its header, then its spec */
	char head[HEADER_MAX];
	size_t head_len = 0;
	unsigned long id = 0;
	char *spec = NULL;
	size_t spec_len = 0, spec_have = 0;

	for (;;) {
		struct pollfd fds[MAX_PENDING + 2];
		fds[0] = (struct pollfd){ .fd = SPEC_FD, .events = POLLIN };
		fds[1] = (struct pollfd){ .fd = sfd, .events = POLLIN };
		for (size_t i = 0; i < n_pending; i++)
			fds[i + 2] = (struct pollfd){ .fd = pending[i].fd, .events = POLLIN };
		size_t n_polled = n_pending;
		if (poll(fds, n_polled + 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			return 1;
		}
		if (fds[1].revents) {
			struct signalfd_siginfo si;
			while (read(sfd, &si, sizeof si) > 0)
				;
			while (waitpid(-1, NULL, WNOHANG) > 0)
				;
		}
		/* from the last: finish() moves the last pending entry into the slot it frees */
		for (size_t i = n_polled; i-- > 0;)
			if (fds[i + 2].revents)
				read_report(i);
		if (!fds[0].revents)
			continue;
		if (spec == NULL) {
			/* the header, a byte at a time: it is short, and the spec's bytes follow it */
			ssize_t n = read(SPEC_FD, head + head_len, 1);
			if (n == 0)
				return 0;
			if (n < 0)
				continue;
			if (head[head_len] != '\n') {
				if (++head_len == sizeof head)
					return report_spec_fd("spec", EINVAL, "spawner: a request's header is too long");
				continue;
			}
			head[head_len] = '\0';
			head_len = 0;
			char *end;
			id = strtoul(head, &end, 10);
			unsigned long len = strtoul(end, &end, 10);
			if (*end != '\0' || len == 0 || len > SPAWN_SPEC_MAX)
				return report_spec_fd("spec", EINVAL, "spawner: a bad request header");
			spec = malloc(len + 1);
			if (!spec)
				return report_spec_fd("shim", ENOMEM, "spawner: out of memory");
			spec_len = len;
			spec_have = 0;
			continue;
		}
		ssize_t n = read(SPEC_FD, spec + spec_have, spec_len - spec_have);
		if (n == 0)
			return 0;
		if (n < 0)
			continue;
		spec_have += (size_t)n;
		if (spec_have < spec_len)
			continue;
		spec[spec_len] = '\0';
		spawn_one(id, spec, spec_len, &unblocked);
		free(spec);
		spec = NULL;
	}
}

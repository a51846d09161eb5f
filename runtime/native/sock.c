/* sock.c: the attach socket, and the shim's one poll loop (output -> log and clients,
 * clients -> stdin, resize, signal).
 *
 * The socket is a unix stream socket at the spec's sockPath (Layout.shimSocket:
 * <runRoot>/shims/<id>.sock), mode 0600, at most MAX_CLIENTS clients at once. It is bound
 * once the init has exec'd (so it exists when `started` is reported) and unlinked by the
 * shim before it writes the exit file.
 *
 * Protocol: every message, both ways, is a frame
 *     type (1 byte) | length (2 bytes, big-endian, at most FRAME_MAX = 4096) | payload
 *   client -> shim
 *     'a'  (empty)      attach output: from now on the shim sends this client every chunk of
 *                       output it reads (what came before is in ctr.log)
 *     'i'  bytes        for the container's stdin (pipe or pty); dropped when it has none
 *     'c'  (empty)      close the container's stdin (EOF); ignored with a tty
 *     'r'  rows, cols   2 + 2 bytes, big-endian: TIOCSWINSZ on the pty master (the kernel
 *                       then sends SIGWINCH to the foreground process group)
 *     'k'  signum       1 byte: kill(container init, signum)
 *   shim -> client
 *     'o'  bytes        stdout (with a tty: the pty's one stream)
 *     'e'  bytes        stderr
 * A client that sends an unknown type or an oversized frame is dropped. Output goes to a
 * client with MSG_DONTWAIT: a client too slow to take a chunk is dropped, so a client can
 * never stall the container's output. A client closing without 'c' (a detach) leaves stdin
 * open. Stdin is written without blocking: what the container's pipe or pty does not take is
 * kept (one frame at most), and until it is taken no client frame is read, so a container that
 * does not read its stdin slows the clients down but never the output. When the container's
 * output is closed the loop returns and every client sees EOF.
 *
 * An exec with -i/-t (exec.c) serves the same protocol on its own socket: its output goes to
 * fd 1 instead of a log, and its loop ends when the process exits (a pidfd), not at EOF.
 */
#include "shim.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#define FRAME_MAX 4096
#define MAX_CLIENTS 4

struct client {
	int fd;
	int out;             /* sent 'a' */
	size_t len;          /* bytes in buf */
	unsigned char *buf;  /* client_buffers[i] */
};

/* The buffers are kept apart from the few bytes the pump touches on every shim (the clients'
 * fds, pending_len): a page of them is written only once it is used, so a container nobody
 * attaches to costs its shim no private page for them (five pages, 20 kB, when each buffer
 * sat beside its client's fd and pending.len after its buffer). */
static size_t pending_len; /* stdin not yet taken, in pending (below) */
static struct client clients[MAX_CLIENTS];
static unsigned char client_buffers[MAX_CLIENTS][3 + FRAME_MAX];
static unsigned char frame[3 + FRAME_MAX];
/* stdin the container has not taken yet (its pipe or pty is full); while there is any, no
 * client frame is read or handled, so a client is slowed down, never the output pumped */
static unsigned char pending[FRAME_MAX];

int sock_listen(const char *path)
{
	struct sockaddr_un a;
	memset(&a, 0, sizeof a);
	a.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof a.sun_path) {
		errno = ENAMETOOLONG;
		return -1;
	}
	strcpy(a.sun_path, path);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -1;
	unlink(path);
	mode_t old = umask(077);
	int r = bind(fd, (struct sockaddr *)&a, sizeof a);
	umask(old);
	if (r < 0 || listen(fd, MAX_CLIENTS) < 0) {
		int e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

static void drop(struct client *c)
{
	close(c->fd);
	c->fd = -1;
	c->out = 0;
	c->len = 0;
}

static void broadcast(char type, const unsigned char *data, size_t n)
{
	int listening = 0;
	for (int i = 0; i < MAX_CLIENTS; i++)
		listening |= clients[i].fd >= 0 && clients[i].out;
	if (!listening)
		return; /* frame stays untouched */
	frame[0] = (unsigned char)type;
	frame[1] = (unsigned char)(n >> 8);
	frame[2] = (unsigned char)n;
	memcpy(frame + 3, data, n);
	for (int i = 0; i < MAX_CLIENTS; i++) {
		struct client *c = &clients[i];
		if (c->fd < 0 || !c->out)
			continue;
		ssize_t w = send(c->fd, frame, 3 + n, MSG_DONTWAIT | MSG_NOSIGNAL);
		if (w != (ssize_t)(3 + n))
			drop(c);
	}
}

/* writes what stdin takes without blocking; keeps the rest in pending. A failure (EPIPE once
 * the container closed its stdin) drops the bytes. */
static void stdin_write(int in_w, const unsigned char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(in_w, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && errno == EAGAIN)
			break;
		if (w <= 0)
			return;
		p += w;
		n -= (size_t)w;
	}
	memcpy(pending + pending_len, p, n); /* pending was empty: a frame always fits */
	pending_len += n;
}

/* one complete frame from a client; returns -1 to drop the client, 2 to keep it for later
 * (stdin is still full) */
static int handle(unsigned char type, const unsigned char *p, size_t n, int *in_w, int tty_master, pid_t pid)
{
	switch (type) {
	case 'a':
		return 1;
	case 'i':
		if (pending_len > 0)
			return 2;
		if (*in_w >= 0 && n > 0)
			stdin_write(*in_w, p, n);
		return 0;
	case 'c':
		if (pending_len > 0)
			return 2;
		if (*in_w >= 0 && tty_master < 0) {
			close(*in_w);
			*in_w = -1;
		}
		return 0;
	case 'r':
		if (n != 4)
			return -1;
		if (tty_master >= 0) {
			struct winsize ws;
			memset(&ws, 0, sizeof ws);
			ws.ws_row = (unsigned short)(p[0] << 8 | p[1]);
			ws.ws_col = (unsigned short)(p[2] << 8 | p[3]);
			ioctl(tty_master, TIOCSWINSZ, &ws);
		}
		return 0;
	case 'k':
		if (n != 1 || p[0] == 0 || p[0] >= 65)
			return -1;
		kill(pid, p[0]);
		return 0;
	default:
		return -1;
	}
}

/* handles the complete frames in a client's buffer, up to one that must wait for stdin */
static void handle_frames(struct client *c, int *in_w, int tty_master, pid_t pid)
{
	size_t off = 0;
	while (c->len - off >= 3) {
		unsigned char *f = c->buf + off;
		size_t plen = (size_t)f[1] << 8 | f[2];
		if (plen > FRAME_MAX) {
			drop(c);
			return;
		}
		if (c->len - off < 3 + plen)
			break;
		int r = handle(f[0], f + 3, plen, in_w, tty_master, pid);
		if (r < 0) {
			drop(c);
			return;
		}
		if (r == 2)
			break;
		if (r == 1)
			c->out = 1;
		off += 3 + plen;
	}
	memmove(c->buf, c->buf + off, c->len - off);
	c->len -= off;
}

static void serve(struct client *c, int *in_w, int tty_master, pid_t pid)
{
	ssize_t n = read(c->fd, c->buf + c->len, sizeof client_buffers[0] - c->len);
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n <= 0) {
		drop(c);
		return;
	}
	c->len += (size_t)n;
	handle_frames(c, in_w, tty_master, pid);
}

/* stdin has room again: write what is pending, then the frames the clients still hold */
static void stdin_ready(int *in_w, int tty_master, pid_t pid)
{
	unsigned char again[FRAME_MAX];
	size_t n = pending_len;
	memcpy(again, pending, n);
	pending_len = 0;
	if (*in_w >= 0)
		stdin_write(*in_w, again, n);
	for (int i = 0; i < MAX_CLIENTS && pending_len == 0; i++)
		if (clients[i].fd >= 0)
			handle_frames(&clients[i], in_w, tty_master, pid);
}

static const char *const stream_names[2] = { "stdout", "stderr" };
static const char stream_types[2] = { 'o', 'e' };

/* one chunk of output from source i: to the log (or fd 1/2) and to attached clients */
static void output(struct pump *p, int i, const unsigned char *buf, size_t n, struct jsonlog_carry *carry, int final)
{
	if (p->log)
		/* a failing log write must not stall the container: keep draining */
		jsonlog_write(p->log, stream_names[i], buf, n, carry, final);
	else if (n > 0)
		write_all(i + 1, buf, n);
	if (n > 0)
		broadcast(stream_types[i], buf, n);
}

/* the exec exited: read what its sources still hold without blocking (a background process may
 * keep a pty open) */
static void drain(struct pump *p, int *src, struct jsonlog_carry *carry)
{
	unsigned char buf[FRAME_MAX];
	for (int i = 0; i < 2; i++) {
		if (src[i] < 0)
			continue;
		fcntl(src[i], F_SETFL, fcntl(src[i], F_GETFL) | O_NONBLOCK);
		ssize_t n;
		while ((n = read(src[i], buf, sizeof buf)) > 0 || (n < 0 && errno == EINTR))
			if (n > 0)
				output(p, i, buf, (size_t)n, &carry[i], 0);
		output(p, i, buf, 0, &carry[i], 1);
	}
}

static void accept_client(int listen_fd)
{
	int fd = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC);
	if (fd < 0)
		return;
	for (int i = 0; i < MAX_CLIENTS; i++) {
		if (clients[i].fd < 0) {
			clients[i].fd = fd;
			clients[i].out = 0;
			clients[i].len = 0;
			return;
		}
	}
	close(fd);
}

void sock_pump(struct pump *p)
{
	enum { LISTEN = 2, EXITED = 3, STDIN = 4, CLIENTS = 5 };
	struct pollfd pfd[CLIENTS + MAX_CLIENTS];
	struct jsonlog_carry carry[2];
	/* not on the stack: a quiet container's shim never touches it (a running shim's pages are
	 * what each container costs) */
	static unsigned char buf[FRAME_MAX];
	int src[2] = { p->out_r, p->err_r };
	int open_n = (src[0] >= 0) + (src[1] >= 0);
	int in_w = p->in_w;

	memset(carry, 0, sizeof carry);
	for (int i = 0; i < MAX_CLIENTS; i++)
		clients[i] = (struct client){ .fd = -1, .buf = client_buffers[i] };
	pending_len = 0;
	if (in_w >= 0)
		fcntl(in_w, F_SETFL, fcntl(in_w, F_GETFL) | O_NONBLOCK);
	while (open_n > 0 || p->exit_fd >= 0) {
		int waiting = pending_len > 0 && in_w >= 0;
		pfd[0] = (struct pollfd){ src[0], POLLIN, 0 };
		pfd[1] = (struct pollfd){ src[1], POLLIN, 0 };
		pfd[LISTEN] = (struct pollfd){ p->listen_fd, POLLIN, 0 };
		pfd[EXITED] = (struct pollfd){ p->exit_fd, POLLIN, 0 };
		pfd[STDIN] = (struct pollfd){ waiting ? in_w : -1, POLLOUT, 0 };
		/* while stdin is full no client is read: a hang-up is seen once it drains */
		for (int i = 0; i < MAX_CLIENTS; i++)
			pfd[CLIENTS + i] = (struct pollfd){ waiting ? -1 : clients[i].fd, POLLIN, 0 };
		int r = poll(pfd, CLIENTS + MAX_CLIENTS, -1);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		for (int i = 0; i < 2; i++) {
			if (src[i] < 0 || !pfd[i].revents)
				continue;
			ssize_t n = read(src[i], buf, sizeof buf);
			if (n < 0 && (errno == EINTR || errno == EAGAIN))
				continue;
			if (n <= 0) { /* EOF, or EIO from a pty master once every slave is closed */
				output(p, i, buf, 0, &carry[i], 1);
				if (src[i] == in_w) {
					in_w = -1;
					pending_len = 0;
				}
				close(src[i]);
				src[i] = -1;
				open_n--;
				continue;
			}
			output(p, i, buf, (size_t)n, &carry[i], 0);
		}
		if (p->exit_fd >= 0 && pfd[EXITED].revents) {
			drain(p, src, carry);
			break;
		}
		if (waiting && pfd[STDIN].revents)
			stdin_ready(&in_w, p->tty_master, p->pid);
		if (p->listen_fd >= 0 && (pfd[LISTEN].revents & POLLIN))
			accept_client(p->listen_fd);
		for (int i = 0; i < MAX_CLIENTS; i++)
			if (clients[i].fd >= 0 && pfd[CLIENTS + i].fd == clients[i].fd && pfd[CLIENTS + i].revents)
				serve(&clients[i], &in_w, p->tty_master, p->pid);
	}
	for (int i = 0; i < MAX_CLIENTS; i++)
		if (clients[i].fd >= 0)
			drop(&clients[i]);
	if (in_w >= 0 && in_w != p->tty_master)
		close(in_w);
}

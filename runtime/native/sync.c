/* sync.c: parent (S) <-> init (C) handshake over a SOCK_STREAM socketpair.
 *
 * Steps, parent side:  "send-go"      one byte 'G' once C's pid is in its cgroups
 *                      "read-result"  read until EOF: no data = exec succeeded
 *                                     (the fd is close-on-exec in C)
 * Steps, init side:    "wait-go"      block until 'G' (EOF = parent gave up: exit)
 *                      "report-error" "<step>\0<errno>\0<message>\0", then _exit
 */
#include "shim.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int sync_init_wait_go(int fd)
{
	char c;
	for (;;) {
		ssize_t r = read(fd, &c, 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r == 1 && c == 'G')
			return 0;
		return -1;
	}
}

void sync_init_fail(int fd, const char *step, int err, const char *fmt, ...)
{
	char msg[SYNC_MSG_MAX];
	char out[SYNC_MSG_MAX + 96];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	int n = snprintf(out, sizeof out, "%s%c%d%c%s", step, 0, err, 0, msg);
	if (n < 0)
		n = 0;
	if ((size_t)n >= sizeof out)
		n = sizeof out - 1;
	out[n++] = '\0';
	write_all(fd, out, (size_t)n);
	_exit(125);
}

int sync_parent_send_go(int fd)
{
	return write_all(fd, "G", 1);
}

int sync_parent_read_result(int fd, struct sync_result *r)
{
	char buf[SYNC_MSG_MAX + 96];
	size_t len = 0;
	memset(r, 0, sizeof(*r));
	for (;;) {
		if (len == sizeof buf)
			break;
		ssize_t n = read(fd, buf + len, sizeof buf - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			break;
		len += (size_t)n;
	}
	if (len == 0) {
		r->ok = 1;
		return 0;
	}
	/* parse step\0errno\0msg\0 defensively */
	buf[len == sizeof buf ? len - 1 : len] = '\0';
	const char *step = buf;
	size_t sl = strnlen(step, len);
	const char *errs = sl + 1 < len ? buf + sl + 1 : "0";
	size_t el = strnlen(errs, len);
	const char *msg = (size_t)(errs - buf) + el + 1 < len ? errs + el + 1 : "";
	snprintf(r->step, sizeof r->step, "%s", step);
	r->err = atoi(errs);
	snprintf(r->msg, sizeof r->msg, "%s", msg);
	r->ok = 0;
	return 0;
}

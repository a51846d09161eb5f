/* journal.c: the journald driver's writer, journald's native protocol.
 *
 * One datagram per line to the journal socket (spec "journalSocket",
 * /run/systemd/journal/socket): the container's fields (spec "journalFields": KEY=value, the
 * same for every line: CONTAINER_NAME, CONTAINER_ID, ...), PRIORITY 6 for stdout and 3 for
 * stderr, CONTAINER_PARTIAL_MESSAGE=true for a line without its newline, and MESSAGE without
 * the newline, in the protocol's binary form (name, newline, 64-bit little-endian length, data,
 * newline) so that any byte may be in it. A line is at most 4 KB (jsonlog.c), far below the
 * socket's datagram limit. A send that fails (journald restarting) drops that line: the
 * container's output must never stop for the journal.
 */
#include "shim.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

int journal_open(struct journal *j, const char *socket_path, const char **fields, size_t n_fields)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	j->fields = fields;
	j->n_fields = n_fields;
	if (strlen(socket_path) >= sizeof addr.sun_path) {
		errno = ENAMETOOLONG;
		return -1;
	}
	strcpy(addr.sun_path, socket_path);
	j->fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (j->fd < 0)
		return -1;
	if (connect(j->fd, (struct sockaddr *)&addr, sizeof addr) < 0) {
		int saved = errno;
		close(j->fd);
		j->fd = -1;
		errno = saved;
		return -1;
	}
	return 0;
}

static size_t append(unsigned char *out, size_t o, const void *data, size_t len)
{
	memcpy(out + o, data, len);
	return o + len;
}

void journal_write(const struct journal *j, const char *stream, const unsigned char *line, size_t len)
{
	static unsigned char out[16384];
	size_t o = 0;
	int partial = len == 0 || line[len - 1] != '\n';
	if (j->fd < 0)
		return;
	if (!partial)
		len--;
	for (size_t i = 0; i < j->n_fields; i++) {
		size_t l = strlen(j->fields[i]);
		if (o + l + 1 > sizeof out - 4200)
			break;
		o = append(out, o, j->fields[i], l);
		out[o++] = '\n';
	}
	o = append(out, o, strcmp(stream, "stderr") ? "PRIORITY=6\n" : "PRIORITY=3\n", 11);
	if (partial)
		o = append(out, o, "CONTAINER_PARTIAL_MESSAGE=true\n", 31);
	o = append(out, o, "MESSAGE\n", 8);
	uint64_t n = len;
	for (int b = 0; b < 8; b++)
		out[o++] = (unsigned char)(n >> (8 * b));
	o = append(out, o, line, len);
	out[o++] = '\n';
	while (send(j->fd, out, o, MSG_NOSIGNAL) < 0 && errno == EINTR)
		;
}

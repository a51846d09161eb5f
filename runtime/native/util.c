/* util.c: small helpers shared by the shim and init. */
#include "shim.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

int write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	while (len > 0) {
		ssize_t n = write(fd, p, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* write to "<path>.tmp" then rename over path; `durable`: fsync before the rename, so that the
 * content survives the host's crash too (a rename alone survives the writer's and the reader's). */
int write_file_atomic(const char *path, const char *data, size_t len, int durable)
{
	char tmp[4096];
	if ((size_t)snprintf(tmp, sizeof tmp, "%s.tmp", path) >= sizeof tmp) {
		errno = ENAMETOOLONG;
		return -1;
	}
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -1;
	if (write_all(fd, data, len) < 0 || (durable && fsync(fd) < 0)) {
		int e = errno;
		close(fd);
		unlink(tmp);
		errno = e;
		return -1;
	}
	if (close(fd) < 0 || rename(tmp, path) < 0) {
		int e = errno;
		unlink(tmp);
		errno = e;
		return -1;
	}
	return 0;
}

/* Go's time.RFC3339Nano in UTC: trailing zeros of the fraction are trimmed */
void fmt_time_rfc3339nano(char *out, size_t outlen)
{
	struct timespec ts;
	struct tm tm;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	size_t n = strftime(out, outlen, "%Y-%m-%dT%H:%M:%S", &tm);
	char frac[16];
	snprintf(frac, sizeof frac, ".%09ld", ts.tv_nsec);
	size_t fl = strlen(frac);
	while (fl > 1 && frac[fl - 1] == '0')
		frac[--fl] = '\0';
	if (fl == 1)
		frac[0] = '\0';
	snprintf(out + n, outlen - n, "%sZ", frac);
}

int mkdir_p(const char *path, mode_t mode)
{
	char buf[4096];
	size_t len = strlen(path);
	if (len >= sizeof buf) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(buf, path, len + 1);
	for (size_t i = 1; i <= len; i++) {
		if (buf[i] == '/' || buf[i] == '\0') {
			char c = buf[i];
			buf[i] = '\0';
			if (mkdir(buf, mode) < 0 && errno != EEXIST)
				return -1;
			buf[i] = c;
		}
	}
	struct stat st;
	if (stat(path, &st) < 0)
		return -1;
	if (!S_ISDIR(st.st_mode)) {
		errno = ENOTDIR;
		return -1;
	}
	return 0;
}

/* "err <step> <errno> <message>\n" on fd 3 (one line), for the modes that answer there; returns 125 */
int report_spec_fd(const char *step, int err, const char *msg)
{
	char line[SYNC_MSG_MAX + 128];
	int n = snprintf(line, sizeof line, "err %s %d %s", step, err, msg);
	if (n < 0 || (size_t)n >= sizeof line - 1)
		n = (int)sizeof line - 2;
	for (int i = 0; i < n; i++)
		if (line[i] == '\n')
			line[i] = ' ';
	line[n++] = '\n';
	write_all(SPEC_FD, line, (size_t)n);
	return 125;
}

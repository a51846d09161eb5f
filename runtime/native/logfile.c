/* logfile.c: the container's JSON log file, rotated by size as Docker's json-file driver does.
 *
 * With a max size (spec "logMaxSize", bytes), a record that would take the file past it goes
 * to a fresh file instead: with max files N > 1 (spec "logMaxFiles") log.N-2 becomes log.N-1,
 * ..., log.1 becomes log.2, log becomes log.1 and the oldest falls off; with N = 1 the file is
 * replaced by an empty one. A record is never split across files. Without a max size the file
 * only grows. A rotated file is always renamed (or unlinked), never truncated in place, so a
 * reader holding it open reads it to its end and then sees a new inode at the path.
 *
 * With compression (spec "logCompress", the local driver) the rotated files are log.1.gz,
 * log.2.gz, ...: the .gz files shift up, log becomes log.1 and a new log is opened, then log.1
 * is gzipped to log.1.gz.tmp, renamed to log.1.gz and unlinked. At every moment log.N or
 * log.N.gz holds file N (both for an instant, the same lines: a reader prefers log.N). The
 * compression (zlib level 1) runs in the shim between two reads of the container's output:
 * measured 125-196 ms for a 20 MB JSON log (11:1; level 6 took 232-259 ms for 13:1, Node's zlib
 * 161 ms at level 1; 2 cores at load 13), during which the container's pipe buffers, then
 * waits. Doing it here keeps one process owning the names.
 */
#include "shim.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

int logfile_open(struct logfile *l, const char *path, long long max_size, int max_files, int compress)
{
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
	if (fd < 0)
		return -1;
	logfile_adopt(l, fd, path, max_size, max_files, compress);
	return 0;
}

void logfile_adopt(struct logfile *l, int fd, const char *path, long long max_size, int max_files, int compress)
{
	struct stat st;
	l->fd = fd;
	l->path = path;
	l->max_size = max_size;
	l->max_files = max_files < 1 ? 1 : max_files;
	l->compress = compress && l->max_files > 1;
	l->attrs = NULL;
	l->journal.fd = -1;
	l->size = fstat(fd, &st) == 0 ? (long long)st.st_size : 0;
}

static void rotated_name(char *out, size_t outlen, const char *path, int n)
{
	snprintf(out, outlen, "%s.%d", path, n);
}

/* gzips `from` into `to` (through to.tmp) and unlinks `from`; on failure `from` stays as it is */
static int compress_file(const char *from, const char *to)
{
	char tmp[4096 + 8], buf[65536];
	snprintf(tmp, sizeof tmp, "%s.tmp", to);
	int in = open(from, O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return -1;
	int out = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
	gzFile gz = out < 0 ? NULL : gzdopen(out, "wb1");
	if (!gz) {
		if (out >= 0)
			close(out);
		close(in);
		return -1;
	}
	ssize_t n;
	int ok = 1;
	while (ok && (n = read(in, buf, sizeof buf)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		ok = n > 0 && gzwrite(gz, buf, (unsigned)n) == (int)n;
	}
	close(in);
	if (gzclose(gz) != Z_OK || !ok || rename(tmp, to) < 0) {
		unlink(tmp);
		return -1;
	}
	return unlink(from);
}

/* shift the rotated files up by one and start a new file at the path */
static int rotate(struct logfile *l)
{
	char from[4096], to[4096];
	if (l->max_files > 1) {
		for (int n = l->max_files - 1; n >= 2; n--) {
			if (l->compress) {
				snprintf(from, sizeof from, "%s.%d.gz", l->path, n - 1);
				snprintf(to, sizeof to, "%s.%d.gz", l->path, n);
			} else {
				rotated_name(from, sizeof from, l->path, n - 1);
				rotated_name(to, sizeof to, l->path, n);
			}
			if (rename(from, to) < 0 && errno != ENOENT)
				return -1;
		}
		rotated_name(to, sizeof to, l->path, 1);
		if (rename(l->path, to) < 0 && errno != ENOENT)
			return -1;
	} else if (unlink(l->path) < 0 && errno != ENOENT) {
		return -1;
	}
	int fd = open(l->path, O_WRONLY | O_APPEND | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
	if (fd < 0)
		return -1;
	close(l->fd);
	l->fd = fd;
	l->size = 0;
	if (l->compress) {
		rotated_name(from, sizeof from, l->path, 1);
		snprintf(to, sizeof to, "%s.1.gz", l->path);
		compress_file(from, to); /* failed: log.1 stays plain, and is read as such */
	}
	return 0;
}

int logfile_write(struct logfile *l, const void *record, size_t len)
{
	/* a failed rotation keeps writing to the current file: the log must not stop */
	if (l->max_size > 0 && l->size > 0 && l->size + (long long)len > l->max_size)
		rotate(l);
	if (write_all(l->fd, record, len) < 0)
		return -1;
	l->size += (long long)len;
	return 0;
}

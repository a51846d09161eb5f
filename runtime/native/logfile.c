/* logfile.c: the container's JSON log file, rotated by size as Docker's json-file driver does.
 *
 * With a max size (spec "logMaxSize", bytes), a record that would take the file past it goes
 * to a fresh file instead: with max files N > 1 (spec "logMaxFiles") log.N-2 becomes log.N-1,
 * ..., log.1 becomes log.2, log becomes log.1 and the oldest falls off; with N = 1 the file is
 * replaced by an empty one. A record is never split across files. Without a max size the file
 * only grows. A rotated file is always renamed (or unlinked), never truncated in place, so a
 * reader holding it open reads it to its end and then sees a new inode at the path.
 */
#include "shim.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

int logfile_open(struct logfile *l, const char *path, long long max_size, int max_files)
{
	struct stat st;
	l->path = path;
	l->max_size = max_size;
	l->max_files = max_files < 1 ? 1 : max_files;
	l->fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
	if (l->fd < 0)
		return -1;
	l->size = fstat(l->fd, &st) == 0 ? (long long)st.st_size : 0;
	return 0;
}

static void rotated_name(char *out, size_t outlen, const char *path, int n)
{
	snprintf(out, outlen, "%s.%d", path, n);
}

/* shift the rotated files up by one and start a new file at the path */
static int rotate(struct logfile *l)
{
	char from[4096], to[4096];
	if (l->max_files > 1) {
		for (int n = l->max_files - 1; n >= 2; n--) {
			rotated_name(from, sizeof from, l->path, n - 1);
			rotated_name(to, sizeof to, l->path, n);
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

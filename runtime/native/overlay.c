/* overlay.c: the container's root, an overlay of the image's layers and its upper dir.
 *
 * Through the new mount API, one layer per fsconfig("lowerdir+") call (Linux 6.8+): no option
 * string, so no one-page limit on the number of layers (overlayfs' own stack limit is 500).
 * Kernels without "lowerdir+" get mount(2) with one option string, which the kernel copies in
 * one page: the layers are named relative to their common dir (the layer store), after a
 * chdir there, as Docker's overlay2 does; past the page the error names the layer count. So do
 * paths longer than fsconfig takes (255 chars: a deep --root).
 */
#include "shim.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <unistd.h>

static int fail(char *msg, size_t msglen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(char *msg, size_t msglen, const char *fmt, ...)
{
	int e = errno;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, msglen, fmt, ap);
	va_end(ap);
	errno = e;
	return -1;
}

/* the kernel's own words on a failed fsconfig ("e overlayfs: ..."), appended to msg */
static void append_fs_log(int fs, char *msg, size_t msglen)
{
	int e = errno;
	char line[256];
	ssize_t n = read(fs, line, sizeof line - 1);
	if (n > 2) {
		line[n] = 0;
		line[strcspn(line, "\n")] = 0;
		size_t used = strlen(msg);
		snprintf(msg + used, msglen - used, " (%s)", line + 2);
	}
	errno = e;
}

static size_t common_dir_length(const struct spec *s)
{
	const char *slash = strrchr(s->lower_dirs[0], '/');
	size_t len = (size_t)(slash - s->lower_dirs[0]);
	for (size_t i = 1; i < s->n_lower; i++) {
		const char *d = s->lower_dirs[i];
		if (strncmp(d, s->lower_dirs[0], len) || d[len] != '/' || strchr(d + len + 1, '/'))
			return 0;
	}
	return len;
}

char *overlay_options(const struct spec *s, size_t skip, size_t page)
{
	size_t cap = 64 + strlen(s->upper_dir) + strlen(s->work_dir);
	for (size_t i = 0; i < s->n_lower; i++)
		cap += strlen(s->lower_dirs[i]) + 1;
	char *opts = malloc(cap);
	if (!opts)
		return NULL;
	size_t o = (size_t)sprintf(opts, "lowerdir=");
	for (size_t i = 0; i < s->n_lower; i++)
		o += (size_t)sprintf(opts + o, "%s%s", i ? ":" : "", s->lower_dirs[i] + skip);
	sprintf(opts + o, ",upperdir=%s,workdir=%s", s->upper_dir, s->work_dir);
	if (strlen(opts) >= page) {
		free(opts);
		errno = E2BIG;
		return NULL;
	}
	return opts;
}

int overlay_mount_legacy(const struct spec *s, const char *target, char *msg, size_t msglen)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE), dir = common_dir_length(s);
	char *opts = overlay_options(s, dir ? dir + 1 : 0, page);
	if (!opts && errno != E2BIG)
		return fail(msg, msglen, "the overlay's mount options");
	if (!opts) {
		int e = errno;
		snprintf(msg, msglen, "overlay mount options for %zu layers exceed one page (%zu bytes), "
			 "and this kernel has no \"lowerdir+\" (Linux 6.8) to mount them one by one", s->n_lower, page);
		errno = e;
		return -1;
	}
	int here = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC), rc = 0;
	if (here < 0) {
		free(opts);
		return fail(msg, msglen, "open the working dir");
	}
	if (dir) {
		char *common = strndup(s->lower_dirs[0], dir);
		if (!common || chdir(common) < 0)
			rc = fail(msg, msglen, "chdir %s", common ? common : "(out of memory)");
		free(common);
	}
	if (rc == 0 && mount("overlay", target, "overlay", 0, opts) < 0)
		rc = fail(msg, msglen, "mount overlay on %s", target);
	int e = errno;
	if (fchdir(here) < 0 && rc == 0)
		rc = fail(msg, msglen, "return to the working dir"), e = errno;
	close(here);
	free(opts);
	errno = e;
	return rc;
}

static int set_string(int fs, const char *key, const char *value)
{
	return (int)syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, key, value, 0);
}

/* fsconfig takes strings of at most 255 chars (strndup_user(value, 256)) */
static int fits_fsconfig(const struct spec *s)
{
	for (size_t i = 0; i < s->n_lower; i++)
		if (strlen(s->lower_dirs[i]) > 255)
			return 0;
	return strlen(s->upper_dir) <= 255 && strlen(s->work_dir) <= 255;
}

int overlay_mount(const struct spec *s, const char *target, char *msg, size_t msglen)
{
	if (!fits_fsconfig(s))
		return overlay_mount_legacy(s, target, msg, msglen);
	int fs = (int)syscall(SYS_fsopen, "overlay", FSOPEN_CLOEXEC);
	if (fs < 0 && errno == ENOSYS)
		return overlay_mount_legacy(s, target, msg, msglen);
	if (fs < 0)
		return fail(msg, msglen, "mount overlay on %s: fsopen", target);
	/* the source /proc/mounts shows, as mount(2)'s "overlay" did (Docker's too) */
	int rc = set_string(fs, "source", "overlay");
	if (rc < 0)
		rc = fail(msg, msglen, "mount overlay on %s: source", target);
	for (size_t i = 0; i < s->n_lower && rc == 0; i++) {
		if (set_string(fs, "lowerdir+", s->lower_dirs[i]) == 0)
			continue;
		if (i == 0 && errno == EINVAL) { /* no "lowerdir+" before Linux 6.8 */
			close(fs);
			return overlay_mount_legacy(s, target, msg, msglen);
		}
		rc = fail(msg, msglen, "mount overlay on %s: layer %s", target, s->lower_dirs[i]);
	}
	if (rc == 0 && set_string(fs, "upperdir", s->upper_dir) < 0)
		rc = fail(msg, msglen, "mount overlay on %s: upperdir %s", target, s->upper_dir);
	if (rc == 0 && set_string(fs, "workdir", s->work_dir) < 0)
		rc = fail(msg, msglen, "mount overlay on %s: workdir %s", target, s->work_dir);
	if (rc == 0 && syscall(SYS_fsconfig, fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		rc = fail(msg, msglen, "mount overlay on %s: create", target);
	if (rc < 0) {
		append_fs_log(fs, msg, msglen);
	} else {
		int mnt = (int)syscall(SYS_fsmount, fs, FSMOUNT_CLOEXEC, 0);
		if (mnt < 0)
			rc = fail(msg, msglen, "mount overlay on %s: fsmount", target);
		else if (syscall(SYS_move_mount, mnt, "", AT_FDCWD, target, MOVE_MOUNT_F_EMPTY_PATH) < 0)
			rc = fail(msg, msglen, "mount overlay on %s: move_mount", target);
		int e = errno;
		if (mnt >= 0)
			close(mnt);
		errno = e;
	}
	int e = errno;
	close(fs);
	errno = e;
	return rc;
}

/* sealedview.c: the shim's own binary seen through a private read-only overlayfs (runc 1.2's
 * libcontainer/exeseal/overlayfs_linux.go).
 *
 * fsopen() makes an overlay whose only layers are lower ones: the binary's directory on top and
 * an empty detached tmpfs below (a lone lower layer is refused). fsmount() leaves it detached,
 * read-only, nodev and nosuid, so no path leads to it and nothing can remount it: its one open
 * file is the binary, and a write through it (or through /proc/<pid>/exe of a process executing
 * it) fails with EROFS, also for host root. Executing it maps the binary's own page cache, shared
 * by every shim, where a memfd copy's pages were private to each shim (about 590 kB each).
 *
 * A detached tmpfs as a layer needs Linux 6.15 (clone_private_mount() of a detached mount);
 * older kernels fail at FSCONFIG_CMD_CREATE and the caller copies into a memfd instead.
 */
#include "shim.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/mount.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static int fs_open(const char *type)
{
	return (int)syscall(SYS_fsopen, type, FSOPEN_CLOEXEC);
}

static int fs_set(int fs, const char *key, const char *value)
{
	return (int)syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, key, value, 0);
}

static int fs_create(int fs)
{
	return (int)syscall(SYS_fsconfig, fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0);
}

static int fs_mount(int fs, unsigned int attrs)
{
	return (int)syscall(SYS_fsmount, fs, FSMOUNT_CLOEXEC, attrs);
}

/* a detached, read-only, empty tmpfs: the overlay's second lower layer; -1 with errno */
static int empty_tmpfs(void)
{
	int fs = fs_open("tmpfs"), mnt = -1;
	if (fs >= 0 && fs_create(fs) == 0)
		mnt = fs_mount(fs, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC);
	int e = errno;
	if (fs >= 0)
		close(fs);
	errno = e;
	return mnt;
}

/* dir with overlayfs's lowerdir separators escaped (':' and '\'); -1 when it does not fit */
static int escape_lowerdir(const char *dir, char *out, size_t len)
{
	size_t o = 0;
	for (const char *p = dir; *p; p++) {
		if (o + 3 > len)
			return -1;
		if (*p == ':' || *p == '\\')
			out[o++] = '\\';
		out[o++] = *p;
	}
	out[o] = '\0';
	return 0;
}

/* the overlay's file is the very file this process executes: same inode, size and mtime
 * (overlayfs keeps a lower file's st_ino; the binary may have been replaced since our exec) */
static int same_file(int a, int b)
{
	struct stat x, y;
	return fstat(a, &x) == 0 && fstat(b, &y) == 0 && x.st_ino == y.st_ino && x.st_size == y.st_size &&
	       x.st_mtim.tv_sec == y.st_mtim.tv_sec && x.st_mtim.tv_nsec == y.st_mtim.tv_nsec;
}

int sealed_view_open(void)
{
	char self[PATH_MAX], lower[2 * PATH_MAX + 64];
	ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
	if (n <= 0)
		return -1;
	self[n] = '\0';
	char *slash = strrchr(self, '/');
	if (!slash || slash == self) {
		errno = EINVAL; /* a binary at / (or a deleted one): nothing to stack */
		return -1;
	}
	*slash = '\0';
	const char *name = slash + 1;

	int fs = -1, empty = -1, mnt = -1, file = -1, exe = -1, e;
	size_t used;
	if (escape_lowerdir(self, lower, sizeof lower - 32) < 0) {
		errno = ENAMETOOLONG;
		goto out;
	}
	if ((empty = empty_tmpfs()) < 0 || (fs = fs_open("overlay")) < 0)
		goto out;
	used = strlen(lower);
	snprintf(lower + used, sizeof lower - used, ":/proc/self/fd/%d", empty);
	if (fs_set(fs, "lowerdir", lower) < 0)
		goto out;
	fs_set(fs, "xino", "off"); /* best effort: spares dmesg a line per shim where it would be on */
	if (fs_create(fs) < 0 || (mnt = fs_mount(fs, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOSUID)) < 0)
		goto out;
	if ((file = openat(mnt, name, O_PATH | O_NOFOLLOW | O_CLOEXEC)) < 0 ||
	    (exe = open("/proc/self/exe", O_RDONLY | O_CLOEXEC)) < 0)
		goto out;
	if (!same_file(file, exe)) {
		close(file);
		file = -1;
		errno = ESTALE;
	}
out:
	e = errno;
	if (exe >= 0)
		close(exe);
	if (mnt >= 0)
		close(mnt);
	if (fs >= 0)
		close(fs);
	if (empty >= 0)
		close(empty);
	errno = e;
	return file;
}

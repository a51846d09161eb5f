/* paths.c: after pivot_root, hide and freeze parts of /proc and /sys as Docker does.
 *   masked     a file gets /dev/null bound over it, a directory an empty read-only tmpfs
 *   readonly   bound onto itself, then remounted read-only (keeping nosuid/nodev/noexec)
 *   root       the root mount remounted read-only (--read-only); /dev, /proc, /sys, /dev/shm
 *              stay as mounted
 * A path the kernel does not have is skipped.
 */
#include "shim.h"

#include <errno.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>

static unsigned long mount_flags_of(const char *path)
{
	struct statvfs st;
	unsigned long f = 0;
	if (statvfs(path, &st) < 0)
		return 0;
	if (st.f_flag & ST_NOSUID) f |= MS_NOSUID;
	if (st.f_flag & ST_NODEV) f |= MS_NODEV;
	if (st.f_flag & ST_NOEXEC) f |= MS_NOEXEC;
	if (st.f_flag & ST_NOATIME) f |= MS_NOATIME;
	if (st.f_flag & ST_NODIRATIME) f |= MS_NODIRATIME;
	if (st.f_flag & ST_RELATIME) f |= MS_RELATIME;
	return f;
}

void paths_mask(const struct security *sec, int sfd)
{
	for (size_t i = 0; i < sec->n_masked; i++) {
		const char *p = sec->masked[i];
		struct stat st;
		if (stat(p, &st) < 0) {
			if (errno == ENOENT || errno == ENOTDIR)
				continue;
			sync_init_fail(sfd, STEP_MASKED_PATHS, errno, "stat %s", p);
		}
		int r = S_ISDIR(st.st_mode)
			? mount("tmpfs", p, "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, "size=0,mode=0555")
			: mount("/dev/null", p, NULL, MS_BIND, NULL);
		if (r < 0)
			sync_init_fail(sfd, STEP_MASKED_PATHS, errno, "mask %s", p);
	}
}

void paths_readonly(const struct security *sec, int sfd)
{
	for (size_t i = 0; i < sec->n_readonly; i++) {
		const char *p = sec->readonly[i];
		if (mount(p, p, NULL, MS_BIND | MS_REC, NULL) < 0) {
			if (errno == ENOENT || errno == ENOTDIR)
				continue;
			sync_init_fail(sfd, STEP_READONLY_PATHS, errno, "bind %s", p);
		}
		unsigned long keep = mount_flags_of(p);
		if (mount(p, p, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | keep, NULL) < 0)
			sync_init_fail(sfd, STEP_READONLY_PATHS, errno, "remount %s read-only", p);
	}
}

void paths_readonly_root(const struct security *sec, int sfd)
{
	if (!sec->readonly_rootfs)
		return;
	if (mount(NULL, "/", NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | mount_flags_of("/"), NULL) < 0)
		sync_init_fail(sfd, STEP_READONLY_ROOTFS, errno, "remount / read-only");
}

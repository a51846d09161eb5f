/* sealedcopy.c: the shim runs from a sealed view or copy of itself, never from the host's file.
 *
 * A container's process reaches the binary of every shim process that enters its namespaces
 * (the init before it execs the command, an exec's child before it execs): a script whose
 * interpreter is "#!/proc/self/exe" makes such a process re-run the shim inside the container,
 * and /proc/<pid>/exe then hands the container a descriptor of the binary. With the host's file
 * behind it, only ETXTBSY (while some shim runs) stood between that descriptor and a write
 * that every later start would execute as host root: CVE-2019-5736's pattern.
 *
 * So, before a start or an exec does anything, the shim re-executes itself, with the same argv,
 * environment and open descriptors (the spec on fd 3, the exec's stdio), from one of:
 *  - its own file through a private read-only overlayfs (sealedview.c), as runc 1.2 does: no
 *    copy, and its pages are the binary's page cache, shared by every shim;
 *  - where the kernel cannot make that overlay, a copy in a memfd sealed against writes, growth,
 *    shrinking and new seals: pages of its own, about 590 kB per shim.
 * A memfd copy knows itself by its seals, which a container cannot fake on a host file; the
 * overlay by its read-only overlayfs together with the environment marker, which only the shim
 * sets before that exec and clears after it. The marker also stops a re-executed shim that did
 * not land on either from trying again.
 */
#include "shim.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h> /* ST_RDONLY */
#include <unistd.h>

#ifndef MFD_EXEC
#define MFD_EXEC 0x0010U /* Linux 6.3: executable even under vm.memfd_noexec=1 */
#endif

#ifndef OVERLAYFS_SUPER_MAGIC
#define OVERLAYFS_SUPER_MAGIC 0x794c7630
#endif

#define SEALS (F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE)
#define MARKER "BERTH_SHIM_SEALED_COPY"

extern char **environ;

/* 1: this process executes a fully sealed memfd, or (re-executed by us) a read-only overlay */
static int running_sealed(void)
{
	int fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	int seals = fcntl(fd, F_GET_SEALS); /* EINVAL on anything but a memfd (shmem) */
	struct statfs fs;
	int overlay = getenv(MARKER) && fstatfs(fd, &fs) == 0 && fs.f_type == OVERLAYFS_SUPER_MAGIC &&
		      (fs.f_flags & ST_RDONLY);
	close(fd);
	return seals == SEALS || overlay;
}

/* a memfd that may be executed: MFD_EXEC where the kernel knows it (older ones refuse the flag) */
static int executable_memfd(void)
{
	int fd = memfd_create("berth-shim", MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_EXEC);
	if (fd < 0 && errno == EINVAL)
		fd = memfd_create("berth-shim", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	return fd;
}

/* the binary copied into a sealed memfd; -1 with errno */
static int sealed_copy(void)
{
	int src = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	if (src < 0)
		return -1;
	struct stat st;
	int dst = -1, e;
	if (fstat(src, &st) < 0 || (dst = executable_memfd()) < 0)
		goto fail;
	for (off_t done = 0; done < st.st_size;) {
		ssize_t n = sendfile(dst, src, NULL, (size_t)(st.st_size - done));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0)
				errno = EIO; /* the file shrank under us */
			goto fail;
		}
		done += n;
	}
	if (fcntl(dst, F_ADD_SEALS, SEALS) < 0)
		goto fail;
	close(src);
	return dst;
fail:
	e = errno;
	close(src);
	if (dst >= 0)
		close(dst);
	errno = e;
	return -1;
}

int sealed_copy_ensure(char **argv)
{
	if (running_sealed()) {
		unsetenv(MARKER);
		/* comm would be the fd's number or the memfd's name: the daemon knows its shims by this one */
		prctl(PR_SET_NAME, SHIM_NAME, 0, 0, 0);
		return 0;
	}
	if (getenv(MARKER)) {
		errno = ENOTRECOVERABLE; /* re-executed, yet not from a sealed view or copy: never loop */
		return -1;
	}
	int fd = sealed_view_open();
	if (fd < 0)
		fd = sealed_copy();
	if (fd < 0)
		return -1;
	if (setenv(MARKER, "1", 1) == 0)
		fexecve(fd, argv, environ);
	int e = errno;
	close(fd);
	unsetenv(MARKER);
	errno = e;
	return -1;
}

/* sealedcopy.c: the shim runs from a sealed in-memory copy of itself, never from the host's file.
 *
 * A container's process reaches the binary of every shim process that enters its namespaces
 * (the init before it execs the command, an exec's child before it execs): a script whose
 * interpreter is "#!/proc/self/exe" makes such a process re-run the shim inside the container,
 * and /proc/<pid>/exe then hands the container a descriptor of the binary. With the host's file
 * behind it, only ETXTBSY (while some shim runs) stood between that descriptor and a write
 * that every later start would execute as host root: CVE-2019-5736's pattern.
 *
 * So, before a start or an exec does anything, the shim copies /proc/self/exe into a memfd,
 * seals it (no write, grow, shrink, nor further seal) and re-executes itself from it, with the
 * same argv, environment and open descriptors (the spec on fd 3, the exec's stdio). The copy
 * knows itself by the seals on its own /proc/self/exe, which a container cannot fake on a host
 * file; the environment marker only stops a copy that lost its seals from copying again.
 */
#include "shim.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef MFD_EXEC
#define MFD_EXEC 0x0010U /* Linux 6.3: executable even under vm.memfd_noexec=1 */
#endif

#define SEALS (F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE)
#define MARKER "BERTH_SHIM_SEALED_COPY"

extern char **environ;

/* 1: this process executes a fully sealed memfd */
static int running_sealed(void)
{
	int fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	int seals = fcntl(fd, F_GET_SEALS); /* EINVAL on anything but a memfd (shmem) */
	close(fd);
	return seals == SEALS;
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
		/* comm would be the memfd's fd number or name: the daemon knows its shims by this one */
		prctl(PR_SET_NAME, "berth-shim", 0, 0, 0);
		return 0;
	}
	if (getenv(MARKER)) {
		errno = ENOTRECOVERABLE; /* re-executed, yet not from a sealed memfd: never loop */
		return -1;
	}
	int fd = sealed_copy();
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

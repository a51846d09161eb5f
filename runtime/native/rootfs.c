/* rootfs.c: `berth-shim rootfs`, a stopped container's root filesystem for `cp`.
 *
 *  R (spawned by Node) reads a container spec from fd 3, unshares a mount namespace of its
 *     own (everything private, so nothing reaches the host's), forks M, and reports on fd 3
 *     "ok <pid>" once M is done, or "err <step> <errno> <message>". It then holds the
 *     namespace until its stdin ends: Node reaches the mounted root through
 *     /proc/<R's pid>/root/<mergedDir>. When R exits the namespace and its mounts go.
 *  M  mounts the overlay at mergedDir and the volumes, binds and tmpfs (mounts.c), exactly
 *     as the container's init does, then exits; failures come back as (step, errno, message).
 */
#include "shim.h"

#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>


int rootfs_main(void)
{
	struct spec s;
	char msg[SYNC_MSG_MAX];
	int sp[2];

	if (spec_read(SPEC_FD, &s, msg, sizeof msg) < 0)
		return report_spec_fd(STEP_SPEC, EINVAL, msg);
	if (unshare(CLONE_NEWNS) < 0)
		return report_spec_fd(STEP_UNSHARE, errno, "unshare the mount namespace");
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return report_spec_fd(STEP_PRIVATE, errno, "make / private");
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp) < 0)
		return report_spec_fd(STEP_SYNC, errno, "socketpair");
	pid_t pid = fork();
	if (pid < 0)
		return report_spec_fd(STEP_FORK, errno, "fork");
	if (pid == 0) {
		close(sp[0]);
		init_mount_overlay(&s, sp[1]);
		mounts_setup(&s, s.merged_dir, sp[1]);
		_exit(0);
	}
	close(sp[1]);
	struct sync_result r;
	int status = 0;
	int rc = sync_parent_read_result(sp[0], &r);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (rc < 0)
		return report_spec_fd(STEP_SYNC, errno, "read the mount result");
	if (!r.ok)
		return report_spec_fd(r.step[0] ? r.step : STEP_MOUNT, r.err, r.msg);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return report_spec_fd(STEP_MOUNT, 0, "the mounting process failed");
	{
		char line[32];
		int n = snprintf(line, sizeof line, "ok %ld\n", (long)getpid());
		write_all(SPEC_FD, line, (size_t)n);
		close(SPEC_FD);
	}
	/* hold the namespace until Node closes our stdin */
	char buf[64];
	for (;;) {
		ssize_t n = read(0, buf, sizeof buf);
		if (n == 0 || (n < 0 && errno != EINTR))
			break;
	}
	return 0;
}

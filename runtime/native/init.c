/* init.c: in-container setup, run by C (the container's init) after clone().
 * Every step has a name; a failure is reported on the sync fd as (step, errno, message)
 * and C exits. The sync fd is close-on-exec, so EOF on the parent side = exec succeeded.
 */
#include "shim.h"

#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

static int sfd; /* sync fd, for FAIL() */
#define FAIL(step, ...) sync_init_fail(sfd, step, errno, __VA_ARGS__)

static void path_join(char *out, size_t n, const char *a, const char *b, const char *step)
{
	if ((size_t)snprintf(out, n, "%s%s", a, b) >= n) {
		errno = ENAMETOOLONG;
		FAIL(step, "path too long: %s%s", a, b);
	}
}

/* out = a + "/" + b */
static void path_join3(char *out, size_t n, const char *a, const char *b, const char *step)
{
	if ((size_t)snprintf(out, n, "%s/%s", a, b) >= n) {
		errno = ENAMETOOLONG;
		FAIL(step, "path too long: %s/%s", a, b);
	}
}

static void do_mount(const char *step, const char *src, const char *target, const char *type,
		     unsigned long flags, const char *data)
{
	if (mount(src, target, type, flags, data) < 0)
		FAIL(step, "mount %s on %s", type ? type : src, target);
}

static void ensure_dir(const char *step, const char *path, mode_t mode)
{
	if (mkdir(path, mode) < 0 && errno != EEXIST)
		FAIL(step, "mkdir %s", path);
}

static void step_overlay(const struct spec *s)
{
	char msg[SYNC_MSG_MAX];
	if (overlay_mount(s, s->merged_dir, msg, sizeof msg) < 0)
		FAIL(STEP_MOUNT_OVERLAY, "%s", msg);
}

void init_mount_overlay(const struct spec *s, int sync_fd)
{
	sfd = sync_fd;
	step_overlay(s);
}

static void step_loopback(void)
{
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		FAIL(STEP_LOOPBACK, "socket");
	struct ifreq ifr;
	memset(&ifr, 0, sizeof ifr);
	strcpy(ifr.ifr_name, "lo");
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0)
		FAIL(STEP_LOOPBACK, "SIOCGIFFLAGS lo");
	ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
	if (ioctl(fd, SIOCSIFFLAGS, &ifr) < 0)
		FAIL(STEP_LOOPBACK, "SIOCSIFFLAGS lo up");
	close(fd);
}

static void step_dev(const char *root, int userns)
{
	char dev[4096], p[4096];
	static const struct { const char *name; unsigned maj, min; } nodes[] = {
		{ "null", 1, 3 }, { "zero", 1, 5 }, { "full", 1, 7 },
		{ "random", 1, 8 }, { "urandom", 1, 9 }, { "tty", 5, 0 },
	};
	static const struct { const char *name, *target; } links[] = {
		{ "fd", "/proc/self/fd" }, { "stdin", "/proc/self/fd/0" },
		{ "stdout", "/proc/self/fd/1" }, { "stderr", "/proc/self/fd/2" },
		{ "ptmx", "pts/ptmx" },
	};
	path_join(dev, sizeof dev, root, "/dev", STEP_MOUNT_DEV);
	ensure_dir(STEP_MOUNT_DEV, dev, 0755);
	do_mount(STEP_MOUNT_DEV, "tmpfs", dev, "tmpfs", MS_NOSUID | MS_STRICTATIME, "mode=755,size=65536k");
	for (size_t i = 0; i < sizeof nodes / sizeof nodes[0]; i++) {
		path_join3(p, sizeof p, dev, nodes[i].name, STEP_MKNOD);
		if (userns) { /* no mknod in a user namespace: binds of the host's nodes */
			if (userns_bind_dev_node(nodes[i].name, p) < 0)
				FAIL(STEP_MKNOD, "bind /dev/%s on %s", nodes[i].name, p);
			continue;
		}
		if (mknod(p, S_IFCHR | 0666, makedev(nodes[i].maj, nodes[i].min)) < 0)
			FAIL(STEP_MKNOD, "mknod %s", p);
		if (chmod(p, 0666) < 0)
			FAIL(STEP_MKNOD, "chmod %s", p);
	}
	for (size_t i = 0; i < sizeof links / sizeof links[0]; i++) {
		path_join3(p, sizeof p, dev, links[i].name, STEP_DEV_SYMLINKS);
		if (symlink(links[i].target, p) < 0)
			FAIL(STEP_DEV_SYMLINKS, "symlink %s -> %s", p, links[i].target);
	}
	path_join(p, sizeof p, dev, "/pts", STEP_MOUNT_DEVPTS);
	ensure_dir(STEP_MOUNT_DEVPTS, p, 0755);
	do_mount(STEP_MOUNT_DEVPTS, "devpts", p, "devpts", MS_NOSUID | MS_NOEXEC,
		 "newinstance,ptmxmode=0666,mode=0620,gid=5");
	path_join(p, sizeof p, dev, "/shm", STEP_MOUNT_SHM);
	ensure_dir(STEP_MOUNT_SHM, p, 01777);
	do_mount(STEP_MOUNT_SHM, "shm", p, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC,
		 "mode=1777,size=65536k");
	path_join(p, sizeof p, dev, "/mqueue", STEP_MOUNT_MQUEUE);
	ensure_dir(STEP_MOUNT_MQUEUE, p, 0755);
	do_mount(STEP_MOUNT_MQUEUE, "mqueue", p, "mqueue", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
}

static void step_pivot(const char *root)
{
	if (chdir(root) < 0)
		FAIL(STEP_PIVOT_ROOT, "chdir %s", root);
	if (syscall(SYS_pivot_root, ".", ".") < 0)
		FAIL(STEP_PIVOT_ROOT, "pivot_root %s", root);
	if (umount2(".", MNT_DETACH) < 0)
		FAIL(STEP_PIVOT_ROOT, "umount old root");
	if (chdir("/") < 0)
		FAIL(STEP_PIVOT_ROOT, "chdir /");
}

static const char *env_path(const struct spec *s)
{
	for (size_t i = 0; i < s->n_env; i++)
		if (!strncmp(s->env[i], "PATH=", 5))
			return s->env[i] + 5;
	return DEFAULT_PATH;
}

static void step_exec(const struct spec *s, const char **env)
{
	const char *file = s->args[0];
	char *const *argv = (char *const *)s->args;
	char *const *envp = (char *const *)env;

	if (strchr(file, '/')) {
		execve(file, argv, envp);
		FAIL(STEP_EXEC, "exec: \"%s\"", file);
	}
	const char *path = env_path(s);
	int seen_eacces = 0;
	char full[4096];
	const char *p = path;
	for (;;) {
		const char *colon = strchr(p, ':');
		size_t dl = colon ? (size_t)(colon - p) : strlen(p);
		if (dl == 0)
			snprintf(full, sizeof full, "%s", file); /* empty entry = cwd */
		else
			snprintf(full, sizeof full, "%.*s/%s", (int)dl, p, file);
		execve(full, argv, envp);
		switch (errno) {
		case EACCES:
			seen_eacces = 1;
			/* fallthrough */
		case ENOENT:
		case ENOTDIR:
		case ESTALE:
		case ENODEV:
		case ETIMEDOUT:
			break;
		default:
			FAIL(STEP_EXEC, "exec: \"%s\"", full);
		}
		if (!colon)
			break;
		p = colon + 1;
	}
	errno = seen_eacces ? EACCES : ENOENT;
	if (seen_eacces)
		FAIL(STEP_EXEC, "exec: \"%s\"", file);
	FAIL(STEP_EXEC, "exec: \"%s\": executable file not found in $PATH", file);
}

void exec_command(const struct spec *s, const char **env, int sync_fd)
{
	sfd = sync_fd;
	step_exec(s, env);
	_exit(127);
}

void init_run(const struct init_args *a)
{
	const struct spec *s = a->spec;
	char p[4096];
	sfd = a->sync_fd;

	if (sync_init_wait_go(sfd) < 0)
		_exit(125); /* parent went away or refused: nothing to report to */
	/* In a user namespace: still host root's uid here (unmapped), so the owner of the host's
	 * root-owned 0700 dirs on the way to the root and to mount sources, which the namespace's
	 * root could not pass. The root becomes the cwd and every bind source a detached mount
	 * now; then the init becomes the namespace's root, before it makes any file. */
	const char *root = s->merged_dir;
	if (s->uid_map) {
		if (chdir(s->merged_dir) < 0)
			FAIL(STEP_USERNS, "chdir %s", s->merged_dir);
		/* the overlay came with the mount namespace, so it is locked and pivot_root refuses
		 * it: a clone of it, over it, becomes the root instead */
		int tree = (int)syscall(SYS_open_tree, AT_FDCWD, ".", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
		if (tree < 0 || syscall(SYS_move_mount, tree, "", AT_FDCWD, ".", MOVE_MOUNT_F_EMPTY_PATH) < 0 || fchdir(tree) < 0)
			FAIL(STEP_USERNS, "bind the root %s over itself", s->merged_dir);
		close(tree);
		root = ".";
		mounts_open_sources(s, sfd);
		userns_become_root(sfd);
	}

	/* undo the shim's signal dispositions: ignored signals stay ignored across exec */
	{
		sigset_t all;
		signal(SIGPIPE, SIG_DFL);
		signal(SIGHUP, SIG_DFL);
		signal(SIGCHLD, SIG_DFL);
		sigemptyset(&all);
		sigprocmask(SIG_SETMASK, &all, NULL);
	}
	if (setsid() < 0)
		FAIL(STEP_SETSID, "setsid");
	/* the parent has put us in our cgroup by now: it becomes the root of our view */
	if (!s->security.host_cgroupns && unshare(CLONE_NEWCGROUP) < 0)
		FAIL(STEP_CGROUPNS, "unshare a private cgroup namespace");
	umask(0); /* device nodes and dirs get exactly the modes asked for */

	do_mount(STEP_MOUNT_PRIVATE, NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL);
	if (!s->uid_map) /* with a user namespace the shim mounted it, on idmapped layers (userns.c) */
		step_overlay(s);
	if (!s->security.host_network)
		step_loopback();

	path_join(p, sizeof p, root, "/proc", STEP_MOUNT_PROC);
	ensure_dir(STEP_MOUNT_PROC, p, 0555);
	do_mount(STEP_MOUNT_PROC, "proc", p, "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);

	step_dev(root, s->uid_map != NULL);

	path_join(p, sizeof p, root, "/sys", STEP_MOUNT_SYS);
	ensure_dir(STEP_MOUNT_SYS, p, 0555);
	/* in a user namespace sysfs mounts only over a network namespace it owns; in another's
	 * (--network container:X) the host's /sys is bound read-only instead */
	if (mount("sysfs", p, "sysfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0) {
		if (!s->uid_map || errno != EPERM)
			FAIL(STEP_MOUNT_SYS, "mount sysfs on %s", p);
		do_mount(STEP_MOUNT_SYS, "/sys", p, NULL, MS_BIND | MS_REC, NULL);
		do_mount(STEP_MOUNT_SYS, NULL, p, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
	}

	mounts_setup(s, root, sfd); /* mounts.c: volumes, binds, tmpfs */
	step_pivot(root);

	if (sethostname(s->hostname, strlen(s->hostname)) < 0)
		FAIL(STEP_SETHOSTNAME, "sethostname \"%s\"", s->hostname);

	if (mkdir_p(s->cwd, 0755) < 0)
		FAIL(STEP_CHDIR, "mkdir -p %s", s->cwd);
	if (chdir(s->cwd) < 0)
		FAIL(STEP_CHDIR, "chdir %s", s->cwd);

	{
		int in = a->in_fd;
		if (in < 0) {
			in = open("/dev/null", O_RDONLY | O_CLOEXEC);
			if (in < 0)
				FAIL(STEP_STDIO, "open /dev/null");
		}
		if (dup2(in, 0) < 0 || dup2(a->out_fd, 1) < 0 || dup2(a->err_fd, 2) < 0)
			FAIL(STEP_STDIO, "dup2");
		/* the pty slave becomes the controlling terminal of our session (setsid above) */
		if (s->tty && ioctl(0, TIOCSCTTY, 0) < 0)
			FAIL(STEP_TTY, "set the controlling terminal");
		/* in, out_fd, err_fd are close-on-exec */
	}
	paths_mask(&s->security, sfd);
	paths_readonly(&s->security, sfd);
	paths_readonly_root(&s->security, sfd);
	umask(022);
	{
		const char **env = s->env;
		security_apply_process(&s->security, sfd, &env);
		step_exec(s, env);
	}
	_exit(127);
}

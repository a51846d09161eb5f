/* userns.c: a container in a user namespace of its own (--userns-remap): its root is an
 * unprivileged host uid. What needs the host's root is done by S, the shim, which is host root:
 *
 *  userns_prepare_root (S, before clone)
 *    - S moves to a private mount namespace of its own (nothing reaches the host's);
 *    - a user namespace with the container's mapping is made, only to idmap with;
 *    - each image layer is cloned (open_tree), idmapped (mount_setattr MOUNT_ATTR_IDMAP: a file
 *      owned by 0 on disk is seen as owned by the container's root) and attached over its own
 *      path, there only; the layers stay shared by every container, unchanged on disk;
 *    - the overlay is mounted at mergedDir from those layers; the upper dir, which is the
 *      container's /, is given to the container's root when it still belongs to host root;
 *    - volumes are filled (copy-up) and their root dir given to the container's root, by a
 *      forked process (mounts.c), so that files the container makes there are the mapped uid's.
 *    The container's init is then cloned with CLONE_NEWUSER: its mount namespace is a copy of
 *    S's, overlay included, owned by the new user namespace.
 *  userns_write_maps (S, after clone, before "go")
 *    uid_map and gid_map are written from outside, by S, which has CAP_SETUID and CAP_SETGID in
 *    the parent namespace, so any range may be mapped (as newuidmap would, from /etc/subuid).
 *  userns_become_root (the init, or an exec after setns)
 *    setresgid/setresuid 0: the process was host root, which the namespace does not map; as
 *    the namespace's root it keeps every capability there, and no other.
 */
#include "shim.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static int fail(char *msg, size_t msglen, const char *fmt, const char *arg)
{
	int e = errno;
	snprintf(msg, msglen, fmt, arg);
	errno = e;
	return -1;
}

/* the host id that inside id 0 maps to, from "inside outside count" lines; -1: unmapped */
static long long host_root(const char *map)
{
	for (const char *line = map; line && *line;) {
		unsigned long long inside, outside, count;
		if (sscanf(line, "%llu %llu %llu", &inside, &outside, &count) == 3 && inside == 0 && count > 0)
			return (long long)outside;
		line = strchr(line, '\n');
		if (line)
			line++;
	}
	return -1;
}

static int write_proc(long pid, const char *file, const char *data, char *msg, size_t msglen)
{
	char path[64];
	snprintf(path, sizeof path, "/proc/%ld/%s", pid, file);
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return fail(msg, msglen, "open %s", path);
	/* the kernel takes the whole map in one write */
	ssize_t n = write(fd, data, strlen(data));
	int e = errno;
	close(fd);
	if (n != (ssize_t)strlen(data)) {
		errno = n < 0 ? e : EIO;
		return fail(msg, msglen, "write %s (is the range in use or invalid?)", path);
	}
	return 0;
}

int userns_write_maps(const struct spec *s, long pid, char *msg, size_t msglen)
{
	if (write_proc(pid, "uid_map", s->uid_map, msg, msglen) < 0)
		return -1;
	return write_proc(pid, "gid_map", s->gid_map, msg, msglen);
}

/* A user namespace with the container's mapping, held by an fd: a child made in it waits on a
 * pipe while its maps are written and the namespace opened, then goes. */
static int mapping_namespace(const struct spec *s, char *msg, size_t msglen)
{
	int p[2];
	if (pipe2(p, O_CLOEXEC) < 0)
		return fail(msg, msglen, "%s", "pipe");
	long pid = syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, NULL, NULL, NULL, 0);
	if (pid < 0)
		return fail(msg, msglen, "%s", "clone a user namespace");
	if (pid == 0) {
		char c;
		close(p[1]);
		while (read(p[0], &c, 1) < 0 && errno == EINTR)
			;
		_exit(0);
	}
	close(p[0]);
	int fd = -1;
	if (userns_write_maps(s, pid, msg, msglen) == 0) {
		char path[64];
		snprintf(path, sizeof path, "/proc/%ld/ns/user", pid);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			fail(msg, msglen, "open %s", path);
	}
	int e = errno;
	close(p[1]);
	while (waitpid((pid_t)pid, NULL, 0) < 0 && errno == EINTR)
		;
	errno = e;
	return fd;
}

/* the layer at `dir`, idmapped through `userns`, attached over itself */
static int idmap_over(const char *dir, int userns, char *msg, size_t msglen)
{
	int tree = (int)syscall(SYS_open_tree, AT_FDCWD, dir, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
	if (tree < 0)
		return fail(msg, msglen, "open_tree %s", dir);
	struct mount_attr attr = { .attr_set = MOUNT_ATTR_IDMAP, .userns_fd = (unsigned long long)userns };
	int rc = 0;
	if (syscall(SYS_mount_setattr, tree, "", AT_EMPTY_PATH, &attr, sizeof attr) < 0)
		rc = fail(msg, msglen, "idmap the layer %s (does its file system support idmapped mounts?)", dir);
	else if (syscall(SYS_move_mount, tree, "", AT_FDCWD, dir, MOVE_MOUNT_F_EMPTY_PATH) < 0)
		rc = fail(msg, msglen, "attach the idmapped layer over %s", dir);
	int e = errno;
	close(tree);
	errno = e;
	return rc;
}

/* the volumes' copy-up and owners, in a forked process (mounts.c reports and exits on failure) */
static int prepare_volumes(const struct spec *s, uid_t uid, gid_t gid, char *msg, size_t msglen)
{
	int sp[2];
	if (s->n_mounts == 0)
		return 0;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp) < 0)
		return fail(msg, msglen, "%s", "socketpair");
	pid_t pid = fork();
	if (pid < 0)
		return fail(msg, msglen, "%s", "fork");
	if (pid == 0) {
		close(sp[0]);
		mounts_prepare_volumes(s, sp[1], uid, gid);
		_exit(0);
	}
	close(sp[1]);
	struct sync_result r;
	int status = 0;
	int rc = sync_parent_read_result(sp[0], &r);
	int e = errno;
	close(sp[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (rc < 0) {
		errno = e;
		return fail(msg, msglen, "%s", "read the volumes' result");
	}
	if (!r.ok) {
		errno = r.err;
		return fail(msg, msglen, "%s", r.msg);
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		errno = EIO;
		return fail(msg, msglen, "%s", "the volumes' process failed");
	}
	return 0;
}

int userns_prepare_root(const struct spec *s, char *msg, size_t msglen)
{
	long long uid = host_root(s->uid_map), gid = host_root(s->gid_map);
	if (uid < 0 || gid < 0) {
		errno = EINVAL;
		return fail(msg, msglen, "%s", "the mapping has no root (inside id 0)");
	}
	if (unshare(CLONE_NEWNS) < 0)
		return fail(msg, msglen, "%s", "unshare a mount namespace for the shim");
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return fail(msg, msglen, "%s", "make / private");
	int userns = mapping_namespace(s, msg, msglen);
	if (userns < 0)
		return -1;
	for (size_t i = 0; i < s->n_lower; i++) {
		if (idmap_over(s->lower_dirs[i], userns, msg, msglen) < 0) {
			int e = errno;
			close(userns);
			errno = e;
			return -1;
		}
	}
	close(userns);
	struct stat st;
	if (stat(s->upper_dir, &st) < 0)
		return fail(msg, msglen, "stat %s", s->upper_dir);
	if (st.st_uid == 0 && st.st_gid == 0 && chown(s->upper_dir, (uid_t)uid, (gid_t)gid) < 0)
		return fail(msg, msglen, "give %s to the container's root", s->upper_dir);
	if (overlay_mount(s, s->merged_dir, msg, msglen) < 0)
		return -1;
	return prepare_volumes(s, (uid_t)uid, (gid_t)gid, msg, msglen);
}

void userns_become_root(int sync_fd)
{
	if (setresgid(0, 0, 0) < 0)
		sync_init_fail(sync_fd, STEP_USERNS, errno, "become the user namespace's root group");
	if (setresuid(0, 0, 0) < 0)
		sync_init_fail(sync_fd, STEP_USERNS, errno, "become the user namespace's root");
}

int userns_bind_dev_node(const char *node, const char *target)
{
	char host[64];
	snprintf(host, sizeof host, "/dev/%s", node);
	int fd = open(target, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
	if (fd < 0)
		return -1;
	close(fd);
	return mount(host, target, NULL, MS_BIND, NULL);
}

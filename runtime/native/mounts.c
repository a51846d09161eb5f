/* mounts.c: the container's volumes, bind mounts and tmpfs mounts, set up by the init after the
 * overlay root is mounted and before pivot_root.
 *
 * Each spec "mounts" entry is one string: type \x1f source \x1f destination \x1f options, where
 * type is "bind" (volumes are binds of their _data dir) or "tmpfs", and options is a comma list
 * of: ro, copy, volume (the source is a volume's _data dir), nosuid, nodev, noexec, a propagation (private, rprivate, slave, rslave, shared,
 * rshared), size=BYTES, mode=OCTAL.
 *
 * Safety:
 *  - the destination is resolved with openat2(RESOLVE_IN_ROOT) against the new root, so a
 *    symlink in the image or in the container's own layer (left by an earlier run) can never
 *    place a mount outside the container's root; missing directories are created the same way;
 *  - mounts are built detached (open_tree / fsmount), given their flags (read-only applies to
 *    root inside as well) and only then attached with move_mount to the resolved fd;
 *  - copy-up ("copy"): an empty volume is filled with what the root has at the destination,
 *    owners, modes and times kept, symlinks copied as symlinks and never followed; the copy goes
 *    to a temporary dir beside _data and is renamed over it, so a crash leaves all or nothing.
 * Every failure is reported as step "mount-volumes" with the errno and exits.
 */
#include "shim.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define STEP STEP_MOUNT_VOLUMES
#define SEP '\x1f'

static int sfd;
#define FAIL(...) sync_init_fail(sfd, STEP, errno, __VA_ARGS__)

struct mount_entry {
	char *type, *source, *dest, *options;
	char *opts; /* the options, split in place (size= and mode= point into it) */
	int readonly, copy, volume;
	unsigned long propagation; /* MS_PRIVATE / MS_SLAVE / MS_SHARED; 0: rprivate */
	int recursive_propagation;
	unsigned long long attrs;   /* MOUNT_ATTR_NOSUID ... */
	const char *size, *mode;
};

static int open_in_root(int rootfd, const char *path, int flags)
{
	struct open_how how = { .flags = (unsigned long long)(flags | O_CLOEXEC),
				.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS };
	return (int)syscall(SYS_openat2, rootfd, path, &how, sizeof how);
}

static void parse_entry(const char *raw, struct mount_entry *m)
{
	char *copy = strdup(raw), *fields[4];
	if (!copy)
		FAIL("out of memory");
	fields[0] = copy;
	for (int i = 1; i < 4; i++) {
		char *sep = strchr(fields[i - 1], SEP);
		if (!sep) {
			errno = EINVAL;
			FAIL("malformed mount entry");
		}
		*sep = '\0';
		fields[i] = sep + 1;
	}
	memset(m, 0, sizeof *m);
	m->type = fields[0];
	m->source = fields[1];
	m->dest = fields[2];
	m->options = fields[3];
	if (m->dest[0] != '/' || (strcmp(m->type, "bind") && strcmp(m->type, "tmpfs"))) {
		errno = EINVAL;
		FAIL("malformed mount entry for %s", m->dest);
	}
	char *save = NULL, *opts = m->opts = strdup(m->options);
	if (!opts)
		FAIL("out of memory");
	for (char *o = strtok_r(opts, ",", &save); o; o = strtok_r(NULL, ",", &save)) {
		const char *p = o[0] == 'r' && strcmp(o, "ro") ? o + 1 : o;
		if (!strcmp(o, "ro")) m->readonly = 1;
		else if (!strcmp(o, "copy")) m->copy = 1;
		else if (!strcmp(o, "volume")) m->volume = 1;
		else if (!strcmp(o, "nosuid")) m->attrs |= MOUNT_ATTR_NOSUID;
		else if (!strcmp(o, "nodev")) m->attrs |= MOUNT_ATTR_NODEV;
		else if (!strcmp(o, "noexec")) m->attrs |= MOUNT_ATTR_NOEXEC;
		else if (!strncmp(o, "size=", 5)) m->size = o + 5;
		else if (!strncmp(o, "mode=", 5)) m->mode = o + 5;
		else if (!strcmp(p, "private") || !strcmp(p, "slave") || !strcmp(p, "shared")) {
			m->propagation = p[0] == 'p' ? MS_PRIVATE : p[1] == 'l' ? MS_SLAVE : MS_SHARED;
			m->recursive_propagation = p != o;
		} else {
			errno = EINVAL;
			FAIL("unknown mount option \"%s\" for %s", o, m->dest);
		}
	}
}

/* Resolves path inside the root, creating what is missing (a file at the end when `file`), the
 * way runc's MkdirAllInRoot does: a dangling symlink on the way (one the image or an earlier run
 * left) is followed, inside the root, and its target is created there. */
static int mkdir_all_in_root(int rootfd, const char *path, int file, int depth)
{
	int fd = open_in_root(rootfd, path, O_PATH);
	if (fd >= 0 || errno != ENOENT)
		return fd;
	if (depth > 40) {
		errno = ELOOP;
		return -1;
	}
	size_t len = strlen(path);
	while (len > 1 && path[len - 1] == '/')
		len--;
	char *copy = strndup(path, len);
	if (!copy)
		return -1;
	char *slash = strrchr(copy, '/');
	const char *name = slash ? slash + 1 : copy;
	char *parent_path = slash == copy ? strdup("/") : slash ? strndup(copy, (size_t)(slash - copy)) : strdup(".");
	int parent = parent_path ? mkdir_all_in_root(rootfd, parent_path, 0, depth + 1) : -1;
	if (parent < 0)
		goto out;
	int made = file ? openat(parent, name, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0644)
			: mkdirat(parent, name, 0755);
	if (made < 0 && errno != EEXIST)
		goto out;
	if (file && made >= 0)
		close(made);
	fd = open_in_root(rootfd, path, O_PATH);
	if (fd < 0 && errno == ENOENT) {
		/* name is a dangling symlink: create what it points at, inside the root */
		char target[4096];
		ssize_t n = readlinkat(parent, name, target, sizeof target - 1);
		if (n < 0)
			goto out;
		target[n] = '\0';
		char *next = malloc(strlen(parent_path) + (size_t)n + 2);
		if (!next)
			goto out;
		if (target[0] == '/')
			strcpy(next, target);
		else
			sprintf(next, "%s/%s", parent_path, target);
		fd = mkdir_all_in_root(rootfd, next, file, depth + 1);
		free(next);
	}
out:
	{
		int e = errno;
		if (parent >= 0)
			close(parent);
		free(parent_path);
		free(copy);
		errno = e;
	}
	return fd;
}

static int resolve_dest(int rootfd, const char *dest, int file)
{
	int fd = mkdir_all_in_root(rootfd, dest, file, 0);
	if (fd < 0)
		FAIL("open %s in the container", dest);
	return fd;
}

/* ---- copy-up ---- */

static void copy_meta(int fd, const struct stat *st, const char *what)
{
	if (fchown(fd, st->st_uid, st->st_gid) < 0 || fchmod(fd, st->st_mode & 07777) < 0)
		FAIL("copy-up: set owner and mode of %s", what);
}

static void copy_file(int sdir, int ddir, const char *name, const struct stat *st)
{
	int in = openat(sdir, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (in < 0)
		FAIL("copy-up: open %s", name);
	int out = openat(ddir, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (out < 0)
		FAIL("copy-up: create %s", name);
	char buf[65536];
	for (;;) {
		ssize_t n = read(in, buf, sizeof buf);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			FAIL("copy-up: read %s", name);
		if (n == 0)
			break;
		if (write_all(out, buf, (size_t)n) < 0)
			FAIL("copy-up: write %s", name);
	}
	copy_meta(out, st, name);
	struct timespec times[2] = { st->st_atim, st->st_mtim };
	futimens(out, times);
	close(in);
	close(out);
}

/* Copies the contents of directory sdir into ddir; never follows a symlink. */
static void copy_tree(int sdir, int ddir, int depth)
{
	if (depth > 256) {
		errno = ELOOP;
		FAIL("copy-up: directories nested too deep");
	}
	int list = openat(sdir, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = list < 0 ? NULL : fdopendir(list);
	if (!d)
		FAIL("copy-up: read a directory");
	struct dirent *e;
	while ((errno = 0, e = readdir(d))) {
		const char *n = e->d_name;
		struct stat st;
		if (!strcmp(n, ".") || !strcmp(n, ".."))
			continue;
		if (fstatat(sdir, n, &st, AT_SYMLINK_NOFOLLOW) < 0)
			FAIL("copy-up: stat %s", n);
		struct timespec times[2] = { st.st_atim, st.st_mtim };
		if (S_ISDIR(st.st_mode)) {
			if (mkdirat(ddir, n, 0700) < 0)
				FAIL("copy-up: mkdir %s", n);
			int s2 = openat(sdir, n, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			int d2 = openat(ddir, n, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (s2 < 0 || d2 < 0)
				FAIL("copy-up: open %s", n);
			copy_tree(s2, d2, depth + 1);
			copy_meta(d2, &st, n);
			futimens(d2, times);
			close(s2);
			close(d2);
			continue;
		}
		if (S_ISREG(st.st_mode)) {
			copy_file(sdir, ddir, n, &st);
			continue;
		}
		if (S_ISLNK(st.st_mode)) {
			char target[4096];
			ssize_t len = readlinkat(sdir, n, target, sizeof target - 1);
			if (len < 0)
				FAIL("copy-up: readlink %s", n);
			target[len] = '\0';
			if (symlinkat(target, ddir, n) < 0)
				FAIL("copy-up: symlink %s", n);
		} else if (mknodat(ddir, n, st.st_mode, st.st_rdev) < 0) {
			FAIL("copy-up: mknod %s", n);
		}
		if (fchownat(ddir, n, st.st_uid, st.st_gid, AT_SYMLINK_NOFOLLOW) < 0)
			FAIL("copy-up: chown %s", n);
		if (!S_ISLNK(st.st_mode) && fchmodat(ddir, n, st.st_mode & 07777, 0) < 0)
			FAIL("copy-up: chmod %s", n);
		utimensat(ddir, n, times, AT_SYMLINK_NOFOLLOW);
	}
	if (errno)
		FAIL("copy-up: read a directory");
	closedir(d);
}

/* Fills an empty volume (source is its _data dir) with what the root holds at dest. */
static void copy_up(int rootfd, const struct mount_entry *m)
{
	int src = open_in_root(rootfd, m->dest, O_RDONLY | O_DIRECTORY);
	if (src < 0) {
		if (errno == ENOENT || errno == ENOTDIR)
			return; /* nothing in the image there: nothing to copy */
		FAIL("copy-up: open %s in the container", m->dest);
	}
	DIR *d = opendir(m->source);
	if (!d)
		FAIL("copy-up: open %s", m->source);
	struct dirent *e;
	int empty = 1;
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			empty = 0;
	closedir(d);
	struct stat st;
	if (fstat(src, &st) < 0)
		FAIL("copy-up: stat %s", m->dest);
	if (!empty) {
		close(src);
		return;
	}
	/* the copy goes beside _data first: volumes/<name>/.copy-<random>. Not the pid: this runs
	 * as pid 1 of the container's namespace, and two containers starting on one empty volume
	 * must not copy into the same dir. */
	unsigned long long nonce = 0;
	if (getrandom(&nonce, sizeof nonce, 0) != sizeof nonce)
		FAIL("copy-up: getrandom");
	char tmp[4096];
	const char *slash = strrchr(m->source, '/');
	if (!slash || (size_t)snprintf(tmp, sizeof tmp, "%.*s/.copy-%016llx", (int)(slash - m->source), m->source, nonce) >= sizeof tmp) {
		errno = ENAMETOOLONG;
		FAIL("copy-up: path too long: %s", m->source);
	}
	if (mkdir(tmp, 0700) < 0)
		FAIL("copy-up: mkdir %s", tmp);
	int dst = open(tmp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dst < 0)
		FAIL("copy-up: open %s", tmp);
	copy_tree(src, dst, 0);
	copy_meta(dst, &st, m->dest);
	if (fsync(dst) < 0)
		FAIL("copy-up: fsync %s", tmp);
	close(dst);
	close(src);
	/* _data is an empty dir: rename replaces it at once. Another container may have won the
	 * race and filled it: then ours is not needed. */
	if (rename(tmp, m->source) < 0) {
		if (errno != ENOTEMPTY && errno != EEXIST)
			FAIL("copy-up: rename %s to %s", tmp, m->source);
		/* the leftover copy is swept by the daemon (volumes/<name>/.copy-*) */
	}
}

/* ---- the mounts ---- */

/* mounts_open_sources: the detached bind of each entry (-1: none), by entry index */
static int *opened;

static int detached_bind(const struct mount_entry *m, size_t index)
{
	if (opened && opened[index] >= 0)
		return opened[index];
	int tree = (int)open_tree(AT_FDCWD, m->source, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
	if (tree < 0)
		FAIL("bind %s", m->source);
	return tree;
}

static int detached_tmpfs(const struct mount_entry *m)
{
	int fs = fsopen("tmpfs", FSOPEN_CLOEXEC);
	if (fs < 0)
		FAIL("tmpfs for %s", m->dest);
	if (fsconfig(fs, FSCONFIG_SET_STRING, "mode", m->mode ? m->mode : "1777", 0) < 0)
		FAIL("tmpfs mode=%s for %s", m->mode ? m->mode : "1777", m->dest);
	if (m->size && fsconfig(fs, FSCONFIG_SET_STRING, "size", m->size, 0) < 0)
		FAIL("tmpfs size=%s for %s", m->size, m->dest);
	if (fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		FAIL("create tmpfs for %s", m->dest);
	int mnt = (int)fsmount(fs, FSMOUNT_CLOEXEC, 0);
	if (mnt < 0)
		FAIL("tmpfs for %s", m->dest);
	close(fs);
	return mnt;
}

static void mount_one(const struct spec *s, int rootfd, size_t index)
{
	struct mount_entry m;
	parse_entry(s->mounts[index], &m);
	int bind = !strcmp(m.type, "bind");
	struct stat st;
	if (bind && opened && opened[index] >= 0 ? fstat(opened[index], &st) < 0 : bind && stat(m.source, &st) < 0)
		FAIL("bind source %s", m.source);
	if (m.copy && !s->uid_map) /* in a user namespace the shim did it (mounts_prepare_volumes) */
		copy_up(rootfd, &m);
	int mnt = bind ? detached_bind(&m, index) : detached_tmpfs(&m);
	/* read-only and the other flags go on the whole tree: a submount of a read-only bind is
	 * read-only too. Everything starts private; a propagation asked for comes on top. */
	struct mount_attr attr = { .attr_set = m.attrs | (m.readonly ? MOUNT_ATTR_RDONLY : 0),
				   .propagation = MS_PRIVATE };
	if (mount_setattr(mnt, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof attr) < 0)
		FAIL("set the flags of the mount on %s", m.dest);
	if (m.propagation && m.propagation != MS_PRIVATE) {
		struct mount_attr prop = { .propagation = m.propagation };
		if (mount_setattr(mnt, "", AT_EMPTY_PATH | (m.recursive_propagation ? AT_RECURSIVE : 0), &prop, sizeof prop) < 0)
			FAIL("set the propagation of %s", m.dest);
	}
	int dest = resolve_dest(rootfd, m.dest, bind && !S_ISDIR(st.st_mode));
	if (move_mount(mnt, "", dest, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		FAIL("mount %s on %s", bind ? m.source : "tmpfs", m.dest);
	close(dest);
	close(mnt);
	free(m.type);
	free(m.opts);
}

void mounts_open_sources(const struct spec *s, int sync_fd)
{
	sfd = sync_fd;
	opened = calloc(s->n_mounts + 1, sizeof *opened);
	if (!opened)
		FAIL("out of memory");
	for (size_t i = 0; i < s->n_mounts; i++) {
		struct mount_entry m;
		parse_entry(s->mounts[i], &m);
		opened[i] = -1;
		if (!strcmp(m.type, "bind"))
			opened[i] = detached_bind(&m, i);
		free(m.type);
		free(m.opts);
	}
}

void mounts_setup(const struct spec *s, const char *root, int sync_fd)
{
	sfd = sync_fd;
	if (s->n_mounts == 0)
		return;
	int rootfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		FAIL("open %s", root);
	for (size_t i = 0; i < s->n_mounts; i++)
		mount_one(s, rootfd, i);
	close(rootfd);
}

void mounts_prepare_volumes(const struct spec *s, int sync_fd, uid_t uid, gid_t gid)
{
	sfd = sync_fd;
	int rootfd = open(s->merged_dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		FAIL("open %s", s->merged_dir);
	for (size_t i = 0; i < s->n_mounts; i++) {
		struct mount_entry m;
		parse_entry(s->mounts[i], &m);
		if (m.volume) {
			if (m.copy)
				copy_up(rootfd, &m);
			/* a volume nothing filled is still host root's: the container's root gets it */
			struct stat st;
			if (stat(m.source, &st) < 0)
				FAIL("stat %s", m.source);
			if (st.st_uid == 0 && st.st_gid == 0 && chown(m.source, uid, gid) < 0)
				FAIL("give %s to the container's root", m.source);
		}
		free(m.type);
		free(m.opts);
	}
	close(rootfd);
}

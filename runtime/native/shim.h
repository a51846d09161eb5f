/* berth-shim: shared declarations. One job per file:
 *   main.c    process orchestration (P -> S -> C), stdio pumping, reaping, exit file
 *   spec.c    reading/parsing the spec from fd 3
 *   init.c    in-container setup (runs in C, the container init)
 *   overlay.c the container's overlay root, one layer at a time (no one-page option limit)
 *   sync.c    parent <-> init handshake (named steps on both sides)
 *   jsonlog.c JSON-escaping log writer
 *   logfile.c the log file and its rotation by size (gzipped for the local driver)
 *   journal.c the journald driver's datagrams
 *   sock.c    the attach socket (framed protocol) and the output/stdin poll loop
 *   exec.c    `berth-shim exec`: one more process in a running container
 *   rootfs.c  `berth-shim rootfs`: a stopped container's root mounted in a held namespace (cp)
 *   sealedcopy.c  the shim re-executes from a sealed view or copy of itself (CVE-2019-5736)
 *   sealedview.c  that view: the shim's file through a private read-only overlayfs
 *   util.c    small helpers (atomic file write, time formatting, fd hygiene)
 */
#ifndef BERTH_SHIM_H
#define BERTH_SHIM_H

#include <stddef.h>
#include <sys/types.h>

#include "security.h"
#include "shim_protocol.h" /* generated: spec keys and step names (runtime/process/shimProtocol.ts) */

#define SPEC_FD 3
/* the shim's process name (comm): the daemon knows its shims by it (runtime/worker.ts) */
#define SHIM_NAME "berth-shim"

struct spec {
	const char *id;
	const char **lower_dirs; size_t n_lower;
	const char *upper_dir, *work_dir, *merged_dir;
	const char **args; size_t n_args;   /* NULL-terminated as well */
	const char **env; size_t n_env;     /* NULL-terminated as well */
	const char *cwd;
	const char *hostname;
	const char **cgroup_procs; size_t n_cgroup_procs;
	const char *log_path, *exit_path, *pid_path;
	long long log_max_size;    /* "logMaxSize": rotate past this many bytes; 0: never */
	int log_max_files;        /* "logMaxFiles": files kept, the current one included (default 1) */
	int log_compress;         /* "logCompress" 1: rotated files are gzipped (log.1.gz, ...) */
	const char *log_attrs;    /* "logAttrs": a JSON object each record carries as "attrs"; NULL: none */
	const char *journal_socket; /* "journalSocket": each line also goes to journald there (journal.c) */
	const char **journal_fields; size_t n_journal_fields; /* "journalFields": KEY=value sent with every line */
	const char **mounts; size_t n_mounts; /* mounts.c: "type\x1fsource\x1fdest\x1foptions" */
	struct security security; /* security.h: capabilities, seccomp, user, paths */
	long exec_pid;            /* exec mode: the container init to join */
	int open_stdin;           /* "stdin" 1: the init's stdin is a pipe the shim feeds from attach */
	int tty;                  /* "tty" 1: a pty; the init gets the slave as controlling terminal */
	const char *sock_path;    /* "sockPath": the attach socket (sock.c); absent: none */
	const char **networks; size_t n_networks; /* netsetup.c: one veth per entry */
	const char *join_netns;   /* "joinNetns": a netns file to enter instead of a new netns */
	const char *uid_map, *gid_map; /* "uidMap"/"gidMap": "inside outside count" lines; set: a user namespace (userns.c) */
};

/* netsetup.c: the container's veths, addresses and route; -1 with errno and msg on failure */
int net_setup(const struct spec *s, long pid, char *msg, size_t msglen);
/* netsetup.c: `berth-shim network PID ENTRY...` */
int network_main(int argc, char **argv);

/* spec.c: read all of fd into memory and parse; on error fills errbuf, returns -1 */
int spec_read(int fd, struct spec *s, char *errbuf, size_t errlen);
/* the same from a buffer of `len` bytes followed by a NUL, which the spec keeps (strings point into it) */
int spec_parse(char *buf, size_t len, struct spec *s, char *errbuf, size_t errlen);

/* main.c: S for a spawner's request (never returns); spawner.c: `berth-shim spawner` */
void spawned_shim(char *buf, size_t len, int report) __attribute__((noreturn));
int spawner_main(int argc, char **argv);

/* init.c: runs inside C; never returns (execs or exits after reporting on sync_fd) */
struct init_args {
	const struct spec *spec;
	int sync_fd;
	int out_fd, err_fd; /* write ends of the stdout/stderr pipes (both the pty slave with tty) */
	int in_fd;          /* read end of the stdin pipe, the pty slave, or -1 for /dev/null */
};
void init_run(const struct init_args *a) __attribute__((noreturn));
/* init.c: execve args[0] (PATH search in env); failures go to sync_fd as step "exec" */
void exec_command(const struct spec *s, const char **env, int sync_fd) __attribute__((noreturn));

/* sync.c: the handshake. Init side steps: wait-go, report-error. Parent side: send-go, read-result. */
#define SYNC_MSG_MAX 1024
int sync_init_wait_go(int fd);                         /* init: block until parent says go; 0 ok */
void sync_init_fail(int fd, const char *step, int err, const char *fmt, ...)
	__attribute__((noreturn, format(printf, 4, 5))); /* init: report failure and _exit */
int sync_parent_send_go(int fd);                       /* parent: tell init to go; 0 ok */
struct sync_result { int ok; char step[64]; int err; char msg[SYNC_MSG_MAX]; };
int sync_parent_read_result(int fd, struct sync_result *r); /* parent: EOF w/o data = exec ok */

/* logfile.c: the log file, rotated by size (Docker's json-file max-size / max-file) */
struct journal { int fd; const char **fields; size_t n_fields; };
struct logfile { int fd; const char *path; long long size, max_size; int max_files, compress; const char *attrs; struct journal journal; };
int logfile_open(struct logfile *l, const char *path, long long max_size, int max_files, int compress);
/* the same, for a log file already open as fd (the monitor's, across its exec: main.c) */
void logfile_adopt(struct logfile *l, int fd, const char *path, long long max_size, int max_files, int compress);
int logfile_write(struct logfile *l, const void *record, size_t len); /* whole records only */

/* journal.c: journald's native protocol (a datagram per line); fd -1: not connected */
int journal_open(struct journal *j, const char *socket_path, const char **fields, size_t n_fields);
void journal_write(const struct journal *j, const char *stream, const unsigned char *line, size_t len);

/* jsonlog.c */
struct jsonlog_carry { unsigned char buf[4]; size_t len; };
int jsonlog_write(struct logfile *log, const char *stream, const unsigned char *data, size_t len,
		  struct jsonlog_carry *carry, int final);

/* exec.c: `berth-shim exec`; the spec names the container init to join */
int exec_main(void);

/* rootfs.c: `berth-shim rootfs`; a stopped container's root mounted in a namespace held for cp */
int rootfs_main(void);
/* overlay.c: the overlay of s's layers and upper dir mounted at target; 0, or -1 with errno
 * and msg. One fsconfig("lowerdir+") per layer; mount(2) on kernels without it (see overlay.c) */
int overlay_mount(const struct spec *s, const char *target, char *msg, size_t msglen);
/* overlay.c: the same through mount(2), its options in one page: kernels before Linux 6.8 */
int overlay_mount_legacy(const struct spec *s, const char *target, char *msg, size_t msglen);
/* overlay.c: "lowerdir=...,upperdir=...,workdir=..." (malloc'd), each layer's path less its
 * first `skip` chars; NULL with errno E2BIG when it is `page` bytes or more */
char *overlay_options(const struct spec *s, size_t skip, size_t page);
/* init.c: the overlay step alone (rootfs.c); reports on sync_fd and exits on failure */
void init_mount_overlay(const struct spec *s, int sync_fd);

/* mounts.c: volumes, binds and tmpfs, after the overlay root and before pivot_root;
 * reports (step "mount-volumes", errno, message) on sync_fd and exits on failure */
void mounts_setup(const struct spec *s, const char *root, int sync_fd);
/* mounts.c: every bind source as a detached mount, opened now (the init in a user namespace,
 * while it may still pass the host's dirs); mounts_setup then uses them */
void mounts_open_sources(const struct spec *s, int sync_fd);

/* sock.c: the attach socket (protocol in sock.c's header comment) */
int sock_listen(const char *path);      /* bound, listening, 0600; -1 on error (errno) */
/* the pump: pumps out_r/err_r (err_r -1 with a pty) into the log (or, for an exec, to fds 1
 * and 2) and to attached clients, serves the socket, forwards stdin to in_w (pipe write end, pty
 * master or -1). A container's pump returns when the output is closed; an exec's when exit_fd
 * (a pidfd) says the process exited, after draining what output is left. */
struct pump {
	struct logfile *log; /* the container's log; NULL: output to fds 1 and 2 (exec) */
	int listen_fd;       /* the attach socket, or -1 */
	int out_r, err_r;    /* output sources, -1 when none */
	int in_w;            /* stdin: pipe write end, the pty master, or -1 */
	int tty_master;      /* for resize, or -1 */
	pid_t pid;           /* what 'k' signals */
	int exit_fd;         /* exec: a pidfd of the process; -1 for a container */
};
void sock_pump(struct pump *p);

/* userns.c: a container in a user namespace of its own (--userns-remap); see its header */
int userns_prepare_root(const struct spec *s, char *msg, size_t msglen);  /* S, before clone */
int userns_write_maps(const struct spec *s, long pid, char *msg, size_t msglen); /* S, after clone */
void userns_become_root(int sync_fd); /* the init or an exec: root of the namespace, before any file work */
int userns_bind_dev_node(const char *node, const char *target); /* /dev/null etc. as binds of the host's */
/* mounts.c: in S's private mount namespace, a forked process: fills empty volumes from the root
 * (copy-up) and gives each volume's root dir to the container's root (uid, gid) */
void mounts_prepare_volumes(const struct spec *s, int sync_fd, uid_t uid, gid_t gid);

/* sealedcopy.c: re-executes from a read-only overlay view of /proc/self/exe, or else a sealed
 * memfd copy, unless already running from one (then returns 0); -1 with errno when that cannot be done */
int sealed_copy_ensure(char **argv);
/* sealedview.c: an O_PATH descriptor of /proc/self/exe's file through a private read-only
 * overlayfs; -1 with errno where the kernel cannot make one */
int sealed_view_open(void);

/* util.c */
int report_spec_fd(const char *step, int err, const char *msg);
int write_file_atomic(const char *path, const char *data, size_t len, int durable);
void fmt_time_rfc3339nano(char *out, size_t outlen);
int write_all(int fd, const void *buf, size_t len);
int mkdir_p(const char *path, mode_t mode);
#endif

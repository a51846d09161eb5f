/* berth-devfilter: attaches a device filter to a cgroup v2 directory.
 *
 *   berth-devfilter CGROUP_DIR < PROGRAM
 *
 * cgroup v2 has no devices controller: which devices a cgroup's tasks may mknod, read or write is
 * decided by an eBPF program of type BPF_PROG_TYPE_CGROUP_DEVICE attached to the cgroup (as runc
 * and crun do). PROGRAM is its raw instructions (struct bpf_insn, 8 bytes each), compiled from the
 * device rules by runtime/cgroups/deviceFilter.ts. The program is attached without flags, so
 * attaching again replaces the cgroup's earlier filter at once (an update leaves no gap). The
 * attachment holds the program for as long as the cgroup lives, so our fds close at exit.
 *
 * A failure is one line on stderr, with the verifier's last words for a rejected program; exit 1.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define MAX_INSNS 4096

static struct bpf_insn insns[MAX_INSNS + 1];
static char verifier_log[1 << 16];

static int die(const char *what, int err, const char *detail)
{
	const char *name = strerrorname_np(err);
	dprintf(2, "berth-devfilter: %s: %s (%s)%s%s\n", what, strerror(err), name ? name : "?",
		detail && *detail ? ": verifier: " : "", detail ? detail : "");
	return 1;
}

static long bpf(int cmd, union bpf_attr *attr)
{
	return syscall(SYS_bpf, cmd, attr, sizeof(*attr));
}

/* where the verifier gave up: the last line of its log before the closing "processed N insns" */
static const char *reason(char *log)
{
	for (;;) {
		size_t n = strlen(log);
		while (n > 0 && (log[n - 1] == '\n' || log[n - 1] == ' ')) log[--n] = '\0';
		char *nl = strrchr(log, '\n');
		char *line = nl ? nl + 1 : log;
		if (!nl || strncmp(line, "processed ", 10) != 0) return line;
		*nl = '\0';
	}
}

static int load(size_t count)
{
	union bpf_attr attr;
	memset(&attr, 0, sizeof(attr));
	attr.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
	attr.insns = (__u64)(unsigned long)insns;
	attr.insn_cnt = (__u32)count;
	attr.license = (__u64)(unsigned long)"GPL";
	int fd = (int)bpf(BPF_PROG_LOAD, &attr);
	if (fd >= 0 || (errno != EACCES && errno != EINVAL)) return fd;
	/* rejected: load again with the verifier's log on to say why */
	int err = errno;
	attr.log_buf = (__u64)(unsigned long)verifier_log;
	attr.log_size = sizeof(verifier_log);
	attr.log_level = 1;
	fd = (int)bpf(BPF_PROG_LOAD, &attr);
	if (fd < 0) errno = err;
	return fd;
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		dprintf(2, "usage: berth-devfilter CGROUP_DIR < PROGRAM\n");
		return 2;
	}
	size_t have = 0;
	for (;;) {
		ssize_t n = read(0, (char *)insns + have, sizeof(insns) - have);
		if (n < 0 && errno == EINTR) continue;
		if (n < 0) return die("read the program", errno, NULL);
		if (n == 0) break;
		have += (size_t)n;
		if (have == sizeof(insns)) return die("read the program", E2BIG, NULL);
	}
	if (have == 0 || have % sizeof(struct bpf_insn) != 0) return die("read the program", EINVAL, NULL);

	int cgroup = open(argv[1], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (cgroup < 0) return die("open the cgroup", errno, NULL);
	int prog = load(have / sizeof(struct bpf_insn));
	if (prog < 0) return die("load the device filter", errno, verifier_log[0] ? reason(verifier_log) : NULL);

	union bpf_attr attr;
	memset(&attr, 0, sizeof(attr));
	attr.target_fd = (__u32)cgroup;
	attr.attach_bpf_fd = (__u32)prog;
	attr.attach_type = BPF_CGROUP_DEVICE;
	if (bpf(BPF_PROG_ATTACH, &attr) < 0) return die("attach the device filter to the cgroup", errno, NULL);
	return 0;
}

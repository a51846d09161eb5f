/* berth-init: `run --init`, a tiny init as the container's pid 1 (as Docker's tini).
 *
 *   berth-init [--] COMMAND [ARG]...
 *
 * Forks COMMAND in a process group of its own (the foreground group of the terminal, if stdin
 * is one), then waits: every signal but the synchronous ones is blocked and taken with
 * sigtimedwait. SIGCHLD reaps every exited process (the orphans the kernel hands to pid 1 too,
 * so none stays a zombie); any other signal is passed on to COMMAND. When COMMAND exits,
 * berth-init exits with its code, or 128 + the signal that killed it.
 *
 * Statically linked and bind-mounted read-only into the container by the engine (runtime/
 * worker.ts), so a process in the container can never write to it through /proc/1/exe.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const int synchronous[] = { SIGFPE, SIGILL, SIGSEGV, SIGBUS, SIGABRT, SIGTRAP, SIGSYS };

static void die(const char *what, int err)
{
	dprintf(2, "berth-init: %s: %s\n", what, strerror(err));
	_exit(126);
}

/* the command: the signal mask and dispositions of a normal process, its own process group */
static void run_command(char **argv, const sigset_t *old_mask) __attribute__((noreturn));
static void run_command(char **argv, const sigset_t *old_mask)
{
	setpgid(0, 0);
	/* the terminal's foreground group: allowed while SIGTTOU is still ignored */
	if (tcsetpgrp(STDIN_FILENO, getpgrp()) < 0 && errno != ENOTTY && errno != ENXIO && errno != EINVAL)
		die("tcsetpgrp", errno);
	signal(SIGTTIN, SIG_DFL);
	signal(SIGTTOU, SIG_DFL);
	sigprocmask(SIG_SETMASK, old_mask, NULL);
	execvp(argv[0], argv);
	int err = errno;
	dprintf(2, "berth-init: exec %s: %s\n", argv[0], strerror(err));
	_exit(err == ENOENT ? 127 : 126);
}

int main(int argc, char **argv)
{
	sigset_t all, old;
	int first = 1;
	if (argc > 1 && !strcmp(argv[1], "--"))
		first = 2;
	if (first >= argc) {
		dprintf(2, "usage: berth-init [--] COMMAND [ARG]...\n");
		return 125;
	}
	sigfillset(&all);
	for (size_t i = 0; i < sizeof synchronous / sizeof synchronous[0]; i++)
		sigdelset(&all, synchronous[i]);
	if (sigprocmask(SIG_SETMASK, &all, &old) < 0)
		die("sigprocmask", errno);
	signal(SIGTTIN, SIG_IGN);
	signal(SIGTTOU, SIG_IGN);

	pid_t child = fork();
	if (child < 0)
		die("fork", errno);
	if (child == 0)
		run_command(argv + first, &old);

	for (;;) {
		struct timespec tick = { 1, 0 };
		siginfo_t info;
		int sig = sigtimedwait(&all, &info, &tick);
		if (sig < 0 && errno != EAGAIN && errno != EINTR)
			die("sigtimedwait", errno);
		if (sig > 0 && sig != SIGCHLD)
			kill(child, sig);
		/* reap on every wake: a SIGCHLD may stand for several exits */
		for (;;) {
			int status;
			pid_t pid = waitpid(-1, &status, WNOHANG);
			if (pid <= 0)
				break;
			if (pid == child)
				return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
		}
	}
}

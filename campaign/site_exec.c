/* site_exec.c: start programs at a site through its exec prefix. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "output.h"
#include "site_exec.h"
#include "xalloc.h"

#define SITE_MAX_ARGS 64
#define SITE_GRACE_US (3 * 1000000LL)	/* from a stop to SIGTERM, and to SIGKILL */
#define SITE_RUN_DEFAULT_S 120

volatile sig_atomic_t site_interrupt;

/* A token of [A-Za-z0-9_./:,+=@%-]: safe unquoted in any shell. */
int
site_arg_safe(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s; s++)
		if (strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_./:,+=@%-",
			*s) == NULL)
			return 0;
	return 1;
}

/* Build argv: the prefix's words, the program (under bindir), the args. */
static int
build_argv(const struct tp_conf *conf, const struct tp_site_conf *site, const char *program,
    const char *const *args, char **argv, char **prefix_copy, char **progpath,
    struct tp_err *err)
{
	char *word, *save;
	size_t n = 0;

	*prefix_copy = xstrdup(site->exec ? site->exec : "");
	for (word = strtok_r(*prefix_copy, " \t", &save); word != NULL;
	    word = strtok_r(NULL, " \t", &save)) {
		if (n + 2 >= SITE_MAX_ARGS)
			return tp_err_set(err, "site %s: exec prefix has too many words", site->name);
		argv[n++] = word;
	}
	if (conf->bindir != NULL && conf->bindir[0] != '\0')
		*progpath = xasprintf("%s/%s", conf->bindir, program);
	else
		*progpath = xstrdup(program);
	if (!site_arg_safe(*progpath))
		return tp_err_set(err, "program path \"%s\" has characters that would need quoting",
		    *progpath);
	argv[n++] = *progpath;
	for (; *args != NULL; args++) {
		if (n + 1 >= SITE_MAX_ARGS)
			return tp_err_set(err, "too many arguments for %s", program);
		if (!site_arg_safe(*args))
			return tp_err_set(err, "argument \"%s\" for %s at site %s has characters "
			    "that would need quoting (spaces or quotes in a path?)", *args, program,
			    site->name);
		argv[n++] = (char *)*args;
	}
	argv[n] = NULL;
	return (int)n;
}

/* Fork and exec with the requested pipes. */
int
site_spawn(const struct tp_conf *conf, const struct tp_site_conf *site, const char *program,
    const char *const *args, int want_in, int want_out, struct site_proc *p, struct tp_err *err)
{
	char *argv[SITE_MAX_ARGS], *prefix = NULL, *progpath = NULL;
	int inpipe[2] = { -1, -1 }, outpipe[2] = { -1, -1 };
	pid_t parent;
	int rc = -1;

	memset(p, 0, sizeof(*p));
	p->pid = -1;
	snprintf(p->site, sizeof(p->site), "%s", site->name);
	if (build_argv(conf, site, program, args, argv, &prefix, &progpath, err) < 0)
		goto out;
	/* close-on-exec: a later child must not hold an earlier one's pipe
	 * ends, or EOF never reaches that earlier one while the later runs */
	if ((want_in && pipe2(inpipe, O_CLOEXEC) < 0) ||
	    (want_out && pipe2(outpipe, O_CLOEXEC) < 0)) {
		tp_err_set(err, "pipe: %s", strerror(errno));
		goto out;
	}
	parent = getpid();
	p->pid = fork();
	if (p->pid < 0) {
		tp_err_set(err, "fork: %s", strerror(errno));
		goto out;
	}
	if (p->pid == 0) {
		if (want_in)
			dup2(inpipe[0], STDIN_FILENO);	/* dup2 clears close-on-exec */
		else {
			/* ssh would otherwise read the campaign's own stdin */
			int null = open("/dev/null", O_RDONLY);

			if (null >= 0 && null != STDIN_FILENO) {
				dup2(null, STDIN_FILENO);
				close(null);
			}
		}
		if (want_out)
			dup2(outpipe[1], STDOUT_FILENO);
		signal(SIGPIPE, SIG_DFL);
		/* If the campaign dies, so does what it started here (the ledger
		 * is gone; BIRD's dead-man switch restores the announcements). */
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		if (getppid() != parent)
			_exit(127);	/* it died before prctl took hold */
		execvp(argv[0], argv);
		fprintf(stderr, "tp-campaign: site %s: cannot run %s: %s\n", site->name, argv[0],
		    strerror(errno));
		_exit(127);
	}
	if (want_in) {
		close(inpipe[0]);
		inpipe[0] = -1;
		p->in = fdopen(inpipe[1], "w");
		inpipe[1] = -1;
	}
	if (want_out) {
		close(outpipe[1]);
		outpipe[1] = -1;
		p->out = fdopen(outpipe[0], "r");
		outpipe[0] = -1;
	}
	rc = 0;
out:
	free(progpath);
	free(prefix);
	if (inpipe[0] >= 0)
		close(inpipe[0]);
	if (inpipe[1] >= 0)
		close(inpipe[1]);
	if (outpipe[0] >= 0)
		close(outpipe[0]);
	if (outpipe[1] >= 0)
		close(outpipe[1]);
	return rc;
}

/*
 * Reap p. Past kill_at (0: never) or SITE_GRACE after site_interrupt was
 * seen, it sends SIGTERM, and SIGKILL another SITE_GRACE later, so no wait
 * outlives a stop or a deadline. Returns the exit status (128+sig if
 * killed), -1 on error.
 */
static int
site_reap(struct site_proc *p, int64_t kill_at)
{
	struct timespec pause = { 0, 20 * 1000 * 1000 };
	int64_t now, term_sent = 0;
	pid_t r;
	int status;

	if (p->pid <= 0)
		return -1;
	while ((r = waitpid(p->pid, &status, WNOHANG)) != p->pid) {
		if (r < 0 && errno != EINTR)
			return -1;
		now = tp_mono_us();
		if (site_interrupt && (kill_at == 0 || kill_at > now + SITE_GRACE_US))
			kill_at = now + SITE_GRACE_US;
		if (kill_at != 0 && now >= kill_at && term_sent == 0) {
			kill(p->pid, SIGTERM);
			term_sent = now;
		} else if (term_sent != 0 && now >= term_sent + SITE_GRACE_US)
			kill(p->pid, SIGKILL);
		nanosleep(&pause, NULL);
	}
	p->pid = -1;
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

/* Close our ends of the pipes and reap the process (bounded after a stop). */
int
site_wait(struct site_proc *p)
{
	if (p->in != NULL)
		fclose(p->in);
	if (p->out != NULL)
		fclose(p->out);
	p->in = p->out = NULL;
	return site_reap(p, 0);
}

/* Send SIGTERM to a process we started. */
void
site_stop(struct site_proc *p)
{
	if (p->pid > 0)
		kill(p->pid, SIGTERM);
}

/*
 * Read p's stdout into a growing buffer until EOF, the deadline, or
 * SITE_GRACE after site_interrupt; 1 when it ended, 0 when cut short.
 */
static int
read_until(struct site_proc *p, int64_t deadline, char **buf, size_t *len)
{
	struct pollfd pfd = { .fd = fileno(p->out), .events = POLLIN };
	size_t cap = 0;
	ssize_t got;
	int64_t now;

	*buf = NULL;
	*len = 0;
	for (;;) {
		if (cap - *len < 4096) {
			cap = cap ? cap * 2 : 8192;
			*buf = xreallocarray(*buf, cap, 1);
		}
		(*buf)[*len] = '\0';
		now = tp_mono_us();
		if (site_interrupt && deadline > now + SITE_GRACE_US)
			deadline = now + SITE_GRACE_US;
		if (now >= deadline)
			return 0;
		if (poll(&pfd, 1, 100) <= 0)
			continue;
		got = read(pfd.fd, *buf + *len, cap - *len - 1);
		if (got > 0)
			*len += (size_t)got;
		else if (got == 0 || errno != EINTR)
			return 1;
	}
}

/* Run to completion (within the site's deadline), collecting standard output. */
int
site_run(const struct tp_conf *conf, const struct tp_site_conf *site, const char *program,
    const char *const *args, char **output, struct tp_err *err)
{
	unsigned secs = conf->site_timeout ? conf->site_timeout : SITE_RUN_DEFAULT_S;
	struct site_proc p;
	int64_t deadline = tp_mono_us() + (int64_t)secs * 1000000;
	size_t len;
	int ended, status;

	*output = NULL;
	if (site_spawn(conf, site, program, args, 0, 1, &p, err) < 0)
		return -1;
	ended = read_until(&p, deadline, output, &len);
	fclose(p.out);
	p.out = NULL;
	status = site_reap(&p, ended ? deadline : tp_mono_us());
	if (ended)
		return status;
	free(*output);
	*output = NULL;
	if (site_interrupt)
		return tp_err_set(err, "%s was stopped: the campaign is stopping", program);
	return tp_err_set(err, "%s did not finish within %u s (site_timeout in tp.conf); it "
	    "was stopped", program, secs);
}

#define _GNU_SOURCE /* pipe2 */
#include "core/spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/error.h"

extern char **environ;

struct vs_child {
  pid_t pid;
  int fd;
  vs_buf out;
  int eof;
};

const char *vs_spawn_self(void) { return "/proc/self/exe"; }

int vs_spawn_start(vs_child **out, char *const argv[], const vs_spawn_options *opts)
{
  vs_spawn_options o = VS_SPAWN_OPTIONS_INIT;
  posix_spawn_file_actions_t fa;
  int fd[2], rc;
  vs_child *c;

  *out = NULL;
  if (opts)
    o = *opts;
  if (!(c = calloc(1, sizeof(*c))))
    return vs_error_set(VS_ENOMEM, "out of memory");
  c->out.max = o.max_out;
  if (pipe2(fd, O_CLOEXEC) != 0) {
    free(c);
    return vs_error_set(VS_EIO, "pipe: %s", strerror(errno));
  }
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, fd[1], STDOUT_FILENO);
  if (o.quiet_stderr)
    posix_spawn_file_actions_addopen(&fa, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
  rc = o.search_path ? posix_spawnp(&c->pid, argv[0], &fa, NULL, argv, environ)
                     : posix_spawn(&c->pid, argv[0], &fa, NULL, argv, environ);
  posix_spawn_file_actions_destroy(&fa);
  close(fd[1]);
  if (rc != 0) {
    close(fd[0]);
    free(c);
    return vs_error_set(VS_ERROR, "cannot run %s: %s", argv[0], strerror(rc));
  }
  fcntl(fd[0], F_SETFL, fcntl(fd[0], F_GETFL) | O_NONBLOCK);
  c->fd = fd[0];
  *out = c;
  return VS_OK;
}

int vs_child_fd(const vs_child *c) { return c->fd; }
long vs_child_pid(const vs_child *c) { return (long)c->pid; }

int vs_child_pump(vs_child *c)
{
  char chunk[65536];
  while (!c->eof) {
    ssize_t n = read(c->fd, chunk, sizeof(chunk));
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
      return 0;
    if (n < 0)
      return vs_error_set(VS_EIO, "reading from child %ld: %s", (long)c->pid, strerror(errno));
    if (n == 0)
      c->eof = 1;
    else {
      int rc = vs_buf_add(&c->out, chunk, (size_t)n);
      if (rc != VS_OK)
        return rc;
    }
  }
  return 1;
}

static int reap(pid_t pid)
{
  int status;
  while (waitpid(pid, &status, 0) < 0)
    if (errno != EINTR)
      return 128 + SIGKILL;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

int vs_child_wait(vs_child *c, vs_buf *out, int *exit_code)
{
  int rc = VS_OK;
  fcntl(c->fd, F_SETFL, fcntl(c->fd, F_GETFL) & ~O_NONBLOCK);
  while ((rc = vs_child_pump(c)) == 0)
    ;
  close(c->fd);
  int status = reap(c->pid);
  if (exit_code)
    *exit_code = status;
  if (out && rc >= 0) {
    vs_buf_clear(out);
    *out = c->out;
  } else
    vs_buf_clear(&c->out);
  free(c);
  return rc < 0 ? rc : VS_OK;
}

void vs_child_kill(vs_child *c)
{
  if (!c)
    return;
  kill(c->pid, SIGTERM);
  for (int i = 0; i < 50; i++) { /* up to 5 s to clean up after itself */
    if (waitpid(c->pid, NULL, WNOHANG) == c->pid)
      goto done;
    nanosleep(&(struct timespec){0, 100000000}, NULL);
  }
  kill(c->pid, SIGKILL);
  reap(c->pid);
done:
  close(c->fd);
  vs_buf_clear(&c->out);
  free(c);
}

int vs_spawn_run(char *const argv[], const vs_spawn_options *opts, vs_buf *out, int *exit_code)
{
  vs_child *c;
  int rc = vs_spawn_start(&c, argv, opts);
  return rc != VS_OK ? rc : vs_child_wait(c, out, exit_code);
}

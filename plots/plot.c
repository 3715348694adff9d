#include "plots/plot.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/error.h"
#include "core/fsutil.h"
#include "core/units.h"

#ifndef VS_PLOTS_DIR_DEFAULT
#define VS_PLOTS_DIR_DEFAULT "plots"
#endif

/* A gnuplot single-quoted string: a quote inside is written twice. */
static int put_string(FILE *f, const char *name, const char *value)
{
  if (strpbrk(value, "\n\r"))
    return vs_error_set(VS_EINPUT, "'%s': a path with a line break cannot be plotted", value);
  fprintf(f, "%s = '", name);
  for (const char *p = value; *p; p++) {
    if (*p == '\'')
      fputc('\'', f);
    fputc(*p, f);
  }
  fputs("'\n", f);
  return VS_OK;
}

/* Feed `vars` then `load TEMPLATE` to a gnuplot child through a pipe (no
 * shell: paths travel as gnuplot strings, never as command words). */
static int run_gnuplot(const char *program, const char *tpl, const char *in, const char *out, const char *title,
                       int threshold)
{
  int fds[2], status = 0, rc = VS_OK;
  pid_t pid;
  FILE *f;

  if (pipe(fds) != 0)
    return vs_error_set(VS_EIO, "cannot start %s: %s", program, strerror(errno));
  if ((pid = fork()) == 0) {
    dup2(fds[0], 0);
    close(fds[0]);
    close(fds[1]);
    execlp(program, program, (char *)NULL);
    _exit(127);
  }
  close(fds[0]);
  if (pid < 0 || !(f = fdopen(fds[1], "w"))) {
    close(fds[1]);
    return vs_error_set(VS_EIO, "cannot start %s: %s", program, strerror(errno));
  }
  /* A gnuplot that is missing or dies early closes the pipe: the write must
   * fail (and be reported below), not kill us with SIGPIPE. */
  struct sigaction ignore = {.sa_handler = SIG_IGN}, old;
  sigemptyset(&ignore.sa_mask);
  sigaction(SIGPIPE, &ignore, &old);
  if ((rc = put_string(f, "infile", in)) == VS_OK && (rc = put_string(f, "outfile", out)) == VS_OK &&
      (rc = put_string(f, "title_text", title)) == VS_OK && (rc = put_string(f, "template", tpl)) == VS_OK) {
    fprintf(f, "threshold = %d\n", threshold);
    fputs("load template\n", f);
  }
  fclose(f);
  sigaction(SIGPIPE, &old, NULL);
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
    ;
  if (rc == VS_OK && !(WIFEXITED(status) && WEXITSTATUS(status) == 0))
    rc = vs_error_set(VS_ERROR, "%s failed on %s (exit %d%s)", program, in,
                      WIFEXITED(status) ? WEXITSTATUS(status) : -1,
                      WIFEXITED(status) && WEXITSTATUS(status) == 127 ? ": is gnuplot installed? (Debian: gnuplot-nox)"
                                                                        : "");
  return rc;
}

/* The threshold is just below the smallest k that tripped a limit (the
 * last column); every search simulates that k. 0 when none tripped. */
static int threshold_from_steps(const char *path)
{
  FILE *f = fopen(path, "r");
  char line[512];
  long first_trip = 0;
  if (!f)
    return 0;
  while (fgets(line, sizeof(line), f)) {
    long k;
    line[strcspn(line, "\r\n")] = '\0';
    char *comma = strchr(line, ','), *last = strrchr(line, ',');
    if (!comma || !last[1])
      continue; /* no limit tripped at this k */
    *comma = '\0';
    if (vs_parse_long(line, &k) == VS_OK && (first_trip == 0 || k < first_trip))
      first_trip = k;
  }
  fclose(f);
  return first_trip > 0 ? (int)first_trip - 1 : 0;
}

static int ends_with(const char *s, const char *suffix)
{
  size_t n = strlen(s), m = strlen(suffix);
  return n >= m && !strcmp(s + n - m, suffix);
}

typedef struct {
  const vs_plot_options *opts;
  const char *dir, *out_dir, *tpl_dir;
  void (*written)(const char *, void *);
  void *ctx;
  int count;
} plotter;

static int plot_one(plotter *p, const char *file, const char *tpl, const char *png, int threshold)
{
  char in[PATH_MAX], out[PATH_MAX], tmp[PATH_MAX + 32], t[PATH_MAX], title[PATH_MAX];
  const char *base = strrchr(p->dir, '/');
  int rc;
  snprintf(in, sizeof(in), "%s/%s", p->dir, file);
  snprintf(out, sizeof(out), "%s/%s", p->out_dir, png);
  snprintf(t, sizeof(t), "%s/%s", p->tpl_dir, tpl);
  snprintf(title, sizeof(title), "%s: %s", base && base[1] ? base + 1 : p->dir, file);
  if (access(t, R_OK) != 0)
    return vs_error_set(VS_EIO, "%s: cannot read the template (set VS_PLOTS_DIR to the plots/ folder)", t);
  /* Drawn under a temporary name and renamed when gnuplot succeeded: a
   * failed plot never replaces a good figure with half a one. */
  snprintf(tmp, sizeof(tmp), "%s.tmp-%ld.png", out, (long)getpid());
  rc = run_gnuplot(p->opts->gnuplot ? p->opts->gnuplot : "gnuplot", t, in, tmp, title, threshold);
  if (rc == VS_OK && rename(tmp, out) != 0)
    rc = vs_error_set(VS_EIO, "%s: cannot rename into place: %s", out, strerror(errno));
  unlink(tmp);
  if (rc != VS_OK)
    return rc;
  p->count++;
  if (p->written)
    p->written(out, p->ctx);
  return VS_OK;
}

int vs_plot_folder(const char *dir, const vs_plot_options *opts_in, void (*written)(const char *path, void *ctx),
                   void *ctx)
{
  vs_plot_options opts = VS_PLOT_OPTIONS_INIT;
  plotter p = {0};
  struct dirent *e;
  DIR *dp;
  int rc = VS_OK;

  if (opts_in)
    opts = *opts_in;
  p.opts = &opts;
  p.dir = dir;
  p.out_dir = opts.out_dir ? opts.out_dir : dir;
  p.tpl_dir = opts.template_dir ? opts.template_dir : getenv("VS_PLOTS_DIR") ? getenv("VS_PLOTS_DIR")
                                                                               : VS_PLOTS_DIR_DEFAULT;
  p.written = written;
  p.ctx = ctx;
  if (!(dp = opendir(dir)))
    return vs_error_set(VS_EIO, "%s: cannot read: %s", dir, strerror(errno));
  if (opts.out_dir && (rc = vs_fs_mkdir_p(opts.out_dir)) != VS_OK)
    goto cleanup;
  while (rc == VS_OK && (e = readdir(dp))) {
    char png[NAME_MAX + 8], steps[PATH_MAX];
    if (!strcmp(e->d_name, "steps.csv") || !strcmp(e->d_name, "threshold-steps.csv")) {
      snprintf(steps, sizeof(steps), "%s/%s", dir, e->d_name);
      rc = plot_one(&p, e->d_name, "threshold.gp", "threshold.png", threshold_from_steps(steps));
    } else if (ends_with(e->d_name, "timeseries.csv")) {
      snprintf(png, sizeof(png), "%.*s.png", (int)(strlen(e->d_name) - 4), e->d_name);
      rc = plot_one(&p, e->d_name, "timeseries.gp", png, 0);
    } else if (ends_with(e->d_name, "-traffic.csv")) { /* vdistorm pool: copy traffic */
      snprintf(png, sizeof(png), "%.*s.png", (int)(strlen(e->d_name) - 4), e->d_name);
      rc = plot_one(&p, e->d_name, "pool.gp", png, 0);
    }
  }
  if (rc == VS_OK && p.count == 0)
    rc = vs_error_set(VS_EINPUT, "%s: nothing to plot (expected a result folder with steps.csv or *timeseries.csv)",
                      dir);
cleanup:
  closedir(dp);
  return rc;
}

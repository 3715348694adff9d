#include "plots/plot.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
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

/* What a template is told besides its data and output. */
typedef struct {
  const char *in, *out, *title, *tpl;
  int threshold;  /* the threshold figure's marker */
  int ncols;      /* columns of the CSV's header: the per-series figures plot columns 2..ncols */
  const char *fmt; /* "png" or "svg": the template picks its terminal */
  char columns[512]; /* the header's names separated by blanks, for axis labels (word(columns, i)) */
} gp_vars;

/* Feed `vars` then `load TEMPLATE` to a gnuplot child through a pipe (no
 * shell: paths travel as gnuplot strings, never as command words). */
static int run_gnuplot(const char *program, const gp_vars *v)
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
    /* gnuplot's own messages are many lines; ours is one (VS_PLOT_DEBUG
     * keeps them). */
    if (!getenv("VS_PLOT_DEBUG")) {
      int null = open("/dev/null", O_WRONLY);
      if (null >= 0)
        dup2(null, 2);
    }
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
  if ((rc = put_string(f, "infile", v->in)) == VS_OK && (rc = put_string(f, "outfile", v->out)) == VS_OK &&
      (rc = put_string(f, "title_text", v->title)) == VS_OK && (rc = put_string(f, "template", v->tpl)) == VS_OK &&
      (rc = put_string(f, "fmt", v->fmt)) == VS_OK && (rc = put_string(f, "columns", v->columns)) == VS_OK) {
    fprintf(f, "threshold = %d\nncols = %d\n", v->threshold, v->ncols);
    fputs("load template\n", f);
  }
  fclose(f);
  sigaction(SIGPIPE, &old, NULL);
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
    ;
  if (rc == VS_OK && !(WIFEXITED(status) && WEXITSTATUS(status) == 0))
    rc = vs_error_set(VS_ERROR, "%s failed on %s (exit %d%s)", program, v->in,
                      WIFEXITED(status) ? WEXITSTATUS(status) : -1,
                      WIFEXITED(status) && WEXITSTATUS(status) == 127 ? ": is gnuplot installed? (Debian: gnuplot-nox)"
                                                                        : "; VS_PLOT_DEBUG=1 shows its messages");
  return rc;
}

/* Columns of a CSV's header line (0 when unreadable), and their names
 * separated by blanks (names hold no blanks: key paths, policy names). */
static int header_columns(const char *path, char *names, size_t len)
{
  FILE *f = fopen(path, "r");
  int c, n = 1;
  size_t i = 0;
  names[0] = '\0';
  if (!f)
    return 0;
  while ((c = fgetc(f)) != EOF && c != '\n' && c != '\r') {
    n += c == ',';
    if (i + 1 < len && c != '\'')
      names[i++] = c == ',' || c == ' ' ? ' ' : (char)c;
  }
  names[i] = '\0';
  fclose(f);
  return n;
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

static const struct {
  vs_plot_kind kind;
  const char *tpl;
} templates[] = {
    {VS_FIG_THRESHOLD, "threshold.gp"}, {VS_FIG_TIMESERIES, "timeseries.gp"}, {VS_FIG_CPU_BY_K, "cpu-by-k.gp"},
    {VS_FIG_READY, "ready.gp"},         {VS_FIG_PLAN, "plan-frontier.gp"},     {VS_FIG_SWEEP, "sweep-heat.gp"},
    {VS_FIG_FORECAST, "forecast-year.gp"}, {VS_FIG_POOL, "pool.gp"},
};

vs_plot_kind vs_plot_kind_of(const char *name)
{
  if (!strcmp(name, "steps.csv") || !strcmp(name, "threshold-steps.csv"))
    return VS_FIG_THRESHOLD;
  if (ends_with(name, "timeseries.csv"))
    return VS_FIG_TIMESERIES;
  if (!strcmp(name, "cpu-by-k.csv"))
    return VS_FIG_CPU_BY_K;
  if (!strcmp(name, "ready.csv"))
    return VS_FIG_READY;
  if (!strcmp(name, "plan-frontier.csv"))
    return VS_FIG_PLAN;
  if (!strcmp(name, "sweep-heat.csv"))
    return VS_FIG_SWEEP;
  if (!strcmp(name, "forecast-year.csv"))
    return VS_FIG_FORECAST;
  if (ends_with(name, "-traffic.csv")) /* vdistorm pool: copy traffic */
    return VS_FIG_POOL;
  return VS_FIG_NONE;
}

const char *vs_plot_format_ext(vs_plot_format f) { return f == VS_PLOT_SVG ? "svg" : "png"; }

static const char *template_dir(const vs_plot_options *o)
{
  if (o->template_dir)
    return o->template_dir;
  return getenv("VS_PLOTS_DIR") ? getenv("VS_PLOTS_DIR") : VS_PLOTS_DIR_DEFAULT;
}

/* The program: the option, else $VS_GNUPLOT (tests point it at a failing
 * one), else gnuplot on the PATH. */
static const char *gnuplot_program(const vs_plot_options *o)
{
  const char *env = getenv("VS_GNUPLOT");
  return o->gnuplot ? o->gnuplot : env && *env ? env : "gnuplot";
}

int vs_plot_figure(vs_plot_kind kind, const char *csv, const char *out, const char *title,
                   const vs_plot_options *opts_in)
{
  vs_plot_options opts = VS_PLOT_OPTIONS_INIT;
  char t[PATH_MAX], tmp[PATH_MAX + 48];
  const char *ext = strrchr(out, '.');
  int rc;
  if (opts_in)
    opts = *opts_in;
  if (kind < 0 || kind >= VS_FIG_NONE)
    return vs_error_set(VS_EINPUT, "%s: not a figure vdistorm draws", csv);
  snprintf(t, sizeof(t), "%s/%s", template_dir(&opts), templates[kind].tpl);
  if (access(t, R_OK) != 0)
    return vs_error_set(VS_EIO, "%s: cannot read the template (set VS_PLOTS_DIR to the plots/ folder)", t);
  gp_vars v = {.in = csv, .title = title ? title : csv, .tpl = t, .fmt = ext && !strcmp(ext, ".svg") ? "svg" : "png"};
  v.ncols = header_columns(csv, v.columns, sizeof(v.columns));
  v.threshold = kind == VS_FIG_THRESHOLD ? threshold_from_steps(csv) : 0;
  /* Drawn under a temporary name and renamed when gnuplot succeeded: a
   * failed plot never replaces a good figure with half a one. */
  snprintf(tmp, sizeof(tmp), "%s.tmp-%ld.%s", out, (long)getpid(), v.fmt);
  v.out = tmp;
  rc = run_gnuplot(gnuplot_program(&opts), &v);
  if (rc == VS_OK && rename(tmp, out) != 0)
    rc = vs_error_set(VS_EIO, "%s: cannot rename into place: %s", out, strerror(errno));
  unlink(tmp);
  return rc;
}

typedef struct {
  const vs_plot_options *opts;
  const char *dir, *out_dir;
  void (*written)(const char *, void *);
  void *ctx;
  int count;
} plotter;

static int plot_one(plotter *p, const char *file, vs_plot_kind kind)
{
  char in[PATH_MAX], out[PATH_MAX + 16], title[PATH_MAX + 8];
  const char *base = strrchr(p->dir, '/'), *ext = vs_plot_format_ext(p->opts->format);
  int rc;
  snprintf(in, sizeof(in), "%s/%s", p->dir, file);
  if (kind == VS_FIG_THRESHOLD)
    snprintf(out, sizeof(out), "%s/threshold.%s", p->out_dir, ext);
  else
    snprintf(out, sizeof(out), "%s/%.*s.%s", p->out_dir, (int)(strlen(file) - 4), file, ext);
  snprintf(title, sizeof(title), "%s: %s", base && base[1] ? base + 1 : p->dir, file);
  if ((rc = vs_plot_figure(kind, in, out, title, p->opts)) != VS_OK)
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
  p.written = written;
  p.ctx = ctx;
  if (!(dp = opendir(dir)))
    return vs_error_set(VS_EIO, "%s: cannot read: %s", dir, strerror(errno));
  if (opts.out_dir && (rc = vs_fs_mkdir_p(opts.out_dir)) != VS_OK)
    goto cleanup;
  while (rc == VS_OK && (e = readdir(dp))) {
    vs_plot_kind kind = vs_plot_kind_of(e->d_name);
    if (kind != VS_FIG_NONE)
      rc = plot_one(&p, e->d_name, kind);
  }
  if (rc == VS_OK && p.count == 0)
    rc = vs_error_set(VS_EINPUT, "%s: nothing to plot (expected a result folder with steps.csv or *timeseries.csv)",
                      dir);
cleanup:
  closedir(dp);
  return rc;
}

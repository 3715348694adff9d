/* Progress of long runs on stderr. On a terminal: one line rewritten in
 * place (phase, experiment clock, ready/total, elapsed, and the time the
 * experiment still needs at its pace so far), within half a second of
 * starting; otherwise a plain line at most every 10 s. -q: nothing. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "core/units.h"

struct vs_cli_progress {
  int on, tty;
  double t0, last;
  char phase[96];
  int shown; /* a line is on screen (tty) */
};

static double now_s(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

vs_cli_progress *vs_cli_progress_new(const vs_cli_common *o)
{
  vs_cli_progress *p = calloc(1, sizeof(*p));
  if (!p)
    return NULL;
  p->on = !o->quiet;
  p->tty = isatty(STDERR_FILENO);
  p->t0 = now_s();
  p->last = -1e9;
  return p;
}

static void show(vs_cli_progress *p, const char *line, int force)
{
  double t = now_s();
  if (!p || !p->on)
    return;
  if (p->tty) {
    if (!force && t - p->last < 0.2)
      return;
    fprintf(stderr, "\r\033[K%s", line);
    p->shown = 1;
  } else {
    if (!force && t - p->last < 10.0)
      return;
    fprintf(stderr, "%s\n", line);
  }
  fflush(stderr);
  p->last = t;
}

void vs_cli_progress_phase(vs_cli_progress *p, const char *fmt, ...)
{
  char line[160];
  va_list ap;
  if (!p)
    return;
  va_start(ap, fmt);
  vsnprintf(p->phase, sizeof(p->phase), fmt, ap);
  va_end(ap);
  snprintf(line, sizeof(line), "%s  [%.0f s]", p->phase, now_s() - p->t0);
  show(p, line, p->tty);
}

void vs_cli_progress_boot(void *ctx, const vs_boot_progress *bp)
{
  vs_cli_progress *p = ctx;
  char line[200], clock[32];
  if (!p || !p->on)
    return;
  double t = now_s(), eta_s = -1;
  /* At the experiment's pace so far; too early to tell: no estimate. */
  if (bp->done > 0.02 && bp->done < 1.0 && bp->elapsed_s > 0.5)
    eta_s = bp->elapsed_s * (1.0 - bp->done) / bp->done;
  int n = snprintf(line, sizeof(line), "%s: t=%s  booting %d  ready %d/%d  [%.0f s", p->phase,
                   vs_clock_format(bp->t_s, clock, sizeof(clock)), bp->booting, bp->ready, bp->total, t - p->t0);
  if (n > 0 && (size_t)n < sizeof(line))
    snprintf(line + n, sizeof(line) - (size_t)n, eta_s >= 0 ? ", ETA %.0f s]" : "]", eta_s);
  show(p, line, 0);
}

void vs_cli_progress_done(vs_cli_progress *p)
{
  if (!p)
    return;
  if (p->on && p->tty && p->shown)
    fprintf(stderr, "\r\033[K");
  free(p);
}

void vs_cli_progress_count(vs_cli_progress *p, size_t done, size_t total, size_t before)
{
  char line[200];
  if (!p || !p->on)
    return;
  double t = now_s() - p->t0;
  char bar[24] = "";
  /* On a terminal a bar; in a log the counts say it. */
  if (p->tty && total) {
    size_t fill = done * 20 / total;
    for (size_t i = 0; i < 20; i++)
      bar[i] = i < fill ? '#' : '.';
    bar[20] = ' ';
  }
  int n = snprintf(line, sizeof(line), "%s: %s%zu/%zu points  [%.0f s", p->phase, bar, done, total, t);
  /* At this run's pace so far (resumed points took no time). */
  if (n > 0 && (size_t)n < sizeof(line) && done > before && done < total)
    snprintf(line + n, sizeof(line) - (size_t)n, ", ETA %.0f s]", t / (double)(done - before) * (double)(total - done));
  else if (n > 0 && (size_t)n < sizeof(line))
    snprintf(line + n, sizeof(line) - (size_t)n, "]");
  show(p, line, 1);
}

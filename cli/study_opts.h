/* Options of the studies, shared by the commands that run them: the
 * threshold search's (--search, --max-k, --extra, --trip-share) and the
 * repeats' (--repeat, --seed); and the search's progress line. */
#ifndef VS_CLI_STUDY_OPTS_H
#define VS_CLI_STUDY_OPTS_H

#include "cli.h"
#include "study/threshold.h"
#include "plan/threshold.h"
#include "study/repeat.h"

enum { VS_OPT_SEARCH = 0x300, VS_OPT_MAX_K, VS_OPT_EXTRA, VS_OPT_TRIP_SHARE, VS_OPT_REPEAT, VS_OPT_SEED };
extern const struct option vs_threshold_long_options[]; /* with the repeat options */
extern const struct option vs_repeat_long_options[];
/* A vs_cli_option_fn over a vs_threshold_options. */
int vs_threshold_option(void *topts, int opt, const char *arg);
/* A vs_cli_option_fn over a vs_study_repeat. */
int vs_repeat_option(void *rp, int opt, const char *arg);
/* Both: ctx is a vs_study_opts. */
typedef struct {
  vs_threshold_options *threshold;
  vs_study_repeat *repeat;
} vs_study_opts;
int vs_study_option(void *study_opts, int opt, const char *arg);
/* Report each simulated step on the progress line. */
void vs_threshold_progress(vs_threshold_options *t, vs_cli_progress *p);
/* What schedules and restarts are planned on: a threshold search of the idle
 * hardware (progress shown), and the capacity it measured. */
int vs_cli_measure_capacity(vs_backend *b, vs_cli_progress *p, vs_study_threshold *t, vs_capacity *cap);

/* Help lines for the repeat options. */
#define VS_REPEAT_HELP                                                                                 \
  "  --repeat N   run each experiment N times with independent jitter and report mean,\n"             \
  "               p5, p95 and the 95 %% interval of the mean (JSON: \"repeat\"); the other keys\n"    \
  "               hold the first run\n"                                                                \
  "  --seed S     the jitter's seed (default: the scenario's seed; the first run keeps the\n"          \
  "               unseeded jitter unless --seed is given); the same seed gives the same runs\n"

#endif

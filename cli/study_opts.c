#include "study_opts.h"

#include <string.h>

#include "core/error.h"
#include "core/units.h"

const struct option vs_threshold_long_options[] = {{"search", required_argument, NULL, VS_OPT_SEARCH},
                                                   {"max-k", required_argument, NULL, VS_OPT_MAX_K},
                                                   {"extra", required_argument, NULL, VS_OPT_EXTRA},
                                                   {"trip-share", required_argument, NULL, VS_OPT_TRIP_SHARE},
                                                   {"repeat", required_argument, NULL, VS_OPT_REPEAT},
                                                   {"seed", required_argument, NULL, VS_OPT_SEED},
                                                   {0}};

const struct option vs_repeat_long_options[] = {{"repeat", required_argument, NULL, VS_OPT_REPEAT},
                                                {"seed", required_argument, NULL, VS_OPT_SEED},
                                                {0}};

int vs_repeat_option(void *ctx, int opt, const char *arg)
{
  vs_study_repeat *rp = ctx;
  long s;
  int rc;
  switch (opt) {
  case VS_OPT_REPEAT: return (rc = vs_cli_int_arg("--repeat", arg, 1, 1000, &rp->n)) < 0 ? rc : 1;
  case VS_OPT_SEED:
    if (vs_parse_long(arg, &s) != VS_OK || s < 0)
      return vs_error_set(VS_EINPUT, "--seed: '%s' is not a whole number >= 0", arg);
    rp->seed = (unsigned long long)s;
    rp->seeded = 1;
    return 1;
  }
  return 0;
}

int vs_study_option(void *ctx, int opt, const char *arg)
{
  vs_study_opts *o = ctx;
  int rc = o->repeat ? vs_repeat_option(o->repeat, opt, arg) : 0;
  return rc != 0 ? rc : o->threshold ? vs_threshold_option(o->threshold, opt, arg) : 0;
}

int vs_threshold_option(void *ctx, int opt, const char *arg)
{
  vs_threshold_options *t = ctx;
  int rc;
  switch (opt) {
  case VS_OPT_SEARCH:
    if (strcmp(arg, "auto") && strcmp(arg, "linear") && strcmp(arg, "fast"))
      return vs_error_set(VS_EINPUT, "--search: expected auto, linear or fast");
    t->mode = !strcmp(arg, "linear") ? VS_SEARCH_LINEAR : !strcmp(arg, "fast") ? VS_SEARCH_FAST : VS_SEARCH_AUTO;
    return 1;
  case VS_OPT_MAX_K:
    return (rc = vs_cli_int_arg("--max-k", arg, 1, 1000000, &t->max_k)) < 0 ? rc : 1;
  case VS_OPT_EXTRA:
    return (rc = vs_cli_int_arg("--extra", arg, 0, 1000, &t->extra_steps)) < 0 ? rc : 1;
  case VS_OPT_TRIP_SHARE:
    if (vs_unit_parse(arg, VS_UNIT_FRACTION, &t->trip_share) != VS_OK || !(t->trip_share > 0) || t->trip_share > 1)
      return vs_error_set(VS_EINPUT, "--trip-share: '%s' is not a share above 0 and at most 1 (e.g. 0.5 or 50%%)", arg);
    return 1;
  }
  return 0;
}

static void on_step(void *ctx, const vs_threshold_step *st)
{
  vs_cli_progress_phase(ctx, "threshold search: k=%d all ready %.1f s", st->k, st->m.all_ready_s);
}

void vs_threshold_progress(vs_threshold_options *t, vs_cli_progress *p)
{
  t->on_step = on_step;
  t->on_step_ctx = p;
}

int vs_cli_measure_capacity(vs_backend *b, vs_cli_progress *p, vs_study_threshold *t, vs_capacity *cap)
{
  vs_threshold_options topts = VS_THRESHOLD_OPTIONS_INIT;
  int rc;
  vs_cli_progress_phase(p, "measuring the hardware (threshold search)");
  vs_threshold_progress(&topts, p);
  if ((rc = vs_study_threshold_run(t, b, &topts, NULL)) == VS_OK)
    vs_study_threshold_capacity(t, cap);
  return rc;
}

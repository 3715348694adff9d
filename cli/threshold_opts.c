#include "threshold_opts.h"

#include <string.h>

#include "core/error.h"

const struct option vs_threshold_long_options[] = {{"search", required_argument, NULL, VS_OPT_SEARCH},
                                                   {"max-k", required_argument, NULL, VS_OPT_MAX_K},
                                                   {"extra", required_argument, NULL, VS_OPT_EXTRA},
                                                   {0}};

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

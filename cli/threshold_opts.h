/* The threshold options shared by threshold, schedule, run and real threshold:
 * --search, --max-k, --extra; and the search's progress line. */
#ifndef VS_CLI_THRESHOLD_OPTS_H
#define VS_CLI_THRESHOLD_OPTS_H

#include "cli.h"
#include "plan/threshold.h"

enum { VS_OPT_SEARCH = 0x300, VS_OPT_MAX_K, VS_OPT_EXTRA };
extern const struct option vs_threshold_long_options[];
/* A vs_cli_option_fn over a vs_threshold_options. */
int vs_threshold_option(void *topts, int opt, const char *arg);
/* Report each simulated step on the progress line. */
void vs_threshold_progress(vs_threshold_options *t, vs_cli_progress *p);

#endif

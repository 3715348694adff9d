/* vdistorm report --compare: several scenarios (the KISTI rack sizes) side
 * by side. Each runs as `vdistorm run --json` in a child process (SimGrid
 * runs once per process); a scenario with a plan: section also gets
 * `vdistorm plan`. Text table on stdout, index.html + compare.csv in DIR. */
#ifndef VS_CLI_COMPARE_H
#define VS_CLI_COMPARE_H

#include <stddef.h>

#include "cli.h"

#define VS_COMPARE_MAX 64

int vs_compare_run(const vs_cli_common *o, const char *const *paths, size_t n);

#endif

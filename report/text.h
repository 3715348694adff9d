/* Human-readable renderings: the tables and sentences the commands print. */
#ifndef VS_TEXT_H
#define VS_TEXT_H

#include <stdio.h>

#include "backend/backend.h"
#include "plan/schedule.h"
#include "plan/validate.h"
#include "study/threshold.h"

void vs_text_boot(FILE *out, const vs_scenario *sc, const vs_boot_result *r);
/* "  over N runs: WHAT mean X s (p5 .., p95 ..; 95 % interval of the mean [lo, hi])" */
void vs_text_spread(FILE *out, const char *what, const vs_stats *s);

/* The threshold table (header and one row per step, also used for progress). */
void vs_text_threshold_header(FILE *out, const vs_scenario *sc);
void vs_text_threshold_step(FILE *out, const vs_threshold_step *st);
/* The whole search with the threshold, the limits that tripped and why. */
void vs_text_threshold(FILE *out, const vs_scenario *sc, const vs_study_threshold *t);

/* One row per minute of power-ons (every VM with full). */
void vs_text_schedule(FILE *out, const vs_scenario *sc, const vs_schedule *s, const vs_capacity *cap, int full);
/* Deadlines the hardware cannot meet, in words; nothing when feasible. */
void vs_text_shortfalls(FILE *out, const vs_scenario *sc, const vs_schedule *s);
/* With DPM: hosts used, when each is powered on, host-hours and energy. */
void vs_text_dpm(FILE *out, const vs_scenario *sc, const vs_schedule *s);
void vs_text_validation(FILE *out, const vs_scenario *sc, const vs_validation *v);
/* Policies side by side. */
void vs_text_policy_table(FILE *out, const char *const *names, const vs_validation *const *v, size_t n);

#endif

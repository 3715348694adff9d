/* Repeats: the same experiment run N times with independent variation
 * (boot.jitter in simulation; live runs vary by themselves), so that a
 * figure comes with its spread, as the paper repeated each measurement. */
#ifndef VS_STUDY_REPEAT_H
#define VS_STUDY_REPEAT_H

#include "backend/backend.h"

typedef struct {
  int n;                   /* runs, >= 1 */
  int seeded;              /* a seed was given: every run draws from it */
  unsigned long long seed; /* else runs after the first draw from the scenario's seed */
} vs_study_repeat;
#define VS_STUDY_REPEAT_INIT {.n = 1, .seeded = 0, .seed = 1}

/* Run r's variation: the first run keeps the fixed sequence (the figures of
 * a single run) unless a seed was given; the others draw from the seed. */
vs_boot_variation vs_study_repeat_variation(const vs_study_repeat *rp, int r);

/* The same plan rp->n times; results[0..n-1] receive the experiments. On
 * error the ones made are freed. */
int vs_study_repeat_boot(vs_backend *b, const vs_study_repeat *rp, const vs_boot_req *plan, size_t n,
                         const vs_boot_limits *limits, vs_boot_result **results);

#endif

/* The synthetic usage data set of the BRAIDS paper [BRAIDS 2024].
 *
 * A company of `employees` people arrives at 07, 08, 09 and 10 o'clock with
 * shares 10 %, 40 %, 30 % and 10 %; each hour's count gets uniform integer
 * noise in [-noise, +noise]; nobody works on Saturdays, Sundays and South
 * Korean public holidays. Every calendar day has one row per arrival hour, so
 * 2013-01-01 .. 2023-12-31 gives 4,017 days x 4 hours = 16,068 rows.
 *
 * The rows, their features and reading them back are in usage.h.
 *
 * The generator uses its own explicitly seeded PRNG (splitmix64), never
 * rand(): the same options give a byte-identical CSV on every platform. */
#ifndef VS_DATASET_H
#define VS_DATASET_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "demand/usage.h"

typedef struct {
  vs_date from, to;       /* inclusive */
  uint64_t seed;
  int employees;          /* default 1000 */
  int noise;              /* max |noise| per hour, default 50 */
} vs_dataset_options;
#define VS_DATASET_OPTIONS_INIT \
  {.from = {2013, 1, 1}, .to = {2023, 12, 31}, .seed = 42, .employees = 1000, .noise = 50}

/* Generate the rows of the synthetic data set, date by date, hours 7..10.
 * *rows is malloc'ed (caller frees). Returns 0 or a negative VS_E* code. */
int vs_dataset_generate(const vs_dataset_options *opts, vs_usage_row **rows, size_t *n);

/* Write rows as CSV (header first) to an open stream. */
int vs_dataset_write_stream(FILE *f, const vs_usage_row *rows, size_t n);
/* Write rows as CSV to `path` atomically (a temporary sibling renamed into
 * place), creating missing parent directories. */
int vs_dataset_write_csv(const char *path, const vs_usage_row *rows, size_t n);
/* The PRNG (exposed for tests): splitmix64 and an unbiased integer in
 * [lo, hi] by rejection. *state is advanced. */
uint64_t vs_splitmix64(uint64_t *state);
int vs_rand_range(uint64_t *state, int lo, int hi);

#endif

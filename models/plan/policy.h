/* Boot policies: how a schedule decides when desktops are powered on. */
#ifndef VS_POLICY_H
#define VS_POLICY_H

#include <stddef.h>

typedef enum {
  VS_POLICY_BRAIDS_WAVES,      /* the paper's: waves of <= threshold, one per whole minute */
  VS_POLICY_JIT,               /* ours: latest starts, pipelined per storm-free lane */
  VS_POLICY_ALL_AT_ONCE,       /* every VM of a deadline at the window start */
  VS_POLICY_FIXED_CONCURRENCY, /* Horizon / Nova: at most N booting at once */
  VS_POLICY_RATE               /* Citrix: at most N power-ons per minute */
} vs_policy_kind;

typedef struct {
  vs_policy_kind kind;
  int n;            /* N of fixed-concurrency and rate */
  double start_s;   /* baselines: power-on window start (s since midnight); < 0 = per deadline */
} vs_policy;
#define VS_POLICY_INIT {.kind = VS_POLICY_JIT, .n = 0, .start_s = -1.0}

/* "braids-waves", "jit", "all-at-once", "fixed-concurrency:N" (or =N),
 * "rate:N/min" (or =N/min). */
int vs_policy_parse(const char *text, vs_policy *out);
const char *vs_policy_format(const vs_policy *p, char *buf, size_t len);
/* 1 if the policy's power-ons depend on when boots finish (the launcher
 * enforces limits), so that its start times come from the experiment. */
int vs_policy_is_dynamic(const vs_policy *p);

#endif

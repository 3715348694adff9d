#include "plan/policy.h"

#include <stdio.h>
#include <string.h>

#include "core/error.h"
#include "core/units.h"

int vs_policy_parse(const char *text, vs_policy *out)
{
  static const char *expected =
      "braids-waves, jit, all-at-once, fixed-concurrency:N or rate:N/min";
  vs_policy p = VS_POLICY_INIT;
  const char *arg = NULL;
  long n;

  if (!strcmp(text, "braids-waves"))
    p.kind = VS_POLICY_BRAIDS_WAVES;
  else if (!strcmp(text, "jit"))
    p.kind = VS_POLICY_JIT;
  else if (!strcmp(text, "all-at-once"))
    p.kind = VS_POLICY_ALL_AT_ONCE;
  else if (!strncmp(text, "fixed-concurrency", 17) && (text[17] == ':' || text[17] == '=')) {
    p.kind = VS_POLICY_FIXED_CONCURRENCY;
    arg = text + 18;
  } else if (!strncmp(text, "rate", 4) && (text[4] == ':' || text[4] == '=')) {
    p.kind = VS_POLICY_RATE;
    arg = text + 5;
  } else
    return vs_error_set(VS_EINPUT, "unknown policy '%s' (expected %s)", text, expected);
  if (arg) {
    char num[32];
    size_t len = strcspn(arg, "/");
    if (len == 0 || len >= sizeof(num))
      return vs_error_set(VS_EINPUT, "policy '%s': missing N (expected %s)", text, expected);
    memcpy(num, arg, len);
    num[len] = '\0';
    if (vs_parse_long(num, &n) != VS_OK || n < 1 || n > 1000000)
      return vs_error_set(VS_EINPUT, "policy '%s': N must be a whole number from 1 to 1000000", text);
    if (p.kind == VS_POLICY_RATE && arg[len] && strcmp(arg + len, "/min"))
      return vs_error_set(VS_EINPUT, "policy '%s': a rate is N/min", text);
    if (p.kind == VS_POLICY_FIXED_CONCURRENCY && arg[len])
      return vs_error_set(VS_EINPUT, "policy '%s': expected fixed-concurrency:N", text);
    p.n = (int)n;
  }
  *out = p;
  return VS_OK;
}

const char *vs_policy_format(const vs_policy *p, char *buf, size_t len)
{
  switch (p->kind) {
  case VS_POLICY_BRAIDS_WAVES: snprintf(buf, len, "braids-waves"); break;
  case VS_POLICY_JIT: snprintf(buf, len, "jit"); break;
  case VS_POLICY_ALL_AT_ONCE: snprintf(buf, len, "all-at-once"); break;
  case VS_POLICY_FIXED_CONCURRENCY: snprintf(buf, len, "fixed-concurrency:%d", p->n); break;
  case VS_POLICY_RATE: snprintf(buf, len, "rate:%d/min", p->n); break;
  }
  return buf;
}

int vs_policy_is_dynamic(const vs_policy *p)
{
  return p->kind == VS_POLICY_FIXED_CONCURRENCY || p->kind == VS_POLICY_RATE;
}


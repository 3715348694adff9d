#include "scenario/purchase.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "core/buf.h"
#include "core/error.h"
#include "core/units.h"

typedef struct {
  const char *file;
  yaml_document_t *doc;
} reader;

/* "FILE:LINE:COL: plan.PATH: MESSAGE", one line, at `at`. */
static int fail(const reader *r, const yaml_node_t *at, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int fail(const reader *r, const yaml_node_t *at, const char *path, const char *fmt, ...)
{
  char msg[1024];
  va_list ap;
  int n = snprintf(msg, sizeof(msg), "%s:%lu:%lu: %s: ", r->file, (unsigned long)at->start_mark.line + 1,
                   (unsigned long)at->start_mark.column + 1, path);
  va_start(ap, fmt);
  if (n > 0 && (size_t)n < sizeof(msg))
    vsnprintf(msg + n, sizeof(msg) - (size_t)n, fmt, ap);
  va_end(ap);
  for (char *p = msg; *p; p++)
    if ((unsigned char)*p < 0x20)
      *p = '?';
  return vs_error_set(VS_EINPUT, "%s", msg);
}

static const char *text(const yaml_node_t *n) { return (const char *)n->data.scalar.value; }

/* The value of `key` in mapping `map`, or NULL; unknown keys are an error. */
static int mapping(const reader *r, yaml_node_t *map, const char *path, const char *const *keys, yaml_node_t **values)
{
  char q[VS_QUOTE_MAX + 8], allowed[256] = "";
  size_t nk = 0;
  for (; keys[nk]; nk++) {
    values[nk] = NULL;
    snprintf(allowed + strlen(allowed), sizeof(allowed) - strlen(allowed), "%s%s", nk ? ", " : "", keys[nk]);
  }
  if (map->type != YAML_MAPPING_NODE)
    return fail(r, map, path, "found %s (expected a mapping with keys: %s)",
                map->type == YAML_SEQUENCE_NODE ? "a sequence" : "a single value", allowed);
  for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
    yaml_node_t *k = yaml_document_get_node(r->doc, p->key), *v = yaml_document_get_node(r->doc, p->value);
    size_t i = 0;
    if (!k || !v || k->type != YAML_SCALAR_NODE)
      return fail(r, k ? k : map, path, "malformed mapping (expected key: value pairs)");
    while (i < nk && strcmp(keys[i], text(k)))
      i++;
    char kp[160];
    snprintf(kp, sizeof(kp), "%s.%s", path, vs_quote(text(k), q, sizeof(q)));
    if (i == nk)
      return fail(r, k, kp, "unknown key (expected one of: %s)", allowed);
    if (values[i])
      return fail(r, k, kp, "duplicate key");
    values[i] = v;
  }
  return VS_OK;
}

static int scalar(const reader *r, yaml_node_t *v, const char *path, const char *expected)
{
  if (v->type != YAML_SCALAR_NODE || !v->data.scalar.length || strlen(text(v)) != v->data.scalar.length)
    return fail(r, v, path, "%s (expected %s)", v->type != YAML_SCALAR_NODE ? "not a single value" : "no value given",
                expected);
  return VS_OK;
}

static int number(const reader *r, yaml_node_t *v, const char *path, double lo, double hi, const char *expected,
                  double *out)
{
  char q[VS_QUOTE_MAX + 8];
  double x;
  int rc = scalar(r, v, path, expected);
  if (rc != VS_OK)
    return rc;
  if (vs_parse_double(text(v), &x) != VS_OK || x < lo || x > hi)
    return fail(r, v, path, "'%s' is not %s", vs_quote(text(v), q, sizeof(q)), expected);
  *out = x;
  return VS_OK;
}

static int load_goal(const reader *r, yaml_node_t *node, vs_purchase *p)
{
  static const char *const keys[] = {"on_time", "storm", NULL};
  char q[VS_QUOTE_MAX + 8];
  yaml_node_t *v[2];
  int rc = mapping(r, node, "plan.goal", keys, v);
  if (rc == VS_OK && v[0]) {
    /* A fraction: 1.0 or 100%. */
    double x;
    if ((rc = scalar(r, v[0], "plan.goal.on_time", "a fraction from 0 to 1 (or 0% to 100%)")) != VS_OK)
      return rc;
    if (vs_unit_parse(text(v[0]), VS_UNIT_FRACTION, &x) != VS_OK || !(x > 0) || x > 1)
      return fail(r, v[0], "plan.goal.on_time", "'%s' is not a fraction above 0, at most 1 (or 100%%)",
                  vs_quote(text(v[0]), q, sizeof(q)));
    p->goal_on_time = x;
  }
  if (rc == VS_OK && v[1]) {
    if ((rc = scalar(r, v[1], "plan.goal.storm", "true or false")) != VS_OK)
      return rc;
    if (!strcmp(text(v[1]), "true") || !strcmp(text(v[1]), "yes"))
      p->storm_ok = 1;
    else if (!strcmp(text(v[1]), "false") || !strcmp(text(v[1]), "no"))
      p->storm_ok = 0;
    else
      return fail(r, v[1], "plan.goal.storm", "'%s' is not true or false (false: no storm allowed)",
                  vs_quote(text(v[1]), q, sizeof(q)));
  }
  return rc;
}

/* set: {KEY: VALUE, KEY: +N}: the option's overrides. */
static int load_sets(const reader *r, yaml_node_t *node, const char *path, vs_purchase_option *o, yaml_node_t **absolute)
{
  char q[VS_QUOTE_MAX + 8];
  if (node->type != YAML_MAPPING_NODE || node->data.mapping.pairs.top == node->data.mapping.pairs.start)
    return fail(r, node, path, "expected a mapping of scenario keys to values, e.g. {storage.hdds: +1}");
  size_t n = (size_t)(node->data.mapping.pairs.top - node->data.mapping.pairs.start);
  if (!(o->sets = calloc(n, sizeof(*o->sets))))
    return vs_error_set(VS_ENOMEM, "out of memory");
  for (yaml_node_pair_t *pr = node->data.mapping.pairs.start; pr < node->data.mapping.pairs.top; pr++) {
    yaml_node_t *k = yaml_document_get_node(r->doc, pr->key), *v = yaml_document_get_node(r->doc, pr->value);
    vs_purchase_set *s = &o->sets[o->n_sets];
    if (!k || !v || k->type != YAML_SCALAR_NODE || !k->data.scalar.length ||
        strspn(text(k), "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.[]") != k->data.scalar.length)
      return fail(r, k ? k : node, path, "expected scenario key paths such as storage.hdds as keys");
    char kp[256];
    snprintf(kp, sizeof(kp), "%s.%s", path, text(k));
    int rc = scalar(r, v, kp, "a value such as 10Gbps, or +N to add N per unit");
    if (rc != VS_OK)
      return rc;
    for (size_t i = 0; i < o->n_sets; i++)
      if (!strcmp(o->sets[i].key, text(k)))
        return fail(r, k, kp, "duplicate key");
    if (!(s->key = strdup(text(k))))
      return vs_error_set(VS_ENOMEM, "out of memory");
    o->n_sets++;
    /* "+N" is an increment; everything else a value (YAML would read +1 as 1). */
    if (text(v)[0] == '+' && v->data.scalar.style == YAML_PLAIN_SCALAR_STYLE) {
      if (vs_parse_long(text(v) + 1, &s->step) != VS_OK || s->step < 1 || s->step > 1000000)
        return fail(r, v, kp, "'%s' is not an increment (expected +N, a whole number N from 1 to 1000000)",
                    vs_quote(text(v), q, sizeof(q)));
    } else {
      if (!(s->value = strdup(text(v))))
        return vs_error_set(VS_ENOMEM, "out of memory");
      *absolute = v;
    }
  }
  return VS_OK;
}

static int load_option(const reader *r, yaml_node_t *node, size_t index, vs_purchase *p)
{
  static const char *const keys[] = {"name", "price", "max", "set", NULL};
  char path[96], sub[128], q[VS_QUOTE_MAX + 8];
  yaml_node_t *v[4], *absolute = NULL;
  vs_purchase_option *o = &p->options[index];
  double max = 1;
  int rc;

  snprintf(path, sizeof(path), "plan.options[%zu]", index);
  snprintf(o->where, sizeof(o->where), "%s:%lu:%lu: %s", r->file, (unsigned long)node->start_mark.line + 1,
           (unsigned long)node->start_mark.column + 1, path);
  o->max = 1;
  if ((rc = mapping(r, node, path, keys, v)) != VS_OK)
    return rc;
  static const char *const required[] = {"name", "price", NULL, "set"};
  for (int i = 0; i < 4; i++)
    if (required[i] && !v[i])
      return fail(r, node, path, "missing required key '%s'", required[i]);
  snprintf(sub, sizeof(sub), "%s.name", path);
  if ((rc = scalar(r, v[0], sub, "a name")) != VS_OK)
    return rc;
  for (size_t i = 0; i < index; i++)
    if (!strcmp(p->options[i].name, text(v[0])))
      return fail(r, v[0], sub, "'%s' is the name of plan.options[%zu] too (expected a name of its own)",
                  vs_quote(text(v[0]), q, sizeof(q)), i);
  if (!(o->name = strdup(text(v[0]))))
    return vs_error_set(VS_ENOMEM, "out of memory");
  snprintf(sub, sizeof(sub), "%s.price", path);
  if ((rc = number(r, v[1], sub, 0, 1e15, "a price >= 0 (a plain number)", &o->price)) != VS_OK)
    return rc;
  snprintf(sub, sizeof(sub), "%s.max", path);
  if (v[2] && ((rc = number(r, v[2], sub, 1, VS_PURCHASE_MAX_UNITS, "a whole number of units from 1 to 1000", &max)) !=
                   VS_OK ||
               (max != floor(max) && (rc = fail(r, v[2], sub, "'%s' is not a whole number of units from 1 to 1000",
                                                text(v[2]))) != VS_OK)))
    return rc;
  o->max = (int)max;
  snprintf(sub, sizeof(sub), "%s.set", path);
  if ((rc = load_sets(r, v[3], sub, o, &absolute)) != VS_OK)
    return rc;
  /* A value is the same whatever the units: buying it twice means nothing. */
  snprintf(sub, sizeof(sub), "%s.max", path);
  if (absolute && o->max > 1)
    return fail(r, v[2], sub, "%d units of an option that sets a value ('%s'), which is the same however many are "
                "bought (expected max 1, or +N increments)", o->max, vs_quote(text(absolute), q, sizeof(q)));
  return VS_OK;
}

int vs_purchase_load(vs_purchase **out, const char *file, struct yaml_document_s *doc, struct yaml_node_s *node)
{
  static const char *const keys[] = {"goal", "policy", "options", NULL};
  static const char *const policies[] = {"jit", "braids-waves", "all-at-once", NULL};
  reader r = {.file = file, .doc = doc};
  yaml_node_t *v[3];
  vs_purchase *p = calloc(1, sizeof(*p));
  char q[VS_QUOTE_MAX + 8];
  int rc;

  *out = NULL;
  if (!p || !(p->policy = strdup("jit"))) {
    free(p);
    return vs_error_set(VS_ENOMEM, "out of memory");
  }
  p->goal_on_time = 1.0;
  if ((rc = mapping(&r, node, "plan", keys, v)) != VS_OK || (v[0] && (rc = load_goal(&r, v[0], p)) != VS_OK))
    goto fail;
  if (v[1]) {
    size_t i = 0;
    if ((rc = scalar(&r, v[1], "plan.policy", "one of: jit, braids-waves, all-at-once")) != VS_OK)
      goto fail;
    while (policies[i] && strcmp(policies[i], text(v[1])))
      i++;
    if (!policies[i]) {
      rc = fail(&r, v[1], "plan.policy", "bad value '%s' (expected one of: jit, braids-waves, all-at-once)",
                vs_quote(text(v[1]), q, sizeof(q)));
      goto fail;
    }
    free(p->policy);
    if (!(p->policy = strdup(policies[i]))) {
      rc = vs_error_set(VS_ENOMEM, "out of memory");
      goto fail;
    }
  }
  if (!v[2]) {
    rc = fail(&r, node, "plan", "missing required key 'options' (expected a sequence of {name, price, max, set})");
    goto fail;
  }
  if (v[2]->type != YAML_SEQUENCE_NODE || v[2]->data.sequence.items.top == v[2]->data.sequence.items.start) {
    rc = fail(&r, v[2], "plan.options", "expected a non-empty sequence of {name, price, max, set}");
    goto fail;
  }
  size_t n = (size_t)(v[2]->data.sequence.items.top - v[2]->data.sequence.items.start);
  if (n > VS_PURCHASE_MAX_OPTIONS) {
    rc = fail(&r, v[2], "plan.options", "%zu options (expected at most %d)", n, VS_PURCHASE_MAX_OPTIONS);
    goto fail;
  }
  if (!(p->options = calloc(n, sizeof(*p->options)))) {
    rc = vs_error_set(VS_ENOMEM, "out of memory");
    goto fail;
  }
  for (size_t i = 0; i < n; i++) {
    yaml_node_t *item = yaml_document_get_node(doc, v[2]->data.sequence.items.start[i]);
    p->n_options = i + 1;
    if ((rc = load_option(&r, item, i, p)) != VS_OK)
      goto fail;
  }
  if (vs_purchase_combinations(p) > VS_PURCHASE_MAX_COMBINATIONS) {
    rc = fail(&r, v[2], "plan.options", "more than %d combinations of units (expected fewer options or lower max)",
              VS_PURCHASE_MAX_COMBINATIONS);
    goto fail;
  }
  *out = p;
  return VS_OK;

fail:
  vs_purchase_free(p);
  return rc;
}

void vs_purchase_free(vs_purchase *p)
{
  if (!p)
    return;
  for (size_t i = 0; i < p->n_options; i++) {
    for (size_t k = 0; k < p->options[i].n_sets; k++) {
      free(p->options[i].sets[k].key);
      free(p->options[i].sets[k].value);
    }
    free(p->options[i].sets);
    free(p->options[i].name);
  }
  free(p->options);
  free(p->policy);
  free(p);
}

size_t vs_purchase_combinations(const vs_purchase *p)
{
  size_t n = 1;
  for (size_t i = 0; i < p->n_options; i++) {
    if (n > VS_PURCHASE_MAX_COMBINATIONS)
      return n; /* enough to refuse; no overflow */
    n *= (size_t)p->options[i].max + 1;
  }
  return n;
}

int vs_purchase_sets(const vs_purchase *p, size_t i, int units, char ***sets, size_t *n, size_t *cap)
{
  const vs_purchase_option *o = &p->options[i];
  vs_buf b = VS_BUF_INIT;
  for (size_t k = 0; units > 0 && k < o->n_sets; k++) {
    const vs_purchase_set *s = &o->sets[k];
    int rc = s->value ? vs_buf_printf(&b, "%s=%s", s->key, s->value)
                      : vs_buf_printf(&b, "%s+=%ld", s->key, s->step * (long)units);
    if (rc != VS_OK || (rc = vs_array_reserve(sets, cap, *n + 1, sizeof(char *))) != VS_OK) {
      vs_buf_clear(&b);
      return rc;
    }
    (*sets)[(*n)++] = vs_buf_detach(&b);
  }
  return VS_OK;
}

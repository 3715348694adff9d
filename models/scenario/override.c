#include "scenario/override.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "core/buf.h"
#include "core/error.h"
#include "core/units.h"

/* Nodes an override adds carry this line (0-based) plus the override's
 * index in their start mark: the loader reports positions by mark, so an
 * error at such a node can be told apart and rewritten to name the
 * override. No scenario file (16 MiB at most) reaches this line. */
#define VS_OVERRIDE_LINE 0x40000000UL
#define VS_OVERRIDE_MAX 4096

static int no_memory(void) { return vs_error_set(VS_ENOMEM, "out of memory"); }

/* Key paths are letters, digits, '_' and '.', with [N] or .N for items. */
static int key_syntax(const char *key)
{
  if (!*key || *key == '.' || key[strlen(key) - 1] == '.' || strstr(key, ".."))
    return 0;
  for (const char *p = key; *p; p++)
    if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.[]", *p))
      return 0;
  return 1;
}

int vs_overrides_add(vs_overrides *l, const char *arg, const char *label)
{
  char q[VS_QUOTE_MAX + 8];
  const char *eq = strchr(arg, '=');
  vs_override ov = {0};
  vs_buf lb = VS_BUF_INIT;
  int rc;

  if (label)
    rc = vs_buf_printf(&lb, "%s", label);
  else
    rc = vs_buf_printf(&lb, "--set %s", vs_quote(arg, q, sizeof(q)));
  if (rc != VS_OK)
    return rc;
  ov.label = vs_buf_detach(&lb);
  if (l->len >= VS_OVERRIDE_MAX) {
    rc = vs_error_set(VS_EINPUT, "%s: too many overrides (at most %d)", ov.label, VS_OVERRIDE_MAX);
    goto fail;
  }
  if (!eq || eq == arg) {
    rc = vs_error_set(VS_EINPUT, "%s: expected KEY=VALUE or KEY+=N (KEY as in the scenario: storage.hdds)",
                      ov.label);
    goto fail;
  }
  ov.relative = eq[-1] == '+';
  if (!(ov.key = strndup(arg, (size_t)(eq - arg - ov.relative))) || !(ov.value = strdup(eq + 1))) {
    rc = no_memory();
    goto fail;
  }
  if (!key_syntax(ov.key)) {
    rc = vs_error_set(VS_EINPUT, "%s: '%s' is not a key path (expected keys such as storage.hdds or "
                      "workload.classes[0].share)", ov.label, vs_quote(ov.key, q, sizeof(q)));
    goto fail;
  }
  if (ov.relative && (vs_parse_long(ov.value, &ov.step) != VS_OK || ov.step < -1000000000L ||
                      ov.step > 1000000000L)) {
    rc = vs_error_set(VS_EINPUT, "%s: %s: '%s' is not a whole number to add", ov.label, ov.key,
                      vs_quote(ov.value, q, sizeof(q)));
    goto fail;
  }
  if ((rc = vs_array_reserve(&l->items, &l->cap, l->len + 1, sizeof(*l->items))) != VS_OK)
    goto fail;
  l->items[l->len++] = ov;
  return VS_OK;

fail:
  free(ov.key);
  free(ov.value);
  free(ov.label);
  return rc;
}

void vs_overrides_clear(vs_overrides *l)
{
  for (size_t i = 0; i < l->len; i++) {
    free(l->items[i].key);
    free(l->items[i].value);
    free(l->items[i].label);
  }
  free(l->items);
  *l = (vs_overrides)VS_OVERRIDES_INIT;
}

/* ------------------------------------------------------------------------ */
/* Editing the document                                                      */

static void mark(yaml_document_t *doc, int id, size_t index)
{
  yaml_node_t *n = yaml_document_get_node(doc, id);
  n->start_mark.line = n->end_mark.line = VS_OVERRIDE_LINE + index;
  n->start_mark.column = n->end_mark.column = 0;
}

static int add_scalar(yaml_document_t *doc, const char *text, size_t index)
{
  int id = yaml_document_add_scalar(doc, NULL, (yaml_char_t *)text, (int)strlen(text),
                                    YAML_PLAIN_SCALAR_STYLE);
  if (id)
    mark(doc, id, index);
  return id;
}

/* The next component of a key path: a name, or an index ([N] or a number). */
static const char *next_part(const char *p, char *part, size_t len, int *is_index)
{
  size_t n;
  *is_index = 0;
  if (*p == '.')
    p++;
  if (*p == '[') {
    n = strcspn(++p, "]");
    snprintf(part, len, "%.*s", (int)n, p);
    *is_index = 1;
    return p[n] ? p + n + 1 : p + n;
  }
  n = strcspn(p, ".[");
  snprintf(part, len, "%.*s", (int)n, p);
  *is_index = n > 0 && strspn(part, "0123456789") == n;
  return p + n;
}

static int mapping_find(yaml_document_t *doc, yaml_node_t *map, const char *key, yaml_node_pair_t **pair)
{
  for (yaml_node_pair_t *pr = map->data.mapping.pairs.start; pr < map->data.mapping.pairs.top; pr++) {
    yaml_node_t *k = yaml_document_get_node(doc, pr->key);
    if (k && k->type == YAML_SCALAR_NODE && !strcmp((const char *)k->data.scalar.value, key)) {
      *pair = pr;
      return 1;
    }
  }
  return 0;
}

/* The value after `+=`: the file's whole number plus the step. */
static int relative_text(const vs_override *ov, const yaml_node_t *old, char *out, size_t len)
{
  char q[VS_QUOTE_MAX + 8];
  long base;
  if (!old)
    return vs_error_set(VS_EINPUT, "%s: %s: the scenario gives no value to add to", ov->label, ov->key);
  if (old->type != YAML_SCALAR_NODE || vs_parse_long((const char *)old->data.scalar.value, &base) != VS_OK)
    return vs_error_set(VS_EINPUT, "%s: %s: the scenario's value%s%s%s is not a whole number to add to",
                        ov->label, ov->key, old->type == YAML_SCALAR_NODE ? " '" : "",
                        old->type == YAML_SCALAR_NODE ? vs_quote((const char *)old->data.scalar.value, q, sizeof(q)) : "",
                        old->type == YAML_SCALAR_NODE ? "'" : "");
  if ((ov->step > 0 && base > LONG_MAX - ov->step) || (ov->step < 0 && base < LONG_MIN - ov->step))
    return vs_error_set(VS_EINPUT, "%s: %s: the sum is too large", ov->label, ov->key);
  snprintf(out, len, "%ld", base + ov->step);
  return VS_OK;
}

/* Walk the key path from the root; replace the scalar at its end or add the
 * key to its mapping (creating the mappings above it that are missing).
 * Node ids, not pointers, are kept across additions: adding a node may
 * move the others. */
static int apply_one(yaml_document_t *doc, const vs_override *ov, size_t index)
{
  char part[128], text[64], seen[256] = "";
  const char *p = ov->key;
  int id = 1, is_index; /* the root is node 1 */
  yaml_node_t *root = yaml_document_get_root_node(doc);

  if (!root)
    return vs_error_set(VS_EINPUT, "%s: the scenario is empty", ov->label);
  while (*p) {
    p = next_part(p, part, sizeof(part), &is_index);
    int last = !*p;
    size_t sl = strlen(seen);
    if (is_index)
      snprintf(seen + sl, sizeof(seen) - sl, "[%s]", part);
    else
      snprintf(seen + sl, sizeof(seen) - sl, "%s%s", sl ? "." : "", part);
    yaml_node_t *node = yaml_document_get_node(doc, id);
    if (!*part)
      return vs_error_set(VS_EINPUT, "%s: '%s' has an empty part", ov->label, ov->key);
    if (node->type == YAML_SEQUENCE_NODE) {
      long i;
      size_t n = (size_t)(node->data.sequence.items.top - node->data.sequence.items.start);
      if (!is_index || vs_parse_long(part, &i) != VS_OK || i < 0)
        return vs_error_set(VS_EINPUT, "%s: %s: is a sequence (expected an item number such as %s[0])",
                            ov->label, seen, ov->key);
      if ((size_t)i >= n)
        return vs_error_set(VS_EINPUT, "%s: %s: no such item (the sequence has %zu)", ov->label, seen, n);
      int item = node->data.sequence.items.start[i];
      if (!last) {
        id = item;
        continue;
      }
      yaml_node_t *old = yaml_document_get_node(doc, item);
      if (old->type != YAML_SCALAR_NODE)
        return vs_error_set(VS_EINPUT, "%s: %s: is not a single value (give a key below it)", ov->label, seen);
      if (ov->relative && relative_text(ov, old, text, sizeof(text)) != VS_OK)
        return VS_EINPUT;
      int v = add_scalar(doc, ov->relative ? text : ov->value, index);
      if (!v)
        return no_memory();
      node = yaml_document_get_node(doc, id);
      node->data.sequence.items.start[i] = v;
      return VS_OK;
    }
    if (node->type != YAML_MAPPING_NODE)
      return vs_error_set(VS_EINPUT, "%s: %s: the scenario has a single value here (expected a mapping)",
                          ov->label, seen);
    yaml_node_pair_t *pair = NULL;
    if (mapping_find(doc, node, part, &pair)) {
      yaml_node_t *old = yaml_document_get_node(doc, pair->value);
      if (!last) {
        id = pair->value;
        continue;
      }
      if (old->type != YAML_SCALAR_NODE)
        return vs_error_set(VS_EINPUT, "%s: %s: is a %s, not a single value (give a key below it)", ov->label,
                            seen, old->type == YAML_MAPPING_NODE ? "mapping" : "sequence");
      if (ov->relative && relative_text(ov, old, text, sizeof(text)) != VS_OK)
        return VS_EINPUT;
      size_t at = (size_t)(pair - node->data.mapping.pairs.start);
      int v = add_scalar(doc, ov->relative ? text : ov->value, index);
      if (!v)
        return no_memory();
      node = yaml_document_get_node(doc, id);
      node->data.mapping.pairs.start[at].value = v;
      return VS_OK;
    }
    if (ov->relative && last)
      return relative_text(ov, NULL, text, sizeof(text));
    if (is_index)
      return vs_error_set(VS_EINPUT, "%s: %s: not a sequence (no item to number)", ov->label, seen);
    /* Absent: add the key, with a new mapping when the path goes on. */
    int k = add_scalar(doc, part, index), v;
    if (!k)
      return no_memory();
    if (last)
      v = add_scalar(doc, ov->value, index);
    else if ((v = yaml_document_add_mapping(doc, NULL, YAML_BLOCK_MAPPING_STYLE)))
      mark(doc, v, index);
    if (!v || !yaml_document_append_mapping_pair(doc, id, k, v))
      return no_memory();
    id = v;
  }
  return VS_OK;
}

int vs_overrides_apply(struct yaml_document_s *doc, const vs_overrides *l)
{
  for (size_t i = 0; l && i < l->len; i++) {
    int rc = apply_one(doc, &l->items[i], i);
    if (rc != VS_OK)
      return rc;
  }
  return VS_OK;
}

static int edit(void *ctx, struct yaml_document_s *doc) { return vs_overrides_apply(doc, ctx); }

/* "FILE:LINE:COL: rest" at a node an override added -> "LABEL: rest". */
static void name_override(const char *path, const vs_overrides *l)
{
  const char *msg = vs_error_last();
  size_t n = strlen(path);
  unsigned long line, col;
  int used = 0;

  if (strncmp(msg, path, n) || msg[n] != ':' || sscanf(msg + n, ":%lu:%lu: %n", &line, &col, &used) < 2 || !used)
    return;
  if (line < VS_OVERRIDE_LINE + 1 || line - 1 - VS_OVERRIDE_LINE >= l->len)
    return;
  char *rest = strdup(msg + n + used);
  if (rest)
    vs_error_set(VS_EINPUT, "%s: %s", l->items[line - 1 - VS_OVERRIDE_LINE].label, rest);
  free(rest);
}

int vs_override_scenario_load(vs_scenario **out, const char *path, const vs_overrides *l)
{
  vs_scenario_load_options o = {.edit = edit, .ctx = (void *)l};
  int rc = vs_scenario_load_opts(out, path, l && l->len ? &o : NULL);
  if (rc == VS_EINPUT && l)
    name_override(path, l);
  return rc;
}

#include "scenario/scenario.h"

#include "core/error.h"
#include "core/fsutil.h"
#include "core/units.h"
#include "scenario/placement.h"
#include "scenario/pool.h"
#include "scenario/purchase.h"

#include <yaml.h>

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A scenario is a few hundred bytes; anything this big is a mistake, and the
 * cap keeps a wrong path (a disk image, /dev/zero) from eating memory. */
#define VS_SCENARIO_MAX_BYTES (16L * 1024 * 1024)
#define VS_KEYPATH_MAX 256
#define VS_MESSAGE_MAX 1024
#define VS_SECTION_MAX_KEYS 24

typedef struct {
  const char *file;       /* name used in messages */
  yaml_document_t *doc;
  char path[VS_KEYPATH_MAX]; /* key path of the mapping being read, "" at the top */
  const vs_scenario_load_options *opts; /* may be NULL */
} vs_loader;

/* One mapping of the schema, its keys checked and indexed by `keys`. */
typedef struct {
  vs_loader *ld;
  const yaml_node_t *node;
  const char *const *keys; /* NULL-terminated */
  yaml_node_t *key_nodes[VS_SECTION_MAX_KEYS];
  yaml_node_t *values[VS_SECTION_MAX_KEYS];
} vs_section;

/* An allowed interval; `hi` is always inclusive. `text` describes it in the
 * user's terms, e.g. ">= 1s". */
typedef struct {
  double lo, hi;
  int lo_open;
  const char *text;
} vs_bound;

static const vs_bound bound_non_negative = {0.0, HUGE_VAL, 0, ">= 0"};

/* The documented ranges (docs/SCENARIO.md, "Ranges"): physics, and what the
 * engine simulates in bounded memory and time. A value outside one is bad
 * input, reported like any other. */
static const vs_bound bound_bandwidth = {1e3, 1e12, 0, "from 1kB/s to 1TB/s"};
static const vs_bound bound_latency = {0.0, 10.0, 0, "from 0s to 10s"};
static const vs_bound bound_core_speed = {1e6, 1e12, 0, "from 1MHz to 1THz"};
static const vs_bound bound_image = {1e3, 1e14, 0, "from 1kB to 100TB"};
static const vs_bound bound_work = {0.0, 1e16, 0, "from 0 to 10Pcycles"};
static const vs_bound bound_per_byte = {0.0, 1e6, 0, "from 0 to 1Mcycles/B"};
static const vs_bound bound_busy = {0.0, 1e12, 0, "from 0 to 1THz"};
static const vs_bound bound_factor = {0.0, 100.0, 1, "above 0, at most 100"};
static const vs_bound bound_power = {0.0, 1e4, 1, "above 0W, at most 10kW"};
static const vs_bound bound_vm_memory = {16.0 * 1024 * 1024, 1099511627776.0, 0, "from 16MiB to 1TiB"};
static const vs_bound bound_timeout = {1.0, 86400.0, 0, "from 1s to 1 day"};
static const vs_bound bound_power_on = {0.0, 3600.0, 0, "from 0s to 1h"};
static const vs_bound bound_host_power = {0.0, 1e4, 0, "from 0W to 10kW"};
static const vs_bound bound_vm_draw = {0.0, 1e3, 0, "from 0W to 1kW"};
static const vs_bound bound_steady_read = {0.0, 1e12, 0, "from 0 to 1TB/s"};
static const vs_bound bound_host_memory = {64.0 * 1024 * 1024, 1e15, 0, "from 64MiB to 1PB"};
static const vs_bound bound_cache = {1e6, 1e14, 0, "from 1MB to 100TB"};

/* Counts. The platform has a route per NAS and host, and every HDD, host
 * and link is a SimGrid resource with its own bookkeeping. */
#define VS_MAX_HOSTS 20000
#define VS_MAX_CORES 4096
#define VS_MAX_NAS 1000
#define VS_MAX_ROUTES 1000000
#define VS_MAX_HDDS_EACH 10000
#define VS_MAX_HDDS 200000
#define VS_MAX_SSDS_EACH 1000
#define VS_MAX_READERS 1000000
#define VS_MAX_VMS 10000000
#define VS_MAX_SLOTS 100000

typedef int (*vs_section_fn)(vs_loader *ld, yaml_node_t *node, vs_scenario *sc);

static int default_class(vs_scenario *sc);

/* ------------------------------------------------------------------------ */
/* Messages                                                                  */

/* Messages are one line whatever the user wrote in a quoted key or value. */
static void one_line(char *msg)
{
  for (; *msg; msg++)
    if ((unsigned char)*msg < 0x20 || *msg == 0x7f)
      *msg = '?';
}

static const char *scalar_text(const yaml_node_t *node)
{
  return (const char *)node->data.scalar.value;
}

static const char *describe(const yaml_node_t *node, char *buf, size_t len)
{
  char q[VS_QUOTE_MAX + 8];

  switch (node->type) {
  case YAML_MAPPING_NODE: return "a mapping";
  case YAML_SEQUENCE_NODE: return "a sequence";
  case YAML_SCALAR_NODE:
    if (node->data.scalar.length == 0)
      return "an empty value";
    snprintf(buf, len, "the value '%s'", vs_quote(scalar_text(node), q, sizeof(q)));
    return buf;
  default: return "nothing";
  }
}

static void join_keys(const char *const *keys, char *buf, size_t len)
{
  size_t n = 0;

  buf[0] = '\0';
  for (; *keys && n < len; keys++)
    n += snprintf(buf + n, len - n, "%s%s", n ? ", " : "", *keys);
}

/* Sets "FILE:LINE:COL: PATH[.KEY]: MESSAGE" with the position of `at`. */
static int fail(vs_loader *ld, const yaml_node_t *at, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int fail(vs_loader *ld, const yaml_node_t *at, const char *key, const char *fmt, ...)
{
  char msg[VS_MESSAGE_MAX];
  va_list ap;
  size_t n;

  n = (size_t)snprintf(msg, sizeof(msg), "%s:%lu:%lu: ", ld->file,
                       (unsigned long)at->start_mark.line + 1,
                       (unsigned long)at->start_mark.column + 1);
  if (n < sizeof(msg) && (ld->path[0] || key))
    n += (size_t)snprintf(msg + n, sizeof(msg) - n, "%s%s%s: ", ld->path,
                          ld->path[0] && key ? "." : "", key ? key : "");
  if (n < sizeof(msg)) {
    va_start(ap, fmt);
    vsnprintf(msg + n, sizeof(msg) - n, fmt, ap);
    va_end(ap);
  }
  one_line(msg);
  return vs_error_set(VS_EINPUT, "%s", msg);
}

static int no_memory(void) { return vs_error_set(VS_ENOMEM, "out of memory"); }

static size_t path_push(vs_loader *ld, const char *key)
{
  size_t old = strlen(ld->path);

  snprintf(ld->path + old, sizeof(ld->path) - old, "%s%s", old ? "." : "", key);
  return old;
}

static size_t path_push_index(vs_loader *ld, size_t index)
{
  size_t old = strlen(ld->path);

  snprintf(ld->path + old, sizeof(ld->path) - old, "[%zu]", index);
  return old;
}

static void path_pop(vs_loader *ld, size_t old) { ld->path[old] = '\0'; }

/* ------------------------------------------------------------------------ */
/* Sections and typed fields                                                 */

static int key_index(const char *const *keys, const char *key)
{
  int i;

  for (i = 0; keys[i]; i++)
    if (strcmp(keys[i], key) == 0)
      return i;
  return -1;
}

static int section_add(vs_section *s, yaml_node_t *key, yaml_node_t *value)
{
  char allowed[256], q[VS_QUOTE_MAX + 8], d[VS_QUOTE_MAX + 32];
  int i;

  if (key->type != YAML_SCALAR_NODE) {
    join_keys(s->keys, allowed, sizeof(allowed));
    return fail(s->ld, key, NULL, "found %s as a key (expected one of: %s)",
                describe(key, d, sizeof(d)), allowed);
  }
  i = key_index(s->keys, scalar_text(key));
  if (i < 0 || strlen(scalar_text(key)) != key->data.scalar.length) {
    join_keys(s->keys, allowed, sizeof(allowed));
    return fail(s->ld, key, vs_quote(scalar_text(key), q, sizeof(q)),
                "unknown key (expected one of: %s)", allowed);
  }
  if (s->key_nodes[i])
    return fail(s->ld, key, s->keys[i], "duplicate key (first given at line %lu)",
                (unsigned long)s->key_nodes[i]->start_mark.line + 1);
  s->key_nodes[i] = key;
  s->values[i] = value;
  return 0;
}

/* Checks that `node` is a mapping whose keys are all in `keys`, once each. */
static int section_open(vs_section *s, vs_loader *ld, const yaml_node_t *node,
                        const char *const *keys)
{
  char allowed[256], d[VS_QUOTE_MAX + 32];
  yaml_node_pair_t *pair;
  int error;

  memset(s, 0, sizeof(*s));
  for (int n = 0; keys[n]; n++)
    if (n >= VS_SECTION_MAX_KEYS)
      return vs_error_set(VS_ERROR, "internal: %s: a section with more than %d keys", ld->path, VS_SECTION_MAX_KEYS);
  s->ld = ld;
  s->node = node;
  s->keys = keys;
  if (node->type != YAML_MAPPING_NODE) {
    join_keys(keys, allowed, sizeof(allowed));
    return fail(ld, node, NULL, "%s %s (expected a mapping with keys: %s)",
                ld->path[0] ? "found" : "the top level is", describe(node, d, sizeof(d)),
                allowed);
  }
  for (pair = node->data.mapping.pairs.start; pair < node->data.mapping.pairs.top; pair++) {
    yaml_node_t *key = yaml_document_get_node(ld->doc, pair->key);
    yaml_node_t *value = yaml_document_get_node(ld->doc, pair->value);
    if (!key || !value)
      return fail(ld, node, NULL, "malformed mapping (expected key: value pairs)");
    if ((error = section_add(s, key, value)) < 0)
      return error;
  }
  return 0;
}

static yaml_node_t *section_value(const vs_section *s, const char *key)
{
  int i = key_index(s->keys, key);
  return i < 0 ? NULL : s->values[i];
}

static yaml_node_t *section_key(const vs_section *s, const char *key)
{
  int i = key_index(s->keys, key);
  return i < 0 ? NULL : s->key_nodes[i];
}

/* Finds the scalar under `key`. Returns 1 when found, 0 when absent and
 * optional, or an error (missing while required, not a scalar, empty). */
static int field(vs_section *s, const char *key, int required, const char *expected,
                 yaml_node_t **value, const char **text)
{
  char d[VS_QUOTE_MAX + 32];
  yaml_node_t *v = section_value(s, key);

  if (!v) {
    if (required)
      return fail(s->ld, s->node, key, "missing required key (expected %s)", expected);
    return 0;
  }
  if (v->type != YAML_SCALAR_NODE)
    return fail(s->ld, v, key, "found %s (expected %s)", describe(v, d, sizeof(d)), expected);
  if (v->data.scalar.length == 0)
    return fail(s->ld, v, key, "no value given (expected %s)", expected);
  /* A "\0" escape would otherwise hide trailing garbage from the C parsers. */
  if (strlen(scalar_text(v)) != v->data.scalar.length)
    return fail(s->ld, v, key, "value contains a NUL character (expected %s)", expected);
  *value = v;
  *text = scalar_text(v);
  return 1;
}

static const char *unit_noun(vs_unit_kind kind)
{
  switch (kind) {
  case VS_UNIT_BYTES: return "a size";
  case VS_UNIT_BANDWIDTH: return "a bandwidth";
  case VS_UNIT_DURATION: return "a duration";
  case VS_UNIT_SPEED: return "a speed";
  case VS_UNIT_WORK: return "an amount of work";
  case VS_UNIT_PER_BYTE: return "a per-byte cost";
  case VS_UNIT_POWER: return "a power";
  case VS_UNIT_FRACTION: return "a fraction";
  case VS_UNIT_CLOCK: return "a time of day";
  case VS_UNIT_COUNT: return "a count";
  case VS_UNIT_REAL: return "a number";
  }
  return "a value";
}

static const char *range_problem(double v, double lo, int lo_open, double hi)
{
  if (v < 0 && lo >= 0)
    return "is negative";
  if (v == 0 && lo >= 0 && (lo > 0 || lo_open))
    return "is zero";
  if (v < lo || (lo_open && v == lo))
    return "is too small";
  if (v > hi)
    return "is too large";
  return NULL;
}

/* A quantity with a unit. Leaves *out untouched (the default) when absent. */
static int get_quantity(vs_section *s, const char *key, vs_unit_kind kind, int required,
                        const vs_bound *bound, double *out)
{
  char q[VS_QUOTE_MAX + 8];
  yaml_node_t *v;
  const char *text, *problem;
  double x;
  int error;

  if ((error = field(s, key, required, vs_unit_expected(kind), &v, &text)) <= 0)
    return error;
  if (vs_unit_parse(text, kind, &x) < 0)
    return fail(s->ld, v, key, "%s", vs_error_last());
  if ((problem = range_problem(x, bound->lo, bound->lo_open, bound->hi)))
    return fail(s->ld, v, key, "'%s' %s (expected %s %s)", vs_quote(text, q, sizeof(q)), problem,
                unit_noun(kind), bound->text);
  *out = x;
  return 0;
}

/* Digits with an optional sign: when such text fails to parse, it overflowed. */
static int integer_syntax(const char *text)
{
  if (*text == '-' || *text == '+')
    text++;
  if (!*text)
    return 0;
  for (; *text; text++)
    if (*text < '0' || *text > '9')
      return 0;
  return 1;
}

static int get_long(vs_section *s, const char *key, int required, long lo, long hi, long *out)
{
  char q[VS_QUOTE_MAX + 8], expected[96];
  yaml_node_t *v;
  const char *text, *problem;
  long x;
  int error;

  if (hi == INT_MAX || hi == LONG_MAX)
    snprintf(expected, sizeof(expected), "an integer >= %ld", lo);
  else
    snprintf(expected, sizeof(expected), "an integer from %ld to %ld", lo, hi);
  if ((error = field(s, key, required, expected, &v, &text)) <= 0)
    return error;
  if (vs_parse_long(text, &x) < 0) {
    if (!integer_syntax(text))
      return fail(s->ld, v, key, "'%s' is not an integer (expected %s)",
                  vs_quote(text, q, sizeof(q)), expected);
    /* Digits that overflowed a long: report them like any out-of-range value. */
    x = text[0] == '-' ? LONG_MIN : LONG_MAX;
    if (x == LONG_MAX)
      goto too_large;
  }
  if (x > hi)
    goto too_large;
  if ((problem = range_problem((double)x, (double)lo, 0, (double)hi)))
    return fail(s->ld, v, key, "'%s' %s (expected %s)", vs_quote(text, q, sizeof(q)), problem,
                expected);
  *out = x;
  return 0;

too_large:
  return fail(s->ld, v, key, "'%s' is too large (expected at most %ld)",
              vs_quote(text, q, sizeof(q)), hi);
}

static int get_int(vs_section *s, const char *key, int required, int lo, int hi, int *out)
{
  long x = *out;
  int error;

  if ((error = get_long(s, key, required, lo, hi, &x)) < 0)
    return error;
  *out = (int)x;
  return 0;
}

/* One of `names`; *out receives its index. */
static int get_enum(vs_section *s, const char *key, int required, const char *const *names,
                    int *out)
{
  char q[VS_QUOTE_MAX + 8], expected[128], allowed[96];
  yaml_node_t *v;
  const char *text;
  int error, i;

  join_keys(names, allowed, sizeof(allowed));
  snprintf(expected, sizeof(expected), "one of: %s", allowed);
  if ((error = field(s, key, required, expected, &v, &text)) <= 0)
    return error;
  if ((i = key_index(names, text)) < 0)
    return fail(s->ld, v, key, "bad value '%s' (expected %s)", vs_quote(text, q, sizeof(q)),
                expected);
  *out = i;
  return 0;
}

static int get_string(vs_section *s, const char *key, char **out)
{
  yaml_node_t *v;
  const char *text;
  char *copy;
  int error;

  if ((error = field(s, key, 0, "a non-empty string", &v, &text)) <= 0)
    return error;
  if (!(copy = strdup(text)))
    return no_memory();
  free(*out);
  *out = copy;
  return 0;
}

/* A non-empty sequence under `key`, or 0 when absent. */
static int get_sequence(vs_section *s, const char *key, const char *expected,
                        yaml_node_t **out)
{
  char d[VS_QUOTE_MAX + 32];
  yaml_node_t *v = section_value(s, key);

  if (!v)
    return 0;
  if (v->type != YAML_SEQUENCE_NODE)
    return fail(s->ld, v, key, "found %s (expected %s)", describe(v, d, sizeof(d)), expected);
  if (v->data.sequence.items.top == v->data.sequence.items.start)
    return fail(s->ld, v, key, "empty sequence (expected %s)", expected);
  *out = v;
  return 1;
}

/* Rejects `key` when it does not apply, e.g. link_bw with local storage. */
static int reject_key(vs_section *s, const char *key, const char *why)
{
  yaml_node_t *k = section_key(s, key);

  return k ? fail(s->ld, k, key, "%s", why) : 0;
}

static size_t sequence_len(const yaml_node_t *seq)
{
  return (size_t)(seq->data.sequence.items.top - seq->data.sequence.items.start);
}

static yaml_node_t *sequence_item(vs_loader *ld, const yaml_node_t *seq, size_t i)
{
  return yaml_document_get_node(ld->doc, seq->data.sequence.items.start[i]);
}

/* Runs `fn` on the mapping under `key` with the key path extended. */
static int load_child(vs_section *s, const char *key, int required, vs_section_fn fn,
                      vs_scenario *sc)
{
  yaml_node_t *v = section_value(s, key);
  size_t old;
  int error;

  if (!v)
    return required ? fail(s->ld, s->node, key, "missing required section (expected a mapping)")
                    : 0;
  old = path_push(s->ld, key);
  error = fn(s->ld, v, sc);
  path_pop(s->ld, old);
  return error;
}

/* ------------------------------------------------------------------------ */
/* The schema                                                                */

/* hosts.power: {idle: W, per_vm: W}, for host energy under DPM. */
static int load_host_power(vs_loader *ld, yaml_node_t *node, vs_scenario *sc)
{
  static const char *const keys[] = {"idle", "per_vm", NULL};
  vs_section s;
  int error;
  if ((error = section_open(&s, ld, node, keys)) < 0 ||
      (error = get_quantity(&s, "idle", VS_UNIT_POWER, 1, &bound_host_power, &sc->hosts.idle_W)) < 0 ||
      (error = get_quantity(&s, "per_vm", VS_UNIT_POWER, 0, &bound_vm_draw, &sc->hosts.per_vm_W)) < 0)
    return error;
  return 0;
}

static int load_hosts(vs_loader *ld, yaml_node_t *node, vs_scenario *sc)
{
  static const char *const keys[] = {"count", "cores", "core_speed", "nic_bw", "nic_latency", "vm_slots",
                                     "power_on", "power", "memory", NULL};
  vs_hosts *h = &sc->hosts;
  vs_section s;
  int error;

  if ((error = section_open(&s, ld, node, keys)) < 0 ||
      (error = get_int(&s, "count", 1, 1, VS_MAX_HOSTS, &h->count)) < 0 ||
      (error = get_int(&s, "cores", 1, 1, VS_MAX_CORES, &h->cores)) < 0 ||
      (error = get_quantity(&s, "core_speed", VS_UNIT_SPEED, 1, &bound_core_speed, &h->core_fps)) < 0 ||
      (error = get_quantity(&s, "nic_bw", VS_UNIT_BANDWIDTH, 0, &bound_bandwidth, &h->nic_Bps)) < 0 ||
      (error = get_quantity(&s, "nic_latency", VS_UNIT_DURATION, 0, &bound_latency, &h->nic_latency_s)) < 0 ||
      (error = get_int(&s, "vm_slots", 0, 1, VS_MAX_SLOTS, &h->vm_slots)) < 0 ||
      (error = get_quantity(&s, "power_on", VS_UNIT_DURATION, 0, &bound_power_on, &h->power_on_s)) < 0 ||
      (error = get_quantity(&s, "memory", VS_UNIT_BYTES, 0, &bound_host_memory, &h->memory_B)) < 0 ||
      (error = load_child(&s, "power", 0, load_host_power, sc)) < 0)
    return error;
  return 0;
}

static int load_storage_nas(vs_section *s, vs_storage *st)
{
  int error;

  if ((error = get_int(s, "nas_count", 0, 1, VS_MAX_NAS, &st->nas_count)) < 0 ||
      (error = get_quantity(s, "link_bw", VS_UNIT_BANDWIDTH, 1, &bound_bandwidth, &st->link_Bps)) < 0 ||
      (error = get_quantity(s, "link_latency", VS_UNIT_DURATION, 0, &bound_latency, &st->link_latency_s)) < 0)
    return error;
  return 0;
}

static int load_storage_local(vs_section *s)
{
  static const char why[] = "not allowed with type local (expected only with type nas)";
  int error;

  if ((error = reject_key(s, "nas_count", why)) < 0 ||
      (error = reject_key(s, "link_bw", why)) < 0 ||
      (error = reject_key(s, "link_latency", why)) < 0)
    return error;
  return 0;
}

/* Totals over the site: every HDD is a resource, every NAS reaches every
 * host by a route of its own. */
static int check_totals(vs_section *s, const vs_scenario *sc)
{
  long long per = sc->storage.kind == VS_STORAGE_NAS ? sc->storage.nas_count : sc->hosts.count;
  long long total = per * sc->storage.hdds;
  long long routes = sc->storage.kind == VS_STORAGE_NAS ? (long long)sc->storage.nas_count * sc->hosts.count : 0;

  if (total > VS_MAX_HDDS)
    return fail(s->ld, section_value(s, "hdds"), "hdds", "%lld HDDs in total is too many (expected at most %d)",
                total, VS_MAX_HDDS);
  if (routes > VS_MAX_ROUTES)
    return fail(s->ld, section_value(s, "nas_count"), "nas_count",
                "%d NAS x %d hosts is %lld routes, too many (expected at most %d)", sc->storage.nas_count,
                sc->hosts.count, routes, VS_MAX_ROUTES);
  return 0;
}

/* storage.cache: a read cache of the golden image in front of the disks. */
static int load_cache(vs_loader *ld, yaml_node_t *node, vs_scenario *sc)
{
  static const char *const keys[] = {"at", "size", "clones", "warm", NULL};
  static const char *const booleans[] = {"false", "true", NULL};
  int warm = 0;
  static const char *const ats[] = {"none", "host", "nas", NULL};      /* as vs_cache_at */
  static const char *const clones[] = {"linked", "full", NULL};       /* as vs_clones */
  vs_cache *c = &sc->storage.cache;
  int at = VS_CACHE_NONE, cl = VS_CLONES_LINKED, error;
  vs_section s;

  if ((error = section_open(&s, ld, node, keys)) < 0 || (error = get_enum(&s, "at", 1, ats, &at)) < 0 ||
      (error = get_enum(&s, "clones", 0, clones, &cl)) < 0 || (error = get_enum(&s, "warm", 0, booleans, &warm)) < 0 ||
      (error = get_quantity(&s, "size", VS_UNIT_BYTES, at != VS_CACHE_NONE, &bound_cache, &c->size_B)) < 0)
    return error;
  c->at = (vs_cache_at)at;
  c->clones = (vs_clones)cl;
  c->warm = warm;
  if (c->at == VS_CACHE_NAS && sc->storage.kind != VS_STORAGE_NAS)
    return fail(ld, section_value(&s, "at"), "at", "a NAS cache needs NAS storage (expected host or none with type local)");
  if (c->at == VS_CACHE_HOST && sc->hosts.memory_B > 0 && c->size_B > sc->hosts.memory_B) {
    return fail(ld, section_value(&s, "size"), "size",
                "%.4g GB is more than a host's memory, %.4g GB (expected at most hosts.memory)", c->size_B / 1e9,
                sc->hosts.memory_B / 1e9);
  }
  return 0;
}

static int load_storage(vs_loader *ld, yaml_node_t *node, vs_scenario *sc)
{
  static const char *const keys[] = {"type", "hdds", "nas_count", "link_bw", "link_latency",
                                     "placement", "vms_per_hdd", "ssds", "boot_from", "cache", NULL};
  static const char *const tiers[] = {"hdd", "ssd", NULL}; /* as vs_tier */
  int tier = VS_TIER_HDD;
  /* Same order as vs_storage_kind and vs_placement. */
  static const char *const types[] = {"local", "nas", NULL};
  static const char *const placements[] = {"spread", "pack", NULL};
  vs_storage *st = &sc->storage;
  vs_section s;
  int type = VS_STORAGE_LOCAL, placement = VS_PLACE_SPREAD, error;

  if ((error = section_open(&s, ld, node, keys)) < 0 ||
      (error = get_enum(&s, "type", 1, types, &type)) < 0 ||
      (error = get_int(&s, "hdds", 1, 1, VS_MAX_HDDS_EACH, &st->hdds)) < 0 ||
      (error = get_enum(&s, "placement", 0, placements, &placement)) < 0)
    return error;
  st->kind = (vs_storage_kind)type;
  st->placement = (vs_placement)placement;

  error = st->kind == VS_STORAGE_NAS ? load_storage_nas(&s, st) : load_storage_local(&s);
  if (error < 0)
    return error;
  if (st->placement == VS_PLACE_PACK)
    error = get_int(&s, "vms_per_hdd", 0, 1, VS_MAX_VMS, &st->vms_per_hdd);
  else
    error = reject_key(&s, "vms_per_hdd",
                       "not allowed with placement spread (expected only with placement pack)");
  if (error < 0 || (error = get_int(&s, "ssds", 0, 0, VS_MAX_SSDS_EACH, &st->ssds)) < 0 ||
      (error = get_enum(&s, "boot_from", 0, tiers, &tier)) < 0 || (error = load_child(&s, "cache", 0, load_cache, sc)) < 0)
    return error;
  st->boot_from = (vs_tier)tier;
  if (st->boot_from == VS_TIER_SSD && st->ssds == 0)
    return fail(ld, section_value(&s, "boot_from"), "boot_from",
                "boots read from SSDs but there are none (expected storage.ssds >= 1)");
  return check_totals(&s, sc);
}

static int load_curve_point(vs_loader *ld, yaml_node_t *node, vs_hdd_point *pt,
                            const vs_hdd_point *prev)
{
  static const char *const keys[] = {"readers", "factor", NULL};
  vs_section s;
  int error;

  if ((error = section_open(&s, ld, node, keys)) < 0 ||
      (error = get_int(&s, "readers", 1, 1, VS_MAX_READERS, &pt->readers)) < 0 ||
      (error = get_quantity(&s, "factor", VS_UNIT_REAL, 1, &bound_factor, &pt->factor)) < 0)
    return error;
  if (prev && pt->readers <= prev->readers)
    return fail(ld, section_value(&s, "readers"), "readers",
                "%d is not above the previous point's %d "
                "(expected readers in strictly increasing order)",
                pt->readers, prev->readers);
  return 0;
}

static int load_curve(vs_loader *ld, yaml_node_t *seq, vs_hdd_model *hdd)
{
  size_t i, n = sequence_len(seq), old;
  int error = 0;

  if (!(hdd->curve = calloc(n, sizeof(*hdd->curve))))
    return no_memory();
  for (i = 0; i < n && error == 0; i++) {
    yaml_node_t *item = sequence_item(ld, seq, i);
    old = path_push_index(ld, i);
    error = item ? load_curve_point(ld, item, &hdd->curve[i], i ? &hdd->curve[i - 1] : NULL)
                 : fail(ld, seq, NULL, "malformed sequence");
    path_pop(ld, old);
    hdd->curve_len = i + 1;
  }
  return error;
}

/* A device class (hdd, ssd): bandwidth with one reader and the concurrency curve. */
static int load_device_model(vs_loader *ld, yaml_node_t *node, vs_hdd_model *m)
{
  static const char *const keys[] = {"read_bw", "concurrency", NULL};
  vs_section s;
  yaml_node_t *seq = NULL;
  size_t old;
  int error;

  if ((error = section_open(&s, ld, node, keys)) < 0 ||
      (error = get_quantity(&s, "read_bw", VS_UNIT_BANDWIDTH, 1, &bound_bandwidth, &m->read_Bps)) < 0 ||
      (error = get_sequence(&s, "concurrency",
                            "a sequence of {readers: N, factor: X} points", &seq)) <= 0)
    return error;
  old = path_push(ld, "concurrency");
  error = load_curve(ld, seq, m);
  path_pop(ld, old);
  return error;
}

static int load_hdd(vs_loader *ld, yaml_node_t *node, vs_scenario *sc) { return load_device_model(ld, node, &sc->hdd); }

/* An SSD has no seek penalty: without a curve its concurrency is flat. */
static int load_ssd(vs_loader *ld, yaml_node_t *node, vs_scenario *sc) { return load_device_model(ld, node, &sc->ssd); }

/* A boot profile; `required` says whether read must be given (a class's
 * boot section only overrides the scenario's). */
static int load_boot_profile(vs_loader *ld, yaml_node_t *node, vs_boot_profile *b, int required)
{
  static const char *const keys[] = {"read", "cpu_work", "io_cpu_cost", "busy_cpu", "chunks",
                                     "jitter", "cpu_threads", "steady_cpu", "steady_read", NULL};
  static const vs_bound jitter = {0.0, 0.5, 0, "from 0 to 0.5"};
  static const vs_bound threads = {1.0, VS_MAX_CPU_THREADS, 0, "from 1 to 16"};
  vs_section s;
  int error;

  if ((error = section_open(&s, ld, node, keys)) < 0 ||
      (error = get_quantity(&s, "read", VS_UNIT_BYTES, required, &bound_image, &b->read_B)) < 0 ||
      (error = get_quantity(&s, "cpu_work", VS_UNIT_WORK, 0, &bound_work, &b->cpu_work_f)) < 0 ||
      (error = get_quantity(&s, "io_cpu_cost", VS_UNIT_PER_BYTE, 0, &bound_per_byte, &b->io_cpu_fpB)) < 0 ||
      (error = get_quantity(&s, "busy_cpu", VS_UNIT_SPEED, 0, &bound_busy, &b->busy_cpu_fps)) < 0 ||
      (error = get_int(&s, "chunks", 0, 1, 100000, &b->chunks)) < 0 ||
      (error = get_quantity(&s, "jitter", VS_UNIT_FRACTION, 0, &jitter, &b->jitter)) < 0 ||
      (error = get_quantity(&s, "cpu_threads", VS_UNIT_REAL, 0, &threads, &b->cpu_threads)) < 0 ||
      (error = get_quantity(&s, "steady_cpu", VS_UNIT_SPEED, 0, &bound_busy, &b->steady_cpu_fps)) < 0 ||
      (error = get_quantity(&s, "steady_read", VS_UNIT_BANDWIDTH, 0, &bound_steady_read, &b->steady_read_Bps)) < 0)
    return error;
  return 0;
}

static int load_boot(vs_loader *ld, yaml_node_t *node, vs_scenario *sc)
{
  return load_boot_profile(ld, node, &sc->boot, 1);
}

static int load_storm(vs_loader *ld, yaml_node_t *node, vs_scenario *sc)
{
  static const char *const keys[] = {"max_slowdown", "cpu_window", NULL};
  static const vs_bound above_one = {1.0, 1000.0, 1, "above 1, at most 1000"};
  static const vs_bound window = {1.0, 86400.0, 0, "from 1s to 1 day"};
  vs_section s;
  int error;

  if ((error = section_open(&s, ld, node, keys)) < 0 ||
      (error = get_quantity(&s, "max_slowdown", VS_UNIT_REAL, 0, &above_one,
                            &sc->storm.max_slowdown)) < 0 ||
      (error = get_quantity(&s, "cpu_window", VS_UNIT_DURATION, 0, &window,
                            &sc->storm.cpu_window_s)) < 0)
    return error;
  return 0;
}

/* Reads ready_by and vms of one point from `s` (the workload mapping itself
 * or one demand item) and checks it against the previous point. */
static int load_point(vs_section *s, vs_demand_point *pt, const vs_demand_point *prev,
                      long long *total)
{
  char a[32], b[32];
  int error;

  if ((error = get_quantity(s, "ready_by", VS_UNIT_CLOCK, 1, &bound_non_negative,
                            &pt->ready_by_s)) < 0 ||
      (error = get_int(s, "vms", 1, 1, VS_MAX_VMS, &pt->vms)) < 0)
    return error;
  pt->line = (int)section_value(s, "vms")->start_mark.line + 1;
  if (prev && pt->ready_by_s <= prev->ready_by_s)
    return fail(s->ld, section_value(s, "ready_by"), "ready_by",
                "%s is not after the previous point's %s (expected strictly increasing times)",
                vs_clock_format(pt->ready_by_s, a, sizeof(a)),
                vs_clock_format(prev->ready_by_s, b, sizeof(b)));
  *total += pt->vms;
  if (*total > VS_MAX_VMS)
    return fail(s->ld, section_value(s, "vms"), "vms",
                "%lld VMs in total is too many (expected at most %d)", *total, VS_MAX_VMS);
  return 0;
}

/* Room for `more` points at the end of the workload. */
static int points_reserve(vs_workload *w, size_t more)
{
  vs_demand_point *grown = realloc(w->points, (w->len + more) * sizeof(*grown));
  if (!grown)
    return no_memory();
  w->points = grown;
  return 0;
}

/* A demand sequence of class `cls`, appended to the workload. */
static int load_demand(vs_loader *ld, yaml_node_t *seq, vs_workload *w, int cls, long long *total)
{
  static const char *const keys[] = {"ready_by", "vms", NULL};
  size_t i, n = sequence_len(seq), old, first = w->len;
  int error;

  if ((error = points_reserve(w, n)) < 0)
    return error;
  for (i = 0; i < n && error == 0; i++) {
    yaml_node_t *item = sequence_item(ld, seq, i);
    vs_demand_point *pt = &w->points[w->len];
    vs_section s;
    memset(pt, 0, sizeof(*pt));
    pt->cls = cls;
    old = path_push_index(ld, i);
    if (!item)
      error = fail(ld, seq, NULL, "malformed sequence");
    else if ((error = section_open(&s, ld, item, keys)) == 0)
      error = load_point(&s, pt, i ? &w->points[first + i - 1] : NULL, total);
    path_pop(ld, old);
    w->len++;
  }
  return error;
}

static int load_single_point(vs_section *s, vs_workload *w, int cls, long long *total)
{
  int error = points_reserve(w, 1);
  if (error < 0)
    return error;
  memset(&w->points[w->len], 0, sizeof(*w->points));
  w->points[w->len].cls = cls;
  w->len++;
  return load_point(s, &w->points[w->len - 1], NULL, total);
}

/* A class's or the workload's own demand: vms + ready_by, or demand. */
static int load_own_demand(vs_section *s, vs_workload *w, int cls, long long *total)
{
  static const char expected[] = "a sequence of {ready_by: HH:MM, vms: N} points in increasing time order";
  yaml_node_t *seq = NULL;
  size_t old;
  int error;

  if (!section_value(s, "demand"))
    return load_single_point(s, w, cls, total);
  if ((error = get_sequence(s, "demand", expected, &seq)) < 0)
    return error;
  old = path_push(s->ld, "demand");
  error = load_demand(s->ld, seq, w, cls, total);
  path_pop(s->ld, old);
  return error;
}

/* workload.forecast: the demand of one date, from a trained usage model. */
static int load_forecast(vs_loader *ld, yaml_node_t *node, vs_scenario *sc)
{
  static const char *const keys[] = {"model", "date", "margin", NULL};
  vs_forecast_ref *f = calloc(1, sizeof(*f));
  yaml_node_t *v;
  const char *text;
  vs_section s;
  int error, y, m, d;
  char q[VS_QUOTE_MAX + 8], tail;

  if (!f)
    return no_memory();
  f->margin = 0;
  f->line = (int)node->start_mark.line + 1;
  f->col = (int)node->start_mark.column + 1;
  sc->workload.forecast = f;
  if ((error = section_open(&s, ld, node, keys)) < 0)
    return error;
  if (!section_value(&s, "model"))
    return fail(ld, node, "model", "missing required key (expected the path of a trained model)");
  if (!section_value(&s, "date"))
    return fail(ld, node, "date", "missing required key (expected a date such as \"2024-03-04\")");
  if ((error = get_string(&s, "model", &f->model)) < 0 || (error = get_string(&s, "date", &f->date)) < 0)
    return error;
  v = section_value(&s, "date");
  if (sscanf(f->date, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3 || strlen(f->date) != 10 || m < 1 || m > 12 ||
      d < 1 || d > 31)
    return fail(ld, v, "date", "bad date '%s' (expected YYYY-MM-DD)", vs_quote(f->date, q, sizeof(q)));
  if ((error = field(&s, "margin", 0, "a number of VMs >= 0, or p95", &v, &text)) < 0)
    return error;
  if (error > 0) {
    long vms;
    if (strcmp(text, "p95") == 0)
      f->margin = -1;
    else if (integer_syntax(text) && vs_parse_long(text, &vms) == 0 && vms >= 0 && vms <= INT_MAX)
      f->margin = (double)vms;
    else
      return fail(ld, v, "margin", "bad margin '%s' (expected a number of VMs >= 0, or p95)",
                  vs_quote(text, q, sizeof(q)));
  }
  return 0;
}

/* One desktop class. With `by_share` it takes a share of the workload's
 * demand; otherwise it brings its own (vms + ready_by, or demand). */
static int load_class(vs_loader *ld, yaml_node_t *node, vs_scenario *sc, int cls, int by_share,
                      long long *total)
{
  static const char *const keys[] = {"name", "image", "vms", "ready_by", "demand", "share", "boot", "priority", NULL};
  static const vs_bound share = {0.0, 1.0, 1, "above 0 and at most 100%"};
  vs_vm_class *c = &sc->classes[cls];
  vs_section s;
  char q[VS_QUOTE_MAX + 8];
  int error;

  c->boot = sc->boot;
  c->line = (int)node->start_mark.line + 1;
  if ((error = section_open(&s, ld, node, keys)) < 0)
    return error;
  if (!section_value(&s, "name"))
    return fail(ld, node, "name", "missing required key (expected the class's name)");
  if ((error = get_string(&s, "name", &c->name)) < 0 || (error = get_string(&s, "image", &c->image)) < 0)
    return error;
  for (int i = 0; i < cls; i++)
    if (!strcmp(sc->classes[i].name, c->name))
      return fail(ld, section_value(&s, "name"), "name", "'%s' names two classes (first at line %d)",
                  vs_quote(c->name, q, sizeof(q)), sc->classes[i].line);
  if (!c->image && !(c->image = strdup(c->name)))
    return no_memory();
  if ((error = get_int(&s, "priority", 0, 0, 100, &c->priority)) < 0)
    return error;
  if (section_value(&s, "boot")) {
    size_t old = path_push(ld, "boot");
    error = load_boot_profile(ld, section_value(&s, "boot"), &c->boot, 0);
    path_pop(ld, old);
    if (error < 0)
      return error;
  }
  if (by_share) {
    static const char why[] = "not allowed when the classes share the workload's demand (expected share)";
    if ((error = reject_key(&s, "vms", why)) < 0 || (error = reject_key(&s, "ready_by", why)) < 0 ||
        (error = reject_key(&s, "demand", why)) < 0)
      return error;
    return get_quantity(&s, "share", VS_UNIT_FRACTION, 1, &share, &c->share);
  }
  if ((error = reject_key(&s, "share",
                          "not allowed without a demand at the workload level to share (expected vms + ready_by "
                          "or demand)")) < 0)
    return error;
  if (section_value(&s, "demand") && (section_value(&s, "vms") || section_value(&s, "ready_by")))
    return fail(ld, section_key(&s, "demand"), "demand", "more than one demand form (expected vms + ready_by, or demand)");
  return load_own_demand(&s, &sc->workload, cls, total);
}

static int load_classes(vs_loader *ld, yaml_node_t *seq, vs_scenario *sc, int by_share, long long *total)
{
  size_t n = sequence_len(seq);
  int error = 0;

  if (n > VS_MAX_CLASSES)
    return fail(ld, seq, NULL, "%zu classes (expected at most %d)", n, VS_MAX_CLASSES);
  if (!(sc->classes = calloc(n, sizeof(*sc->classes))))
    return no_memory();
  for (size_t i = 0; i < n && error == 0; i++) {
    yaml_node_t *item = sequence_item(ld, seq, i);
    size_t old = path_push_index(ld, i);
    sc->n_classes = i + 1;
    error = item ? load_class(ld, item, sc, (int)i, by_share, total) : fail(ld, seq, NULL, "malformed sequence");
    path_pop(ld, old);
  }
  if (error == 0 && by_share) {
    double sum = 0;
    for (size_t i = 0; i < n; i++)
      sum += sc->classes[i].share;
    if (fabs(sum - 1.0) > 1e-3)
      return fail(ld, seq, NULL, "the shares add up to %.1f%% (expected 100%%)", 100 * sum);
  }
  return error;
}

static int by_deadline(const void *a, const void *b)
{
  const vs_demand_point *x = a, *y = b;
  if (x->ready_by_s != y->ready_by_s)
    return x->ready_by_s < y->ready_by_s ? -1 : 1;
  return x->cls - y->cls;
}

static int load_workload(vs_loader *ld, yaml_node_t *node, vs_scenario *sc)
{
  static const char *const keys[] = {"vms", "ready_by", "demand", "forecast", "earliest_start", "classes", NULL};
  vs_section s;
  yaml_node_t *classes = NULL;
  long long total = 0;
  int error, forms;
  char a[32], b[32];

  if ((error = section_open(&s, ld, node, keys)) < 0 ||
      (error = get_quantity(&s, "earliest_start", VS_UNIT_CLOCK, 0, &bound_non_negative,
                            &sc->workload.earliest_start_s)) < 0 ||
      (error = get_sequence(&s, "classes", "a sequence of {name: ..., vms: N, ready_by: HH:MM} classes", &classes)) < 0)
    return error;
  forms = !!section_value(&s, "demand") + !!section_value(&s, "forecast") +
          !!(section_value(&s, "vms") || section_value(&s, "ready_by"));
  if (forms == 0 && !classes)
    return fail(ld, node, NULL, "no workload given (expected vms + ready_by, demand, forecast, or classes)");
  if (forms > 1) {
    const char *second = section_value(&s, "forecast") ? "forecast" : "demand";
    return fail(ld, section_key(&s, second), second,
                "more than one workload form (expected either vms + ready_by, demand, or forecast)");
  }
  /* Classes bring their own demand, or share the workload's (forms == 1). */
  if (classes) {
    size_t old = path_push(ld, "classes");
    error = load_classes(ld, classes, sc, forms == 1, &total);
    path_pop(ld, old);
    if (error < 0)
      return error;
  }
  if (section_value(&s, "forecast"))
    return load_child(&s, "forecast", 1, load_forecast, sc);
  if (forms == 1 && (error = load_own_demand(&s, &sc->workload, 0, &total)) < 0)
    return error;
  if ((error = vs_scenario_apply_shares(sc)) < 0)
    return error;
  qsort(sc->workload.points, sc->workload.len, sizeof(*sc->workload.points), by_deadline);
  if (sc->workload.earliest_start_s >= sc->workload.points[0].ready_by_s) {
    /* Without an earliest_start the day starts at 00:00: a deadline at
     * midnight leaves no time to boot. */
    yaml_node_t *at = section_value(&s, "earliest_start");
    return fail(ld, at ? at : node, at ? "earliest_start" : NULL,
                "%s is not before the first deadline %s (expected an earlier earliest_start, or a later deadline)",
                vs_clock_format(sc->workload.earliest_start_s, a, sizeof(a)),
                vs_clock_format(sc->workload.points[0].ready_by_s, b, sizeof(b)));
  }
  return 0;
}

static int load_dpm(vs_loader *ld, yaml_node_t *node, vs_scenario *sc)
{
  static const char *const keys[] = {"enabled", "min_hosts_on", NULL};
  static const char *const booleans[] = {"false", "true", NULL};
  vs_section s;
  int enabled = 0, error;
  if ((error = section_open(&s, ld, node, keys)) < 0 || (error = get_enum(&s, "enabled", 1, booleans, &enabled)) < 0 ||
      (error = get_int(&s, "min_hosts_on", 0, 1, sc->hosts.count, &sc->dpm.min_hosts_on)) < 0)
    return error;
  sc->dpm.enabled = enabled;
  if (enabled && sc->hosts.power_on_s <= 0)
    return fail(ld, section_value(&s, "enabled"), "enabled",
                "DPM needs to know how long a host takes to come up (expected hosts.power_on)");
  return 0;
}

static int load_energy(vs_loader *ld, yaml_node_t *node, vs_scenario *sc)
{
  static const char *const keys[] = {"vm_power", NULL};
  vs_section s;
  int error;

  if ((error = section_open(&s, ld, node, keys)) < 0 ||
      (error = get_quantity(&s, "vm_power", VS_UNIT_POWER, 1, &bound_power, &sc->energy.vm_power_W)) < 0)
    return error;
  return 0;
}

/* real.uri: one URI or a sequence of them. */
static int load_uris(vs_section *s, vs_real_config *r)
{
  yaml_node_t *v = section_value(s, "uri"), *seq = NULL;
  char d[VS_QUOTE_MAX + 32];
  size_t old;
  int error;

  if (!v || v->type == YAML_SCALAR_NODE) {
    char *one = NULL;
    if ((error = get_string(s, "uri", &one)) < 0)
      return error;
    if (!(r->uris = calloc(1, sizeof(*r->uris)))) {
      free(one);
      return no_memory();
    }
    r->uris[0] = one ? one : strdup("qemu:///system");
    r->n_uris = 1;
    return r->uris[0] ? 0 : no_memory();
  }
  if ((error = get_sequence(s, "uri", "a libvirt URI or a sequence of them", &seq)) < 0)
    return error;
  r->n_uris = sequence_len(seq);
  if (!(r->uris = calloc(r->n_uris, sizeof(*r->uris))))
    return no_memory();
  old = path_push(s->ld, "uri");
  for (size_t i = 0; i < r->n_uris; i++) {
    yaml_node_t *item = sequence_item(s->ld, seq, i);
    size_t at = path_push_index(s->ld, i);
    if (!item || item->type != YAML_SCALAR_NODE || !scalar_text(item)[0])
      error = fail(s->ld, item ? item : seq, NULL, "found %s (expected a libvirt URI)",
                   item ? describe(item, d, sizeof(d)) : "nothing");
    else if (!(r->uris[i] = strdup(scalar_text(item))))
      error = no_memory();
    path_pop(s->ld, at);
    if (error < 0)
      break;
  }
  path_pop(s->ld, old);
  return error;
}

static int load_real(vs_loader *ld, yaml_node_t *node, vs_scenario *sc)
{
  static const char *const keys[] = {"uri", "domain_type", "memory", "vcpus", "image", "disk",
                                     "working_set", "guest_cpu_work", "boot_timeout", "cache", NULL};
  static const char *const caches[] = {"none", "host", NULL};
  int cache = 0;
  static const char *const domain_types[] = {"auto", "kvm", "qemu", NULL};
  static const char *const disks[] = {"linked-clone", "full-copy", NULL};
  vs_real_config *r = &sc->real;
  int domain = VS_DOMAIN_AUTO, disk = VS_DISK_LINKED_CLONE;
  vs_section s;
  int error;

  r->present = 1;
  if ((error = section_open(&s, ld, node, keys)) < 0 || (error = load_uris(&s, r)) < 0 ||
      (error = get_enum(&s, "domain_type", 0, domain_types, &domain)) < 0 ||
      (error = get_quantity(&s, "memory", VS_UNIT_BYTES, 0, &bound_vm_memory, &r->memory_B)) < 0 ||
      (error = get_int(&s, "vcpus", 0, 1, 64, &r->vcpus)) < 0 ||
      (error = get_string(&s, "image", &r->image_dir)) < 0 ||
      (error = get_enum(&s, "disk", 0, disks, &disk)) < 0 ||
      (error = get_quantity(&s, "working_set", VS_UNIT_BYTES, 0, &bound_image, &r->working_set_B)) < 0 ||
      (error = get_quantity(&s, "guest_cpu_work", VS_UNIT_WORK, 0, &bound_work, &r->guest_cpu_work_f)) < 0 ||
      (error = get_quantity(&s, "boot_timeout", VS_UNIT_DURATION, 0, &bound_timeout, &r->boot_timeout_s)) < 0 ||
      (error = get_enum(&s, "cache", 0, caches, &cache)) < 0)
    return error;
  r->host_cache = cache;
  r->domain_type = (vs_domain_type)domain;
  r->disk = (vs_disk_mode)disk;
  if (!r->image_dir && !(r->image_dir = strdup("real/guest")))
    return no_memory();
  return 0;
}

/* plan: what may be bought (scenario/purchase.c parses it). */
static int load_plan(vs_loader *ld, yaml_node_t *node, vs_scenario *sc)
{
  return vs_purchase_load(&sc->plan, ld->file, ld->doc, node);
}

/* SSDs and their ssd: section come together. */
static int check_ssds(vs_section *s, const vs_scenario *sc)
{
  if (sc->storage.ssds > 0 && sc->ssd.read_Bps <= 0)
    return fail(s->ld, s->node, "ssd", "missing required section: storage.ssds is %d (expected ssd: {read_bw: …})",
                sc->storage.ssds);
  if (sc->storage.ssds == 0 && section_key(s, "ssd"))
    return fail(s->ld, section_key(s, "ssd"), "ssd", "the scenario has no SSDs (expected storage.ssds >= 1, or no ssd section)");
  return 0;
}

/* ---- pool: golden images, their pools, the preparer and the creation requests ---- */

static const vs_bound bound_handler = {0.0, 3600.0, 0, "from 0s to 1h"};
static const vs_bound bound_every = {0.0, 86400.0, 1, "above 0s, at most 1 day"};

/* A disk named as the simulator names it ("nas-0-hdd-3", "nas-0-ssd-0"). */
static int get_disk(vs_section *s, const char *key, const vs_scenario *sc, int *disk)
{
  char q[VS_QUOTE_MAX + 8], example[48];
  yaml_node_t *v;
  const char *text;
  int error;

  if ((error = field(s, key, 1, "a disk name such as nas-0-hdd-3 or nas-0-ssd-0", &v, &text)) <= 0)
    return error;
  /* HDDs or SSDs: golden images and pools may sit on either tier. */
  if (vs_placement_device_parse(sc, text, disk) != 0)
    return fail(s->ld, v, key, "'%s' is not a disk of this scenario (expected a name such as %s)",
                vs_quote(text, q, sizeof(q)),
                vs_placement_disk_name(sc, vs_scenario_total_hdds(sc) - 1, example, sizeof(example)));
  return 0;
}

/* pool.golden[i]: {name, kind, size, golden, pool, count}. */
static int load_pool_image(vs_loader *ld, yaml_node_t *node, vs_scenario *sc, vs_pool_image *img, size_t index)
{
  static const char *const keys[] = {"name", "kind", "size", "golden", "pool", "count", NULL};
  static const char *const kinds[] = {"system", "user", NULL};
  char q[VS_QUOTE_MAX + 8];
  vs_section s;
  int kind = VS_POOL_SYSTEM, error, golden_owner, pool_owner, local;

  img->line = (int)node->start_mark.line + 1;
  if ((error = section_open(&s, ld, node, keys)) < 0)
    return error;
  if (!section_value(&s, "name"))
    return fail(ld, node, "name", "missing required key (expected the image kind's name)");
  if ((error = get_string(&s, "name", &img->name)) < 0 || (error = get_enum(&s, "kind", 1, kinds, &kind)) < 0 ||
      (error = get_quantity(&s, "size", VS_UNIT_BYTES, 1, &bound_image, &img->size_B)) < 0 ||
      (error = get_disk(&s, "golden", sc, &img->golden_disk)) < 0 ||
      (error = get_disk(&s, "pool", sc, &img->pool_disk)) < 0 ||
      (error = get_int(&s, "count", 1, 1, VS_POOL_MAX_COUNT, &img->count)) < 0)
    return error;
  img->kind = (vs_pool_image_kind)kind;
  for (size_t i = 0; i < index; i++)
    if (!strcmp(sc->pool->images[i].name, img->name))
      return fail(ld, section_value(&s, "name"), "name", "'%s' names two image kinds (first at line %d)",
                  vs_quote(img->name, q, sizeof(q)), sc->pool->images[i].line);
  /* Local disks have no route between hosts: a copy stays on its host. */
  vs_placement_disk_owner(sc, img->golden_disk, &golden_owner, &local);
  vs_placement_disk_owner(sc, img->pool_disk, &pool_owner, &local);
  if (sc->storage.kind == VS_STORAGE_LOCAL && golden_owner != pool_owner)
    return fail(ld, section_value(&s, "pool"), "pool",
                "on another host than the golden image (expected a disk of host-%d: copies between hosts' "
                "local disks are not modelled)", golden_owner);
  return 0;
}

static int load_pool_images(vs_loader *ld, yaml_node_t *seq, vs_scenario *sc)
{
  vs_pool_spec *p = sc->pool;
  size_t n = sequence_len(seq), old;
  int error = 0;

  if (n > VS_POOL_MAX_IMAGES)
    return fail(ld, seq, NULL, "%zu image kinds is too many (expected at most %d)", n, VS_POOL_MAX_IMAGES);
  if (!(p->images = calloc(n, sizeof(*p->images))))
    return no_memory();
  for (size_t i = 0; i < n && error == 0; i++) {
    yaml_node_t *item = sequence_item(ld, seq, i);
    old = path_push_index(ld, i);
    p->n_images = i + 1;
    error = item ? load_pool_image(ld, item, sc, &p->images[i], i) : fail(ld, seq, NULL, "malformed sequence");
    path_pop(ld, old);
  }
  return error;
}

/* pool.refill: immediate, {off_peak: {from, to}} or {batched: {count, every}}. */
static int load_pool_refill(vs_loader *ld, yaml_node_t *node, vs_scenario *sc)
{
  static const char *const scalars[] = {"immediate", NULL};
  static const char *const forms[] = {"off_peak", "batched", NULL};
  static const char *const window[] = {"from", "to", NULL};
  static const char *const batch[] = {"count", "every", NULL};
  vs_pool_refill *r = &sc->pool->refill;
  vs_section s, w;
  size_t old;
  int error;

  if (node->type == YAML_SCALAR_NODE) {
    char q[VS_QUOTE_MAX + 8];
    if (strcmp(scalar_text(node), scalars[0]) != 0)
      return fail(ld, node, NULL, "bad value '%s' (expected immediate, {off_peak: {from, to}} or "
                  "{batched: {count, every}})", vs_quote(scalar_text(node), q, sizeof(q)));
    r->kind = VS_REFILL_IMMEDIATE;
    return 0;
  }
  if ((error = section_open(&s, ld, node, forms)) < 0)
    return error;
  if (!!section_value(&s, "off_peak") + !!section_value(&s, "batched") != 1)
    return fail(ld, node, NULL, "expected exactly one of off_peak, batched");
  if (section_value(&s, "off_peak")) {
    r->kind = VS_REFILL_OFF_PEAK;
    old = path_push(ld, "off_peak");
    if ((error = section_open(&w, ld, section_value(&s, "off_peak"), window)) == 0 &&
        (error = get_quantity(&w, "from", VS_UNIT_CLOCK, 1, &bound_non_negative, &r->from_s)) == 0 &&
        (error = get_quantity(&w, "to", VS_UNIT_CLOCK, 1, &bound_non_negative, &r->to_s)) == 0 &&
        fmod(r->from_s, 86400.0) == fmod(r->to_s, 86400.0))
      error = fail(ld, section_value(&w, "to"), "to", "the window is empty (expected a 'to' other than 'from')");
  } else {
    r->kind = VS_REFILL_BATCHED;
    old = path_push(ld, "batched");
    if ((error = section_open(&w, ld, section_value(&s, "batched"), batch)) == 0 &&
        (error = get_int(&w, "count", 1, 1, VS_POOL_MAX_COUNT, &r->batch_count)) == 0)
      error = get_quantity(&w, "every", VS_UNIT_DURATION, 1, &bound_every, &r->batch_every_s);
  }
  path_pop(ld, old);
  return error;
}

static int load_pool_preparer(vs_loader *ld, yaml_node_t *node, vs_scenario *sc)
{
  static const char *const keys[] = {"parallel", "chunks", NULL};
  vs_section s;
  int error;

  if ((error = section_open(&s, ld, node, keys)) < 0 ||
      (error = get_int(&s, "parallel", 0, 1, 1000, &sc->pool->parallel)) < 0 ||
      (error = get_int(&s, "chunks", 0, 1, 1024, &sc->pool->chunks)) < 0)
    return error;
  return 0;
}

/* An image kind named under `key`, of the kind the key asks for. */
static int get_image_ref(vs_section *s, const char *key, const vs_pool_spec *p, vs_pool_image_kind kind, int *out)
{
  char q[VS_QUOTE_MAX + 8];
  yaml_node_t *v;
  const char *text;
  int error, i;

  if ((error = field(s, key, 1, kind == VS_POOL_SYSTEM ? "a system image kind of pool.golden" :
                                "a user image kind of pool.golden", &v, &text)) <= 0)
    return error;
  if ((i = vs_pool_spec_find(p, text)) < 0)
    return fail(s->ld, v, key, "unknown image kind '%s' (expected a name of pool.golden)",
                vs_quote(text, q, sizeof(q)));
  if (p->images[i].kind != kind)
    return fail(s->ld, v, key, "'%s' is a %s image (expected a %s image)", vs_quote(text, q, sizeof(q)),
                p->images[i].kind == VS_POOL_SYSTEM ? "system" : "user", kind == VS_POOL_SYSTEM ? "system" : "user");
  *out = i;
  return 0;
}

static int pool_add_request(vs_pool_spec *p, double at_s, int system, int user)
{
  if (p->n_requests % 256 == 0) {
    vs_pool_request *grown = realloc(p->requests, (p->n_requests + 256) * sizeof(*grown));
    if (!grown)
      return no_memory();
    p->requests = grown;
  }
  p->requests[p->n_requests] =
      (vs_pool_request){.at_s = at_s, .system = system, .user = user, .id = (int)p->n_requests};
  p->n_requests++;
  return 0;
}

/* pool.requests[i]: a burst {at, count} or timed arrivals {from, to, every}. */
static int load_pool_request(vs_loader *ld, yaml_node_t *node, vs_scenario *sc)
{
  static const char *const keys[] = {"at", "count", "from", "to", "every", "system", "user", NULL};
  vs_pool_spec *p = sc->pool;
  vs_section s;
  double at = 0, from = 0, to = 0, every = 0;
  int error, system = 0, user = 0, count = 1, n;
  char a[32], b[32];

  if ((error = section_open(&s, ld, node, keys)) < 0 ||
      (error = get_image_ref(&s, "system", p, VS_POOL_SYSTEM, &system)) < 0 ||
      (error = get_image_ref(&s, "user", p, VS_POOL_USER, &user)) < 0)
    return error;
  if (section_value(&s, "at")) {
    static const char why[] = "not allowed in a burst (expected either at + count, or from + to + every)";
    if ((error = reject_key(&s, "from", why)) < 0 || (error = reject_key(&s, "to", why)) < 0 ||
        (error = reject_key(&s, "every", why)) < 0 ||
        (error = get_quantity(&s, "at", VS_UNIT_CLOCK, 1, &bound_non_negative, &at)) < 0 ||
        (error = get_int(&s, "count", 0, 1, VS_POOL_MAX_REQUESTS, &count)) < 0)
      return error;
    n = count;
    every = 0;
  } else {
    if (!section_value(&s, "from"))
      return fail(ld, node, NULL, "no arrival time (expected at: HH:MM, or from + to + every)");
    if ((error = reject_key(&s, "count", "not allowed with timed arrivals (expected from + to + every)")) < 0 ||
        (error = get_quantity(&s, "from", VS_UNIT_CLOCK, 1, &bound_non_negative, &from)) < 0 ||
        (error = get_quantity(&s, "to", VS_UNIT_CLOCK, 1, &bound_non_negative, &to)) < 0 ||
        (error = get_quantity(&s, "every", VS_UNIT_DURATION, 1, &bound_every, &every)) < 0)
      return error;
    if (to <= from)
      return fail(ld, section_value(&s, "to"), "to", "%s is not after from %s (expected a later time)",
                  vs_clock_format(to, a, sizeof(a)), vs_clock_format(from, b, sizeof(b)));
    at = from;
    n = (int)ceil((to - from) / every - 1e-9);
    if (n > VS_POOL_MAX_REQUESTS)
      n = VS_POOL_MAX_REQUESTS + 1;
  }
  if (p->fill && at < p->fill_at_s) {
    yaml_node_t *k = section_value(&s, "at") ? section_value(&s, "at") : section_value(&s, "from");
    return fail(ld, k, section_value(&s, "at") ? "at" : "from",
                "%s is before the initial fill starts at %s (expected a time >= pool.fill_at)",
                vs_clock_format(at, a, sizeof(a)), vs_clock_format(p->fill_at_s, b, sizeof(b)));
  }
  if (p->n_requests + (size_t)n > VS_POOL_MAX_REQUESTS)
    return fail(ld, node, NULL, "more than %d requests in total (expected fewer)", VS_POOL_MAX_REQUESTS);
  for (int i = 0; i < n; i++)
    if ((error = pool_add_request(p, at + i * every, system, user)) < 0)
      return error;
  return 0;
}

static int by_arrival(const void *a, const void *b)
{
  const vs_pool_request *x = a, *y = b;
  if (x->at_s != y->at_s)
    return x->at_s < y->at_s ? -1 : 1;
  return x->id - y->id; /* ties keep declaration order */
}

static int load_pool(vs_loader *ld, yaml_node_t *node, vs_scenario *sc)
{
  static const char *const keys[] = {"golden", "handler", "preparer", "refill", "fill_at", "requests", NULL};
  yaml_node_t *golden = NULL, *requests = NULL;
  vs_section s;
  size_t old;
  int error, systems = 0, users = 0;

  if (!(sc->pool = calloc(1, sizeof(*sc->pool))))
    return no_memory();
  sc->pool->parallel = 2;
  sc->pool->chunks = 16;
  sc->pool->refill.kind = VS_REFILL_IMMEDIATE;
  if ((error = section_open(&s, ld, node, keys)) < 0 ||
      (error = get_sequence(&s, "golden", "a sequence of {name, kind, size, golden, pool, count} image kinds",
                            &golden)) < 0 ||
      (error = get_quantity(&s, "handler", VS_UNIT_DURATION, 0, &bound_handler, &sc->pool->handler_s)) < 0)
    return error;
  if (!golden)
    return fail(ld, node, "golden", "missing required key (expected a sequence of image kinds)");
  old = path_push(ld, "golden");
  error = load_pool_images(ld, golden, sc);
  path_pop(ld, old);
  if (error < 0)
    return error;
  for (size_t i = 0; i < sc->pool->n_images; i++)
    sc->pool->images[i].kind == VS_POOL_SYSTEM ? systems++ : users++;
  if (!systems || !users)
    return fail(ld, golden, "golden", "no %s image (expected at least one system and one user image kind)",
                systems ? "user" : "system");
  if ((error = load_child(&s, "preparer", 0, load_pool_preparer, sc)) < 0 ||
      (error = load_child(&s, "refill", 0, load_pool_refill, sc)) < 0)
    return error;
  if (section_value(&s, "fill_at")) {
    if ((error = get_quantity(&s, "fill_at", VS_UNIT_CLOCK, 1, &bound_non_negative, &sc->pool->fill_at_s)) < 0)
      return error;
    sc->pool->fill = 1;
  }
  if ((error = get_sequence(&s, "requests", "a sequence of {at, count, system, user} or {from, to, every, system, "
                            "user} requests", &requests)) < 0)
    return error;
  if (!requests)
    return fail(ld, node, "requests", "missing required key (expected a sequence of creation requests)");
  old = path_push(ld, "requests");
  error = 0;
  for (size_t i = 0; i < sequence_len(requests) && error == 0; i++) {
    yaml_node_t *item = sequence_item(ld, requests, i);
    size_t at = path_push_index(ld, i);
    error = item ? load_pool_request(ld, item, sc) : fail(ld, requests, NULL, "malformed sequence");
    path_pop(ld, at);
  }
  path_pop(ld, old);
  if (error < 0)
    return error;
  qsort(sc->pool->requests, sc->pool->n_requests, sizeof(*sc->pool->requests), by_arrival);
  return 0;
}

static int load_root(vs_loader *ld, yaml_node_t *root, vs_scenario *sc)
{
  static const char *const keys[] = {"name", "description", "seed", "hosts", "storage", "hdd", "ssd",
                                     "boot", "storm", "workload", "energy", "dpm", "real", "pool",
                                     "plan", NULL};
  vs_section s;
  long seed = (long)sc->seed;
  int error;

  if ((error = section_open(&s, ld, root, keys)) < 0 ||
      (error = get_string(&s, "name", &sc->name)) < 0 ||
      (error = get_string(&s, "description", &sc->description)) < 0 ||
      (error = get_long(&s, "seed", 0, 0, LONG_MAX, &seed)) < 0)
    return error;
  sc->seed = (unsigned long)seed;
  /* hosts before storage: the HDD total of local storage needs hosts.count. */
  if ((error = load_child(&s, "hosts", 1, load_hosts, sc)) < 0 ||
      (error = load_child(&s, "storage", 1, load_storage, sc)) < 0 ||
      (error = load_child(&s, "hdd", 1, load_hdd, sc)) < 0 ||
      (error = load_child(&s, "ssd", 0, load_ssd, sc)) < 0 ||
      (error = check_ssds(&s, sc)) < 0 ||
      (error = load_child(&s, "boot", 1, load_boot, sc)) < 0 ||
      (error = load_child(&s, "storm", 0, load_storm, sc)) < 0 ||
      (error = load_child(&s, "workload", 0, load_workload, sc)) < 0 ||
      (error = load_child(&s, "energy", 0, load_energy, sc)) < 0 ||
      (error = load_child(&s, "dpm", 0, load_dpm, sc)) < 0 ||
      (error = load_child(&s, "real", 0, load_real, sc)) < 0 ||
      (error = load_child(&s, "pool", 0, load_pool, sc)) < 0 ||
      (error = load_child(&s, "plan", 0, load_plan, sc)) < 0)
    return error;
  return 0;
}

/* ------------------------------------------------------------------------ */
/* Entry points                                                              */

/* "dir/boot-storm.yaml" -> "boot-storm". */
static char *default_name(const char *file)
{
  const char *base = strrchr(file, '/');
  size_t n;

  base = base ? base + 1 : file;
  n = strlen(base);
  if (n > 5 && strcmp(base + n - 5, ".yaml") == 0)
    n -= 5;
  else if (n > 4 && strcmp(base + n - 4, ".yml") == 0)
    n -= 4;
  return strndup(base, n);
}

static void set_defaults(vs_scenario *sc)
{
  sc->seed = 1;
  sc->hosts.nic_Bps = 10e9 / 8;
  sc->hosts.nic_latency_s = 50e-6;
  sc->storage.nas_count = 1;
  sc->storage.link_latency_s = 100e-6;
  sc->storage.placement = VS_PLACE_SPREAD;
  sc->storage.vms_per_hdd = 0;
  sc->boot.chunks = 64;
  sc->dpm.min_hosts_on = 1;
  sc->boot.cpu_threads = 1;
  sc->storm.max_slowdown = 1.2;
  sc->storm.cpu_window_s = 5.0;
  sc->real.domain_type = VS_DOMAIN_AUTO;
  sc->real.memory_B = 256.0 * 1024 * 1024;
  sc->real.vcpus = 1;
  sc->real.disk = VS_DISK_LINKED_CLONE;
  sc->real.working_set_B = 64e6;
  sc->real.boot_timeout_s = 300;
}

/* libyaml reports decoding errors as a byte offset rather than a mark. */
static void offset_to_position(const char *buf, size_t len, size_t offset, unsigned long *line,
                               unsigned long *col)
{
  size_t i;

  *line = 1;
  *col = 1;
  for (i = 0; i < offset && i < len; i++) {
    if (buf[i] == '\n') {
      ++*line;
      *col = 1;
    } else {
      ++*col;
    }
  }
}

static int syntax_error(const yaml_parser_t *p, const char *file, const char *buf, size_t len)
{
  char msg[VS_MESSAGE_MAX];
  unsigned long line = p->problem_mark.line + 1, col = p->problem_mark.column + 1;
  const char *problem = p->problem ? p->problem : "unknown problem";

  if (p->error == YAML_MEMORY_ERROR)
    return no_memory();
  if (p->error == YAML_READER_ERROR)
    offset_to_position(buf, len, p->problem_offset, &line, &col);
  if (p->context)
    snprintf(msg, sizeof(msg), "%s:%lu:%lu: YAML syntax error: %s (%s started at %lu:%lu)", file,
             line, col, problem, p->context, (unsigned long)p->context_mark.line + 1,
             (unsigned long)p->context_mark.column + 1);
  else
    snprintf(msg, sizeof(msg), "%s:%lu:%lu: YAML syntax error: %s", file, line, col, problem);
  one_line(msg);
  return vs_error_set(VS_EINPUT, "%s", msg);
}

/* A scenario is one document; a second one is almost certainly a mistake
 * (two files concatenated) and would otherwise be silently ignored. */
static int check_single_document(yaml_parser_t *p, const char *file, const char *buf,
                                 size_t len)
{
  yaml_document_t extra;
  yaml_node_t *root;
  int error = 0;

  if (!yaml_parser_load(p, &extra))
    return syntax_error(p, file, buf, len);
  if ((root = yaml_document_get_root_node(&extra)))
    error = vs_error_set(VS_EINPUT,
                         "%s:%lu:%lu: a second YAML document (expected a single scenario per file)",
                         file, (unsigned long)root->start_mark.line + 1,
                         (unsigned long)root->start_mark.column + 1);
  yaml_document_delete(&extra);
  return error;
}

static int parse_document(vs_loader *ld, vs_scenario *sc, const char *buf, size_t len)
{
  yaml_parser_t parser;
  yaml_document_t doc;
  yaml_node_t *root;
  int error = 0, have_doc = 0;

  if (!yaml_parser_initialize(&parser))
    return no_memory();
  yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);
  if (!yaml_parser_load(&parser, &doc)) {
    error = syntax_error(&parser, ld->file, buf, len);
    goto cleanup;
  }
  have_doc = 1;
  ld->doc = &doc;
  if (!(root = yaml_document_get_root_node(&doc))) {
    error = vs_error_set(VS_EINPUT, "%s:1:1: empty scenario (expected a mapping with keys "
                         "hosts, storage, hdd, boot, ...)", ld->file);
    goto cleanup;
  }
  if ((error = check_single_document(&parser, ld->file, buf, len)) < 0)
    goto cleanup;
  /* Overrides edit the document; adding nodes may move them, so look the root up again. */
  if (ld->opts && ld->opts->edit && (error = ld->opts->edit(ld->opts->ctx, &doc)) < 0)
    goto cleanup;
  root = yaml_document_get_root_node(&doc);
  error = load_root(ld, root, sc);

cleanup:
  ld->doc = NULL;
  if (have_doc)
    yaml_document_delete(&doc);
  yaml_parser_delete(&parser);
  return error;
}

static int load_buffer(vs_scenario **out, const char *buf, size_t len, const char *name,
                       const vs_scenario_load_options *opts)
{
  vs_loader ld;
  vs_scenario *sc = NULL;
  int error;

  if (!out || (!buf && len))
    return vs_error_set(VS_ERROR, "vs_scenario_load_buffer: invalid arguments");
  *out = NULL;
  if (!name)
    name = "<buffer>";
  memset(&ld, 0, sizeof(ld));
  ld.file = name;
  ld.opts = opts;

  if (!(sc = calloc(1, sizeof(*sc))) || !(sc->path = strdup(name)) ||
      !(sc->name = default_name(name))) {
    error = no_memory();
    goto cleanup;
  }
  set_defaults(sc);
  if ((error = parse_document(&ld, sc, buf ? buf : "", len)) < 0 || (error = default_class(sc)) < 0)
    goto cleanup;
  *out = sc;
  sc = NULL;

cleanup:
  vs_scenario_free(sc);
  return error;
}

int vs_scenario_load_buffer(vs_scenario **out, const char *buf, size_t len, const char *name)
{
  return load_buffer(out, buf, len, name, NULL);
}

static int read_file(const char *path, char **out, size_t *out_len)
{
  FILE *f = NULL;
  char *buf = NULL, *grown;
  size_t len = 0, cap = 0, n;
  int error = 0;

  if (!(f = vs_fs_open_regular(path))) {
    error = VS_EIO;
    goto cleanup;
  }
  for (;;) {
    if (len == cap) {
      cap = cap ? cap * 2 : 4096;
      if (cap > (size_t)VS_SCENARIO_MAX_BYTES + 1)
        cap = (size_t)VS_SCENARIO_MAX_BYTES + 1;
      if (len == cap) {
        error = vs_error_set(VS_EINPUT, "%s: file is too large (expected a scenario under %ld MiB)",
                             path, VS_SCENARIO_MAX_BYTES >> 20);
        goto cleanup;
      }
      if (!(grown = realloc(buf, cap))) {
        error = no_memory();
        goto cleanup;
      }
      buf = grown;
    }
    errno = 0;
    n = fread(buf + len, 1, cap - len, f);
    len += n;
    if (n == 0) {
      if (ferror(f))
        error = vs_error_set(VS_EIO, "%s: cannot read: %s", path,
                             strerror(errno ? errno : EIO));
      break;
    }
  }
  if (error == 0) {
    *out = buf;
    *out_len = len;
    buf = NULL;
  }

cleanup:
  if (f)
    fclose(f);
  free(buf);
  return error;
}

int vs_scenario_load(vs_scenario **out, const char *path)
{
  return vs_scenario_load_opts(out, path, NULL);
}

int vs_scenario_load_opts(vs_scenario **out, const char *path, const vs_scenario_load_options *opts)
{
  char *buf = NULL;
  size_t len = 0;
  int error;

  if (!out || !path)
    return vs_error_set(VS_ERROR, "vs_scenario_load: invalid arguments");
  *out = NULL;
  if ((error = read_file(path, &buf, &len)) < 0)
    goto cleanup;
  error = load_buffer(out, buf, len, path, opts);

cleanup:
  free(buf);
  return error;
}

void vs_scenario_free(vs_scenario *sc)
{
  if (!sc)
    return;
  for (size_t i = 0; i < sc->n_classes; i++) {
    free(sc->classes[i].name);
    free(sc->classes[i].image);
  }
  free(sc->classes);
  vs_purchase_free(sc->plan);
  free(sc->path);
  free(sc->name);
  free(sc->description);
  free(sc->hdd.curve);
  free(sc->ssd.curve);
  free(sc->workload.points);
  if (sc->workload.forecast) {
    free(sc->workload.forecast->model);
    free(sc->workload.forecast->date);
    free(sc->workload.forecast);
  }
  for (size_t i = 0; i < sc->real.n_uris; i++)
    free(sc->real.uris[i]);
  free(sc->real.uris);
  free(sc->real.image_dir);
  vs_pool_spec_free(sc->pool);
  free(sc);
}

/* A workload without classes has one: "default", with the scenario's boot. */
static int default_class(vs_scenario *sc)
{
  if (sc->n_classes)
    return 0;
  if (!(sc->classes = calloc(1, sizeof(*sc->classes))) || !(sc->classes[0].name = strdup("default")) ||
      !(sc->classes[0].image = strdup("default")))
    return no_memory();
  sc->n_classes = 1;
  sc->classes[0].boot = sc->boot;
  return 0;
}

typedef struct {
  double frac;
  int cls;
} share_rest;

static int by_remainder(const void *a, const void *b)
{
  const share_rest *x = a, *y = b;
  return x->frac != y->frac ? (x->frac > y->frac ? -1 : 1) : x->cls - y->cls;
}

int vs_scenario_apply_shares(vs_scenario *sc)
{
  vs_workload *w = &sc->workload;
  size_t n = 0, c = sc->n_classes;
  vs_demand_point *split;

  if (c == 0 || sc->classes[0].share <= 0 || !w->len)
    return 0;
  if (!(split = calloc(w->len * c, sizeof(*split))))
    return no_memory();
  for (size_t p = 0; p < w->len; p++) {
    share_rest rem[VS_MAX_CLASSES];
    int given = 0, counts[VS_MAX_CLASSES];
    for (size_t k = 0; k < c; k++) {
      double exact = w->points[p].vms * sc->classes[k].share;
      counts[k] = (int)floor(exact);
      given += counts[k];
      rem[k] = (share_rest){exact - counts[k], (int)k};
    }
    /* Largest remainders: the classes' VMs add up to the point's. */
    qsort(rem, c, sizeof(*rem), by_remainder);
    for (size_t k = 0; given < w->points[p].vms; k = (k + 1) % c, given++)
      counts[rem[k].cls]++;
    for (size_t k = 0; k < c; k++)
      if (counts[k] > 0)
        split[n++] = (vs_demand_point){w->points[p].ready_by_s, counts[k], (int)k, w->points[p].line};
  }
  free(w->points);
  w->points = split;
  w->len = n;
  return 0;
}

int vs_scenario_total_hdds(const vs_scenario *sc)
{
  long long per, total;

  if (!sc)
    return 0;
  per = sc->storage.kind == VS_STORAGE_NAS ? sc->storage.nas_count : sc->hosts.count;
  total = per * (long long)sc->storage.hdds;
  return total > INT_MAX ? INT_MAX : (int)total;
}

int vs_scenario_total_ssds(const vs_scenario *sc)
{
  if (!sc)
    return 0;
  long long per = sc->storage.kind == VS_STORAGE_NAS ? sc->storage.nas_count : sc->hosts.count;
  long long total = per * (long long)sc->storage.ssds;
  return total > INT_MAX ? INT_MAX : (int)total;
}

int vs_scenario_total_devices(const vs_scenario *sc)
{
  long long total = (long long)vs_scenario_total_hdds(sc) + vs_scenario_total_ssds(sc);
  return total > INT_MAX ? INT_MAX : (int)total;
}

const vs_hdd_model *vs_scenario_device_model(const vs_scenario *sc, int dev)
{
  return dev < vs_scenario_total_hdds(sc) ? &sc->hdd : &sc->ssd;
}

int vs_scenario_reads_hdd_uncached(const vs_scenario *sc)
{
  return sc->storage.boot_from == VS_TIER_HDD &&
         (sc->storage.cache.at == VS_CACHE_NONE || sc->storage.cache.clones == VS_CLONES_FULL);
}

int vs_scenario_total_vms(const vs_scenario *sc)
{
  long long total = 0;
  size_t i;

  if (!sc)
    return 0;
  for (i = 0; i < sc->workload.len; i++)
    total += sc->workload.points[i].vms;
  return total > INT_MAX ? INT_MAX : (int)total;
}

double vs_scenario_hdd_factor(const vs_hdd_model *hdd, int readers)
{
  const vs_hdd_point *c;
  size_t i;

  if (!hdd || !hdd->curve || hdd->curve_len == 0)
    return 1.0;
  c = hdd->curve;
  if (readers <= c[0].readers)
    return c[0].factor;
  for (i = 1; i < hdd->curve_len; i++) {
    if (readers <= c[i].readers) {
      double t = (double)(readers - c[i - 1].readers) / (double)(c[i].readers - c[i - 1].readers);
      return c[i - 1].factor + t * (c[i].factor - c[i - 1].factor);
    }
  }
  return c[hdd->curve_len - 1].factor;
}

/* A scenario's `plan:` section: what may be bought, at what price, and the
 * goal the cheapest plan must meet (study/plan.h searches it).
 *
 *   plan:
 *     goal: {on_time: 1.0, storm: false}
 *     policy: jit
 *     options:
 *       - {name: "+1 HDD per NAS", price: 300, max: 8, set: {storage.hdds: +1}}
 *       - {name: "NAS uplink 10Gbps", price: 2000, set: {storage.link_bw: 10Gbps}}
 *
 * Each option is a set of scenario overrides (scenario/override.h): `+N`
 * adds N per unit bought to the file's whole number, anything else is the
 * value itself (such an option is bought once: max 1). Plain C. */
#ifndef VS_PURCHASE_H
#define VS_PURCHASE_H

#include <stddef.h>

struct yaml_document_s;
struct yaml_node_s;

#define VS_PURCHASE_MAX_OPTIONS 16
#define VS_PURCHASE_MAX_UNITS 1000
#define VS_PURCHASE_MAX_COMBINATIONS 100000

typedef struct {
  char *key;
  char *value;   /* absolute value text; NULL when relative */
  long step;     /* relative: added per unit bought */
} vs_purchase_set;

typedef struct {
  char *name;
  double price;  /* per unit */
  int max;       /* units that may be bought (default 1) */
  vs_purchase_set *sets;
  size_t n_sets;
  char where[256]; /* "FILE:LINE:COL: plan.options[i]" for messages about its values */
} vs_purchase_option;

typedef struct vs_purchase {
  double goal_on_time;  /* fraction of VMs ready by their deadline (default 1) */
  int storm_ok;         /* goal.storm: true allows a storm (default false: none) */
  char *policy;         /* the schedule judged: jit (default), braids-waves or all-at-once */
  vs_purchase_option *options;
  size_t n_options;
} vs_purchase;

/* Parse the section at `node` of `doc` (errors "FILE:LINE:COL: plan.KEY:
 * what is wrong (expected ...)"). */
int vs_purchase_load(vs_purchase **out, const char *file, struct yaml_document_s *doc, struct yaml_node_s *node);
void vs_purchase_free(vs_purchase *p);

/* The combinations: the product of (max + 1) over the options. */
size_t vs_purchase_combinations(const vs_purchase *p);

/* "KEY=VALUE" / "KEY+=N" for `units` of option `i` (none for 0 units),
 * appended to *sets (grown with vs_array_reserve). */
int vs_purchase_sets(const vs_purchase *p, size_t i, int units, char ***sets, size_t *n, size_t *cap);

#endif

/* The image pool of a scenario (ETRI's fast desktop creation): golden
 * images, a pool of ready copies of each, the preparer that copies
 * replacements, and the creation requests. Loaded by scenario.c from the
 * `pool:` section; plain C. Clock times are seconds since midnight. */
#ifndef VS_SCENARIO_POOL_H
#define VS_SCENARIO_POOL_H

#include <stddef.h>

#define VS_POOL_MAX_IMAGES 64
#define VS_POOL_MAX_COUNT 10000
#define VS_POOL_MAX_REQUESTS 10000

typedef enum { VS_POOL_SYSTEM, VS_POOL_USER } vs_pool_image_kind;

/* One image kind: a golden image and the pool of its ready copies. */
typedef struct {
  char *name;               /* "win7-20G" */
  vs_pool_image_kind kind;  /* a system image (OS, size) or a user-data image (size) */
  double size_B;            /* bytes a copy reads and writes */
  int golden_disk;          /* global disk index holding the golden image */
  int pool_disk;            /* global disk index holding the pool's copies */
  int count;                /* pool size: ready copies kept, >= 1 */
  int line;                 /* source line, for messages */
} vs_pool_image;

/* When the preparer may start copies that replace taken images. */
typedef enum { VS_REFILL_IMMEDIATE, VS_REFILL_OFF_PEAK, VS_REFILL_BATCHED } vs_pool_refill_kind;

typedef struct {
  vs_pool_refill_kind kind;
  double from_s, to_s;      /* off-peak: copies start only in [from, to) (clock; wraps midnight when from > to) */
  int batch_count;          /* batched: at most this many copies start ... */
  double batch_every_s;     /* ... per period (periods start at clock times that are multiples of it) */
} vs_pool_refill;

/* One creation: a system image and a user image, taken at once. */
typedef struct {
  double at_s;              /* clock time it arrives */
  int system, user;         /* image indices (vs_pool_spec.images) */
  int id;                   /* declaration order, 0 .. n_requests-1 */
} vs_pool_request;

typedef struct vs_pool_spec {
  vs_pool_image *images;
  size_t n_images;
  double handler_s;         /* the creation handler's own time per request (serial) */
  int parallel;             /* copies the preparer runs at once (default 2) */
  int chunks;               /* a copy is streamed in this many chunks (default 16) */
  vs_pool_refill refill;    /* default immediate */
  int fill;                 /* fill_at given: the pools start empty and fill from fill_at */
  double fill_at_s;
  vs_pool_request *requests; /* sorted by arrival (stable) */
  size_t n_requests;
} vs_pool_spec;

void vs_pool_spec_free(vs_pool_spec *p);
/* Index of the image named `name`, or -1. */
int vs_pool_spec_find(const vs_pool_spec *p, const char *name);

#endif

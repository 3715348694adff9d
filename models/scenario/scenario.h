/* The scenario model: hardware, boot profile, storm policy and workload,
 * loaded from a YAML file. All quantities are stored in SI units (bytes,
 * seconds, flops). Plain C, no SimGrid. */
#ifndef VS_SCENARIO_H
#define VS_SCENARIO_H

#include <stddef.h>

typedef enum { VS_STORAGE_LOCAL, VS_STORAGE_NAS } vs_storage_kind;

#define VS_MAX_CPU_THREADS 16

/* How VM images are laid out over the HDDs:
 *  SPREAD: VM i reads from HDD i mod (all HDDs) -- one VM per HDD while k <= HDDs;
 *  PACK:   VM i reads from HDD (i / vms_per_hdd) -- fill one HDD before the next. */
typedef enum { VS_PLACE_SPREAD, VS_PLACE_PACK } vs_placement;

/* The tier boots read from: each VM's own image on the HDDs, or a replica of
 * the golden image on the SSDs beside them (VDI products' replica tier:
 * linked clones on HDD, their shared base on SSD). */
typedef enum { VS_TIER_HDD, VS_TIER_SSD } vs_tier;

/* A read cache of the golden (base) image: none, one per compute host (a
 * host page cache or read cache shared by the host's VMs), or one per NAS. */
typedef enum { VS_CACHE_NONE, VS_CACHE_HOST, VS_CACHE_NAS } vs_cache_at;
/* Linked clones read the same base blocks (a cache shares them); full copies
 * share nothing (each VM's blocks are its own). */
typedef enum { VS_CLONES_LINKED, VS_CLONES_FULL } vs_clones;

/* One point of the HDD concurrency curve: with `readers` interleaved streams
 * the HDD delivers read_bw * factor in total. */
typedef struct {
  int readers;
  double factor;
} vs_hdd_point;

typedef struct {
  int count;            /* compute hosts, >= 1 */
  int cores;            /* per host, >= 1 */
  double core_fps;    /* flops/s per core */
  double nic_Bps;        /* bytes/s, each host's storage-network port (default 10Gbps) */
  double nic_latency_s;   /* s (default 50us) */
  int vm_slots;         /* desktops a host can run (HA admission, DPM consolidation); 0 = no limit */
  double power_on_s;    /* a powered-off host's boot time (DPM); 0 = hosts are always on */
  double idle_W;        /* a powered-on host's draw; 0 = not given */
  double per_vm_W;      /* added per running desktop */
  double memory_B;      /* RAM per host; 0 = not given (bounds storage.cache.size) */
} vs_hosts;

typedef struct {
  vs_cache_at at;       /* default none */
  double size_B;        /* bytes of the base image the cache holds (per host or per NAS) */
  vs_clones clones;     /* default linked */
  int warm;             /* experiments start with the cache already filled (default: cold) */
} vs_cache;

typedef struct {
  vs_storage_kind kind;
  int nas_count;        /* NAS only; default 1 */
  int hdds;             /* HDDs per NAS (nas) or per host (local), >= 1 */
  double link_Bps;       /* bytes/s, each NAS's uplink (nas only, required there) */
  double link_latency_s;  /* s (default 100us) */
  vs_placement placement; /* default spread */
  int vms_per_hdd;      /* PACK only: images per HDD (default: as many as needed) */
  int ssds;             /* SSDs per NAS (nas) or per host (local), default 0 */
  vs_tier boot_from;    /* default hdd */
  vs_cache cache;
} vs_storage;

typedef struct {
  double read_Bps;       /* bytes/s: random-read throughput with one reader */
  vs_hdd_point *curve;  /* sorted by readers, strictly increasing; NULL = flat 1.0 */
  size_t curve_len;
} vs_hdd_model;

typedef struct {
  double read_B;      /* bytes read from the image while booting, > 0 */
  double cpu_work_f;        /* flops of guest work per boot (default 0) */
  double io_cpu_fpB; /* flops of host I/O handling per byte read (default 0) */
  double busy_cpu_fps;        /* flops/s a booting VM burns whatever its progress:
                             emulation, timers, spinning vCPU (default 0) */
  int chunks;             /* the boot is read in this many chunks (default 64) */
  double cpu_threads;     /* host cores a booting VM keeps busy at once: its working vCPUs and
                             QEMU's I/O thread, fractions allowed (1..VS_MAX_CPU_THREADS, default 1) */
  double jitter;          /* 0..0.5: per-VM spread of read_bytes/cpu_work (default 0) */
  double steady_cpu_fps;  /* a running desktop's steady CPU use, flops/s (failover: survivors are busy) */
  double steady_read_Bps; /* a running desktop's steady reads from its image, bytes/s */
} vs_boot_profile;

typedef struct {
  double max_slowdown;    /* > 1: tolerated slowdown vs the linear trend (default 1.2) */
  double cpu_window_s;      /* s: CPU counts as saturated when its mean over this
                             window reaches 100% (default 5s) */
} vs_storm_policy;

typedef struct {
  double ready_by_s;      /* seconds since midnight */
  int vms;                /* VMs that must be ready by then, >= 1 */
  int cls;                /* their desktop class (index into vs_scenario.classes) */
  int line;               /* source line, for messages */
} vs_demand_point;

/* A desktop class: VMs of one golden image and boot profile. A workload
 * without `classes` has one class, "default", with the scenario's boot. */
#define VS_MAX_CLASSES 16
typedef struct {
  char *name;
  char *image;            /* its golden image (default: the class name) */
  vs_boot_profile boot;   /* the scenario's boot section with the class's overrides */
  double share;           /* of the workload's demand, 0..1 (classes given by share); 0 otherwise */
  int priority;           /* HA restart order: higher first (0..100, default 0) */
  int line;
} vs_vm_class;

/* A workload taken from a usage forecast (resolved into demand points by
 * models/demand/workload.h, which commands load scenarios through). */
typedef struct {
  char *model;            /* path of a trained model (relative paths: to the scenario file) */
  char *date;             /* "YYYY-MM-DD" */
  double margin;          /* VMs added to every hour's forecast; < 0: the model's p95 residual */
  int line, col;          /* where the forecast section starts, for messages */
} vs_forecast_ref;

typedef struct {
  vs_demand_point *points; /* sorted by ready_by, then class; NULL/0 = no workload given */
  size_t len;
  double earliest_start_s;   /* s since midnight: no VM may be powered on before (default 0) */
  vs_forecast_ref *forecast; /* non-NULL: points come from a forecast (demand/workload.h) */
} vs_workload;

typedef struct {
  double vm_power_W;        /* W drawn by a powered-on, unused desktop; 0 = not given */
} vs_energy;

/* Distributed power management: hosts are off until a schedule needs them. */
typedef struct {
  int enabled;
  int min_hosts_on;         /* hosts kept on whatever the demand (default 1) */
} vs_dpm;

/* Settings of the live backend (real/), ignored by the simulator. */
typedef enum { VS_DISK_LINKED_CLONE, VS_DISK_FULL_COPY } vs_disk_mode;
typedef enum { VS_DOMAIN_AUTO, VS_DOMAIN_KVM, VS_DOMAIN_QEMU } vs_domain_type;

typedef struct {
  int present;            /* the scenario has a real: section */
  char **uris;            /* libvirt URIs VMs are spread over (default qemu:///system) */
  size_t n_uris;
  vs_domain_type domain_type; /* default auto: kvm where it works, else qemu */
  double memory_B;          /* bytes per VM (default 256MiB) */
  int vcpus;              /* default 1 */
  char *image_dir;        /* built guest (kernel, initramfs, base disk); default real/guest */
  vs_disk_mode disk;      /* default linked-clone */
  double working_set_B;     /* bytes the guest reads while booting (default 64MB) */
  double guest_cpu_work_f;  /* flops of busy work in the guest's boot (default 0) */
  double boot_timeout_s;    /* s (default 300s) */
  int host_cache;         /* real.cache: host: the disk's libvirt cache mode lets the host page cache
                             serve the base image (default none: cache='none', O_DIRECT) */
} vs_real_config;

struct vs_pool_spec; /* scenario/pool.h */

typedef struct vs_scenario {
  char *path;             /* as given to vs_scenario_load */
  char *name;             /* default: file name without .yaml */
  char *description;      /* may be NULL */
  unsigned long seed;     /* default 1 */
  vs_hosts hosts;
  vs_storage storage;
  vs_hdd_model hdd;
  vs_hdd_model ssd;       /* read_Bps 0 when the scenario has no SSDs; curve NULL = flat */
  vs_boot_profile boot;
  vs_storm_policy storm;
  vs_workload workload;
  vs_energy energy;
  vs_dpm dpm;
  vs_real_config real;
  vs_vm_class *classes;   /* at least one */
  size_t n_classes;
  struct vs_pool_spec *pool; /* the image pool (scenario/pool.h); NULL: none */
  struct vs_purchase *plan; /* the plan: section (scenario/purchase.h), or NULL */
} vs_scenario;

/* Load and validate a scenario file. On error returns VS_EINPUT (or VS_EIO for
 * an unreadable file) and vs_error_last() reads
 *   "FILE:LINE:COL: key.path: what is wrong (expected ...)". */
int vs_scenario_load(vs_scenario **out, const char *path);
/* Same, from a memory buffer; `name` stands in for the file name in messages. */
int vs_scenario_load_buffer(vs_scenario **out, const char *buf, size_t len, const char *name);
/* Loading with options: `edit` changes the parsed YAML document before it
 * is validated (scenario/override.h: `--set KEY=VALUE`). */
struct yaml_document_s;
typedef struct {
  int (*edit)(void *ctx, struct yaml_document_s *doc);
  void *ctx;
} vs_scenario_load_options;
#define VS_SCENARIO_LOAD_OPTIONS_INIT {.edit = NULL, .ctx = NULL}
int vs_scenario_load_opts(vs_scenario **out, const char *path, const vs_scenario_load_options *opts);
void vs_scenario_free(vs_scenario *sc);

/* Split every demand point among classes given by share (largest
 * remainders, so the counts add up); a no-op otherwise. The loader calls it,
 * and so does whatever replaces the demand points (a forecast). */
int vs_scenario_apply_shares(vs_scenario *sc);

/* Derived quantities. */
int vs_scenario_total_hdds(const vs_scenario *sc);   /* across all NAS or hosts */
int vs_scenario_total_ssds(const vs_scenario *sc);   /* across all NAS or hosts */
/* Storage devices the simulator models: the HDDs (0 .. HDDs-1), then the SSDs. */
int vs_scenario_total_devices(const vs_scenario *sc);
/* The concurrency model of device `dev` (HDD or SSD). */
const vs_hdd_model *vs_scenario_device_model(const vs_scenario *sc, int dev);
/* Boots read from the HDDs, with no cache in front: what the BRAIDS
 * threshold's one-VM-per-HDD rule and its linear trend assume. */
int vs_scenario_reads_hdd_uncached(const vs_scenario *sc);
int vs_scenario_total_vms(const vs_scenario *sc);    /* sum of the workload */
/* HDD throughput factor for `readers` concurrent streams: piecewise-linear
 * interpolation of the curve, flat beyond its ends, 1.0 without a curve. */
double vs_scenario_hdd_factor(const vs_hdd_model *hdd, int readers);

#endif

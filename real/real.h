/* The live backend: boot real VMs through libvirt/QEMU and measure them the
 * way the simulator reports (sim/sim.h), so that reports, plots and `regress`
 * work on either backend. Only real/ includes libvirt headers; this header
 * exposes none of its types.
 *
 *   vs_real_open()     connect to every URI of the scenario's real: section,
 *                      clean up what crashed runs left behind, pick the
 *                      domain type (kvm where it works, else qemu/TCG);
 *   vs_real_boot()     boot a plan of VMs (start times relative to the run),
 *                      detect readiness on each serial console, sample host
 *                      and VM CPU and disk reads once per second, and always
 *                      destroy the domains and remove their disks. */
#ifndef VS_REAL_H
#define VS_REAL_H

#include <stddef.h>
#include <stdio.h>

#include "scenario/scenario.h"

/* Console line the guest prints when its boot is done (real/guest/init.sh). */
#define VS_REAL_READY_MARKER "VDISTORM-READY"
#define VS_REAL_FAIL_MARKER "VDISTORM-FAIL"
/* Prefix of every domain name: vdistorm-<pid>-...; a dead pid marks leftovers. */
#define VS_REAL_PREFIX "vdistorm-"
/* Nominal cost of the guest's CPU work: it hashes (md5) one MB per this many
 * cycles of `guest_cpu_work`. Under TCG the real cost is far higher; the
 * calibration fits the simulator to what is measured, not to this figure. */
#define VS_REAL_CYCLES_PER_MB 5e6

typedef struct vs_real vs_real;

typedef struct {
  int progress;          /* one line per event on stderr */
  double probe_timeout;  /* s a KVM probe guest gets to print its marker (default 10) */
} vs_real_options;
#define VS_REAL_OPTIONS_INIT {0, 10.0}

/* One VM of a live plan. */
typedef struct {
  int vm;          /* caller's id, reported back */
  int host;        /* index into the scenario's URI list (taken modulo its length) */
  double start;    /* s after the run's start */
} vs_real_req;

typedef struct {
  int vm, host;
  double start;        /* s after the run's start: when it was powered on */
  double ready;        /* s after the run's start; < 0: never ready */
  double guest_uptime; /* the guest's own uptime at its marker (s), < 0 if unknown */
  double read_bytes;   /* virDomainBlockStats rd_bytes at the end */
  double read_reqs;
  char name[96];       /* domain name */
} vs_real_vm;

/* Once per second, like vs_sample. */
typedef struct {
  double t;
  int booting, ready;
  double cpu_util_mean, cpu_util_max; /* host CPU use over all cores, 0..1 (mean / busiest host) */
  double vm_cpu_util;                 /* the VMs' QEMU processes, share of all cores */
  double host_overhead_cpu_util;      /* cpu_util_mean - vm_cpu_util, >= 0 */
  double disk_MBps;                   /* bytes read by the VMs' disks */
} vs_real_sample;

typedef struct {
  size_t n_vms;
  vs_real_vm *vms;
  const char *domain_type;   /* "kvm" or "qemu" */
  int n_hosts;
  int not_ready;             /* VMs that timed out or failed */
  double all_ready_s;        /* last ready - first start (ready VMs) */
  double mean_ready_s;       /* mean of (ready - start) */
  double max_boot_s;
  double peak_cpu_util;      /* busiest host, max of its storm.cpu_window rolling mean */
  double mean_disk_MBps;     /* bytes read / all_ready_s / disks used (one per host) */
  double total_disk_MBps;
  double read_bytes;
  double host_overhead_cpu_util; /* mean over the boot's samples */
  double peak_host_overhead_cpu_util;
  int disks_used;
  size_t n_samples;
  vs_real_sample *samples;
} vs_real_result;

/* Install the SIGINT/SIGTERM handler (sets a flag; runs stop and clean up). */
void vs_real_install_signal_handlers(void);
int vs_real_interrupted(void);

int vs_real_open(vs_real **out, const vs_scenario *sc, const vs_real_options *opts);
const char *vs_real_domain_type(const vs_real *r);
/* Boot the plan and wait until every VM is ready or timed out. Returns VS_OK
 * with a result even if some VMs never became ready (result->not_ready > 0,
 * vs_error_last() says which); an error code (no result) otherwise. */
int vs_real_boot(vs_real *r, const vs_real_req *plan, size_t n, vs_real_result **out);
void vs_real_result_free(vs_real_result *res);
void vs_real_free(vs_real *r);

/* Destroy domains and remove run folders left by dead vdistorm processes on
 * the scenario's hypervisors; *n_cleaned (may be NULL) counts the domains. */
int vs_real_cleanup_leftovers(vs_real *r, int *n_cleaned);

/* ---- pieces exposed for tests ---- */

/* XML-escape `in` (& < > " ') into a new string (NULL when out of memory). */
char *vs_real_xml_escape(const char *in);
/* Domain name `vdistorm-<pid>-<label>-<vm>`: the label keeps [A-Za-z0-9_.-]
 * (others become '_') and is cut to 32 bytes. Returns buf. */
char *vs_real_domain_name(char *buf, size_t len, long pid, const char *label, int vm);
/* pid of a name made by vs_real_domain_name, or -1 if it is not one of ours. */
long vs_real_name_pid(const char *name);

typedef struct {
  const char *type;      /* "kvm" / "qemu" */
  const char *name;
  double memory;         /* bytes */
  int vcpus;
  const char *kernel, *initrd, *disk, *disk_format, *console_log;
  const char *cmdline;
  /* "+UID:+GID" to run QEMU as the owner of the guest files without libvirt
   * relabelling them (NULL: libvirt's default user and relabelling). */
  const char *dac_label;
} vs_real_domain_spec;
/* Domain XML with every string escaped (NULL when out of memory). */
char *vs_real_domain_xml(const vs_real_domain_spec *spec);

/* A schedule CSV (vm,host,disk,start,ready_by,expected_ready; times HH:MM:SS):
 * start times made relative to the earliest one. Errors: "FILE:LINE: ...". */
typedef struct {
  vs_real_req *reqs;
  size_t n;
  double first_start;    /* clock time of t = 0, s since midnight */
} vs_real_schedule;
int vs_real_schedule_load(vs_real_schedule *out, const char *path, const vs_scenario *sc);
int vs_real_schedule_parse(vs_real_schedule *out, FILE *f, const char *name, const char *const *hosts,
                           size_t n_hosts);
void vs_real_schedule_clear(vs_real_schedule *s);

/* ---- calibration ---- */

/* The simulator parameters the calibration fits. */
typedef struct {
  double read_bytes;     /* boot.read (measured, not searched) */
  double cpu_work;       /* boot.cpu_work, flops */
  double busy_cpu;       /* boot.busy_cpu, flops/s */
  double io_cpu_per_byte;/* boot.io_cpu_cost */
  double read_bw;        /* hdd.read_bw, B/s */
  double alpha;          /* hdd.concurrency: factor(n) = n^alpha */
} vs_real_fit_params;

/* Simulated all-ready time of k simultaneous boots with parameters p. */
typedef int (*vs_real_sim_fn)(void *ctx, const vs_real_fit_params *p, int k, double *all_ready_s);

typedef struct {
  int k;
  double measured_s;
  int fit;               /* used for fitting (else: check only) */
} vs_real_fit_point;

/* Coordinate search (multiplicative steps, shrinking) minimising the mean
 * absolute percentage error over the points with fit = 1; p holds the start
 * and receives the best parameters. *evals counts simulations. */
int vs_real_fit(vs_real_fit_params *p, const vs_real_fit_point *pts, size_t n, vs_real_sim_fn sim, void *ctx,
                int max_rounds, double *best_mape, int *evals);
/* Write a scenario: `sc` with the fitted parameters in place of its boot
 * and hdd sections; `header` (may be NULL) becomes a leading comment. */
int vs_real_write_scenario(FILE *f, const vs_scenario *sc, const vs_real_fit_params *p, int max_readers,
                           const char *header);

#endif

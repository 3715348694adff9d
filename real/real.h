/* The live backend: boot real VMs through libvirt/QEMU behind the backend
 * interface (models/backend/), so that studies, validation, reports and
 * plots work on either backend. Only real/ includes libvirt headers; this
 * header exposes none of its types.
 *
 *   vs_real_run()  connect to every URI of the scenario's real: section,
 *                  clean up what crashed runs left behind, pick the domain
 *                  type (kvm where it works, else qemu/TCG), and run a study
 *                  whose experiments boot real VMs: start times relative to
 *                  the experiment, readiness detected on each serial console,
 *                  host and VM CPU and disk reads sampled once per second,
 *                  and the domains always destroyed and their disks removed
 *                  (a disk only once its domain is known to be gone).
 *
 * URIs: qemu:///system, or remote ones (qemu+ssh://host/system). As root,
 * qemu:///session reaches the system daemon and behaves like it; as another
 * user it is that user's own daemon, which has no DAC security driver, so
 * no DAC label is given and QEMU runs as that user (who must be able to
 * read the guest folder and write in it). */
#ifndef VS_REAL_H
#define VS_REAL_H

#include <stddef.h>
#include <stdio.h>

#include "backend/backend.h"
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
  int events;                   /* one line per notable event on stderr (probe, leftovers) */
  vs_boot_progress_fn progress; /* experiments' progress, about once per second; may be NULL */
  void *progress_ctx;
  double probe_timeout_s;       /* a KVM probe guest gets this long to print its marker (default 10) */
  /* A lost libvirt connection (libvirtd restarted, stopped, unreachable) is
   * opened again for up to this long to destroy our domains (default 20). */
  double reconnect_timeout_s;
} vs_real_options;
#define VS_REAL_OPTIONS_INIT                                                                                   \
  {.events = 0, .progress = NULL, .progress_ctx = NULL, .probe_timeout_s = 10.0, .reconnect_timeout_s = 20.0}

/* Open the hypervisors, run `study` with the live backend, close. SIGINT,
 * SIGTERM and SIGHUP end experiments cleanly (every domain destroyed;
 * core/interrupt.h). */
int vs_real_run(const vs_scenario *sc, const vs_real_options *opts, vs_backend_fn study, void *payload);

int vs_real_open(vs_real **out, const vs_scenario *sc, const vs_real_options *opts);
void vs_real_free(vs_real *r);
/* Destroy domains and remove run folders left by dead vdistorm processes on
 * the scenario's hypervisors (also domains whose disks are already gone),
 * and stop QEMU processes of dead runs that libvirt no longer knows (local
 * hypervisors only). A run folder stays while a domain of its run could not
 * be destroyed. *n_cleaned (may be NULL) counts domains and processes. */
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
  double memory_B;         /* bytes */
  int vcpus;
  const char *kernel, *initrd, *disk, *disk_format, *console_log;
  const char *cmdline;
  /* "+UID:+GID" to run QEMU as the owner of the guest files without libvirt
   * relabelling them (NULL: libvirt's default user and relabelling). */
  const char *dac_label;
  /* real.cache: host lets the host page cache serve the disk (libvirt
   * cache='writeback'); otherwise 'none' (O_DIRECT). */
  int host_cache;
} vs_real_domain_spec;
/* Domain XML with every string escaped (NULL when out of memory). */
char *vs_real_domain_xml(const vs_real_domain_spec *spec);

#endif

/* Signals end runs cleanly. SIGINT, SIGTERM and SIGHUP only set a flag
 * (async-signal-safe); long loops poll it -- the simulator at every sample,
 * the live backend in its run loop and while it starts VMs, result folders
 * before they are renamed into place -- and unwind with VS_EINTR, destroying
 * what they created. The command then prints one line and exits 128 + the
 * signal (130 for Ctrl-C) without writing results. */
#ifndef VS_INTERRUPT_H
#define VS_INTERRUPT_H

/* Install the handlers (again after a library installed its own, as SimGrid
 * does for SIGINT). Idempotent. */
void vs_interrupt_install(void);
/* The signal that asked us to stop, or 0. */
int vs_interrupted(void);
/* VS_EINTR with "interrupted by SIGINT" (plus `where`, printf-style, if
 * not NULL: "interrupted by SIGINT at simulated t=12:03:04"). */
int vs_interrupt_error(const char *where_fmt, ...) __attribute__((format(printf, 1, 2)));
/* Exit code for an interrupted run: 128 + the signal. */
int vs_interrupt_exit_code(void);
/* Where unwinding is not possible (a SimGrid run cannot be stopped half
 * way without killing actors mid-activity): print the last error as
 * "vdistorm: MESSAGE" on one line and _exit with the code above, without
 * flushing half-written output. Only for code that has nothing on disk to
 * clean up at that point (the simulator: its platform file is already
 * removed and results are written after the run). */
void vs_interrupt_exit(void) __attribute__((noreturn));
/* Tests: forget a signal. */
void vs_interrupt_reset(void);

#endif

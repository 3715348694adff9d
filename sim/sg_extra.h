/* Two things SimGrid 3.32 has in C++ but not in its C API (sim/ only). */
#ifndef VS_SIM_SG_EXTRA_H
#define VS_SIM_SG_EXTRA_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <simgrid/forward.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Starts sending `bytes` from host `from` to host `to` over their route: a
 * transfer without a mailbox or a receiving actor. The handle is waited
 * like any sg_comm_t. */
sg_comm_t vs_sg_sendto_async(sg_host_t from, sg_host_t to, uint64_t bytes);

/* Waits until one of `n_execs` execs or the comm `comm` (may be NULL) ends:
 * returns the exec's index, or n_execs for the comm. The one that ended is
 * released (as sg_exec_wait_any does); the others stay the caller's. */
ssize_t vs_sg_wait_any(sg_exec_t *execs, size_t n_execs, sg_comm_t comm);

/* Another reference to `exec`, so that a second actor can wait for it too
 * (a clone waiting for the read that brings a cached block); released like
 * the owner's, by the wait that sees it end. */
sg_exec_t vs_sg_exec_ref(sg_exec_t exec);

#ifdef __cplusplus
}
#endif

#endif

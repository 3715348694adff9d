/* SimGrid's C API in 3.32 lacks an asynchronous host-to-host transfer and a
 * wait over activities of different kinds; its C++ API has both. With them
 * a desktop's boot is one actor instead of a reader, a VM and a mailbox
 * between them (see engine.c). Handles follow the C API's convention: each
 * holds one reference, released by the wait that sees it end. */
#include <simgrid/s4u/Comm.hpp>
#include <simgrid/s4u/Exec.hpp>

#include <vector>

#include "sim/sg_extra.h"

sg_comm_t vs_sg_sendto_async(sg_host_t from, sg_host_t to, uint64_t bytes)
{
  simgrid::s4u::CommPtr comm = simgrid::s4u::Comm::sendto_async(from, to, bytes);
  comm->add_ref();
  return comm.get();
}

ssize_t vs_sg_wait_any(sg_exec_t *execs, size_t n_execs, sg_comm_t comm)
{
  std::vector<simgrid::s4u::ActivityPtr> all;
  all.reserve(n_execs + 1);
  for (size_t i = 0; i < n_execs; i++)
    all.emplace_back(execs[i], false);
  if (comm)
    all.emplace_back(comm, false);
  ssize_t done = simgrid::s4u::Activity::wait_any(all);
  /* The vector's pointers drop their references on return: keep the C
   * handles' references for the activities that did not end. */
  for (size_t i = 0; i < all.size(); i++)
    if (static_cast<ssize_t>(i) != done)
      all[i]->add_ref();
  return done;
}

sg_exec_t vs_sg_exec_ref(sg_exec_t exec)
{
  exec->add_ref();
  return exec;
}

# Sweeps (local and MPI), --resume after an interruption, --set and --vary
# errors (tests/sweep.sh); the plan search against brute force (tests/plan.sh).
# Under ASan, LeakSanitizer reports memory that Open MPI itself (its MCA
# components, opal) still holds at exit, so the ranks of the MPI part run
# with leak detection off there (memory errors are still caught).
set(VS_SWEEP_MPI ${VS_HAVE_MPI})
if(VS_SANITIZE AND VS_HAVE_MPI)
  set(VS_SWEEP_MPI asan)
endif()
add_test(NAME sweep COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/sweep.sh $<TARGET_FILE:vdistorm> ${PROJECT_SOURCE_DIR} ${VS_SWEEP_MPI})
set_tests_properties(sweep PROPERTIES TIMEOUT 600)
add_test(NAME cheapest_plan COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/plan.sh $<TARGET_FILE:vdistorm> ${PROJECT_SOURCE_DIR})
set_tests_properties(cheapest_plan PROPERTIES TIMEOUT 600)

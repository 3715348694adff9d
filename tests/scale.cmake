# Datacenter scale: the engine's per-VM answers stay those of the reference
# (tests/reference.sh), and a small version of the benchmark suite runs (its
# times are not judged here; bench/run.sh measures them).
set(VS_REFERENCE_ARGS)
if(VS_SANITIZE)
  set(VS_REFERENCE_ARGS --small) # the rack cases take minutes under ASan
endif()
add_test(NAME engine_reference
         COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/reference.sh $<TARGET_FILE:vdistorm> ${PROJECT_SOURCE_DIR} ${VS_REFERENCE_ARGS})
set_tests_properties(engine_reference PROPERTIES TIMEOUT 900)
# The benchmark suite runs (small sizes, once; times are not judged). Not
# under sanitizers: they change what is measured and take minutes.
if(NOT VS_SANITIZE)
  add_test(NAME bench_smoke COMMAND ${PROJECT_SOURCE_DIR}/bench/run.sh --smoke --out ${CMAKE_CURRENT_BINARY_DIR}/bench-smoke.csv
                                    ${CMAKE_BINARY_DIR})
  set_tests_properties(bench_smoke PROPERTIES TIMEOUT 600)
endif()

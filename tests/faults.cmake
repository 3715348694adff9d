# Faults on the simulator's side: signals, kills while saving, output
# targets, runs too big for the machine, extreme input, partial schedules,
# JSON errors (tests/faults.sh).
set(VS_FAULTS_ARGS)
if(VS_SANITIZE)
  set(VS_FAULTS_ARGS --small)
endif()
add_test(NAME faults COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/faults.sh $<TARGET_FILE:vdistorm> ${PROJECT_SOURCE_DIR} ${VS_FAULTS_ARGS})
set_tests_properties(faults PROPERTIES TIMEOUT 900)

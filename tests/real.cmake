# live backend tests (issue 5)
add_executable(test_real ${CMAKE_CURRENT_SOURCE_DIR}/test_real.c)
target_include_directories(test_real PRIVATE ${CMAKE_CURRENT_SOURCE_DIR})
target_link_libraries(test_real PRIVATE vsreal PkgConfig::LIBVIRT PkgConfig::CJSON m)
# Pure unit tests: XML escaping, domain names, the schedule CSV parser.
add_test(NAME real_unit COMMAND test_real unit)
# Real boots through libvirt; SKIP (77) only when libvirtd cannot be reached.
# All share the one libvirtd and the guest's run folders (and one restarts
# libvirtd): never two at once. Named real_live*, so that -E real_live
# leaves every one of them out.
add_test(NAME real_live COMMAND test_real live $<TARGET_FILE:vdistorm> ${PROJECT_SOURCE_DIR})
set_tests_properties(real_live PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 900 RUN_SERIAL TRUE)
# Faults: SIGTERM, SIGHUP, Ctrl-C while disks are made and VMs started; a
# libvirtd restart and a longer stop; a SIGKILLed run's leftovers; session
# URIs; one line per failure.
foreach(fault signals libvirtd killed session messages)
  add_test(NAME real_live_${fault} COMMAND test_real ${fault} $<TARGET_FILE:vdistorm> ${PROJECT_SOURCE_DIR})
  set_tests_properties(real_live_${fault} PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 900 RUN_SERIAL TRUE)
endforeach()
# The host cache, live and simulated (issue 12).
add_test(NAME real_live_cache COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/real_cache.sh $<TARGET_FILE:vdistorm> ${PROJECT_SOURCE_DIR})
set_tests_properties(real_live_cache PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 600 RUN_SERIAL TRUE)

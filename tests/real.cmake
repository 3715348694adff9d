# live backend tests (issue 5)
add_executable(test_real ${CMAKE_CURRENT_SOURCE_DIR}/test_real.c)
target_include_directories(test_real PRIVATE ${CMAKE_CURRENT_SOURCE_DIR})
target_link_libraries(test_real PRIVATE vsreal PkgConfig::LIBVIRT PkgConfig::CJSON m)
# Pure unit tests: XML escaping, domain names, the schedule CSV parser.
add_test(NAME real_unit COMMAND test_real unit)
# Real boots through libvirt; SKIP (77) only when libvirtd cannot be reached.
add_test(NAME real_live COMMAND test_real live $<TARGET_FILE:vdistorm> ${PROJECT_SOURCE_DIR})
set_tests_properties(real_live PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 900 RUN_SERIAL TRUE)

# Regression fixtures from fuzzing (docs/FUZZING.md): every input under
# tests/fuzz-crashes/ that crashed, hung or misled the CSV readers or the
# forecast model loader is read again and must be refused with one line.
add_executable(test_fuzzfix ${CMAKE_CURRENT_SOURCE_DIR}/test_fuzzfix.c)
target_include_directories(test_fuzzfix PRIVATE ${CMAKE_CURRENT_SOURCE_DIR})
target_link_libraries(test_fuzzfix PRIVATE vsdemand vsplan PkgConfig::CJSON)
add_test(NAME fuzzfix COMMAND test_fuzzfix ${PROJECT_SOURCE_DIR})

# Unit tests of models/units.c and models/scenario.c.
add_executable(test_units ${CMAKE_CURRENT_SOURCE_DIR}/test_units.c)
target_include_directories(test_units PRIVATE ${CMAKE_CURRENT_SOURCE_DIR})
target_link_libraries(test_units PRIVATE vsscenario)
add_test(NAME units COMMAND test_units)

add_executable(test_scenario ${CMAKE_CURRENT_SOURCE_DIR}/test_scenario.c)
target_include_directories(test_scenario PRIVATE ${CMAKE_CURRENT_SOURCE_DIR})
target_link_libraries(test_scenario PRIVATE vsscenario)
# The fixtures are read in place; argv beats a compile definition so that the
# binary can also be pointed at another copy by hand.
add_test(NAME scenario
         COMMAND test_scenario ${CMAKE_CURRENT_SOURCE_DIR}/bad ${CMAKE_CURRENT_SOURCE_DIR}/good)

# `cmake --install` → headers, libraries and StarlingConfig.cmake, so that a
# user's project can `find_package(Starling)` and link starling::framework.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set_target_properties(starling_asio PROPERTIES EXPORT_NAME asio)
set_target_properties(starling_allocator PROPERTIES EXPORT_NAME allocator)
install(TARGETS starling_framework starling_asio starling_allocator EXPORT StarlingTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/framework/include/ DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
if(TARGET starling_db)
  install(TARGETS starling_db EXPORT StarlingTargets ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
  install(DIRECTORY ${PROJECT_SOURCE_DIR}/db/include/ DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
  install(TARGETS starling_db_http starling_db_cli EXPORT StarlingTargets ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
  install(DIRECTORY ${PROJECT_SOURCE_DIR}/db/cli/include/ DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
  install(DIRECTORY ${PROJECT_SOURCE_DIR}/db_http/include/ DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
endif()

# What starling::allocator links, found again on the user's machine.
set(STARLING_FIND_ALLOCATOR "")
if(STARLING_USES_JEMALLOC)
  set(STARLING_FIND_ALLOCATOR "pkg_check_modules(JEMALLOC REQUIRED IMPORTED_TARGET GLOBAL jemalloc)")
endif()
set(STARLING_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/Starling)
install(EXPORT StarlingTargets NAMESPACE starling:: DESTINATION ${STARLING_CMAKE_DIR})
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/StarlingConfig.cmake.in
  ${PROJECT_BINARY_DIR}/StarlingConfig.cmake INSTALL_DESTINATION ${STARLING_CMAKE_DIR})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/StarlingConfigVersion.cmake COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/StarlingConfig.cmake ${PROJECT_BINARY_DIR}/StarlingConfigVersion.cmake
  ${PROJECT_SOURCE_DIR}/cmake/StarlingMigrations.cmake DESTINATION ${STARLING_CMAKE_DIR})

# Warnings for Starling's own targets only (never for dependencies).
function(starling_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wno-missing-field-initializers)
  # GCC 12 warns, when optimising, that "literal" + std::string may overlap in
  # memcpy: a false positive in its own <string> (GCC bug 105329, fixed in 13).
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
    target_compile_options(${target} PRIVATE -Wno-restrict)
  endif()
  if(STARLING_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()

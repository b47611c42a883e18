# Warnings for Starling's own targets only (never for dependencies).
function(starling_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wno-missing-field-initializers)
  if(STARLING_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()

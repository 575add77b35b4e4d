# Sanitizer and fuzzing builds. They apply to every target of the tree, so
# they live in their own build directories (presets asan, tsan, fuzz) and the
# Release build stays as it is.
#
#   MLT_SANITIZE=address  ASan + UBSan (any UB aborts, so a test fails on it)
#   MLT_SANITIZE=thread   ThreadSanitizer (the actor / Asio boundary)
#   MLT_FUZZ=ON           clang only: libFuzzer harnesses of tests/fuzz, with
#                         ASan + UBSan and coverage instrumentation everywhere
set(MLT_SANITIZE "" CACHE STRING "Sanitizers for every target: '', 'address' (ASan+UBSan) or 'thread'")
set_property(CACHE MLT_SANITIZE PROPERTY STRINGS "" address thread)
option(MLT_FUZZ "Build the libFuzzer harnesses of tests/fuzz (needs clang)" OFF)

if(MLT_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "MLT_FUZZ needs clang (libFuzzer); use the preset 'fuzz' or -DCMAKE_CXX_COMPILER=clang++")
  endif()
  if(MLT_SANITIZE STREQUAL "thread")
    message(FATAL_ERROR "MLT_FUZZ runs with ASan + UBSan, not with MLT_SANITIZE=thread")
  endif()
  set(MLT_SANITIZE address)
  # Coverage feedback for the whole tree; the harnesses link -fsanitize=fuzzer.
  add_compile_options(-fsanitize=fuzzer-no-link)
endif()

if(MLT_SANITIZE STREQUAL "address")
  add_compile_options(-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
elseif(MLT_SANITIZE STREQUAL "thread")
  add_compile_options(-fsanitize=thread -fno-omit-frame-pointer)
  add_link_options(-fsanitize=thread)
  # CAF's core built with TSan (scripts/caf-tsan.sh, which says why) is found
  # here before Debian's uninstrumented one.
  add_link_options(-Wl,-rpath,${CMAKE_BINARY_DIR}/caf-tsan)
elseif(NOT MLT_SANITIZE STREQUAL "")
  message(FATAL_ERROR "MLT_SANITIZE must be '', 'address' or 'thread', not '${MLT_SANITIZE}'")
endif()

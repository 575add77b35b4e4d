# Precompiled headers for the third-party headers that many translation units
# parse again and again: CAF (actors), Boost.Beast/Asio (net), Eigen (ml) and
# Catch2 with Eigen (every test). Measured per translation unit with GCC 12
# (user CPU seconds): actors/daemon.cpp 13.4 -> 10.7 with <caf/all.hpp>
# precompiled (the header itself costs 6.1 once per library), a test 3.2 ->
# 2.3 with Catch2 and Eigen. The README ("Build time") has the whole-build
# figures. Only third-party headers go in: they never change between builds,
# so editing our own headers rebuilds no precompiled header.
#
# -DMLT_PCH=OFF turns them off (e.g. to check that every file includes what it
# uses, which a precompiled header would hide).
option(MLT_PCH "Precompile the heavy third-party headers (CAF, Boost.Beast, Eigen, Catch2)" ON)

# ccache caches a precompiled header and the files compiled with it only with
# this sloppiness (ccache manual, "Precompiled headers"); the header is then
# also fetched from the cache, so fresh build trees still hit the cache.
if(MLT_PCH AND MLT_CCACHE AND CMAKE_CXX_COMPILER_LAUNCHER STREQUAL MLT_CCACHE)
  set(CMAKE_CXX_COMPILER_LAUNCHER ${CMAKE_COMMAND} -E env
      CCACHE_SLOPPINESS=pch_defines,time_macros,include_file_mtime,include_file_ctime ${MLT_CCACHE})
endif()

# mlt_precompile(TARGET HEADER...): TARGET's sources see HEADERs precompiled.
function(mlt_precompile target)
  if(MLT_PCH)
    target_precompile_headers(${target} PRIVATE ${ARGN})
  endif()
endfunction()

# mlt_precompile_like(TARGET FROM): TARGET reuses FROM's precompiled header
# (same compiler flags; the test executables share one).
function(mlt_precompile_like target from)
  if(MLT_PCH)
    target_precompile_headers(${target} REUSE_FROM ${from})
  endif()
endfunction()

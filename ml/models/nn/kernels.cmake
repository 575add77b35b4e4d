# The network kernels (nn/kernel_impl.cpp) compiled once per instruction-set
# level; nn/kernel_select.cpp picks one when the process starts.
#
# Each level's object is compiled with hidden visibility and then every hidden
# symbol is made local (objcopy --localize-hidden): inline functions that the
# compiler emitted for AVX-512 cannot then be picked by the linker for callers
# in baseline code, which would crash on CPUs without AVX-512.
set(MLT_NN_FLAGS_sse2 "")
set(MLT_NN_FLAGS_avx2 -mavx2 -mfma)
# GCC 12 warns falsely (-Wmaybe-uninitialized) inside its own AVX-512 intrinsics as Eigen uses them.
set(MLT_NN_FLAGS_avx512 -mavx512f -mavx512vl -mavx512bw -mavx512dq -mavx2 -mfma -Wno-maybe-uninitialized)
find_program(MLT_OBJCOPY NAMES objcopy REQUIRED)
# The fuzz build (clang, ASan + UBSan) keeps inline functions such as std::
# constructors and UBSan's type info out of line in COMDAT groups, and
# --localize-hidden there leaves references into the copies the linker
# discards ("defined in discarded section"). Its kernels are linked as
# compiled: fuzzers run on the machine that built them, where the widest
# level's inline copies are safe to pick.
if(MLT_FUZZ)
  set(mlt_nn_localize ${CMAKE_COMMAND} -E copy)
else()
  set(mlt_nn_localize ${MLT_OBJCOPY} --localize-hidden)
endif()
foreach(level sse2 avx2 avx512)
  set(obj_lib mlt_nn_kernel_${level})
  add_library(${obj_lib} OBJECT ${CMAKE_CURRENT_LIST_DIR}/kernel_impl.cpp)
  target_link_libraries(${obj_lib} PRIVATE mlt_root mlt_warnings Eigen3::Eigen)
  target_compile_definitions(${obj_lib} PRIVATE MLT_NN_LEVEL=${level})
  target_compile_options(${obj_lib} PRIVATE ${MLT_NN_FLAGS_${level}}
                         -fvisibility=hidden -fvisibility-inlines-hidden)
  set(localized ${CMAKE_CURRENT_BINARY_DIR}/nn_kernel_${level}.o)
  add_custom_command(OUTPUT ${localized}
    COMMAND ${mlt_nn_localize} $<TARGET_OBJECTS:${obj_lib}> ${localized}
    DEPENDS ${obj_lib} $<TARGET_OBJECTS:${obj_lib}>
    COMMENT "Localizing the ${level} network kernels"
    VERBATIM)
  list(APPEND MLT_NN_KERNEL_OBJECTS ${localized})
endforeach()
# The objects are made here but linked into mltrainer_ml (defined one folder up).
add_custom_target(mlt_nn_kernels DEPENDS ${MLT_NN_KERNEL_OBJECTS})
set_source_files_properties(${MLT_NN_KERNEL_OBJECTS} TARGET_DIRECTORY mltrainer_ml
                            PROPERTIES GENERATED TRUE EXTERNAL_OBJECT TRUE)
target_sources(mltrainer_ml PRIVATE ${MLT_NN_KERNEL_OBJECTS})
add_dependencies(mltrainer_ml mlt_nn_kernels)
target_sources(mltrainer_ml PRIVATE ${CMAKE_CURRENT_LIST_DIR}/kernel_select.cpp)

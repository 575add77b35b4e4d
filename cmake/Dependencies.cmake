# Third-party packages, all from Debian 12. CAF 0.17 ships no CMake package,
# so its headers and libraries are found directly.
find_package(Threads REQUIRED)
find_package(Boost 1.74 REQUIRED COMPONENTS system)
find_package(OpenSSL REQUIRED)
find_package(SQLite3 REQUIRED)
find_package(simdjson REQUIRED)
find_package(spdlog REQUIRED)
find_package(Eigen3 3.4 REQUIRED NO_MODULE)
# Debian's XGBoost CMake package insists on the CLI binary, so use the library directly.
find_path(XGBOOST_INCLUDE_DIR xgboost/c_api.h REQUIRED)
find_library(XGBOOST_LIBRARY xgboost REQUIRED)
add_library(xgboost::xgboost UNKNOWN IMPORTED)
set_target_properties(xgboost::xgboost PROPERTIES
  IMPORTED_LOCATION ${XGBOOST_LIBRARY}
  INTERFACE_INCLUDE_DIRECTORIES ${XGBOOST_INCLUDE_DIR})
find_package(dlib REQUIRED)
# Exchange calendars (NYSE holidays, observed days, special closures) for bar
# validation and the synthetic market; Debian ships no CMake package for it.
find_path(QUANTLIB_INCLUDE_DIR ql/time/calendars/unitedstates.hpp REQUIRED)
find_library(QUANTLIB_LIBRARY QuantLib REQUIRED)
add_library(QuantLib::QuantLib UNKNOWN IMPORTED)
set_target_properties(QuantLib::QuantLib PROPERTIES
  IMPORTED_LOCATION ${QUANTLIB_LIBRARY}
  INTERFACE_INCLUDE_DIRECTORIES ${QUANTLIB_INCLUDE_DIR})

find_path(CAF_INCLUDE_DIR caf/all.hpp REQUIRED)
find_library(CAF_CORE_LIBRARY caf_core REQUIRED)
find_library(CAF_IO_LIBRARY caf_io REQUIRED)
find_library(CAF_OPENSSL_LIBRARY caf_openssl REQUIRED)
add_library(caf::core UNKNOWN IMPORTED)
set_target_properties(caf::core PROPERTIES
  IMPORTED_LOCATION ${CAF_CORE_LIBRARY}
  INTERFACE_INCLUDE_DIRECTORIES ${CAF_INCLUDE_DIR}
  INTERFACE_LINK_LIBRARIES Threads::Threads)
add_library(caf::io UNKNOWN IMPORTED)
set_target_properties(caf::io PROPERTIES
  IMPORTED_LOCATION ${CAF_IO_LIBRARY}
  INTERFACE_LINK_LIBRARIES caf::core)
# TLS between cluster nodes (libcaf-dev ships it).
add_library(caf::openssl UNKNOWN IMPORTED)
set_target_properties(caf::openssl PROPERTIES
  IMPORTED_LOCATION ${CAF_OPENSSL_LIBRARY}
  INTERFACE_LINK_LIBRARIES "caf::io;OpenSSL::SSL")

if(MLT_BUILD_TESTS)
  find_package(Catch2 2 REQUIRED)
endif()

# Dependencies, each from a Debian 12 package. A missing one stops configure
# with the package to install (scripts/setup.sh installs them all).
function(refbench_missing what pkg)
  message(FATAL_ERROR "refbench: ${what} not found. Install it with:\n"
                      "  apt-get install ${pkg}\n"
                      "(or run scripts/setup.sh as root, which installs everything refbench needs)")
endfunction()

find_package(PkgConfig QUIET)
if(NOT PkgConfig_FOUND)
  refbench_missing("pkg-config" "pkg-config")
endif()

find_package(Threads REQUIRED)

if(REFBENCH_BUILD_BENCH)
  find_package(benchmark 1.7 CONFIG QUIET)
  if(NOT benchmark_FOUND)
    refbench_missing("Google Benchmark (>= 1.7, CMake package 'benchmark')" "libbenchmark-dev")
  endif()
endif()

pkg_check_modules(HWLOC QUIET IMPORTED_TARGET hwloc>=2.0)
if(NOT HWLOC_FOUND)
  refbench_missing("hwloc (pkg-config 'hwloc' >= 2.0)" "libhwloc-dev")
endif()

pkg_check_modules(JANSSON QUIET IMPORTED_TARGET jansson>=2.10)
if(NOT JANSSON_FOUND)
  refbench_missing("jansson (pkg-config 'jansson')" "libjansson-dev")
endif()

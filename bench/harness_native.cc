// SPDX-License-Identifier: GPL-2.0
// harness/native/<body>: the reference the C API is held against, a native
// Google Benchmark loop (`for (auto _ : state)`) around the same bodies as
// harness/capi/<body>. C++ by necessity, as the thing measured is the C++ loop.
#include <benchmark/benchmark.h>

#include "harness_bodies.h"

namespace {
harness_word native_word;

#define NATIVE_BODY(name)                                   \
  void native_##name(benchmark::State &state) {            \
    for (auto _ : state) hb_##name(&native_word);           \
  }
HARNESS_BODIES(NATIVE_BODY)
#undef NATIVE_BODY
}  // namespace

extern "C" void harness_native_register(void) {
#define NATIVE_REG(name) benchmark::RegisterBenchmark("harness/native/" #name, native_##name);
  HARNESS_BODIES(NATIVE_REG)
#undef NATIVE_REG
}

//===- IsaVariants.h - Kernel tests instantiated per ISA variant --*- C++ -*-===//
//
// The runtime's kernel tests run one instance per qopt_rt_isa (each skips
// itself when the CPU or build lacks the variant), named after
// qopt_rt_isa_name with '-' as '_' (avx512_vnni).
//
//===----------------------------------------------------------------------===//

#ifndef QOPT_TEST_UNITTESTS_RUNTIME_ISAVARIANTS_H
#define QOPT_TEST_UNITTESTS_RUNTIME_ISAVARIANTS_H

#include "qopt-runtime/cpu.h"

#include "gtest/gtest.h"

#include <string>

namespace qopt_test {

/// Every variant of the kernel library.
inline auto allIsaVariants() {
  return ::testing::Values(QOPT_RT_ISA_PORTABLE, QOPT_RT_ISA_AVX2,
                           QOPT_RT_ISA_AVX512_VNNI, QOPT_RT_ISA_AVX_VNNI);
}

/// The test-name suffix of a variant.
inline std::string
isaVariantName(const ::testing::TestParamInfo<qopt_rt_isa> &info) {
  std::string name = qopt_rt_isa_name(info.param);
  for (char &c : name)
    if (c == '-')
      c = '_';
  return name;
}

/// A test fixture per variant that skips itself (GTEST_SKIP, so it is
/// reported skipped, not passed) when the CPU or build lacks the variant.
class IsaVariantTest : public ::testing::TestWithParam<qopt_rt_isa> {
protected:
  void SetUp() override {
    if (!qopt_rt_isa_supported(GetParam()))
      GTEST_SKIP() << qopt_rt_isa_name(GetParam())
                   << ": not supported by this CPU or build";
  }
};

} // namespace qopt_test

#endif // QOPT_TEST_UNITTESTS_RUNTIME_ISAVARIANTS_H

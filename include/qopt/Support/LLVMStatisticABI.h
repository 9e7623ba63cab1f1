//===- LLVMStatisticABI.h - Match the prebuilt LLVM's statistics ABI ------===//
//
// Force-included (-include) into every C++ file of the sanitizer and fuzzer
// builds, which compile qopt with assertions on (-UNDEBUG) against LLVM/MLIR
// libraries built with NDEBUG. llvm/ADT/Statistic.h picks the class behind
// llvm::Statistic from NDEBUG: TrackingStatistic without it, NoopStatistic
// with it. mlir::Pass::Statistic derives from llvm::Statistic and is
// constructed inside libMLIR (as a NoopStatistic), so code compiled without
// NDEBUG would read TrackingStatistic fields that were never initialized
// (UBSan: "load of value 190 ... for type 'bool'" in ++statistic).
// Including the header once with NDEBUG defined fixes llvm::Statistic to
// the library's choice; its include guard keeps it so for the rest of the
// file, and assert() is re-evaluated by the next <cassert>.
//
//===----------------------------------------------------------------------===//

#ifndef QOPT_SUPPORT_LLVMSTATISTICABI_H
#define QOPT_SUPPORT_LLVMSTATISTICABI_H

#if defined(__cplusplus) && __has_include("llvm/ADT/Statistic.h")
#ifndef NDEBUG
#define NDEBUG
#include "llvm/ADT/Statistic.h"
#undef NDEBUG
#include <cassert>
#else
#include "llvm/ADT/Statistic.h"
#endif
#endif

#endif // QOPT_SUPPORT_LLVMSTATISTICABI_H

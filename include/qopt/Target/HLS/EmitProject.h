//===- EmitProject.h - Write an HLS C++ project -----------------*- C++ -*-===//
//
// The HLS target's artifact: a directory with the top function
// (firmware/<name>.cpp/.h), its types (defines.h, minimal accumulator
// widths), layer configurations (parameters.h), weights (weights/*.h), the
// qhls layer templates and a testbench whose data (tb_data/) the reference
// executor produced, plus build_prj.tcl (Vitis HLS), a Makefile for C
// simulation with g++ and report.json/report.txt from the FPGA cost model.
// docs/Backends/HLS.md describes every file.
//
//===----------------------------------------------------------------------===//

#ifndef QOPT_TARGET_HLS_EMITPROJECT_H
#define QOPT_TARGET_HLS_EMITPROJECT_H

#include "qopt/Analysis/FPGACostModel.h"

#include "mlir/IR/BuiltinOps.h"

#include <memory>
#include <string>

namespace mlir::qopt {

/// How the project is built: qopt-hls-legalize records it on the module
/// (`qopt.hls`), the allocator and the writer read the same values.
struct HLSConfig {
  /// "parallel" (arrays, io_parallel) or "stream" (hls::stream, io_stream).
  std::string io = "parallel";
  /// Products per multiplier (the pipelines' initiation interval).
  unsigned reuseFactor = 1;
  /// The FPGA part (a name from the built-in table, or any part with
  /// fpga-model giving its totals).
  std::string part = "xcvu9p-flga2104-2-e";
  /// Parameters of the FPGA model (JSON, FPGACostModel::load); empty: the
  /// built-in ones of `part`.
  std::string fpgaModel;
  /// Clock of build_prj.tcl.
  double clockMHz = 200;

  /// Reads the `qopt.hls` attribute of `module` (defaults when absent).
  static HLSConfig fromModule(ModuleOp module);
  /// Parses `io=… reuse=… part=… fpga-model=… clock=…`; errors name the key.
  static llvm::Expected<HLSConfig> parse(llvm::StringRef options);
  void attachTo(ModuleOp module) const;
};

/// The FPGA cost model of `config`: its fpga-model file, else the built-in
/// parameters with the part's totals; the reuse factor is the config's.
llvm::Expected<std::unique_ptr<FPGACostModel>>
createHLSCostModel(const HLSConfig &config);

/// Names of the parts with built-in totals, for messages.
std::string getKnownFPGAParts();

struct HLSProjectOptions {
  std::string outputDir;
  /// The top function and file prefix.
  std::string name = "model";
  std::string entry = "main";
  std::string producer;
  /// Testbench inputs (a loadDataset spec); empty: the testbench gets
  /// `tbSamples` inputs drawn from a fixed seed over the input's
  /// calibrated range.
  std::string tbData;
  int64_t tbSamples = 0;
  double inputMean = 0, inputStd = 1;
};

/// Writes the project for `module` (qopt-hls-legalize's output).
LogicalResult emitHLSProject(ModuleOp module, const HLSProjectOptions &options);

} // namespace mlir::qopt

#endif // QOPT_TARGET_HLS_EMITPROJECT_H

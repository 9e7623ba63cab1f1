//===- Compile.h - The whole job as one named pipeline ----------*- C++ -*-===//
//
// `qopt-compile{target=… avg-bits=… data=…}`: candidates the target lowers,
// calibration (when data is given), sensitivity, the ILP allocation,
// qopt-quantize, then the target's own pipeline (TargetBackend::
// buildPipeline). `qopt model.onnx --target=cpu --avg-bits=4.5
// --calib-data=… -o model.so` runs it.
//
//===----------------------------------------------------------------------===//

#ifndef QOPT_PIPELINES_COMPILE_H
#define QOPT_PIPELINES_COMPILE_H

#include "qopt/Dialect/QOpt/IR/QOptAttrs.h"

#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassOptions.h"

#include <string>

namespace mlir::qopt {

struct CompileOptions : public PassPipelineOptions<CompileOptions> {
  PassOptions::Option<std::string> target{
      *this, "target", llvm::cl::desc("Target to deploy to (cpu, onnx, ...)"),
      llvm::cl::init("cpu")};
  PassOptions::Option<std::string> name{
      *this, "name", llvm::cl::desc("Artifact / symbol name"),
      llvm::cl::init("model")};
  PassOptions::Option<std::string> entry{
      *this, "entry", llvm::cl::desc("The function to compile"),
      llvm::cl::init("main")};
  PassOptions::Option<std::string> targetOptions{
      *this, "target-options",
      llvm::cl::desc("Target-specific options, passed to its pipeline"),
      llvm::cl::init("")};
  // Search space.
  PassOptions::ListOption<unsigned> bits{
      *this, "bits", llvm::cl::desc("Integer weight bits to offer (8,4,2)")};
  PassOptions::ListOption<std::string> minifloats{
      *this, "minifloats",
      llvm::cl::desc("Minifloat weight formats to offer")};
  PassOptions::Option<Granularity> granularity{
      *this, "granularity", llvm::cl::desc("per-channel, group or per-tensor"),
      llvm::cl::init(Granularity::PerChannel),
      llvm::cl::values(
          clEnumValN(Granularity::PerChannel, "per-channel",
                     "one scale per output channel"),
          clEnumValN(Granularity::Group, "group",
                     "one scale per group along the reduction axis"),
          clEnumValN(Granularity::PerTensor, "per-tensor",
                     "one scale per weight tensor"))};
  PassOptions::Option<int64_t> groupSize{
      *this, "group-size", llvm::cl::desc("Group size for granularity=group"),
      llvm::cl::init(128)};
  PassOptions::Option<bool> asymmetric{
      *this, "asymmetric", llvm::cl::desc("Asymmetric integer formats"),
      llvm::cl::init(false)};
  // Calibration.
  PassOptions::Option<std::string> data{
      *this, "data",
      llvm::cl::desc("Calibration data (qopt-calibrate's data=); without it "
                     "activations stay float and sensitivity is "
                     "weight-error"),
      llvm::cl::init("")};
  PassOptions::Option<int64_t> numSamples{
      *this, "num-samples", llvm::cl::desc("Calibration samples"),
      llvm::cl::init(256)};
  PassOptions::Option<double> inputMean{
      *this, "input-mean", llvm::cl::desc("Subtracted from every input"),
      llvm::cl::init(0.0)};
  PassOptions::Option<double> inputStd{
      *this, "input-std", llvm::cl::desc("Divides every input"),
      llvm::cl::init(1.0)};
  // Sensitivity. Unset (hasValue() false): hessian with data, else
  // weight-error.
  PassOptions::Option<SensitivityMethod> method{
      *this, "method",
      llvm::cl::desc("weight-error, hessian or output (default: hessian "
                     "with data, else weight-error)"),
      llvm::cl::init(SensitivityMethod::WeightError),
      llvm::cl::values(clEnumValN(SensitivityMethod::WeightError,
                                  "weight-error",
                                  "squared weight error (data-free)"),
                       clEnumValN(SensitivityMethod::Hessian, "hessian",
                                  "dW^T H dW with calibrated input moments"),
                       clEnumValN(SensitivityMethod::Output, "output",
                                  "divergence of the model's output on data"))};
  // Budgets.
  PassOptions::Option<double> avgBits{
      *this, "avg-bits", llvm::cl::desc("Budget: average weight bits"),
      llvm::cl::init(0)};
  PassOptions::Option<double> weightBytes{
      *this, "weight-bytes", llvm::cl::desc("Budget: weight bytes"),
      llvm::cl::init(0)};
  PassOptions::Option<double> bops{
      *this, "bops", llvm::cl::desc("Budget: bit operations"),
      llvm::cl::init(0)};
  PassOptions::Option<double> latency{
      *this, "latency",
      llvm::cl::desc("Budget: latency from the target's cost model"),
      llvm::cl::init(0)};
  PassOptions::Option<double> luts{
      *this, "luts",
      llvm::cl::desc("Budget: FPGA LUTs (the target's FPGA model)"),
      llvm::cl::init(0)};
  PassOptions::Option<double> dsps{
      *this, "dsps",
      llvm::cl::desc("Budget: FPGA DSP slices (the target's FPGA model)"),
      llvm::cl::init(0)};
  PassOptions::Option<double> brams{
      *this, "brams",
      llvm::cl::desc("Budget: FPGA 18 Kb block RAMs (the target's FPGA "
                     "model)"),
      llvm::cl::init(0)};
  PassOptions::Option<std::string> latencyTable{
      *this, "latency-table",
      llvm::cl::desc("The target's latency table (measured and cached)"),
      llvm::cl::init("")};
  PassOptions::Option<AllocationSolver> solver{
      *this, "solver", llvm::cl::desc("exact, cbc or greedy"),
      llvm::cl::init(AllocationSolver::Exact),
      llvm::cl::values(clEnumValN(AllocationSolver::Exact, "exact",
                                  "qopt's multiple-choice knapsack solver"),
                       clEnumValN(AllocationSolver::CBC, "cbc",
                                  "the problem as a MILP for COIN-OR CBC"),
                       clEnumValN(AllocationSolver::Greedy, "greedy",
                                  "the greedy baseline"))};
  PassOptions::Option<std::string> report{
      *this, "report",
      llvm::cl::desc("Where to print the allocation table ('-': stdout, "
                     "'': none)"),
      llvm::cl::init("-")};
  PassOptions::Option<std::string> reportJson{
      *this, "report-json", llvm::cl::desc("The allocation as JSON"),
      llvm::cl::init("")};
  // Unset (hasValue() false): int8 with data, else float.
  PassOptions::Option<ActivationQuantization> activations{
      *this, "activations",
      llvm::cl::desc("int8 or float (default: int8 with data, else float)"),
      llvm::cl::init(ActivationQuantization::Float),
      llvm::cl::values(clEnumValN(ActivationQuantization::Int8, "int8",
                                  "quantize layer inputs (integer path)"),
                       clEnumValN(ActivationQuantization::Float, "float",
                                  "weight-only quantization"))};
  PassOptions::Option<bool> integerOnly{
      *this, "integer-only",
      llvm::cl::desc("Pass int8 codes between integer layers through "
                     "integer-only requantization (qopt-integer-chains)"),
      llvm::cl::init(false)};
  PassOptions::Option<bool> lower{
      *this, "lower",
      llvm::cl::desc("End with the target's pipeline (false: stop after "
                     "qopt-quantize)"),
      llvm::cl::init(true)};
};

/// The target-neutral part: annotate (for `options.target`), calibrate,
/// sensitivity, allocate, split groups, quantize.
LogicalResult
buildQuantizationPipeline(OpPassManager &pm, const CompileOptions &options,
                          llvm::function_ref<void(const llvm::Twine &)> error);

/// The quantization pipeline followed by the target's.
LogicalResult
buildCompilePipeline(OpPassManager &pm, const CompileOptions &options,
                     llvm::function_ref<void(const llvm::Twine &)> error);

/// Registers `qopt-compile`.
void registerCompilePipeline();

} // namespace mlir::qopt

#endif // QOPT_PIPELINES_COMPILE_H

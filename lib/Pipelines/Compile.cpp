//===- Compile.cpp - The whole job as one named pipeline ------------------===//

#include "qopt/Pipelines/Compile.h"
#include "qopt/Dialect/QOpt/Transforms/Passes.h"
#include "qopt/Target/TargetBackend.h"

#include "mlir/Pass/PassRegistry.h"

using namespace mlir;
using namespace mlir::qopt;

LogicalResult mlir::qopt::buildQuantizationPipeline(
    OpPassManager &pm, const CompileOptions &options,
    llvm::function_ref<void(const Twine &)> error) {
  llvm::Expected<const TargetBackend *> target =
      getTargetBackend(options.target);
  if (!target) {
    error("qopt-compile: " + llvm::toString(target.takeError()));
    return failure();
  }
  bool calibrated = !options.data.empty();

  AnnotateCandidatesPassOptions annotate;
  annotate.bits.assign(options.bits.begin(), options.bits.end());
  if (annotate.bits.empty() && options.minifloats.empty())
    annotate.bits = {8, 4, 2};
  annotate.minifloats.assign(options.minifloats.begin(),
                             options.minifloats.end());
  annotate.granularity = options.granularity;
  annotate.groupSize = options.groupSize;
  annotate.asymmetric = options.asymmetric;
  annotate.target = options.target;
  pm.addPass(createAnnotateCandidatesPass(annotate));

  if (calibrated) {
    CalibratePassOptions calibrate;
    calibrate.data = options.data;
    calibrate.numSamples = options.numSamples;
    calibrate.inputMean = options.inputMean;
    calibrate.inputStd = options.inputStd;
    pm.addPass(createCalibratePass(calibrate));
  }

  SensitivityPassOptions sensitivity;
  // Unset: the Hessian proxy when there is data.
  if (options.method.hasValue())
    sensitivity.method = options.method.getValue();
  else
    sensitivity.method = calibrated ? SensitivityMethod::Hessian
                                    : SensitivityMethod::WeightError;
  if (sensitivity.method == SensitivityMethod::Output) {
    sensitivity.data = options.data;
    sensitivity.inputMean = options.inputMean;
    sensitivity.inputStd = options.inputStd;
  }
  pm.addPass(createSensitivityPass(sensitivity));

  AllocateBitsPassOptions allocate;
  allocate.avgBits = options.avgBits;
  allocate.weightBytes = options.weightBytes;
  allocate.bops = options.bops;
  allocate.latency = options.latency;
  allocate.luts = options.luts;
  allocate.dsps = options.dsps;
  allocate.brams = options.brams;
  allocate.targetOptions = options.targetOptions;
  allocate.latencyTable = options.latencyTable;
  allocate.solver = options.solver;
  allocate.report = options.report;
  allocate.reportJson = options.reportJson;
  allocate.target = options.target;
  pm.addPass(createAllocateBitsPass(allocate));
  pm.addPass(createSplitGroupFormatsPass());

  QuantizePassOptions quantize;
  // Unset: the integer path when there is data.
  if (options.activations.hasValue())
    quantize.activations = options.activations.getValue();
  else
    quantize.activations = calibrated ? ActivationQuantization::Int8
                                      : ActivationQuantization::Float;
  quantize.target = options.target;
  pm.addPass(createQuantizePass(quantize));
  if (options.integerOnly) {
    if (!(*target)->supportsIntegerOnly()) {
      error("qopt-compile: target '" + options.target +
            "' does not lower integer-only chains (integer-only=true)");
      return failure();
    }
    if (quantize.activations != ActivationQuantization::Int8) {
      error("qopt-compile: integer-only needs int8 activations (calibration "
            "data)");
      return failure();
    }
    pm.addPass(createIntegerChainsPass());
  }
  return success();
}

LogicalResult
mlir::qopt::buildCompilePipeline(OpPassManager &pm,
                                 const CompileOptions &options,
                                 llvm::function_ref<void(const Twine &)> error) {
  if (failed(buildQuantizationPipeline(pm, options, error)))
    return failure();
  if (!options.lower)
    return success();
  const TargetBackend *target = lookupTargetBackend(options.target);
  TargetPipelineOptions targetOptions;
  targetOptions.name = options.name;
  targetOptions.entry = options.entry;
  targetOptions.extra = options.targetOptions;
  return target->buildPipeline(pm, targetOptions, error);
}

void mlir::qopt::registerCompilePipeline() {
  registerPassPipeline(
      "qopt-compile",
      "The whole job: candidates the target lowers, calibration, "
      "sensitivity, ILP allocation under the budgets, quantization and the "
      "target's lowering (docs/Design.md)",
      [](OpPassManager &pm, StringRef text,
         function_ref<LogicalResult(const Twine &)> errorHandler) {
        // A bad value (granularity=blocks) gets the option parser's
        // message on stderr, before this one.
        std::unique_ptr<CompileOptions> options =
            CompileOptions::createFromString(text);
        if (!options)
          return errorHandler("qopt-compile: invalid options '" + text + "'");
        bool bad = false;
        std::string message;
        LogicalResult built =
            buildCompilePipeline(pm, *options, [&](const Twine &m) {
              bad = true;
              message = m.str();
            });
        if (failed(built) || bad)
          return errorHandler(message);
        return success();
      },
      [](function_ref<void(const mlir::detail::PassOptions &)> optHandler) {
        optHandler(CompileOptions());
      });
}

//===- HLSTarget.cpp - The FPGA (HLS C++) target as a TargetBackend -------===//
//
// What the layer templates lower (getHLSLayerSupport), the FPGA cost model
// (the allocator's LUT/DSP/BRAM budgets and cycle latency), the pipeline
// (qopt-integer-chains + qopt-hls-legalize) and the project writer.
//
//===----------------------------------------------------------------------===//

#include "qopt/Target/HLS/HLSTarget.h"
#include "qopt/Analysis/QuantizedLayerSupport.h"
#include "qopt/Dialect/QOpt/Transforms/Passes.h"
#include "qopt/Target/HLS/EmitProject.h"
#include "qopt/Target/HLS/Passes.h"

#include "llvm/Support/FileSystem.h"

using namespace mlir;
using namespace mlir::qopt;

LayerSupport mlir::qopt::getHLSLayerSupport(const LayerInfo &layer,
                                            FormatAttr format) {
  QuantizedLayerSupport support = getQuantizedLayerSupport(layer, format);
  if (!support.isSupported())
    return LayerSupport::unsupported(support.reason);
  if (!support.integerWeights &&
      isa<Float8E5M2Type>(format.getElementType()))
    return LayerSupport::unsupported(
        "the HLS templates decode f8E4M3FN, f6E3M2FN, f6E2M3FN and f4E2M1FN "
        "weights (f8E5M2's integers need 33 bits)");
  if (format.getGranularity() == Granularity::Group)
    return LayerSupport::unsupported(
        "the HLS target requantizes with one scale per output channel; "
        "groups of scales need a float epilogue per group");
  return LayerSupport::integer();
}

namespace {

class HLSTarget : public TargetBackend {
public:
  StringRef getName() const override { return "hls"; }
  StringRef getDescription() const override {
    return "FPGAs through Vitis HLS: a C++ project on ap_int types with "
           "layer templates, a bit-exact C-simulation testbench and FPGA "
           "resource estimates (docs/Backends/HLS.md)";
  }

  LayerSupport getLayerSupport(const LayerInfo &layer,
                               FormatAttr format) const override {
    return getHLSLayerSupport(layer, format);
  }

  llvm::Expected<std::unique_ptr<CostModel>>
  createCostModel(ModuleOp, const CostModelOptions &options) const override {
    HLSConfig config;
    if (!options.tablePath.empty())
      config.fpgaModel = options.tablePath;
    auto model = createHLSCostModel(config);
    if (!model)
      return model.takeError();
    return std::unique_ptr<CostModel>(std::move(*model));
  }

  bool hasResourceModel() const override { return true; }

  llvm::Expected<std::unique_ptr<FPGACostModel>>
  createResourceModel(StringRef options) const override {
    auto config = HLSConfig::parse(options);
    if (!config)
      return config.takeError();
    return createHLSCostModel(*config);
  }

  bool supportsIntegerOnly() const override { return true; }

  LogicalResult
  buildPipeline(OpPassManager &pm, const TargetPipelineOptions &options,
                llvm::function_ref<void(const Twine &)> emitError)
      const override {
    auto config = HLSConfig::parse(options.extra);
    if (!config) {
      emitError(llvm::toString(config.takeError()));
      return failure();
    }
    // Integer-only between the input quantize and the output layer.
    // Residual adds are fused into the requantize (the HLS graph lowers
    // qopt.requantize's residual operand).
    IntegerChainsPassOptions chains;
    chains.residuals = true;
    pm.addPass(createIntegerChainsPass(chains));
    QOptHLSLegalizePassOptions legalize;
    legalize.entry = options.entry;
    legalize.io = config->io;
    legalize.reuseFactor = config->reuseFactor;
    legalize.part = config->part;
    legalize.fpgaModel = config->fpgaModel;
    legalize.clockMHz = config->clockMHz;
    pm.addPass(createQOptHLSLegalizePass(legalize));
    return success();
  }

  bool isLowered(ModuleOp module) const override {
    return module->hasAttr("qopt.hls");
  }

  ArrayRef<StringRef> getArtifactExtensions() const override {
    static const StringRef extensions[] = {"/"};
    return extensions;
  }

  LogicalResult writeArtifact(ModuleOp module,
                              const ArtifactRequest &request) const override {
    HLSProjectOptions options;
    options.outputDir = StringRef(request.outputPath).rtrim('/').str();
    if (options.outputDir.empty())
      options.outputDir = "/";
    options.name = getDefaultArtifactName(options.outputDir);
    options.producer = request.producer;
    // The project configuration: what qopt-hls-legalize recorded, with
    // the pipeline's keys given here taking precedence (callers that run
    // the default pipeline, e.g. Python's compile(target="hls", io=...)).
    std::string configText;
    for (const auto &[key, value] : request.targetOptions)
      if (key == "io" || key == "reuse" || key == "reuse-factor" ||
          key == "part" || key == "fpga-model" || key == "clock")
        configText += " " + key + "=" + value;
    if (!configText.empty()) {
      HLSConfig recorded = HLSConfig::fromModule(module);
      std::string text = "io=" + recorded.io +
                         " reuse=" + std::to_string(recorded.reuseFactor) +
                         " part=" + recorded.part +
                         (recorded.fpgaModel.empty()
                              ? ""
                              : " fpga-model=" + recorded.fpgaModel) +
                         " clock=" + std::to_string(recorded.clockMHz) +
                         configText;
      auto config = HLSConfig::parse(text);
      if (!config)
        return module.emitError() << llvm::toString(config.takeError());
      config->attachTo(module);
    }
    for (const auto &[key, value] : request.targetOptions) {
      if (configText.find(" " + key + "=") != std::string::npos)
        continue;
      if (key == "name")
        options.name = value;
      else if (key == "entry")
        options.entry = value;
      else if (key == "tb-data")
        options.tbData = value;
      else if (key == "tb-samples") {
        if (StringRef(value).getAsInteger(10, options.tbSamples) ||
            options.tbSamples < 0)
          return module.emitError()
                 << "hls: tb-samples must be a count, not '" << value << "'";
      } else if (key == "input-mean" || key == "input-std") {
        double v = 0;
        if (StringRef(value).getAsDouble(v) || (key == "input-std" && v == 0))
          return module.emitError() << "hls: bad " << key << " '" << value
                                    << "'";
        (key == "input-mean" ? options.inputMean : options.inputStd) = v;
      } else {
        return module.emitError()
               << "the hls target has no artifact option '" << key
               << "' (name, entry, tb-data, tb-samples, input-mean, "
                  "input-std; io, reuse, part, fpga-model, clock)";
      }
    }
    if (llvm::sys::fs::exists(options.outputDir) &&
        !llvm::sys::fs::is_directory(options.outputDir))
      return module.emitError() << "hls: -o '" << options.outputDir
                                << "' exists and is not a directory";
    return emitHLSProject(module, options);
  }
};

} // namespace

void mlir::qopt::registerHLSTarget() {
  registerTargetBackend(std::make_unique<HLSTarget>());
}

//===- TargetBackend.h - The one seam every target plugs into ---*- C++ -*-===//
//
// A target is a kind of hardware (or a runtime, for ONNX) that quantized IR
// is deployed to. Each one implements this interface once and registers it
// (registerAllTargets, qopt/InitAllTargets.h); the driver's --target= and
// -o extension, qopt-compile{target=…}, qopt-annotate-candidates{target=…},
// qopt-allocate-bits{target=…} and qopt-run find it by name. Modelled on
// IREE's HAL TargetBackend (docs/Design.md, "Targets"):
//
//   * what it runs:     getLayerSupport, per layer × weight format;
//   * what it costs:    createCostModel (latency, measured or modelled);
//   * how it lowers:    buildPipeline (its weight-layout materialisation
//                       first, then its lowering);
//   * what it writes:   writeArtifact, and loadArtifact for qopt-run.
//
//===----------------------------------------------------------------------===//

#ifndef QOPT_TARGET_TARGETBACKEND_H
#define QOPT_TARGET_TARGETBACKEND_H

#include "qopt/Analysis/CostModel.h"
#include "qopt/Analysis/FPGACostModel.h"
#include "qopt/Analysis/QuantizableLayers.h"
#include "qopt/Dialect/QOpt/IR/QOptAttrs.h"
#include "qopt/Executor/Executor.h"
#include "qopt/Support/Tensor.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace mlir::qopt {

/// How a target deploys one layer with its weight in one format.
enum class LayerLowering {
  /// Not lowered: the layer would stay float. Never offered as a candidate.
  Unsupported,
  /// Quantized weights, float activations (dequantize or decode in the
  /// kernel).
  WeightOnly,
  /// Quantized weights and int8 activations (the integer path of
  /// docs/Semantics.md); weight-only is available too.
  Integer,
};

struct LayerSupport {
  LayerLowering lowering = LayerLowering::Unsupported;
  /// Why the format is unsupported (or restricted), for diagnostics.
  std::string reason;

  bool isSupported() const { return lowering != LayerLowering::Unsupported; }
  static LayerSupport integer() { return {LayerLowering::Integer, ""}; }
  static LayerSupport weightOnly(std::string why = "") {
    return {LayerLowering::WeightOnly, std::move(why)};
  }
  static LayerSupport unsupported(std::string why) {
    return {LayerLowering::Unsupported, std::move(why)};
  }
};

/// Options every target pipeline takes; `extra` holds target-specific
/// `key=value` options (e.g. `part=xcvu9p io=stream` for HLS), which the
/// target parses and rejects when unknown.
struct TargetPipelineOptions {
  /// Prefix of the artifact's symbols / top function / file names.
  std::string name = "model";
  /// The function to compile.
  std::string entry = "main";
  std::string extra;
};

/// What the driver hands a target to write its artifact.
struct ArtifactRequest {
  /// The output path (a file, or a directory for project-style targets).
  std::string outputPath;
  /// The bytes and path of the model the IR was imported from (empty for
  /// MLIR input); targets that edit the original model (ONNX) read them.
  std::string originalModel;
  std::string originalModelPath;
  /// "qopt <version>", recorded in artifacts.
  std::string producer;
  /// Target-specific artifact options (the CPU's "cc", "cpu", …), in the
  /// order given; a target rejects keys it does not know.
  std::vector<std::pair<std::string, std::string>> targetOptions;
};

/// A deployed model loaded for running (qopt-run, tests, Python).
class LoadedModel {
public:
  virtual ~LoadedModel();
  virtual llvm::ArrayRef<TensorSpec> getInputs() const = 0;
  virtual llvm::ArrayRef<TensorSpec> getOutputs() const = 0;
  /// A short description of how it runs ("avx512-vnni", "sm_90", …).
  virtual std::string describe() const = 0;
  virtual llvm::Expected<llvm::SmallVector<Tensor>>
  run(llvm::ArrayRef<Tensor> inputs) = 0;
};

/// Options for loading an artifact.
struct LoadOptions {
  /// Symbol prefix; empty: derived from the file name.
  std::string name;
  /// Target-specific variant ("auto", an ISA name, a device index).
  std::string variant = "auto";
  /// Host threads a run may use, the caller's included, for targets that
  /// run on the host's cores (the CPU library's pool); 0: as many as the
  /// process may use.
  int32_t threads = 0;
};

/// Options for creating a cost model.
struct CostModelOptions {
  /// A latency table to read (and, for measuring targets, to complete and
  /// write back when its fingerprint matches this machine).
  std::string tablePath;
  /// Measure missing entries on this machine (targets that can).
  bool measure = true;
};

class TargetBackend {
public:
  virtual ~TargetBackend();

  /// The name --target= and target= options take ("cpu", "onnx", …).
  virtual llvm::StringRef getName() const = 0;
  virtual llvm::StringRef getDescription() const = 0;

  /// Whether and how the target lowers `layer` with its weight in
  /// `format`. Only supported formats are offered as candidates, and the
  /// allocation report counts an unsupported layer as float.
  virtual LayerSupport getLayerSupport(const LayerInfo &layer,
                                       FormatAttr format) const = 0;

  /// The target's cost model, or an error saying why there is none.
  virtual llvm::Expected<std::unique_ptr<CostModel>>
  createCostModel(ModuleOp module, const CostModelOptions &options) const;

  /// Whether the target has an FPGA resource model (LUTs, DSPs, block
  /// RAMs), which qopt-allocate-bits budgets without fpga-model=FILE.
  virtual bool hasResourceModel() const { return false; }
  /// The FPGA resource model for the target's `options` (those of its
  /// pipeline, e.g. "part=xc7z020 reuse=64"); an error for targets without
  /// one.
  virtual llvm::Expected<std::unique_ptr<FPGACostModel>>
  createResourceModel(llvm::StringRef options) const;

  /// Appends the passes that rewrite qopt-quantize's logical weights
  /// (`#qopt.layout<logical>`) into the layouts the target's kernels read
  /// (the CPU: qopt-cpu-materialize-weights). Default: none, the target
  /// reads logical weights (the onnx target).
  virtual void addWeightLayoutPasses(OpPassManager &pm) const;

  /// Whether the target lowers the integer-only chains of
  /// qopt-integer-chains (int32 accumulator results, qopt.requantize,
  /// data movement on int8 codes). Default: no.
  virtual bool supportsIntegerOnly() const { return false; }

  /// Appends the passes from qopt-quantize's output to what writeArtifact
  /// consumes, starting with addWeightLayoutPasses.
  /// Errors in `options.extra` are reported through `emitError`.
  virtual LogicalResult
  buildPipeline(OpPassManager &pm, const TargetPipelineOptions &options,
                llvm::function_ref<void(const llvm::Twine &)> emitError)
      const = 0;

  /// Whether `module` is already the result of buildPipeline (so the
  /// driver writes it as is rather than running the pipeline first).
  virtual bool isLowered(ModuleOp module) const = 0;

  /// File extensions (with the dot) `-o` maps to this target when no
  /// --target is given; the first is the default. A trailing "/" stands for
  /// a directory.
  virtual llvm::ArrayRef<llvm::StringRef> getArtifactExtensions() const = 0;

  /// Writes the artifact for `module` (the result of buildPipeline).
  virtual LogicalResult writeArtifact(ModuleOp module,
                                      const ArtifactRequest &request) const = 0;

  /// Whether `path` (whose first bytes are `head`) is an artifact this
  /// target loads.
  virtual bool canLoad(llvm::StringRef path, llvm::StringRef head) const;
  /// Loads an artifact written by writeArtifact.
  virtual llvm::Expected<std::unique_ptr<LoadedModel>>
  loadArtifact(llvm::StringRef path, const LoadOptions &options) const;
};

/// Registers `target`; a second target of the same name is ignored (so
/// registerAllTargets may run more than once).
void registerTargetBackend(std::unique_ptr<TargetBackend> target);
/// The target called `name`, or null.
const TargetBackend *lookupTargetBackend(llvm::StringRef name);
/// Every registered target, in registration order.
std::vector<const TargetBackend *> getTargetBackends();
/// "cpu, onnx" — for messages.
std::string getTargetBackendNames();
/// The target `name`, or an error listing the registered ones.
llvm::Expected<const TargetBackend *> getTargetBackend(llvm::StringRef name);
/// The first registered target whose canLoad accepts `path` (first bytes
/// `head`), or null.
const TargetBackend *findArtifactLoader(llvm::StringRef path,
                                        llvm::StringRef head);

/// The symbol prefix of an artifact written to `path` when no name is
/// given: the file name up to its first dot, without a leading "lib", made
/// a C identifier (every other character becomes '_'; "model" is prefixed
/// to an empty name or one starting with a digit). The writer (qopt -o)
/// and the loaders (qopt-run, Python) derive it the same way.
std::string getDefaultArtifactName(llvm::StringRef path);

} // namespace mlir::qopt

#endif // QOPT_TARGET_TARGETBACKEND_H

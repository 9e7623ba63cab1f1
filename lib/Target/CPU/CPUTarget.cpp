//===- CPUTarget.cpp - The CPU as a TargetBackend -------------------------===//
//
// What the CPU kernels lower (getCPULayerSupport: the one list qopt-quantize,
// qopt-annotate-candidates and the allocation report consult), the
// pipeline, the library writer and the loader.
//
//===----------------------------------------------------------------------===//

#include "qopt/Target/CPU/CPUTarget.h"
#include "qopt/Analysis/QuantizedLayerSupport.h"
#include "qopt/Target/CPU/CompiledModel.h"
#include "qopt/Target/CPU/EmitLibrary.h"
#include "qopt/Target/CPU/MeasureCosts.h"
#include "qopt/Target/CPU/Pipeline.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

using namespace mlir;
using namespace mlir::qopt;

LayerSupport mlir::qopt::getCPULayerSupport(const LayerInfo &layer,
                                            FormatAttr format) {
  // The CPU lowers every op qopt-quantize writes (qopt.conv2d,
  // qopt.depthwise_conv2d, qopt.matmul; docs/Backends/CPU.md), so what it
  // supports is what qopt-quantize can rewrite, asked from the one place
  // both consult.
  QuantizedLayerSupport support = getQuantizedLayerSupport(layer, format);
  if (!support.isSupported())
    return LayerSupport::unsupported(support.reason);
  if (!support.integerWeights)
    return LayerSupport::weightOnly(
        "minifloat weights are decoded through a table; activations stay "
        "float32");
  return LayerSupport::integer();
}

namespace {

/// `<prefix>/<dir>`, or `dir` when it is absolute.
std::string installPath(StringRef prefix, StringRef dir) {
  if (llvm::sys::path::is_absolute(dir))
    return dir.str();
  SmallString<256> path(prefix);
  llvm::sys::path::append(path, dir);
  return path.str().str();
}

/// The installation prefix of the running program (the parent of its
/// bin/).
std::string installPrefix() {
  static int anchor;
  std::string exe = llvm::sys::fs::getMainExecutable(nullptr, &anchor);
  return llvm::sys::path::parent_path(llvm::sys::path::parent_path(exe)).str();
}

/// libQOptRuntimeCPU.a: the one installed with this program, else the one
/// it was built with.
std::string defaultRuntimeLibrary() {
  SmallString<256> installed(installPath(installPrefix(), QOPT_INSTALL_LIBDIR));
  llvm::sys::path::append(installed, "libQOptRuntimeCPU.a");
  if (llvm::sys::fs::exists(installed))
    return installed.str().str();
  return QOPT_BUILD_RUNTIME_LIBRARY;
}

/// The directory with qopt-runtime/cpu.h matching `library`: the include
/// directory of the prefix the library is installed in, else of this
/// program's installation, else the source tree it was built from.
std::string defaultRuntimeIncludeDir(StringRef library) {
  auto hasHeader = [](StringRef dir) {
    SmallString<256> header(dir);
    llvm::sys::path::append(header, "qopt-runtime", "cpu.h");
    return llvm::sys::fs::exists(header);
  };
  std::string libraryPrefix =
      llvm::sys::path::parent_path(llvm::sys::path::parent_path(library))
          .str();
  for (const std::string &dir :
       {installPath(libraryPrefix, QOPT_INSTALL_INCLUDEDIR),
        installPath(installPrefix(), QOPT_INSTALL_INCLUDEDIR)})
    if (!dir.empty() && hasHeader(dir))
      return dir;
  return QOPT_BUILD_RUNTIME_INCLUDE_DIR;
}

class CPULoadedModel : public LoadedModel {
public:
  explicit CPULoadedModel(std::unique_ptr<CompiledModel> model)
      : model(std::move(model)) {}
  ArrayRef<TensorSpec> getInputs() const override {
    return model->getInputs();
  }
  ArrayRef<TensorSpec> getOutputs() const override {
    return model->getOutputs();
  }
  std::string describe() const override {
    int32_t threads = model->getNumThreads();
    return model->getIsaName() + ", " + std::to_string(threads) +
           (threads == 1 ? " thread" : " threads");
  }
  llvm::Expected<SmallVector<Tensor>> run(ArrayRef<Tensor> inputs) override {
    return model->run(inputs);
  }

private:
  std::unique_ptr<CompiledModel> model;
};

class CPUTarget : public TargetBackend {
public:
  StringRef getName() const override { return "cpu"; }
  StringRef getDescription() const override {
    return "x86-64 and portable CPUs: packed int8/int4/int2 kernels with "
           "run-time ISA dispatch; a shared library or object with a C "
           "header (docs/Backends/CPU.md)";
  }

  LayerSupport getLayerSupport(const LayerInfo &layer,
                               FormatAttr format) const override {
    return getCPULayerSupport(layer, format);
  }

  /// The latency table `options.tablePath`. With `options.measure`, a
  /// table measured on this machine by this qopt (or none yet) is completed
  /// with the entries `module` lacks and written back; a table measured
  /// elsewhere is re-measured (MeasureCosts.h). A table without a
  /// fingerprint is hand-written and used as it is.
  llvm::Expected<std::unique_ptr<CostModel>>
  createCostModel(ModuleOp module,
                  const CostModelOptions &options) const override {
    const std::string &path = options.tablePath;
    std::optional<LatencyTable> existing;
    if (!path.empty() && (!options.measure || llvm::sys::fs::exists(path))) {
      auto table = LatencyTable::load(path);
      if (!table)
        return table.takeError();
      existing = std::move(*table);
    }
    if (!options.measure || (existing && !existing->fingerprint)) {
      if (!existing)
        return llvm::createStringError(
            "the cpu target's latency needs a table (latency-table=) or "
            "measuring");
      auto model = LatencyTableCostModel::fromTable(std::move(*existing), path);
      if (!model)
        return model.takeError();
      return std::unique_ptr<CostModel>(std::move(*model));
    }
    CPUCostMeasureOptions measure;
    LatencyCacheReport report;
    auto table = measureCPULayerCosts(module, *this,
                                      existing ? &*existing : nullptr, measure,
                                      report);
    if (!table)
      return table.takeError();
    StringRef origin = path.empty() ? StringRef("measured") : StringRef(path);
    if (report.invalidated)
      llvm::errs() << "qopt: latency table '" << origin
                   << "' was measured elsewhere (" << report.reason
                   << "): re-measured\n";
    if (report.measured) {
      llvm::errs() << "qopt: latency table '" << origin << "': measured "
                   << report.measured << " entries on this CPU, reused "
                   << report.reused << "\n";
      if (!path.empty())
        if (llvm::Error e = table->save(path))
          return std::move(e);
    }
    auto model = LatencyTableCostModel::fromTable(std::move(*table), origin);
    if (!model)
      return model.takeError();
    return std::unique_ptr<CostModel>(std::move(*model));
  }

  bool supportsIntegerOnly() const override { return true; }

  void addWeightLayoutPasses(OpPassManager &pm) const override {
    addCPUWeightLayoutPasses(pm);
  }

  LogicalResult
  buildPipeline(OpPassManager &pm, const TargetPipelineOptions &options,
                llvm::function_ref<void(const Twine &)> emitError)
      const override {
    if (!StringRef(options.extra).trim().empty()) {
      emitError("the cpu target takes no options, got '" + options.extra +
                "'");
      return failure();
    }
    CPUPipelineOptions cpu;
    cpu.libraryName = options.name;
    cpu.entry = options.entry;
    buildCPUPipeline(pm, cpu);
    return success();
  }

  bool isLowered(ModuleOp module) const override {
    // qopt-cpu-pipeline ends in the LLVM dialect: no func.func is left.
    return module.getOps<func::FuncOp>().empty() &&
           !module.getOps<LLVM::LLVMFuncOp>().empty();
  }

  ArrayRef<StringRef> getArtifactExtensions() const override {
    static const StringRef extensions[] = {".so", ".o"};
    return extensions;
  }

  LogicalResult writeArtifact(ModuleOp module,
                              const ArtifactRequest &request) const override {
    CPULibraryOptions options;
    options.producer = request.producer;
    for (const auto &[key, value] : request.targetOptions) {
      if (key == "cpu")
        options.cpu = value;
      else if (key == "cc")
        options.cc = value;
      else if (key == "runtime-library")
        options.runtimeLibrary = value;
      else if (key == "runtime-include-dir")
        options.runtimeIncludeDir = value;
      else
        return module.emitError()
               << "the cpu target has no artifact option '" << key << "'";
    }
    if (options.runtimeLibrary.empty())
      options.runtimeLibrary = defaultRuntimeLibrary();
    if (options.runtimeIncludeDir.empty())
      options.runtimeIncludeDir =
          defaultRuntimeIncludeDir(options.runtimeLibrary);
    SmallString<256> header(request.outputPath);
    llvm::sys::path::replace_extension(header, "h");
    bool object = llvm::sys::path::extension(request.outputPath) == ".o";
    return emitLibrary(module, options,
                       object ? CPULibraryKind::Object
                              : CPULibraryKind::SharedLibrary,
                       request.outputPath, header);
  }

  bool canLoad(StringRef, StringRef head) const override {
    return head.starts_with("\x7f"
                            "ELF");
  }

  llvm::Expected<std::unique_ptr<LoadedModel>>
  loadArtifact(StringRef path, const LoadOptions &options) const override {
    auto model = CompiledModel::load(path, options.name, options.variant,
                                     options.threads);
    if (!model)
      return model.takeError();
    return std::unique_ptr<LoadedModel>(
        std::make_unique<CPULoadedModel>(std::move(*model)));
  }
};

} // namespace

void mlir::qopt::registerCPUTarget() {
  registerTargetBackend(std::make_unique<CPUTarget>());
}

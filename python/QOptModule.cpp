//===- QOptModule.cpp - The qopt Python extension (qopt._qopt) ------------===//
//
// A thin pybind11 layer over the C++ API the driver uses: import (ONNX or
// MLIR), pass pipelines on a module, the layer table, the targets'
// writeArtifact / loadArtifact and the reference executor. Diagnostics
// are collected per call and raised as qopt.Error with their locations;
// tensors cross as numpy arrays without copies where the dtype matches.
// The workflow helpers (calibrate, allocate, compile, ...) are Python, in
// python/qopt/, over these primitives, so they run the same passes as the
// CLI.
//
//===----------------------------------------------------------------------===//

#include "qopt/Analysis/QuantizableLayers.h"
#include "qopt/Dialect/QOpt/IR/QOptInterfaces.h"
#include "qopt/Executor/Executor.h"
#include "qopt/InitAllDialects.h"
#include "qopt/InitAllPasses.h"
#include "qopt/Support/Datasets.h"
#include "qopt/Support/Tensor.h"
#include "qopt/Target/CPU/EmitLibrary.h"
#include "qopt/Target/ONNX/ImportONNX.h"
#include "qopt/Target/TargetBackend.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/OwningOpRef.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"

#include <unistd.h>

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cstdio>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace py = pybind11;
using namespace mlir;
using namespace mlir::qopt;

#ifndef QOPT_PY_VERSION
#define QOPT_PY_VERSION "unknown"
#endif

namespace {

/// qopt.Error, created in the module init.
PyObject *errorType = nullptr;

[[noreturn]] void raise(const std::string &message) {
  PyErr_SetString(errorType, message.c_str());
  throw py::error_already_set();
}

/// Registers the passes and targets once (the registries are global).
void initRegistries() {
  static std::once_flag once;
  std::call_once(once, [] { registerAllPasses(); });
}

std::unique_ptr<MLIRContext> makeContext() {
  initRegistries();
  DialectRegistry registry;
  registerAllDialects(registry);
  registerOnnxImportDialects(registry);
  registerCPUTargetTranslations(registry);
  auto ctx = std::make_unique<MLIRContext>(registry);
  ctx->loadAllAvailableDialects();
  // Python may call from several threads; each module owns its context.
  ctx->disableMultithreading();
  return ctx;
}

/// `file:line:col` for file locations (as the driver prints them), the
/// ONNX node name for named ones, MLIR's syntax otherwise.
void printLocation(llvm::raw_ostream &os, Location loc) {
  if (auto file = dyn_cast<FileLineColLoc>(loc)) {
    os << file.getFilename().getValue() << ":" << file.getLine() << ":"
       << file.getColumn();
    return;
  }
  if (auto name = dyn_cast<NameLoc>(loc)) {
    os << "'" << name.getName().getValue() << "'";
    return;
  }
  if (auto fused = dyn_cast<FusedLoc>(loc)) {
    for (Location inner : fused.getLocations())
      if (isa<NameLoc>(inner)) {
        printLocation(os, inner);
        return;
      }
  }
  os << loc;
}

/// Captures what is written to file descriptor 2 while it lives (LLVM's
/// command-line parser reports bad pass options on llvm::errs() directly),
/// so the text can go into the exception.
class StderrCapture {
public:
  StderrCapture() {
    std::fflush(stderr);
    saved = ::dup(2);
    file = std::tmpfile();
    if (saved < 0 || !file)
      return;
    ::dup2(::fileno(file), 2);
    active = true;
  }
  /// Restores stderr and returns what was written.
  std::string finish() {
    if (!active)
      return "";
    std::fflush(stderr);
    ::dup2(saved, 2);
    ::close(saved);
    active = false;
    std::string text;
    std::rewind(file);
    char buf[4096];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof(buf), file)) > 0)
      text.append(buf, n);
    std::fclose(file);
    file = nullptr;
    return text;
  }
  ~StderrCapture() { finish(); }

private:
  int saved = -1;
  std::FILE *file = nullptr;
  bool active = false;
};

/// Collects the diagnostics a call emits ("loc: error: message" lines, as
/// the driver prints them) for the exception it raises.
class DiagnosticCollector {
public:
  explicit DiagnosticCollector(MLIRContext *ctx)
      : handler(ctx, [this](Diagnostic &diag) {
          std::string line;
          llvm::raw_string_ostream os(line);
          printLocation(os, diag.getLocation());
          os << ": ";
          switch (diag.getSeverity()) {
          case DiagnosticSeverity::Error: os << "error: "; break;
          case DiagnosticSeverity::Warning: os << "warning: "; break;
          case DiagnosticSeverity::Remark: os << "remark: "; break;
          case DiagnosticSeverity::Note: os << "note: "; break;
          }
          os << diag.str();
          if (diag.getSeverity() == DiagnosticSeverity::Error)
            errors.push_back(line);
          else
            llvm::errs() << line << "\n"; // warnings stay visible
          return success();
        }) {}

  [[noreturn]] void raise(const std::string &what) {
    std::string message = what;
    for (const std::string &e : errors)
      message += "\n" + e;
    ::raise(message);
  }

private:
  std::vector<std::string> errors;
  ScopedDiagnosticHandler handler;
};

/// numpy dtype of a qopt DType (bf16 as its raw uint16 bits).
py::dtype toNumpy(DType dtype) {
  switch (dtype) {
  case DType::F32: return py::dtype::of<float>();
  case DType::F64: return py::dtype::of<double>();
  case DType::F16: return py::dtype("float16");
  case DType::BF16: return py::dtype::of<uint16_t>();
  case DType::I1: return py::dtype::of<bool>();
  case DType::I8: return py::dtype::of<int8_t>();
  case DType::U8: return py::dtype::of<uint8_t>();
  case DType::I16: return py::dtype::of<int16_t>();
  case DType::I32: return py::dtype::of<int32_t>();
  case DType::I64: return py::dtype::of<int64_t>();
  }
  return py::dtype::of<float>();
}

/// A tensor viewing `array` (C-contiguous, of `spec`'s dtype; converted
/// with a copy otherwise). `keep` holds the arrays viewed.
Tensor fromNumpy(py::handle value, const TensorSpec &spec,
                 std::vector<py::array> &keep) {
  py::dtype want = toNumpy(spec.dtype);
  py::array array = py::array::ensure(value);
  if (!array)
    raise("input '" + spec.name + "' is not an array");
  if (!array.dtype().is(want) ||
      !(array.flags() & py::array::c_style))
    array = py::array(py::module_::import("numpy").attr("ascontiguousarray")(
        array, want));
  std::vector<int64_t> shape(array.shape(), array.shape() + array.ndim());
  if (llvm::ArrayRef<int64_t>(shape) != llvm::ArrayRef<int64_t>(spec.shape)) {
    std::string msg;
    llvm::raw_string_ostream os(msg);
    os << "input '" << spec.name << "' has shape (";
    llvm::interleaveComma(shape, os);
    os << "), the model takes (";
    llvm::interleaveComma(spec.shape, os);
    os << ")";
    raise(msg);
  }
  keep.push_back(array);
  return Tensor::view(spec.dtype, shape, array.data(), nullptr);
}

/// A numpy array owning `t` (no copy).
py::array toNumpy(Tensor t) {
  auto *owned = new Tensor(std::move(t));
  py::capsule base(owned, [](void *p) { delete static_cast<Tensor *>(p); });
  std::vector<py::ssize_t> shape(owned->getShape().begin(),
                                 owned->getShape().end());
  return py::array(toNumpy(owned->getDType()), shape,
                   static_cast<const void *>(owned->bytes()), base);
}

/// Inputs by name (a dict) or position (a list/tuple, or one array for a
/// one-input model), in the model's order.
std::vector<Tensor> bindInputs(py::handle inputs, llvm::ArrayRef<TensorSpec> specs,
                               std::vector<py::array> &keep) {
  std::vector<Tensor> args;
  if (py::isinstance<py::dict>(inputs)) {
    py::dict d = py::reinterpret_borrow<py::dict>(inputs);
    for (auto item : d) {
      std::string key = py::str(item.first);
      if (llvm::none_of(specs, [&](const TensorSpec &s) { return s.name == key; }))
        raise("the model has no input '" + key + "'");
    }
    for (const TensorSpec &spec : specs) {
      if (!d.contains(spec.name))
        raise("missing input '" + spec.name + "'");
      args.push_back(fromNumpy(d[py::str(spec.name)], spec, keep));
    }
    return args;
  }
  py::list list;
  if (py::isinstance<py::list>(inputs) || py::isinstance<py::tuple>(inputs))
    list = py::list(py::reinterpret_borrow<py::object>(inputs));
  else
    list.append(inputs);
  if (list.size() != specs.size())
    raise("the model takes " + std::to_string(specs.size()) + " inputs, got " +
          std::to_string(list.size()));
  for (size_t i = 0; i < specs.size(); ++i)
    args.push_back(fromNumpy(list[i], specs[i], keep));
  return args;
}

py::dict outputsToDict(llvm::ArrayRef<TensorSpec> specs,
                       llvm::MutableArrayRef<Tensor> results) {
  py::dict out;
  for (size_t i = 0; i < results.size(); ++i)
    out[py::str(i < specs.size() ? specs[i].name
                                 : "output" + std::to_string(i))] =
        toNumpy(std::move(results[i]));
  return out;
}

py::list specsToList(llvm::ArrayRef<TensorSpec> specs) {
  py::list list;
  for (const TensorSpec &s : specs) {
    py::dict d;
    d["name"] = s.name;
    d["dtype"] = toNumpy(s.dtype);
    d["shape"] = py::tuple(py::cast(std::vector<int64_t>(s.shape.begin(),
                                                         s.shape.end())));
    list.append(d);
  }
  return list;
}

/// An MLIR module with its own context, and the ONNX model it came from
/// (the onnx target edits that model).
class PyModule {
public:
  PyModule(std::unique_ptr<MLIRContext> ctx, OwningOpRef<ModuleOp> module,
           std::string originalPath, std::string original)
      : ctx(std::move(ctx)), module(std::move(module)),
        originalPath(std::move(originalPath)), original(std::move(original)) {}

  static std::unique_ptr<PyModule> parse(const std::string &text,
                                         const std::string &name) {
    auto ctx = makeContext();
    DiagnosticCollector diags(ctx.get());
    ParserConfig config(ctx.get());
    OwningOpRef<ModuleOp> module =
        parseSourceString<ModuleOp>(text, config, name);
    if (!module)
      diags.raise("qopt: cannot parse " + name);
    return std::make_unique<PyModule>(std::move(ctx), std::move(module), "",
                                      "");
  }

  static std::unique_ptr<PyModule>
  importOnnx(const std::string &path,
             const std::map<std::string, std::vector<int64_t>> &shapes,
             int64_t defaultBatchSize) {
    auto ctx = makeContext();
    DiagnosticCollector diags(ctx.get());
    auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/false);
    if (!buffer)
      raise("qopt: cannot read '" + path + "': " + buffer.getError().message());
    std::string bytes = (*buffer)->getBuffer().str();
    OnnxImportOptions options;
    options.defaultBatchSize = defaultBatchSize;
    for (const auto &[name, shape] : shapes)
      options.inputShapes[name] = llvm::SmallVector<int64_t>(shape.begin(),
                                                             shape.end());
    FailureOr<OwningOpRef<ModuleOp>> module =
        importOnnxModel(std::move(*buffer), path, *ctx, options);
    if (failed(module))
      diags.raise("qopt: cannot import '" + path + "'");
    return std::make_unique<PyModule>(std::move(ctx), std::move(*module), path,
                                      std::move(bytes));
  }

  std::unique_ptr<PyModule> clone() const {
    // Through text, into a fresh context: the copy is independent of this
    // one (resources included).
    std::unique_ptr<PyModule> copy = parse(text(true), "<clone>");
    copy->originalPath = originalPath;
    copy->original = original;
    return copy;
  }

  std::string text(bool debugInfo) const {
    std::string out;
    llvm::raw_string_ostream os(out);
    OpPrintingFlags flags;
    if (debugInfo)
      flags.enableDebugInfo();
    module.get()->print(os, flags);
    return out;
  }

  void runPipeline(const std::string &pipeline) {
    DiagnosticCollector diags(ctx.get());
    // "builtin.module(...)", as --pass-pipeline takes it.
    std::string error;
    llvm::raw_string_ostream errorStream(error);
    StderrCapture capture;
    FailureOr<OpPassManager> parsed = parsePassPipeline(pipeline, errorStream);
    std::string optionErrors = capture.finish();
    if (failed(parsed))
      raise("qopt: bad pass pipeline '" + pipeline + "': " +
            llvm::StringRef(optionErrors + error).trim().str());
    if (parsed->getOpAnchorName() != ModuleOp::getOperationName())
      raise("qopt: the pass pipeline must be anchored on builtin.module "
            "(\"builtin.module(...)\"), not '" +
            parsed->getOpAnchorName().str() + "'");
    PassManager pm(ctx.get(), ModuleOp::getOperationName(),
                   OpPassManager::Nesting::Implicit);
    static_cast<OpPassManager &>(pm) = std::move(*parsed);
    py::gil_scoped_release release;
    if (failed(pm.run(*module))) {
      py::gil_scoped_acquire acquire;
      diags.raise("qopt: pass pipeline failed: " + pipeline);
    }
  }

  py::list layers() const {
    py::list list;
    QuantizableLayerAnalysis analysis(module.get().getOperation());
    for (const LayerInfo &layer : analysis.getLayers()) {
      py::dict d;
      d["name"] = layer.name;
      d["op"] = layer.op->getName().getStringRef().str();
      d["weight_shape"] =
          layer.weightType.hasRank()
              ? py::object(py::tuple(py::cast(std::vector<int64_t>(
                    layer.weightType.getShape().begin(),
                    layer.weightType.getShape().end()))))
              : py::object(py::none());
      d["params"] = layer.numParams ? py::object(py::int_(*layer.numParams))
                                    : py::object(py::none());
      d["macs"] = layer.macs ? py::object(py::int_(*layer.macs))
                             : py::object(py::none());
      d["constant_weight"] = layer.constantWeight;
      if (auto format = layer.op->getAttr("qopt.format"))
        d["format"] = [&] {
          std::string s;
          llvm::raw_string_ostream os(s);
          format.print(os);
          return s;
        }();
      list.append(d);
    }
    return list;
  }

  /// What `qopt -o path --target=target` does: the target's pipeline when
  /// the module is not lowered for it yet, then its writeArtifact.
  void writeArtifact(const std::string &targetName, const std::string &path,
                     const std::string &name,
                     const std::vector<std::pair<std::string, std::string>>
                         &targetOptions,
                     const std::string &onnxBase) {
    DiagnosticCollector diags(ctx.get());
    std::string originalBytes = original, originalFile = originalPath;
    if (!onnxBase.empty()) {
      auto buffer = llvm::MemoryBuffer::getFile(onnxBase, /*IsText=*/false);
      if (!buffer)
        raise("qopt: cannot read '" + onnxBase + "': " +
              buffer.getError().message());
      originalBytes = (*buffer)->getBuffer().str();
      originalFile = onnxBase;
    }
    llvm::Expected<const TargetBackend *> target =
        getTargetBackend(targetName);
    if (!target)
      raise("qopt: " + llvm::toString(target.takeError()));
    std::string artifactName =
        name.empty() ? getDefaultArtifactName(path) : name;
    py::gil_scoped_release release;
    std::string pipelineError;
    bool failedRun = false;
    if (!(*target)->isLowered(*module)) {
      PassManager pm(ctx.get(), ModuleOp::getOperationName(),
                     OpPassManager::Nesting::Implicit);
      TargetPipelineOptions options;
      options.name = artifactName;
      if (failed((*target)->buildPipeline(pm, options,
                                          [&](const llvm::Twine &message) {
                                            pipelineError = message.str();
                                          })) ||
          !pipelineError.empty() || failed(pm.run(*module)))
        failedRun = true;
    }
    if (!failedRun) {
      ArtifactRequest request;
      request.outputPath = path;
      request.producer = "qopt " QOPT_PY_VERSION;
      request.originalModel = originalBytes;
      request.originalModelPath = originalFile;
      request.targetOptions = targetOptions;
      failedRun = failed((*target)->writeArtifact(*module, request));
    }
    if (failedRun) {
      py::gil_scoped_acquire acquire;
      diags.raise("qopt: cannot write the " + targetName + " artifact '" +
                  path + "'" +
                  (pipelineError.empty() ? "" : ": " + pipelineError));
    }
  }

  MLIRContext *getContext() { return ctx.get(); }
  ModuleOp getModule() { return *module; }

private:
  std::unique_ptr<MLIRContext> ctx;
  OwningOpRef<ModuleOp> module;
  std::string originalPath, original;
};

/// The reference executor on a copy of a module's entry function.
class PyExecutor {
public:
  PyExecutor(const PyModule &source, unsigned numThreads)
      : module(source.clone()) {
    DiagnosticCollector diags(module->getContext());
    func::FuncOp entry = lookupEntryFunction(module->getModule(), "qopt");
    if (!entry)
      diags.raise("qopt.Executor: no entry function");
    FailureOr<std::unique_ptr<Executor>> created =
        Executor::create(entry, {numThreads});
    if (failed(created))
      diags.raise("qopt.Executor: the model cannot run in the reference "
                  "executor");
    executor = std::move(*created);
  }

  py::dict run(py::handle inputs) {
    std::vector<py::array> keep;
    std::vector<Tensor> args = bindInputs(inputs, executor->getInputs(), keep);
    DiagnosticCollector diags(module->getContext());
    FailureOr<SmallVector<Tensor>> results;
    {
      py::gil_scoped_release release;
      results = executor->run(args);
    }
    if (failed(results))
      diags.raise("qopt.Executor: run failed");
    return outputsToDict(executor->getOutputs(), *results);
  }

  py::list inputs() const { return specsToList(executor->getInputs()); }
  py::list outputs() const { return specsToList(executor->getOutputs()); }

private:
  std::unique_ptr<PyModule> module;
  std::unique_ptr<Executor> executor;
};

/// A deployed artifact loaded through its target (what qopt-run runs).
class PyArtifact {
public:
  PyArtifact(const std::string &path, const std::string &name,
             const std::string &variant, int32_t threads) {
    initRegistries();
    std::string head;
    if (auto buffer = llvm::MemoryBuffer::getFile(path, false))
      head = (*buffer)->getBuffer().take_front(64).str();
    else
      raise("qopt: cannot read '" + path + "': " +
            buffer.getError().message());
    const TargetBackend *target = findArtifactLoader(path, head);
    if (!target)
      raise("qopt: no target loads '" + path + "' (targets: " +
            getTargetBackendNames() + ")");
    LoadOptions options;
    options.name = name;
    options.variant = variant;
    options.threads = threads;
    llvm::Expected<std::unique_ptr<LoadedModel>> loaded =
        target->loadArtifact(path, options);
    if (!loaded)
      raise("qopt: " + llvm::toString(loaded.takeError()));
    model = std::move(*loaded);
  }

  py::dict run(py::handle inputs) {
    std::vector<py::array> keep;
    std::vector<Tensor> args = bindInputs(inputs, model->getInputs(), keep);
    std::optional<llvm::Expected<SmallVector<Tensor>>> results;
    {
      py::gil_scoped_release release;
      results.emplace(model->run(args));
    }
    if (!*results)
      raise("qopt: " + llvm::toString(results->takeError()));
    return outputsToDict(model->getOutputs(), **results);
  }

  py::list inputs() const { return specsToList(model->getInputs()); }
  py::list outputs() const { return specsToList(model->getOutputs()); }
  std::string describe() const { return model->describe(); }

private:
  std::unique_ptr<LoadedModel> model;
};

} // namespace

PYBIND11_MODULE(_qopt, m) {
  m.doc() = "qopt's C++ core: modules, pass pipelines, targets, executor";
  static py::exception<std::runtime_error> error(m, "Error");
  errorType = error.ptr();
  m.attr("__version__") = QOPT_PY_VERSION;

  py::class_<PyModule>(m, "Module")
      .def_static("parse", &PyModule::parse, py::arg("text"),
                  py::arg("name") = "<string>")
      .def_static("import_onnx", &PyModule::importOnnx, py::arg("path"),
                  py::arg("input_shapes") =
                      std::map<std::string, std::vector<int64_t>>{},
                  py::arg("default_batch_size") = 1)
      .def("clone", &PyModule::clone)
      .def("text", &PyModule::text, py::arg("debug_info") = false)
      .def("run_pipeline", &PyModule::runPipeline, py::arg("pipeline"))
      .def("layers", &PyModule::layers)
      .def("write_artifact", &PyModule::writeArtifact, py::arg("target"),
           py::arg("path"), py::arg("name") = "",
           py::arg("target_options") =
               std::vector<std::pair<std::string, std::string>>{},
           py::arg("onnx_base") = "");

  py::class_<PyExecutor>(m, "Executor")
      .def(py::init<const PyModule &, unsigned>(), py::arg("module"),
           py::arg("num_threads") = 1)
      .def("run", &PyExecutor::run, py::arg("inputs"))
      .def_property_readonly("inputs", &PyExecutor::inputs)
      .def_property_readonly("outputs", &PyExecutor::outputs);

  py::class_<PyArtifact>(m, "Artifact")
      .def(py::init<const std::string &, const std::string &,
                    const std::string &, int32_t>(),
           py::arg("path"), py::arg("name") = "", py::arg("variant") = "auto",
           py::arg("threads") = 0)
      .def("run", &PyArtifact::run, py::arg("inputs"))
      .def_property_readonly("inputs", &PyArtifact::inputs)
      .def_property_readonly("outputs", &PyArtifact::outputs)
      .def("describe", &PyArtifact::describe);

  m.def(
      "load_dataset",
      [](const std::string &spec, int64_t maxSamples) {
        llvm::Expected<Dataset> dataset = loadDataset(spec, maxSamples);
        if (!dataset)
          raise("qopt: " + llvm::toString(dataset.takeError()));
        if (dataset->samples.empty())
          raise("qopt: no samples in '" + spec + "'");
        const Tensor &first = dataset->samples.front();
        std::vector<py::ssize_t> shape = {py::ssize_t(dataset->samples.size())};
        shape.insert(shape.end(), first.getShape().begin(),
                     first.getShape().end());
        py::array x(toNumpy(first.getDType()), shape);
        char *dst = static_cast<char *>(x.mutable_data());
        for (const Tensor &t : dataset->samples) {
          std::memcpy(dst, t.bytes(), t.getNumBytes());
          dst += t.getNumBytes();
        }
        py::object labels = py::none();
        if (!dataset->labels.empty())
          labels = py::array(py::cast(dataset->labels));
        return py::make_tuple(x, labels);
      },
      py::arg("spec"), py::arg("max_samples") = 0,
      "Samples (stacked) and labels (or None) of a qopt dataset spec "
      "(FILE.npy, FILE.npz, fashion-mnist:FILE, ...), as qopt-run reads it");

  m.def("targets", [] {
    initRegistries();
    py::list list;
    for (const TargetBackend *t : getTargetBackends())
      list.append(py::make_tuple(t->getName().str(),
                                 t->getDescription().str()));
    return list;
  });
}

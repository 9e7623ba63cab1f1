//===- qopt-run.cpp - Run a model with the reference executor --------------===//
//
//   qopt-run MODEL(.onnx|.mlir|.so) [--input NAME=FILE]... [FILE...]
//            --output-dir DIR [--threads N] [--input-shape NAME:AxB]
//
// ONNX and MLIR models run in the reference executor; a shared library
// compiled by `qopt -o model.so` runs natively (--isa picks its kernel
// variant). Inputs are .npy, .npz or ONNX TensorProto .pb files, by name or
// by position; each output is written to DIR/<output name>.npy. Prints one
// timing line.
//
//===----------------------------------------------------------------------===//

#include "qopt/Target/CPU/CompiledModel.h"
#include "qopt/Target/TargetBackend.h"
#include "qopt/InitAllTargets.h"

#include "qopt/Support/Datasets.h"
#include "qopt/Executor/Executor.h"
#include "qopt/Support/TensorIO.h"
#include "qopt/InitAllDialects.h"
#include "qopt/Target/ONNX/ImportONNX.h"
#include "qopt-runtime/model.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"

#include <memory>
#include <algorithm>
#include <chrono>
#include <functional>

using namespace mlir;
using namespace mlir::qopt;

static llvm::cl::opt<std::string> modelPath(llvm::cl::Positional,
                                            llvm::cl::desc("<model>"));
static llvm::cl::list<std::string>
    positionalInputs(llvm::cl::Positional, llvm::cl::desc("[input files...]"));
static llvm::cl::list<std::string>
    namedInputs("input", llvm::cl::desc("NAME=FILE (.npy, .npz or .pb)"),
                llvm::cl::value_desc("name=file"));
static llvm::cl::opt<std::string>
    outputDir("output-dir", llvm::cl::desc("Directory for <output>.npy files "
                                           "(required unless --eval)"));
static llvm::cl::opt<std::string> evalData(
    "eval",
    llvm::cl::desc("Top-1 accuracy of output 0 on a labelled data set "
                   "(qopt-calibrate's data= specs) instead of one run"),
    llvm::cl::value_desc("spec"));
static llvm::cl::opt<double>
    evalMean("eval-mean", llvm::cl::desc("--eval: subtracted from inputs"),
             llvm::cl::init(0.0));
static llvm::cl::opt<double>
    evalStd("eval-std", llvm::cl::desc("--eval: inputs are divided by this"),
            llvm::cl::init(1.0));
static llvm::cl::opt<int64_t>
    evalSamples("eval-samples",
                llvm::cl::desc("--eval: samples to use (0: all)"),
                llvm::cl::init(0));
/// --threads N. Parsed by hand: libLLVM already registers an unrelated,
/// undocumented "threads" option, so a cl::opt of that name cannot exist.
/// The reference executor runs on 1 thread unless told; a compiled library
/// on as many as the process may use (its results do not depend on it).
/// 0: not given.
static unsigned numThreads = 0;

/// Removes `--threads N` / `--threads=N` from argv into numThreads; false on
/// a malformed value.
static bool takeThreadsOption(int &argc, char **argv) {
  int out = 1;
  for (int i = 1; i < argc; ++i) {
    StringRef arg = argv[i];
    StringRef value;
    if (arg == "--threads" || arg == "-threads") {
      if (i + 1 == argc)
        return false;
      value = argv[++i];
    } else if (arg.consume_front("--threads=") ||
               arg.consume_front("-threads=")) {
      value = arg;
    } else {
      argv[out++] = argv[i];
      continue;
    }
    if (value.getAsInteger(10, numThreads) || numThreads == 0)
      return false;
  }
  argc = out;
  return true;
}
static llvm::cl::opt<unsigned>
    repeat("repeat", llvm::cl::desc("Run N times; report the median time"),
           llvm::cl::init(1));
static llvm::cl::opt<std::string> outputFormat(
    "output-format",
    llvm::cl::desc("npy (default) or pb (ONNX TensorProto) output files"),
    llvm::cl::init("npy"));
static llvm::cl::opt<bool>
    profileOps("profile", llvm::cl::desc("Print kernel time per op name"),
               llvm::cl::init(false));
static llvm::cl::list<std::string>
    inputShapes("input-shape",
                llvm::cl::desc("Pin an ONNX input's shape (name:AxBxC)"));
/// --isa's help: auto or a kernel variant named by the model ABI.
static const std::string &isaOptionHelp() {
  static const std::string help = [] {
    std::string text = "Compiled libraries: kernel variant (auto";
    for (const char *name : {QOPT_RT_ISA_NAMES})
      text += std::string(", ") + name;
    return text + ")";
  }();
  return help;
}
static llvm::cl::opt<std::string>
    isaOption("isa", llvm::cl::desc(isaOptionHelp()), llvm::cl::init("auto"));
static llvm::cl::opt<std::string> libraryName(
    "library-name",
    llvm::cl::desc("Compiled libraries: the symbol prefix given to "
                   "qopt-cpu-pipeline (default: derived from the file name "
                   "as qopt -o derives it, then model)"));
static llvm::cl::opt<bool> listIsas(
    "list-isas",
    llvm::cl::desc("Print the kernel variants this CPU supports and exit"),
    llvm::cl::init(false));

/// What qopt-run runs: the reference executor or a compiled library.
struct Runnable {
  ArrayRef<TensorSpec> inputs, outputs;
  std::function<FailureOr<SmallVector<Tensor>>(ArrayRef<Tensor>)> run;
};

static int fail(const Twine &message) {
  llvm::errs() << "qopt-run: " << message << "\n";
  return 1;
}

/// Reads a tensor file; for .npz, the array `name` (or the only array).
static llvm::Expected<Tensor> readInput(StringRef path, StringRef name) {
  if (path.ends_with(".npy"))
    return readNpy(path);
  if (path.ends_with(".pb"))
    return readTensorProto(path);
  if (path.ends_with(".npz")) {
    auto arrays = readNpz(path);
    if (!arrays)
      return arrays.takeError();
    for (auto &[arrayName, t] : *arrays)
      if (arrayName == name)
        return t;
    if (arrays->size() == 1)
      return arrays->front().second;
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   path + ": no array named '" + name + "'");
  }
  return llvm::createStringError(
      llvm::inconvertibleErrorCode(),
      path + ": unknown input format (expected .npy, .npz or .pb)");
}

static std::string fileNameFor(StringRef name) {
  std::string out;
  for (char c : name)
    out.push_back(llvm::isAlnum(c) || c == '_' || c == '-' || c == '.' ? c
                                                                        : '_');
  return out.empty() ? "output" : out;
}

/// --eval: runs every full batch of the data set and compares the argmax
/// of each row of output 0 ([batch, classes]) with the labels.
static int evaluate(Runnable &executor,
                    std::chrono::steady_clock::time_point start) {
  if (evalStd == 0.0)
    return fail("--eval-std must not be 0");
  if (executor.inputs.size() != 1)
    return fail("--eval feeds one input; the model has " +
                Twine(executor.inputs.size()));
  const TensorSpec &out = executor.outputs.front();
  if (out.dtype != DType::F32 || out.shape.size() != 2)
    return fail("--eval needs a float32 [batch, classes] first output; '" +
                out.name + "' is " + dtypeName(out.dtype) +
                formatShape(out.shape));
  auto dataset = loadDataset(evalData, evalSamples);
  if (!dataset)
    return fail(llvm::toString(dataset.takeError()));
  if (dataset->labels.size() != dataset->samples.size())
    return fail("--eval: '" + evalData + "' has no labels");
  auto batches = makeInputBatches(*dataset, executor.inputs.front(),
                                  evalMean, evalStd);
  if (!batches)
    return fail(llvm::toString(batches.takeError()));
  auto ready = std::chrono::steady_clock::now();
  int64_t correct = 0, seen = 0, classes = out.shape[1];
  for (const Tensor &batch : *batches) {
    auto result = executor.run({batch});
    if (failed(result))
      return 1;
    const float *logits = (*result)[0].data<float>();
    for (int64_t r = 0; r < out.shape[0]; ++r, ++seen) {
      const float *row = logits + r * classes;
      int64_t argmax = std::max_element(row, row + classes) - row;
      correct += argmax == dataset->labels[seen];
    }
  }
  auto ms = [](auto a, auto b) {
    return std::chrono::duration<double, std::milli>(b - a).count();
  };
  llvm::outs() << llvm::formatv(
      "qopt-run: top-1 accuracy {0:f4} ({1} / {2} samples; {3:f1} ms, load "
      "{4:f1} ms)\n",
      double(correct) / double(seen), correct, seen,
      ms(ready, std::chrono::steady_clock::now()), ms(start, ready));
  return 0;
}

int main(int argc, char **argv) {
  llvm::InitLLVM initLLVM(argc, argv);
  if (!takeThreadsOption(argc, argv))
    return fail("--threads expects a positive integer");
  // --help lists qopt-run's own options, not every LLVM library option
  // (cl::list overloads operator&, hence std::addressof).
  using Opt = const llvm::cl::Option *;
  Opt own[] = {&modelPath,    std::addressof(positionalInputs),
               std::addressof(namedInputs), &outputDir,
               &evalData,     &evalMean,
               &evalStd,      &evalSamples,
               &repeat,       &outputFormat,
               &profileOps,   std::addressof(inputShapes),
               &isaOption,    &libraryName,
               &listIsas};
  for (auto &entry : llvm::cl::getRegisteredOptions())
    if (!llvm::is_contained(own, entry.second))
      entry.second->setHiddenFlag(llvm::cl::ReallyHidden);
  llvm::cl::ParseCommandLineOptions(
      argc, argv,
      "qopt-run: run a model with qopt's reference executor\n\n"
      "  --threads N    threads: the reference executor's heavy kernels "
      "(default 1);\n"
      "                 a compiled library's run (default: every CPU the "
      "process may use;\n"
      "                 its results are the same for every count)\n");

  if (listIsas) {
    for (const std::string &name : supportedIsaNames())
      llvm::outs() << name << "\n";
    return 0;
  }
  if (modelPath.empty())
    return fail("no model given (see --help)");

  registerAllTargets();
  DialectRegistry registry;
  registerAllDialects(registry);
  registerOnnxImportDialects(registry);
  MLIRContext context(registry);
  context.loadAllAvailableDialects();
  context.printOpOnDiagnostic(false);

  auto start = std::chrono::steady_clock::now();
  auto buffer = llvm::MemoryBuffer::getFile(modelPath, false, false);
  if (!buffer)
    return fail("cannot read '" + modelPath + "': " +
                buffer.getError().message());
  Runnable model;
  std::unique_ptr<Executor> executor;
  std::unique_ptr<LoadedModel> library;
  OwningOpRef<ModuleOp> module;
  // Lives as long as the module: executor errors point into the file.
  llvm::SourceMgr sourceMgr;
  std::optional<SourceMgrDiagnosticHandler> sourceHandler;
  // Shapes are fixed in MLIR and in compiled libraries: a pin would be
  // silently ignored there.
  if (!inputShapes.empty() &&
      !looksLikeOnnxModel(modelPath, (*buffer)->getBuffer()))
    return fail("--input-shape applies to ONNX models; this model's input "
                "shapes are fixed");
  // A deployed artifact (a target's canLoad says so: the CPU's ELF
  // library, ...) runs through its target's loader; .onnx and .mlir run in
  // the reference executor.
  const TargetBackend *loader =
      looksLikeOnnxModel(modelPath, (*buffer)->getBuffer())
          ? nullptr
          : findArtifactLoader(modelPath, (*buffer)->getBuffer());
  if (loader) {
    LoadOptions options;
    options.name = libraryName;
    options.variant = isaOption;
    options.threads = int32_t(numThreads);
    auto loaded = loader->loadArtifact(modelPath, options);
    if (!loaded)
      return fail(llvm::toString(loaded.takeError()));
    library = std::move(*loaded);
    model.inputs = library->getInputs();
    model.outputs = library->getOutputs();
    model.run = [&](ArrayRef<Tensor> args) -> FailureOr<SmallVector<Tensor>> {
      auto results = library->run(args);
      if (!results) {
        fail(llvm::toString(results.takeError()));
        return failure();
      }
      return std::move(*results);
    };
    if (profileOps)
      return fail("--profile needs the reference executor (an .onnx or "
                  ".mlir model)");
  } else {
    if (isaOption != "auto" || !libraryName.empty())
      return fail("--isa and --library-name apply to compiled libraries");
    if (numThreads == 0)
      numThreads = 1;
    if (looksLikeOnnxModel(modelPath, (*buffer)->getBuffer())) {
      OnnxImportOptions options;
      for (const std::string &spec : inputShapes) {
        std::string error = parseInputShapeOption(spec, options);
        if (!error.empty())
          return fail("--input-shape: " + error);
      }
      // As onnxruntime does, a named input file gives the dimensions the
      // model leaves dynamic (an --input-shape pin takes precedence).
      for (const std::string &entry : namedInputs) {
        auto [name, file] = StringRef(entry).split('=');
        if (file.empty())
          continue;
        auto t = readInput(file, name);
        if (!t)
          return fail(llvm::toString(t.takeError()));
        options.inputShapeHints[name] = llvm::to_vector(t->getShape());
      }
      auto imported = importOnnxModel(std::move(*buffer), modelPath, context,
                                      options);
      if (failed(imported))
        return 1;
      module = std::move(*imported);
    } else {
      sourceMgr.AddNewSourceBuffer(std::move(*buffer), llvm::SMLoc());
      sourceHandler.emplace(sourceMgr, &context);
      module = parseSourceFile<ModuleOp>(sourceMgr, &context);
      if (!module)
        return 1;
    }
    func::FuncOp func = lookupEntryFunction(*module, "qopt-run");
    if (!func)
      return 1;
    auto created = Executor::create(func, {numThreads});
    if (failed(created))
      return 1;
    executor = std::move(*created);
    model.inputs = executor->getInputs();
    model.outputs = executor->getOutputs();
    model.run = [&](ArrayRef<Tensor> args) { return executor->run(args); };
  }
  if (!evalData.empty())
    return evaluate(model, start);
  if (outputDir.empty())
    return fail("--output-dir is required (or --eval to measure accuracy)");
  ArrayRef<TensorSpec> specs = model.inputs;

  // Inputs by name, then the rest by position.
  SmallVector<std::optional<Tensor>> inputs(specs.size());
  for (const std::string &entry : namedInputs) {
    auto [name, file] = StringRef(entry).split('=');
    if (file.empty())
      return fail("--input expects NAME=FILE, got '" + entry + "'");
    auto it = llvm::find_if(specs, [&](const TensorSpec &s) {
      return s.name == name;
    });
    if (it == specs.end()) {
      std::string names;
      for (const TensorSpec &s : specs)
        names += (names.empty() ? "'" : ", '") + s.name + "'";
      return fail("the model has no input '" + name + "' (inputs: " + names +
                  ")");
    }
    auto t = readInput(file, name);
    if (!t)
      return fail(llvm::toString(t.takeError()));
    inputs[it - specs.begin()] = std::move(*t);
  }
  size_t next = 0;
  for (const std::string &file : positionalInputs) {
    while (next < specs.size() && inputs[next])
      ++next;
    if (next == specs.size())
      return fail("more input files than model inputs");
    auto t = readInput(file, specs[next].name);
    if (!t)
      return fail(llvm::toString(t.takeError()));
    inputs[next] = std::move(*t);
  }
  SmallVector<Tensor> args;
  for (auto [spec, input] : llvm::zip(specs, inputs)) {
    if (!input)
      return fail("no value for input '" + spec.name + "' (" +
                  dtypeName(spec.dtype) + formatShape(spec.shape) + ")");
    if (input->getDType() != spec.dtype ||
        input->getShape() != ArrayRef(spec.shape))
      return fail("input '" + spec.name + "': expected " +
                  dtypeName(spec.dtype) + formatShape(spec.shape) + ", got " +
                  input->describe());
    args.push_back(*input);
  }

  auto ready = std::chrono::steady_clock::now();
  if (executor)
    executor->setProfiling(profileOps);
  FailureOr<SmallVector<Tensor>> outputs = failure();
  std::vector<double> times;
  for (unsigned i = 0; i < std::max(1u, unsigned(repeat)); ++i) {
    auto t0 = std::chrono::steady_clock::now();
    outputs = model.run(args);
    if (failed(outputs))
      return 1;
    times.push_back(std::chrono::duration<double, std::milli>(
                        std::chrono::steady_clock::now() - t0)
                        .count());
  }
  std::sort(times.begin(), times.end());
  double median = times[times.size() / 2];

  if (std::error_code ec = llvm::sys::fs::create_directories(outputDir))
    return fail("cannot create '" + outputDir + "': " + ec.message());
  if (outputFormat != "npy" && outputFormat != "pb")
    return fail("--output-format must be npy or pb");
  for (auto [spec, tensor] : llvm::zip(model.outputs, *outputs)) {
    SmallString<256> path(outputDir);
    llvm::sys::path::append(path, fileNameFor(spec.name) + "." + outputFormat);
    llvm::Error e = outputFormat == "npy"
                        ? writeNpy(tensor, path)
                        : writeTensorProto(tensor, spec.name, path);
    if (e)
      return fail(llvm::toString(std::move(e)));
  }
  auto ms = [](auto a, auto b) {
    return std::chrono::duration<double, std::milli>(b - a).count();
  };
  llvm::outs() << llvm::formatv(
      "qopt-run: {0} output(s) in {1:f2} ms (median of {2}; load {3:f1} ms, "
      "{4})\n",
      outputs->size(), median, times.size(), ms(start, ready),
      library ? "library, kernels " + library->describe()
              : "threads " + std::to_string(numThreads));
  if (profileOps) {
    std::vector<std::pair<double, std::string>> rows;
    for (auto &entry : executor->getProfile())
      rows.emplace_back(entry.getValue() / times.size(), entry.getKey().str());
    std::sort(rows.rbegin(), rows.rend());
    for (auto &[t, name] : rows)
      llvm::outs() << llvm::formatv("  {0,10:f2} ms  {1}\n", t, name);
  }
  return 0;
}

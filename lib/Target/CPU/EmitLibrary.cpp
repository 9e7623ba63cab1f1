//===- EmitLibrary.cpp - Compiled models as objects and libraries ---------===//
//
// Object code comes from LLVM in process (translation, the O2 pipeline,
// the target's code generator). The model's C interface is generated as C
// text, a header and a wrapper, because that is what users read and
// include; the system C compiler builds the wrapper and links the library
// with the kernel archive. The types both sides of the interface share
// (dtype codes, descriptors, ISA numbers) are qopt-runtime/model.h, which
// the header embeds verbatim and the wrapper checks against the runtime's.
//
//===----------------------------------------------------------------------===//

#include "qopt/Target/CPU/EmitLibrary.h"
#include "qopt/Dialect/QOpt/IR/QOptAttrs.h"
#include "qopt/Dialect/QOpt/IR/QOptDialect.h"

#include "qopt-runtime/model.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Export.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/Module.h"
#include "llvm/MC/MCSubtargetInfo.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/Target/TargetOptions.h"
#include "llvm/TargetParser/Host.h"
#include "llvm/TargetParser/SubtargetFeature.h"
#include "llvm/TargetParser/Triple.h"

using namespace mlir;
using namespace mlir::qopt;

namespace {
#include "ModelABIHeader.inc"
} // namespace

void mlir::qopt::registerCPUTargetTranslations(DialectRegistry &registry) {
  registerBuiltinDialectTranslation(registry);
  registerLLVMDialectTranslation(registry);
}

namespace {

/// One input or output of the entry function.
struct TensorDesc {
  std::string name;
  RankedTensorType type;
};

/// The entry's ABI as recorded by qopt-cpu-entry-abi.
struct EntryABI {
  std::string name;
  SmallVector<TensorDesc> inputs, outputs;
  /// Bytes of the per-instance workspace (qopt-cpu-plan-workspace), or -1
  /// when the entry takes none.
  int64_t workspaceBytes = -1;
};

/// A `qopt_dtype` (qopt-runtime/model.h) and its enumerator's name.
struct DTypeCode {
  qopt_dtype code;
  const char *enumerator;
};

/// Every `qopt_dtype`, for the wrapper's check of the runtime's header.
constexpr DTypeCode kDTypeCodes[] = {
    {QOPT_DTYPE_F32, "QOPT_DTYPE_F32"},   {QOPT_DTYPE_F64, "QOPT_DTYPE_F64"},
    {QOPT_DTYPE_I8, "QOPT_DTYPE_I8"},     {QOPT_DTYPE_I16, "QOPT_DTYPE_I16"},
    {QOPT_DTYPE_I32, "QOPT_DTYPE_I32"},   {QOPT_DTYPE_I64, "QOPT_DTYPE_I64"},
    {QOPT_DTYPE_BOOL, "QOPT_DTYPE_BOOL"},
};

/// The ISA enumerators, for the same check.
constexpr std::pair<qopt_rt_isa, const char *> kIsaCodes[] = {
    {QOPT_RT_ISA_PORTABLE, "QOPT_RT_ISA_PORTABLE"},
    {QOPT_RT_ISA_AVX2, "QOPT_RT_ISA_AVX2"},
    {QOPT_RT_ISA_AVX512_VNNI, "QOPT_RT_ISA_AVX512_VNNI"},
    {QOPT_RT_ISA_AVX_VNNI, "QOPT_RT_ISA_AVX_VNNI"},
    {QOPT_RT_ISA_COUNT, "QOPT_RT_ISA_COUNT"},
};

/// The `qopt_dtype` of an element type the library ABI has, every one
/// listed: a type without one cannot cross the C interface.
std::optional<DTypeCode> dtypeCode(Type type) {
  auto find = [](qopt_dtype code) {
    return *llvm::find_if(kDTypeCodes,
                          [&](const DTypeCode &d) { return d.code == code; });
  };
  if (type.isF32())
    return find(QOPT_DTYPE_F32);
  if (type.isF64())
    return find(QOPT_DTYPE_F64);
  if (type.isSignlessInteger(1))
    return find(QOPT_DTYPE_BOOL);
  if (type.isSignlessInteger(8))
    return find(QOPT_DTYPE_I8);
  if (type.isSignlessInteger(16))
    return find(QOPT_DTYPE_I16);
  if (type.isSignlessInteger(32))
    return find(QOPT_DTYPE_I32);
  if (type.isSignlessInteger(64))
    return find(QOPT_DTYPE_I64);
  return std::nullopt;
}

FailureOr<EntryABI> readABI(ModuleOp module) {
  // The attribute's verifier has checked the name (a C identifier) and the
  // tensors (static shapes of element types with a qopt_dtype).
  auto attr =
      module->getAttrOfType<EntryABIAttr>(QOptDialect::kCPUAbiAttrName);
  if (!attr)
    return module.emitError("module has no '")
           << QOptDialect::kCPUAbiAttrName
           << "' attribute; compile it with qopt-cpu-pipeline first";
  EntryABI abi;
  abi.name = attr.getName().str();
  auto read = [&](ArrayRef<EntryTensorAttr> tensors,
                  SmallVectorImpl<TensorDesc> &out) {
    for (EntryTensorAttr t : tensors)
      out.push_back({t.getName().str(), t.getTensorType()});
  };
  read(attr.getInputs(), abi.inputs);
  read(attr.getOutputs(), abi.outputs);
  abi.workspaceBytes = attr.getWorkspaceBytes().value_or(-1);
  auto entry = module.lookupSymbol<LLVM::LLVMFuncOp>(abi.name + "_entry");
  size_t expected = 1 + abi.inputs.size() + abi.outputs.size() +
                    (abi.workspaceBytes >= 0 ? 1 : 0);
  if (!entry || entry.getNumArguments() != expected ||
      !llvm::all_of(entry.getArgumentTypes(),
                    llvm::IsaPred<LLVM::LLVMPointerType>))
    return module.emitError("expected an LLVM function '")
           << abi.name << "_entry' taking " << expected
           << " pointers (context, inputs, outputs, workspace); run the "
              "whole qopt-cpu-pipeline";
  return abi;
}

/// Bytes of a tensor as the library stores it (i1 as one byte).
int64_t byteSize(RankedTensorType type) {
  int64_t bits = type.getElementTypeBitWidth();
  return type.getNumElements() * std::max<int64_t>(1, bits / 8);
}

/// A C string literal holding `text`.
std::string cString(StringRef text) {
  std::string out = "\"";
  for (unsigned char c : text) {
    if (c == '"' || c == '\\')
      out += '\\', out += char(c);
    else if (c >= 0x20 && c < 0x7f)
      out += char(c);
    else
      out += llvm::formatv("\\{0:o3}", unsigned(c)).str();
  }
  return out + "\"";
}

std::string upper(StringRef s) { return s.upper(); }

/// `"portable", "avx2", ... or "avx-vnni"`, from QOPT_RT_ISA_NAMES.
std::string isaNameList() {
  const char *names[] = {QOPT_RT_ISA_NAMES};
  std::string out;
  for (auto [i, name] : llvm::enumerate(names))
    out += std::string(i == 0 ? "" : i + 1 == std::size(names) ? " or " : ", ") +
           "\"" + name + "\"";
  return out;
}

std::unique_ptr<llvm::TargetMachine>
createTargetMachine(const CPULibraryOptions &options, std::string &error) {
  llvm::InitializeNativeTarget();
  llvm::InitializeNativeTargetAsmPrinter();
  llvm::Triple triple(llvm::sys::getDefaultTargetTriple());
  const llvm::Target *target = llvm::TargetRegistry::lookupTarget(triple, error);
  if (!target)
    return nullptr;
  std::string cpu = options.cpu, features;
  // LLVM warns about an unknown CPU and then generates code for a default
  // one; a typo must not silently give other code.
  if (cpu != "native" && cpu != "generic") {
    std::unique_ptr<llvm::MCSubtargetInfo> info(
        target->createMCSubtargetInfo(triple, "generic", ""));
    if (!info || !info->isCPUStringValid(cpu)) {
      error = "unknown --target-cpu '" + cpu + "' for " + triple.str() +
              " (generic, native or an LLVM CPU name such as skylake-avx512)";
      return nullptr;
    }
  }
  if (cpu == "native") {
    cpu = llvm::sys::getHostCPUName().str();
    llvm::SubtargetFeatures subtarget;
    for (auto &feature : llvm::sys::getHostCPUFeatures())
      subtarget.AddFeature(feature.first(), feature.second);
    features = subtarget.getString();
  }
  llvm::CodeGenOptLevel level = options.optLevel == 0   ? llvm::CodeGenOptLevel::None
                                : options.optLevel == 1 ? llvm::CodeGenOptLevel::Less
                                : options.optLevel == 2
                                    ? llvm::CodeGenOptLevel::Default
                                    : llvm::CodeGenOptLevel::Aggressive;
  std::unique_ptr<llvm::TargetMachine> machine(target->createTargetMachine(
      triple, cpu, features, llvm::TargetOptions(), llvm::Reloc::PIC_,
      std::nullopt, level));
  if (!machine)
    error = "cannot create a target machine for CPU '" + cpu + "'";
  return machine;
}

} // namespace

LogicalResult mlir::qopt::emitObjectFile(ModuleOp module,
                                         const CPULibraryOptions &options,
                                         llvm::raw_pwrite_stream &os) {
  if (failed(readABI(module)))
    return failure();
  std::string error;
  std::unique_ptr<llvm::TargetMachine> machine =
      createTargetMachine(options, error);
  if (!machine)
    return module.emitError("native code generation: ") << error;
  llvm::LLVMContext llvmContext;
  std::unique_ptr<llvm::Module> llvmModule =
      translateModuleToLLVMIR(module, llvmContext, "qopt_model");
  if (!llvmModule)
    return module.emitError("translation to LLVM IR failed");
  llvmModule->setTargetTriple(machine->getTargetTriple());
  llvmModule->setDataLayout(machine->createDataLayout());
  if (llvm::Error e = makeOptimizingTransformer(options.optLevel, 0,
                                                machine.get())(llvmModule.get()))
    return module.emitError("LLVM optimization failed: ")
           << llvm::toString(std::move(e));
  llvm::legacy::PassManager codegen;
  if (machine->addPassesToEmitFile(codegen, os, nullptr,
                                   llvm::CodeGenFileType::ObjectFile))
    return module.emitError("the target cannot emit object files");
  codegen.run(*llvmModule);
  return success();
}

LogicalResult mlir::qopt::emitCHeader(ModuleOp module,
                                      const CPULibraryOptions &options,
                                      llvm::raw_ostream &os) {
  FailureOr<EntryABI> abi = readABI(module);
  if (failed(abi))
    return failure();
  StringRef n = abi->name;
  std::string guard = "QOPT_MODEL_" + upper(n) + "_H";
  os << "/* " << n << ".h - C interface of a model compiled by "
     << options.producer << ". Generated; do not edit.\n"
     << " *\n"
     << " * Link with the library qopt wrote next to this header. "
        "Buffers are dense,\n"
     << " * row-major, in the shapes and element types the descriptors give. "
        "A\n"
     << " * model instance owns the workspace for its temporaries and a "
        "thread pool:\n"
     << " * it runs one call at a time (use one instance per calling "
        "thread); results\n"
     << " * are bit-identical for every thread count.\n"
     << " */\n\n";
  os << "#ifndef " << guard << "\n#define " << guard << "\n\n"
     << "#include <stdint.h>\n\n";
  // The model ABI's types, verbatim: the header needs no other qopt file.
  os << "/* qopt-runtime/model.h, as " << options.producer
     << " has it: */\n"
     << kModelABIHeader << "\n";
  os << "#ifdef __cplusplus\nextern \"C\" {\n#endif\n\n";
  os << "#define " << upper(n) << "_NUM_INPUTS " << abi->inputs.size() << "\n"
     << "#define " << upper(n) << "_NUM_OUTPUTS " << abi->outputs.size()
     << "\n\n";
  auto list = [&](StringRef what, ArrayRef<TensorDesc> descs) {
    for (auto [i, d] : llvm::enumerate(descs)) {
      os << " *   " << what << " " << i << ": " << d.name << " ";
      llvm::interleave(d.type.getShape(), os, "x");
      os << " " << d.type.getElementType() << "\n";
    }
  };
  os << "/* Inputs and outputs:\n";
  list("input", abi->inputs);
  list("output", abi->outputs);
  os << " */\n";
  os << llvm::formatv(R"(const qopt_tensor_desc *{0}_input_desc(int32_t index);  /* NULL if out of range */
const qopt_tensor_desc *{0}_output_desc(int32_t index);
int32_t {0}_num_inputs(void);
int32_t {0}_num_outputs(void);
/* Bytes of temporary memory each instance allocates at creation. */
int64_t {0}_workspace_bytes(void);

/* A model instance. */
typedef struct {0}_t {0}_t;

/* An instance using the fastest kernel variant this CPU supports, with its
 * workspace; NULL when out of memory. */
{0}_t *{0}_create(void);
/* An instance using kernel variant `isa` (QOPT_ISA_*); NULL when this CPU
 * or build lacks it. Integer-path results are identical for every variant.
 * It runs on as many threads as the process may use (CPU affinity). */
{0}_t *{0}_create_with_isa(int32_t isa);
/* An instance using variant `isa` and `threads` threads in all, the
 * calling one included (<= 0: as many as the process may use); NULL when
 * this CPU or build lacks the variant, or out of memory. If the system
 * refuses to start threads it has fewer ({0}_num_threads). */
{0}_t *{0}_create_with_threads(int32_t isa, int32_t threads);
/* One of QOPT_RT_ISA_NAMES: {1}. */
const char *{0}_isa_name(const {0}_t *model);
/* The threads a run uses, the calling one included. */
int32_t {0}_num_threads(const {0}_t *model);
/* Runs the model: inputs[i] and outputs[i] point to dense buffers of the
 * descriptors' sizes. Returns 0, or -1 for a NULL argument. */
int32_t {0}_run({0}_t *model, const void *const *inputs, void *const *outputs);
void {0}_destroy({0}_t *model);
)",
                      n, isaNameList());
  os << "\n#ifdef __cplusplus\n}\n#endif\n\n#endif /* " << guard << " */\n";
  return success();
}

LogicalResult mlir::qopt::emitCWrapper(ModuleOp module,
                                       const CPULibraryOptions &options,
                                       StringRef headerName,
                                       llvm::raw_ostream &os) {
  FailureOr<EntryABI> abi = readABI(module);
  if (failed(abi))
    return failure();
  StringRef n = abi->name;
  // The runtime's header first: its model.h is the one the header's
  // embedded copy (same include guard) then gives way to, and the one the
  // checks below hold against what this qopt (its loader included) uses.
  os << "/* " << n << " wrapper - generated by " << options.producer
     << "; do not edit. */\n"
     << "#include \"qopt-runtime/cpu.h\"\n"
     << "#include " << cString(headerName) << "\n\n"
     << "#include <stddef.h>\n#include <stdlib.h>\n#include <string.h>\n\n";
  os << "/* The runtime's qopt-runtime/model.h is the model ABI this qopt "
        "was built with. */\n";
  auto check = [&](StringRef expr, int64_t value) {
    os << "_Static_assert(" << expr << " == " << value << ", \"" << expr
       << " differs from the runtime's qopt-runtime/model.h\");\n";
  };
  for (auto [code, enumerator] : kIsaCodes)
    check(enumerator, code);
  for (const DTypeCode &d : kDTypeCodes)
    check(d.enumerator, d.code);
  check("sizeof(qopt_tensor_desc)", sizeof(qopt_tensor_desc));
  check("offsetof(qopt_tensor_desc, dtype)", offsetof(qopt_tensor_desc, dtype));
  check("offsetof(qopt_tensor_desc, rank)", offsetof(qopt_tensor_desc, rank));
  check("offsetof(qopt_tensor_desc, shape)", offsetof(qopt_tensor_desc, shape));
  check("offsetof(qopt_tensor_desc, size_bytes)",
        offsetof(qopt_tensor_desc, size_bytes));
  os << "\n";
  // The compiled entry: ISA, inputs, outputs.
  os << "void " << n << "_entry(const qopt_rt_context *context";
  for (size_t i = 0; i < abi->inputs.size() + abi->outputs.size(); ++i)
    os << ", void *";
  if (abi->workspaceBytes >= 0)
    os << ", void *workspace";
  os << ");\n\n";
  int64_t workspace = std::max<int64_t>(abi->workspaceBytes, 0);
  // aligned_alloc wants a multiple of the alignment.
  int64_t allocated = (workspace + 63) / 64 * 64;

  auto emitDescs = [&](StringRef what, ArrayRef<TensorDesc> descs) {
    for (auto [i, d] : llvm::enumerate(descs)) {
      os << "static const int64_t " << what << "_shape_" << i << "[] = {";
      llvm::interleaveComma(d.type.getShape(), os);
      if (d.type.getRank() == 0)
        os << "0";
      os << "};\n";
    }
    os << "static const qopt_tensor_desc " << what << "_descs[] = {\n";
    for (auto [i, d] : llvm::enumerate(descs))
      os << "  {" << cString(d.name) << ", "
         << dtypeCode(d.type.getElementType())->enumerator
         << ", " << d.type.getRank() << ", " << what << "_shape_" << i << ", "
         << byteSize(d.type) << "},\n";
    os << "};\n";
  };
  emitDescs("input", abi->inputs);
  emitDescs("output", abi->outputs);
  os << llvm::formatv(R"(
struct {0}_t {{
  qopt_rt_context context; /* the ISA and the instance's pool */
  void *workspace;
};

int32_t {0}_num_inputs(void) {{ return {1}; }
int32_t {0}_num_outputs(void) {{ return {2}; }
int64_t {0}_workspace_bytes(void) {{ return {3}; }

const qopt_tensor_desc *{0}_input_desc(int32_t index) {{
  return index >= 0 && index < {1} ? &input_descs[index] : NULL;
}

const qopt_tensor_desc *{0}_output_desc(int32_t index) {{
  return index >= 0 && index < {2} ? &output_descs[index] : NULL;
}

{0}_t *{0}_create_with_threads(int32_t isa, int32_t threads) {{
  if (!qopt_rt_isa_supported((qopt_rt_isa)isa))
    return NULL;
  {0}_t *model = ({0}_t *)malloc(sizeof({0}_t));
  if (!model)
    return NULL;
  model->context.isa = isa;
  model->context.pool = NULL;
  model->workspace = NULL;
  if (threads <= 0)
    threads = qopt_rt_available_cpus();
  if (threads > 1) {{
    model->context.pool = qopt_rt_pool_create(threads);
    if (!model->context.pool) {{
      free(model);
      return NULL;
    }
  }
  if ({4} > 0) {{
    model->workspace = aligned_alloc(64, {4});
    if (!model->workspace) {{
      qopt_rt_pool_destroy(model->context.pool);
      free(model);
      return NULL;
    }
    /* Touch it once so the first run does not pay for the page faults. */
    memset(model->workspace, 0, {4});
  }
  return model;
}

{0}_t *{0}_create_with_isa(int32_t isa) {{
  return {0}_create_with_threads(isa, 0);
}

{0}_t *{0}_create(void) {{ return {0}_create_with_isa((int32_t)qopt_rt_best_isa()); }

const char *{0}_isa_name(const {0}_t *model) {{
  return model ? qopt_rt_isa_name((qopt_rt_isa)model->context.isa) : "none";
}

int32_t {0}_num_threads(const {0}_t *model) {{
  return model ? qopt_rt_pool_size(model->context.pool) : 0;
}

void {0}_destroy({0}_t *model) {{
  if (model) {{
    free(model->workspace);
    qopt_rt_pool_destroy(model->context.pool);
  }
  free(model);
}

int32_t {0}_run({0}_t *model, const void *const *inputs, void *const *outputs) {{
  if (!model || !inputs || !outputs)
    return -1;
  for (int i = 0; i < {1}; ++i)
    if (!inputs[i])
      return -1;
  for (int i = 0; i < {2}; ++i)
    if (!outputs[i])
      return -1;
)",
                      n, abi->inputs.size(), abi->outputs.size(), workspace,
                      allocated);
  os << "  " << n << "_entry(&model->context";
  for (size_t i = 0; i < abi->inputs.size(); ++i)
    os << ", (void *)inputs[" << i << "]";
  for (size_t i = 0; i < abi->outputs.size(); ++i)
    os << ", outputs[" << i << "]";
  if (abi->workspaceBytes >= 0)
    os << ", model->workspace";
  os << ");\n  return 0;\n}\n";
  return success();
}

namespace {

/// Runs `program` with `args`, reporting failures on `module`.
LogicalResult runTool(ModuleOp module, StringRef program,
                      ArrayRef<std::string> args) {
  auto path = llvm::sys::findProgramByName(program);
  if (!path)
    return module.emitError("cannot find the C compiler '")
           << program << "' (needed to build the library; set --cc)";
  SmallVector<StringRef> argv = {*path};
  for (const std::string &a : args)
    argv.push_back(a);
  std::string message;
  int rc = llvm::sys::ExecuteAndWait(*path, argv, std::nullopt, {}, 0, 0,
                                     &message);
  if (rc != 0) {
    std::string command;
    for (StringRef a : argv)
      command += (command.empty() ? "" : " ") + a.str();
    return module.emitError("'")
           << command << "' failed"
           << (message.empty() ? "" : ": " + message);
  }
  return success();
}

/// A temporary directory holding the compiler's inputs, removed (with
/// them) when this goes out of scope. The files in it have fixed names, so
/// that nothing random reaches the artifact (the C compiler records its
/// input's file name in the object): the same module gives the same bytes.
struct TempDir {
  SmallString<128> path;
  std::vector<std::string> files;
  ~TempDir() {
    for (const std::string &f : files)
      llvm::sys::fs::remove(f);
    if (!path.empty())
      llvm::sys::fs::remove(path);
  }
  LogicalResult create(ModuleOp module) {
    if (std::error_code ec =
            llvm::sys::fs::createUniqueDirectory("qopt-model", path))
      return module.emitError("cannot create a temporary directory: ")
             << ec.message();
    return success();
  }
  std::string file(StringRef name) {
    SmallString<128> p(path);
    llvm::sys::path::append(p, name);
    files.push_back(p.str().str());
    return files.back();
  }
};

} // namespace

LogicalResult mlir::qopt::emitLibrary(ModuleOp module,
                                      const CPULibraryOptions &options,
                                      CPULibraryKind kind,
                                      StringRef outputPath,
                                      StringRef headerPath) {
  if (failed(readABI(module)))
    return failure();
  if (options.runtimeLibrary.empty() ||
      !llvm::sys::fs::exists(options.runtimeLibrary))
    return module.emitError("cannot find the CPU kernel library '")
           << options.runtimeLibrary
           << "' (libQOptRuntimeCPU.a; set --runtime-library)";
  SmallString<256> runtimeHeader(options.runtimeIncludeDir);
  llvm::sys::path::append(runtimeHeader, "qopt-runtime", "cpu.h");
  if (options.runtimeIncludeDir.empty() ||
      !llvm::sys::fs::exists(runtimeHeader))
    return module.emitError("cannot find the CPU kernel library's header '")
           << runtimeHeader << "' (set --runtime-include-dir)";

  // Header, next to the output.
  {
    std::error_code ec;
    llvm::raw_fd_ostream header(headerPath, ec);
    if (ec)
      return module.emitError("cannot write '")
             << headerPath << "': " << ec.message();
    if (failed(emitCHeader(module, options, header)))
      return failure();
  }
  TempDir temp;
  if (failed(temp.create(module)))
    return failure();
  std::string objectPath = temp.file("qopt-model.o");
  std::string wrapperPath = temp.file("qopt-model.c");
  {
    std::error_code ec;
    llvm::raw_fd_ostream os(objectPath, ec);
    if (ec)
      return module.emitError("cannot write '")
             << objectPath << "': " << ec.message();
    if (failed(emitObjectFile(module, options, os)))
      return failure();
  }
  {
    std::error_code ec;
    llvm::raw_fd_ostream os(wrapperPath, ec);
    if (ec)
      return module.emitError("cannot write '")
             << wrapperPath << "': " << ec.message();
    if (failed(emitCWrapper(module, options,
                            llvm::sys::path::filename(headerPath), os)))
      return failure();
  }
  SmallString<256> headerDir(headerPath);
  llvm::sys::path::remove_filename(headerDir);
  if (headerDir.empty())
    headerDir = ".";
  std::vector<std::string> args = {"-O2", "-fPIC", "-I", headerDir.str().str(),
                                   "-I", options.runtimeIncludeDir};
  if (kind == CPULibraryKind::SharedLibrary) {
    // The kernels are linked in but not exported: several models can be
    // loaded into one process.
    args.insert(args.end(),
                {"-shared", "-o", outputPath.str(), "-x", "c",
                 wrapperPath, "-x", "none", objectPath,
                 options.runtimeLibrary, "-Wl,--exclude-libs,ALL", "-lstdc++",
                 "-lm", "-pthread"});
  } else {
    args.insert(args.end(), {"-r", "-nostdlib", "-o", outputPath.str(), "-x",
                             "c", wrapperPath, "-x", "none",
                             objectPath});
  }
  return runTool(module, options.cc, args);
}

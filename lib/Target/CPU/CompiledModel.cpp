//===- CompiledModel.cpp - Models compiled to shared libraries ------------===//
//
// The library is checked first (its ELF headers and the extents of what
// the loader maps must lie within the file), then opened RTLD_LOCAL, so
// several models (each with its own copy of the kernels) can be loaded
// side by side.
//
//===----------------------------------------------------------------------===//

#include "qopt/Target/CPU/CompiledModel.h"
#include "qopt/Target/TargetBackend.h"

#include "qopt-runtime/cpu.h"
#include "qopt-runtime/model.h"

#include "llvm/ADT/Twine.h"
#include "llvm/Object/ELF.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include <dlfcn.h>

using namespace mlir;
using namespace mlir::qopt;

namespace {

llvm::Error error(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

/// The host tensor type of a descriptor's `qopt_dtype`; none for a code
/// the ABI does not have (a corrupt or foreign library).
std::optional<DType> dtypeOf(qopt_dtype code) {
  switch (code) {
  case QOPT_DTYPE_F32:
    return DType::F32;
  case QOPT_DTYPE_F64:
    return DType::F64;
  case QOPT_DTYPE_I8:
    return DType::I8;
  case QOPT_DTYPE_I16:
    return DType::I16;
  case QOPT_DTYPE_I32:
    return DType::I32;
  case QOPT_DTYPE_I64:
    return DType::I64;
  case QOPT_DTYPE_BOOL:
    return DType::I1;
  }
  return std::nullopt;
}

/// The names of qopt_rt_isa, in order.
constexpr const char *kIsaNames[] = {QOPT_RT_ISA_NAMES};
static_assert(std::size(kIsaNames) == QOPT_RT_ISA_COUNT,
              "QOPT_RT_ISA_NAMES names every qopt_rt_isa");

/// What dlopen maps must lie in the file: a truncated library (a partial
/// copy or download) otherwise faults with SIGBUS inside dlopen when the
/// loader touches the missing pages.
llvm::Error checkSharedObject(llvm::StringRef path, llvm::StringRef bytes) {
  using namespace llvm::object;
  using ELFT = ELF64LE;
  auto bad = [&](const llvm::Twine &what) {
    return error("'" + path + "' is not a loadable shared library: " + what);
  };
  uint64_t size = bytes.size();
  if (size < sizeof(ELFT::Ehdr) ||
      !bytes.starts_with(llvm::StringRef(llvm::ELF::ElfMagic, 4)))
    return bad("no ELF header (" + llvm::Twine(size) + "-byte file)");
  if (uint8_t(bytes[llvm::ELF::EI_CLASS]) != llvm::ELF::ELFCLASS64 ||
      uint8_t(bytes[llvm::ELF::EI_DATA]) != llvm::ELF::ELFDATA2LSB)
    return bad("not a 64-bit little-endian ELF file");
  auto file = ELFFile<ELFT>::create(bytes);
  if (!file)
    return bad(llvm::toString(file.takeError()));
  const ELFT::Ehdr &header = file->getHeader();
  if (header.e_type != llvm::ELF::ET_DYN)
    return bad("ELF type " + llvm::Twine(header.e_type) +
               ", not a shared object");
  // Extents in 128-bit arithmetic, so that nothing wraps.
  auto within = [&](uint64_t offset, uint64_t length) {
    return (unsigned __int128)offset + length <= size;
  };
  if (!within(header.e_phoff,
              uint64_t(header.e_phnum) * header.e_phentsize) ||
      (header.e_phnum && header.e_phentsize != sizeof(ELFT::Phdr)))
    return bad("truncated or corrupt: the program header table does not fit "
               "in the " + llvm::Twine(size) + "-byte file");
  auto segments = file->program_headers();
  if (!segments)
    return bad(llvm::toString(segments.takeError()));
  bool loadable = false;
  for (auto [i, segment] : llvm::enumerate(*segments)) {
    if (segment.p_type != llvm::ELF::PT_LOAD &&
        segment.p_type != llvm::ELF::PT_DYNAMIC)
      continue;
    loadable |= segment.p_type == llvm::ELF::PT_LOAD;
    if (!within(segment.p_offset, segment.p_filesz))
      return bad("truncated: segment " + llvm::Twine(i) + " needs bytes up to " +
                 llvm::Twine(segment.p_offset + segment.p_filesz) +
                 " of the " + llvm::Twine(size) + "-byte file");
  }
  if (!loadable)
    return bad("no loadable segment");
  if (header.e_shoff &&
      (!within(header.e_shoff, uint64_t(header.e_shnum) * header.e_shentsize) ||
       (header.e_shnum && header.e_shentsize != sizeof(ELFT::Shdr))))
    return bad("truncated or corrupt: the section header table does not fit "
               "in the " + llvm::Twine(size) + "-byte file");
  if (header.e_shoff) {
    auto sections = file->sections();
    if (!sections)
      return bad(llvm::toString(sections.takeError()));
    for (auto [i, section] : llvm::enumerate(*sections))
      if (section.sh_type != llvm::ELF::SHT_NOBITS &&
          !within(section.sh_offset, section.sh_size))
        return bad("truncated: section " + llvm::Twine(i) +
                   " needs bytes up to " +
                   llvm::Twine(section.sh_offset + section.sh_size) +
                   " of the " + llvm::Twine(size) + "-byte file");
  }
  return llvm::Error::success();
}

} // namespace

std::vector<std::string> mlir::qopt::supportedIsaNames() {
  std::vector<std::string> names;
  for (int isa = 0; isa < QOPT_RT_ISA_COUNT; ++isa)
    if (qopt_rt_isa_supported(qopt_rt_isa(isa)))
      names.push_back(qopt_rt_isa_name(qopt_rt_isa(isa)));
  return names;
}

llvm::Expected<std::unique_ptr<CompiledModel>>
CompiledModel::load(llvm::StringRef path, llvm::StringRef name,
                    llvm::StringRef isa, int32_t threads) {
  auto bytes = llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                           /*RequiresNullTerminator=*/false);
  if (!bytes)
    return error("cannot read '" + path + "': " + bytes.getError().message());
  if (llvm::Error e = checkSharedObject(path, (*bytes)->getBuffer()))
    return std::move(e);
  std::unique_ptr<CompiledModel> model(new CompiledModel());
  model->handle = dlopen(path.str().c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!model->handle)
    return error("cannot load '" + path + "': " + dlerror());

  std::vector<std::string> prefixes;
  if (!name.empty()) {
    prefixes.push_back(name.str());
  } else {
    // As qopt -o names it (lib-cnn.so: "cnn"; my-net.so: "my_net").
    prefixes.push_back(getDefaultArtifactName(path));
    if (prefixes.back() != "model")
      prefixes.push_back("model");
  }
  std::string prefix;
  for (const std::string &p : prefixes)
    if (dlsym(model->handle, (p + "_run").c_str())) {
      prefix = p;
      break;
    }
  if (prefix.empty())
    return error("'" + path + "' has no '" + prefixes.front() +
                 "_run'; pass the library name given to qopt-cpu-pipeline "
                 "with --library-name");
  auto symbol = [&](llvm::StringRef suffix) {
    return dlsym(model->handle, (prefix + suffix.str()).c_str());
  };
  auto numInputs = reinterpret_cast<int32_t (*)()>(symbol("_num_inputs"));
  auto numOutputs = reinterpret_cast<int32_t (*)()>(symbol("_num_outputs"));
  auto inputDesc =
      reinterpret_cast<const qopt_tensor_desc *(*)(int32_t)>(
          symbol("_input_desc"));
  auto outputDesc =
      reinterpret_cast<const qopt_tensor_desc *(*)(int32_t)>(
          symbol("_output_desc"));
  auto createWithThreads = reinterpret_cast<void *(*)(int32_t, int32_t)>(
      symbol("_create_with_threads"));
  model->runFn = reinterpret_cast<int32_t (*)(void *, const void *const *,
                                              void *const *)>(symbol("_run"));
  model->destroyFn = reinterpret_cast<void (*)(void *)>(symbol("_destroy"));
  model->isaNameFn =
      reinterpret_cast<const char *(*)(const void *)>(symbol("_isa_name"));
  model->numThreadsFn =
      reinterpret_cast<int32_t (*)(const void *)>(symbol("_num_threads"));
  if (!numInputs || !numOutputs || !inputDesc || !outputDesc ||
      !createWithThreads || !model->runFn || !model->destroyFn ||
      !model->isaNameFn || !model->numThreadsFn)
    return error("'" + path + "' lacks some of the '" + prefix +
                 "_*' functions of a qopt model library");

  auto readDescs = [&](int32_t count,
                       const qopt_tensor_desc *(*get)(int32_t),
                       std::vector<TensorSpec> &out) -> llvm::Error {
    for (int32_t i = 0; i < count; ++i) {
      const qopt_tensor_desc *d = get(i);
      std::optional<DType> dtype = d ? dtypeOf(d->dtype) : std::nullopt;
      if (!dtype)
        return error("'" + path + "': bad descriptor " + llvm::Twine(i));
      TensorSpec spec;
      spec.name = d->name;
      spec.dtype = *dtype;
      spec.shape.assign(d->shape, d->shape + d->rank);
      out.push_back(std::move(spec));
    }
    return llvm::Error::success();
  };
  if (llvm::Error e = readDescs(numInputs(), inputDesc, model->inputs))
    return std::move(e);
  if (llvm::Error e = readDescs(numOutputs(), outputDesc, model->outputs))
    return std::move(e);

  if (threads < 0)
    return error("the number of threads must be positive (0: as many as "
                 "the process may use), got " + llvm::Twine(threads));
  if (isa == "auto") {
    model->instance = createWithThreads(int32_t(qopt_rt_best_isa()), threads);
  } else {
    const char *const *it = llvm::find(kIsaNames, isa);
    if (it == std::end(kIsaNames)) {
      std::string names = "auto";
      for (const char *name : kIsaNames)
        names += (name == kIsaNames[QOPT_RT_ISA_COUNT - 1] ? " or " : ", ") +
                 std::string(name);
      return error("unknown --isa '" + isa + "' (" + names + ")");
    }
    int32_t code = it - std::begin(kIsaNames);
    model->instance = createWithThreads(code, threads);
    if (!model->instance)
      return error("this CPU does not support the '" + isa +
                   "' kernel variant");
  }
  if (!model->instance)
    return error("cannot create a model instance");
  return std::move(model);
}

CompiledModel::~CompiledModel() {
  if (instance)
    destroyFn(instance);
  if (handle)
    dlclose(handle);
}

std::string CompiledModel::getIsaName() const { return isaNameFn(instance); }

int32_t CompiledModel::getNumThreads() const { return numThreadsFn(instance); }

llvm::Expected<llvm::SmallVector<Tensor>>
CompiledModel::run(llvm::ArrayRef<Tensor> args) {
  if (args.size() != inputs.size())
    return error("expected " + llvm::Twine(inputs.size()) + " inputs, got " +
                 llvm::Twine(args.size()));
  std::vector<const void *> in;
  for (auto [spec, arg] : llvm::zip(inputs, args)) {
    if (arg.getDType() != spec.dtype ||
        arg.getShape() != llvm::ArrayRef<int64_t>(spec.shape))
      return error("input '" + spec.name + "': expected " +
                   dtypeName(spec.dtype) + formatShape(spec.shape) + ", got " +
                   arg.describe());
    in.push_back(arg.bytes());
  }
  llvm::SmallVector<Tensor> results;
  std::vector<void *> out;
  for (const TensorSpec &spec : outputs) {
    results.push_back(Tensor::uninitialized(spec.dtype, spec.shape));
    out.push_back(results.back().mutableBytes());
  }
  if (runFn(instance, in.data(), out.data()) != 0)
    return error("the model library rejected its arguments");
  return results;
}

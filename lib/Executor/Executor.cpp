//===- Executor.cpp - The reference executor -------------------------------===//
//
// Preparation (constants, kernel lookup, liveness) and execution of a
// function, plus the kernel context and constant materialization.
//
//===----------------------------------------------------------------------===//

#include "qopt/Executor/Executor.h"
#include "qopt/Dialect/QOpt/IR/QOptOps.h"
#include "qopt/Support/Datasets.h"
#include "Kernels.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/Diagnostics.h"
#include "llvm/Support/ThreadPool.h"

#include <chrono>
#include <cstring>

using namespace mlir;
using namespace mlir::qopt;
using namespace mlir::qopt::exec;

//===----------------------------------------------------------------------===//
// KernelContext
//===----------------------------------------------------------------------===//

KernelContext::KernelContext(unsigned numThreads)
    : numThreads(std::max(1u, numThreads)) {
  if (this->numThreads > 1)
    pool = std::make_unique<llvm::StdThreadPool>(
        llvm::hardware_concurrency(this->numThreads));
}

KernelContext::~KernelContext() = default;

void KernelContext::parallelFor(
    int64_t n, int64_t grain,
    llvm::function_ref<void(int64_t, int64_t)> fn) const {
  if (n <= 0)
    return;
  int64_t chunks = std::min<int64_t>(numThreads,
                                     std::max<int64_t>(1, n / std::max<int64_t>(grain, 1)));
  if (chunks <= 1 || !pool) {
    fn(0, n);
    return;
  }
  int64_t per = (n + chunks - 1) / chunks;
  llvm::ThreadPoolTaskGroup group(*pool);
  for (int64_t c = 1; c < chunks; ++c) {
    int64_t begin = c * per, end = std::min(n, begin + per);
    if (begin < end)
      group.async([=] { fn(begin, end); });
  }
  fn(0, std::min(n, per));
  group.wait();
}

//===----------------------------------------------------------------------===//
// Kernel table and constants
//===----------------------------------------------------------------------===//

Kernel exec::lookupKernel(Operation *op) {
  static const KernelTable table = [] {
    KernelTable t;
    registerElementwiseKernels(t);
    registerDataMovementKernels(t);
    registerNNKernels(t);
    registerQuantKernels(t);
    registerLinalgKernels(t);
    return t;
  }();
  auto name = op->getName().getRegisteredInfo();
  if (!name)
    return nullptr;
  return table.lookup(name->getTypeID());
}

SmallVector<int64_t> exec::shapeValues(const Tensor &t) {
  SmallVector<int64_t> v(t.getNumElements());
  for (int64_t i = 0; i < t.getNumElements(); ++i)
    v[i] = t.getInt(i);
  return v;
}

/// True if `type` is a static tensor of an element type kernels support:
/// what every kernel assumes of the results it allocates.
static bool isExecutableType(Type type) {
  auto ranked = dyn_cast<RankedTensorType>(type);
  return ranked && ranked.hasStaticShape() &&
         dtypeFromType(ranked.getElementType());
}

Tensor exec::allocResult(Operation *op, unsigned i) {
  // Kernels run only on ops whose results pass isExecutableType.
  auto type = cast<RankedTensorType>(op->getResult(i).getType());
  return Tensor::uninitialized(*dtypeFromType(type.getElementType()),
                               type.getShape());
}

/// The bytes of a qopt.packed_weight as a U8 tensor [bytes]: kernels read
/// the packed layout themselves.
static FailureOr<Tensor> packedWeightBytes(qopt::PackedWeightOp op) {
  auto storage = std::make_shared<SmallVector<uint8_t>>();
  FailureOr<ArrayRef<uint8_t>> bytes = op.getPackedBytes(*storage);
  if (failed(bytes))
    return failure();
  // A view of the blob, or of `storage`, which the tensor then keeps alive.
  return Tensor::view(DType::U8, {int64_t(bytes->size())}, bytes->data(),
                      storage->empty() ? nullptr : storage);
}

FailureOr<Tensor> exec::evaluateConstant(Operation *op) {
  if (auto packed = dyn_cast<qopt::PackedWeightOp>(op))
    return packedWeightBytes(packed);
  Attribute attr;
  if (auto c = dyn_cast<tosa::ConstOp>(op))
    attr = c.getValues();
  else if (auto c = dyn_cast<tosa::ConstShapeOp>(op))
    attr = c.getValues();
  else if (auto c = dyn_cast<arith::ConstantOp>(op))
    attr = c.getValue();
  else
    return failure();

  if (auto shape = dyn_cast<tosa::ConstShapeOp>(op)) {
    // tosa.const_shape's ODS constraint is a DenseIntElementsAttr of index.
    auto dense = cast<DenseIntElementsAttr>(attr);
    Tensor t = Tensor::zeros(DType::I64, {int64_t(dense.getNumElements())});
    int64_t i = 0;
    for (const APInt &v : dense.getValues<APInt>())
      t.mutableData<int64_t>()[i++] = v.getSExtValue();
    return t;
  }

  auto type = dyn_cast<RankedTensorType>(op->getResult(0).getType());
  if (!type || !type.hasStaticShape())
    return op->emitError("qopt executor: constant of a type other than a "
                         "static tensor"),
           failure();
  std::optional<DType> dtype = dtypeFromType(type.getElementType());
  if (!dtype)
    return op->emitError() << "qopt executor: unsupported element type "
                           << type.getElementType(),
           failure();

  if (auto resource = dyn_cast<DenseResourceElementsAttr>(attr)) {
    AsmResourceBlob *blob = resource.getRawHandle().getBlob();
    if (!blob)
      return op->emitError("qopt executor: resource blob has no data"),
             failure();
    ArrayRef<char> data = blob->getData();
    Tensor t = Tensor::zeros(*dtype, type.getShape());
    if (data.size() != t.getNumBytes())
      return op->emitError() << "qopt executor: blob holds " << data.size()
                             << " bytes, its type needs " << t.getNumBytes(),
             failure();
    // A view of the blob: the context owns it and outlives the executor.
    return Tensor::view(*dtype, type.getShape(), data.data(), nullptr);
  }

  auto dense = dyn_cast<DenseElementsAttr>(attr);
  if (!dense)
    return op->emitError("qopt executor: unsupported constant attribute"),
           failure();
  Tensor t = Tensor::zeros(*dtype, type.getShape());
  int64_t n = t.getNumElements();
  {
    // Element by element; constants other than blobs are small.
    if (isa<FloatType>(type.getElementType())) {
      auto values = dense.getValues<APFloat>();
      for (int64_t i = 0; i < n; ++i) {
        APFloat v = dense.isSplat() ? *values.begin() : values[i];
        switch (*dtype) {
        case DType::F32:
          t.mutableData<float>()[i] = v.convertToFloat();
          break;
        case DType::F64:
          t.mutableData<double>()[i] = v.convertToDouble();
          break;
        default: {
          uint16_t bits = uint16_t(v.bitcastToAPInt().getZExtValue());
          t.mutableData<uint16_t>()[i] = bits;
          break;
        }
        }
      }
    } else {
      auto values = dense.getValues<APInt>();
      unsigned bytes = dtypeBytes(*dtype);
      for (int64_t i = 0; i < n; ++i) {
        APInt v = dense.isSplat() ? *values.begin() : values[i];
        uint64_t raw = v.getZExtValue();
        std::memcpy(t.mutableBytes() + i * bytes, &raw, bytes);
      }
    }
  }
  return t;
}

FailureOr<Tensor> exec::evaluateConstantValue(Value value) {
  Operation *def = value.getDefiningOp();
  if (!def)
    return failure();
  if (FailureOr<Tensor> c = evaluateConstant(def); succeeded(c))
    return c;
  Kernel kernel = lookupKernel(def);
  if (!kernel || !llvm::all_of(def->getResultTypes(), isExecutableType))
    return failure();
  SmallVector<Tensor> operands, results;
  for (Value operand : def->getOperands()) {
    FailureOr<Tensor> t = evaluateConstantValue(operand);
    if (failed(t))
      return failure();
    operands.push_back(*t);
  }
  static const KernelContext serial(1);
  if (failed(kernel(def, operands, results, serial)))
    return failure();
  // `value` has a defining op, so it is one of its results.
  return results[cast<OpResult>(value).getResultNumber()];
}

//===----------------------------------------------------------------------===//
// Executor
//===----------------------------------------------------------------------===//

Executor::Executor(func::FuncOp func, const ExecutorOptions &options)
    : func(func), options(options),
      context(std::make_unique<KernelContext>(options.numThreads)) {}

Executor::~Executor() = default;

static FailureOr<TensorSpec> specOf(Location loc, Type type, StringRef name) {
  auto ranked = dyn_cast<RankedTensorType>(type);
  if (!ranked || !ranked.hasStaticShape())
    return emitError(loc) << "qopt executor: '" << name
                          << "' must be a statically shaped tensor, got "
                          << type,
           failure();
  std::optional<DType> dtype = dtypeFromType(ranked.getElementType());
  if (!dtype)
    return emitError(loc) << "qopt executor: '" << name
                          << "' has unsupported element type "
                          << ranked.getElementType(),
           failure();
  return TensorSpec{name.str(), *dtype, llvm::to_vector(ranked.getShape())};
}

//===----------------------------------------------------------------------===//
// scf.if (ONNX If with a run-time condition)
//===----------------------------------------------------------------------===//

/// The tensor and flat element an scf.if's condition is extracted from
/// (`tensor.extract %t[constant indices]`, as the ONNX importer writes it).
static FailureOr<std::pair<Value, int64_t>> conditionSource(scf::IfOp op) {
  auto extract = op.getCondition().getDefiningOp<tensor::ExtractOp>();
  if (!extract)
    return failure();
  auto type = dyn_cast<RankedTensorType>(extract.getTensor().getType());
  if (!type || !type.hasStaticShape())
    return failure();
  int64_t flat = 0;
  for (auto [dim, index] : llvm::zip(type.getShape(), extract.getIndices())) {
    auto c = index.getDefiningOp<arith::ConstantIndexOp>();
    if (!c || c.value() < 0 || c.value() >= dim)
      return failure();
    flat = flat * dim + c.value();
  }
  return std::pair<Value, int64_t>(extract.getTensor(), flat);
}

/// Scalars the executor does not hold as values: a condition extract and
/// its constant indices, read by the scf.if that uses them.
static bool isFoldedIntoIf(Operation *op) {
  if (auto extract = dyn_cast<tensor::ExtractOp>(op))
    return !extract->use_empty() &&
           llvm::all_of(extract->getUsers(), [&](Operation *user) {
             auto ifOp = dyn_cast<scf::IfOp>(user);
             return ifOp && succeeded(conditionSource(ifOp));
           });
  if (auto c = dyn_cast<arith::ConstantIndexOp>(op))
    return llvm::all_of(c->getUsers(), isFoldedIntoIf);
  return false;
}

LogicalResult Executor::runIf(Operation *op, function_ref<Tensor(Value)> lookup,
                              SmallVectorImpl<Tensor> &results) {
  auto ifOp = cast<scf::IfOp>(op); // Scheduled only when it is one.
  auto [condTensor, flat] = *conditionSource(ifOp);
  bool taken = lookup(condTensor).getInt(flat) != 0;
  Region &region = taken ? ifOp.getThenRegion() : ifOp.getElseRegion();
  if (region.empty())
    return success();
  llvm::DenseMap<Value, Tensor> local;
  auto inner = [&](Value v) -> Tensor {
    if (auto it = local.find(v); it != local.end())
      return it->second;
    return lookup(v);
  };
  SmallVector<Tensor> operands, out;
  for (Operation &inOp : region.front()) {
    if (auto yield = dyn_cast<scf::YieldOp>(inOp)) {
      for (Value v : yield.getOperands())
        results.push_back(inner(v));
      return success();
    }
    if (isFoldedIntoIf(&inOp))
      continue;
    operands.clear();
    out.clear();
    if (FailureOr<Tensor> c = evaluateConstant(&inOp); succeeded(c)) {
      local[inOp.getResult(0)] = *c;
      continue;
    }
    if (isa<scf::IfOp>(inOp)) {
      if (failed(runIf(&inOp, inner, out)))
        return failure();
    } else {
      for (Value v : inOp.getOperands())
        operands.push_back(inner(v));
      if (failed(lookupKernel(&inOp)(&inOp, operands, out, *context)))
        return failure();
    }
    if (observer && !isa<scf::IfOp>(inOp))
      observer(&inOp, operands, out);
    for (auto [i, r] : llvm::enumerate(out))
      local[inOp.getResult(i)] = r;
  }
  return success();
}

/// Reports ops of an scf.if the executor cannot run; true if all can.
static bool checkIfRegions(scf::IfOp ifOp) {
  if (failed(conditionSource(ifOp))) {
    ifOp.emitError() << "qopt executor: scf.if conditions must be a "
                        "tensor.extract at constant indices of a static "
                        "tensor";
    return false;
  }
  bool ok = true;
  for (Region &region : ifOp->getRegions())
    for (Block &block : region)
      for (Operation &op : block) {
        if (isa<scf::YieldOp>(op) || isFoldedIntoIf(&op) ||
            succeeded(exec::evaluateConstant(&op)))
          continue;
        if (auto nested = dyn_cast<scf::IfOp>(op)) {
          ok &= checkIfRegions(nested);
          continue;
        }
        if (!exec::lookupKernel(&op) ||
            !llvm::all_of(op.getResultTypes(), isExecutableType)) {
          op.emitError() << "qopt executor: op '" << op.getName()
                         << "' is not supported";
          ok = false;
        }
      }
  return ok;
}

FailureOr<std::unique_ptr<Executor>>
Executor::create(func::FuncOp func, const ExecutorOptions &options) {
  std::unique_ptr<Executor> ex(new Executor(func, options));
  if (func.getBody().getBlocks().size() != 1)
    return func.emitError("qopt executor: functions must have one block"),
           failure();
  Block &body = func.getBody().front();

  for (auto [i, arg] : llvm::enumerate(body.getArguments())) {
    auto name = func.getArgAttrOfType<StringAttr>(i, "qopt.name");
    std::string argName =
        name ? name.str() : "arg" + std::to_string(i);
    FailureOr<TensorSpec> spec = specOf(func.getLoc(), arg.getType(), argName);
    if (failed(spec))
      return failure();
    ex->inputs.push_back(*spec);
  }
  for (auto [i, type] : llvm::enumerate(func.getResultTypes())) {
    auto name = func.getResultAttrOfType<StringAttr>(i, "qopt.name");
    std::string resultName =
        name ? name.str() : "result" + std::to_string(i);
    FailureOr<TensorSpec> spec = specOf(func.getLoc(), type, resultName);
    if (failed(spec))
      return failure();
    ex->outputs.push_back(*spec);
  }

  // Constants now, kernels looked up for the rest; every unsupported op is
  // reported before failing.
  bool unsupported = false;
  for (Operation &op : body) {
    if (isa<func::ReturnOp>(op) || isFoldedIntoIf(&op))
      continue;
    if (auto ifOp = dyn_cast<scf::IfOp>(op)) {
      if (!checkIfRegions(ifOp) ||
          !llvm::all_of(op.getResultTypes(), isExecutableType)) {
        unsupported = true;
        continue;
      }
      ex->schedule.push_back(&op);
      continue;
    }
    FailureOr<Tensor> constant = evaluateConstant(&op);
    if (succeeded(constant)) {
      ex->constants[op.getResult(0)] = *constant;
      continue;
    }
    if (!lookupKernel(&op)) {
      op.emitError() << "qopt executor: op '" << op.getName()
                     << "' is not supported";
      unsupported = true;
      continue;
    }
    for (Type type : op.getResultTypes()) {
      if (!isExecutableType(type)) {
        op.emitError() << "qopt executor: result type " << type
                       << " is not a static tensor of a supported element "
                          "type";
        unsupported = true;
      }
    }
    ex->schedule.push_back(&op);
  }
  if (unsupported)
    return failure();
  for (auto [index, op] : llvm::enumerate(ex->schedule)) {
    for (Value v : op->getOperands())
      ex->lastUse[v] = index;
    // An scf.if reads its condition tensor and, inside its regions, values
    // defined before it.
    if (auto ifOp = dyn_cast<scf::IfOp>(op)) {
      ex->lastUse[(*conditionSource(ifOp)).first] = index;
      ifOp->walk([&](Operation *inner) {
        for (Value v : inner->getOperands())
          if (!ifOp->isProperAncestor(v.getParentRegion()->getParentOp()) &&
              v.getParentRegion()->getParentOp() != ifOp.getOperation())
            ex->lastUse[v] = index;
      });
    }
  }
  return ex;
}

FailureOr<SmallVector<Tensor>> Executor::run(ArrayRef<Tensor> args) {
  FailureOr<Snapshot> snapshot = start(args);
  if (failed(snapshot))
    return failure();
  return finish(std::move(*snapshot));
}

FailureOr<Executor::Snapshot> Executor::start(ArrayRef<Tensor> args) {
  Location loc = func.getLoc();
  if (args.size() != inputs.size())
    return emitError(loc) << "qopt executor: expected " << inputs.size()
                          << " inputs, got " << args.size(),
           failure();
  Snapshot snapshot;
  Block &body = func.getBody().front();
  for (auto [i, arg] : llvm::enumerate(args)) {
    const TensorSpec &spec = inputs[i];
    if (arg.getDType() != spec.dtype || arg.getShape() != ArrayRef(spec.shape))
      return emitError(loc) << "input '" << spec.name << "': expected "
                            << dtypeName(spec.dtype) << formatShape(spec.shape)
                            << ", got " << arg.describe(),
             failure();
    snapshot.values[body.getArgument(i)] = arg;
  }
  if (observer)
    observer(nullptr, {}, args);
  return snapshot;
}

LogicalResult Executor::advance(Snapshot &snapshot, size_t stop) {
  Block &body = func.getBody().front();
  auto &values = snapshot.values;
  // Computed values, then overrides, then constants.
  auto lookup = [&](Value v) -> Tensor {
    if (auto it = values.find(v); it != values.end())
      return it->second;
    if (auto it = overrides.find(v); it != overrides.end())
      return it->second;
    return constants.lookup(v);
  };
  SmallVector<Tensor> operands, results;
  stop = std::min(stop, schedule.size());
  for (; snapshot.next < stop; ++snapshot.next) {
    size_t index = snapshot.next;
    Operation *op = schedule[index];
    operands.clear();
    results.clear();
    auto begin = std::chrono::steady_clock::now();
    if (isa<scf::IfOp>(op)) {
      if (failed(runIf(op, lookup, results)))
        return failure();
    } else {
      for (Value v : op->getOperands())
        operands.push_back(lookup(v));
      if (failed(lookupKernel(op)(op, operands, results, *context)))
        return failure();
    }
    if (profiling)
      profile[op->getName().getStringRef()] +=
          std::chrono::duration<double, std::milli>(
              std::chrono::steady_clock::now() - begin)
              .count();
    if (observer)
      observer(op, operands, results);
    for (auto [i, result] : llvm::enumerate(results)) {
      auto it = overrides.find(op->getResult(i));
      values[op->getResult(i)] = it == overrides.end() ? result : it->second;
    }
    // Free what no later op reads (function results stay alive).
    for (Value v : op->getOperands()) {
      auto it = lastUse.find(v);
      if (it != lastUse.end() && it->second == index &&
          !llvm::is_contained(body.getTerminator()->getOperands(), v))
        values.erase(v);
    }
  }
  return success();
}

FailureOr<SmallVector<Tensor>> Executor::finish(Snapshot snapshot) {
  if (failed(advance(snapshot, schedule.size())))
    return failure();
  SmallVector<Tensor> out;
  for (Value v : func.getBody().front().getTerminator()->getOperands()) {
    auto it = snapshot.values.find(v);
    if (it != snapshot.values.end())
      out.push_back(it->second);
    else if (auto o = overrides.find(v); o != overrides.end())
      out.push_back(o->second);
    else
      out.push_back(constants.lookup(v));
  }
  return out;
}

size_t Executor::firstAffectedOp(Value v) const {
  for (auto [index, op] : llvm::enumerate(schedule))
    if (llvm::is_contained(op->getOperands(), v) ||
        llvm::is_contained(op->getResults(), v))
      return index;
  return schedule.size();
}

LogicalResult Executor::overrideValue(Value v, Tensor t) {
  auto type = dyn_cast<RankedTensorType>(v.getType());
  std::optional<DType> dtype =
      type ? dtypeFromType(type.getElementType()) : std::nullopt;
  if (!type || !dtype || t.getDType() != *dtype ||
      t.getShape() != type.getShape())
    return emitError(v.getLoc())
               << "qopt executor: override of type " << v.getType()
               << " does not match " << t.describe(),
           failure();
  overrides[v] = std::move(t);
  return success();
}

func::FuncOp mlir::qopt::lookupEntryFunction(ModuleOp module,
                                             llvm::StringRef tool) {
  if (auto main = module.lookupSymbol<func::FuncOp>("main"))
    return main;
  auto funcs = llvm::to_vector(module.getOps<func::FuncOp>());
  if (funcs.size() == 1)
    return funcs.front();
  emitError(module.getLoc())
      << tool << ": the module needs a function @main or exactly one "
      << "function";
  return nullptr;
}

llvm::Expected<std::vector<Tensor>>
mlir::qopt::makeInputBatches(const Dataset &dataset, const TensorSpec &input,
                             double mean, double std) {
  auto error = [](const Twine &message) {
    return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
  };
  bool integer = input.dtype == DType::I64 || input.dtype == DType::I32;
  if ((input.dtype != DType::F32 && !integer) || input.shape.empty())
    return error("input '" + input.name +
                 "' must be a float32, int32 or int64 tensor with a batch "
                 "dimension");
  if (integer && (mean != 0.0 || std != 1.0))
    return error("input '" + input.name + "' is " +
                 dtypeName(input.dtype) +
                 " (e.g. token ids): input-mean and input-std apply to float "
                 "inputs only");
  int64_t batch = input.shape[0], perSample = 1;
  for (int64_t d : ArrayRef(input.shape).drop_front())
    perSample *= d;
  std::vector<Tensor> batches;
  for (size_t s = 0; s + batch <= dataset.samples.size(); s += batch) {
    Tensor t = Tensor::zeros(input.dtype, input.shape);
    for (int64_t i = 0; i < batch; ++i) {
      const Tensor &sample = dataset.samples[s + i];
      if (sample.getNumElements() != perSample)
        return error("sample " + Twine(s + i) + " has " +
                     Twine(sample.getNumElements()) + " values, input '" +
                     input.name + "' takes " + Twine(perSample) +
                     " per batch element (" + formatShape(input.shape) + ")");
      if (integer && isFloat(sample.getDType()))
        return error("sample " + Twine(s + i) + " is " +
                     dtypeName(sample.getDType()) + " but input '" +
                     input.name + "' is " + dtypeName(input.dtype) +
                     ": give integer data");
      for (int64_t j = 0; j < perSample; ++j) {
        int64_t k = i * perSample + j;
        if (input.dtype == DType::I64)
          t.mutableData<int64_t>()[k] = sample.getInt(j);
        else if (input.dtype == DType::I32)
          t.mutableData<int32_t>()[k] = int32_t(sample.getInt(j));
        else
          t.mutableData<float>()[k] = float((sample.getDouble(j) - mean) / std);
      }
    }
    batches.push_back(std::move(t));
  }
  if (batches.empty())
    return error("fewer samples than one batch of " + Twine(batch));
  return batches;
}

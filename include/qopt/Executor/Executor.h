//===- Executor.h - The reference executor -----------------------*- C++ -*-===//
//
// Runs a function of the IR qopt produces (TOSA and the tensor/arith/math
// ops the ONNX frontend emits) on the CPU. It is qopt's numerical oracle:
// straightforward, deterministic for a given thread count, checked against
// onnxruntime, and fast where it matters (convolutions and matrix products
// go through Eigen GEMMs, split across threads by rows).
//
//===----------------------------------------------------------------------===//

#ifndef QOPT_EXECUTOR_EXECUTOR_H
#define QOPT_EXECUTOR_EXECUTOR_H

#include "qopt/Support/Tensor.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Operation.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/StringMap.h"

#include <functional>
#include <memory>
#include <string>

namespace llvm {
class ThreadPoolInterface;
} // namespace llvm

namespace mlir::qopt {

struct Dataset;

struct ExecutorOptions {
  /// Threads for the heavy kernels; 1 runs everything on the caller.
  unsigned numThreads = 1;
};

/// Name, element type and shape of a function argument or result.
struct TensorSpec {
  std::string name;
  DType dtype;
  llvm::SmallVector<int64_t> shape;
};

/// Called after every op with its operands and results (calibration
/// probes), and once before the first op with `op` null and the function
/// arguments as `results`.
using ExecutionObserver = std::function<void(
    Operation *op, ArrayRef<Tensor> operands, ArrayRef<Tensor> results)>;

namespace exec {
/// What kernels get besides their operands.
class KernelContext {
public:
  explicit KernelContext(unsigned numThreads);
  ~KernelContext();
  unsigned getNumThreads() const { return numThreads; }
  /// Runs fn(begin, end) over [0, n) in up to numThreads contiguous chunks
  /// of at least `grain` iterations. The split depends only on n, grain and
  /// the thread count, so results are deterministic.
  void parallelFor(int64_t n, int64_t grain,
                   llvm::function_ref<void(int64_t, int64_t)> fn) const;

private:
  unsigned numThreads;
  std::unique_ptr<llvm::ThreadPoolInterface> pool;
};

/// A kernel computes `results` (allocated by itself, shaped by the op's
/// result types) from `operands`.
using Kernel = LogicalResult (*)(Operation *op, ArrayRef<Tensor> operands,
                                 SmallVectorImpl<Tensor> &results,
                                 const KernelContext &ctx);
using KernelTable = llvm::DenseMap<TypeID, Kernel>;

/// The kernel of an op, or null.
Kernel lookupKernel(Operation *op);
/// Materializes a constant op (tosa.const, tosa.const_shape,
/// arith.constant) as a tensor; resource blobs are viewed, not copied.
FailureOr<Tensor> evaluateConstant(Operation *op);
/// Evaluates a value computed only from constants (a weight, possibly
/// reshaped, transposed or sliced) with the executor's kernels. Fails,
/// without a diagnostic, on a value that is not, or is computed through
/// a value that is not, a static tensor of a supported element type.
FailureOr<Tensor> evaluateConstantValue(Value value);
/// An uninitialized tensor of result `i`'s type (kernels write every
/// element). Kernels only run on ops whose results are static tensors of
/// supported element types (checked by Executor::create and
/// evaluateConstantValue).
Tensor allocResult(Operation *op, unsigned i = 0);
} // namespace exec

/// The function a module runs: @main, else its only function; null (with
/// an error on the module naming what is missing) otherwise.
func::FuncOp lookupEntryFunction(ModuleOp module, llvm::StringRef tool);

/// Splits `dataset` into batches shaped like `input` (leading batch
/// dimension): float32 inputs normalize every value as (x - mean) / std;
/// int32/int64 inputs (token ids) take integer samples as they are (mean 0
/// and std 1 only). A last partial batch is dropped. Errors name the sample
/// and the input.
llvm::Expected<std::vector<Tensor>>
makeInputBatches(const Dataset &dataset, const TensorSpec &input,
                 double mean, double std);

class Executor {
public:
  /// Prepares `func` for execution: every op must have a kernel and every
  /// type a static shape. Errors (listing all unsupported ops) are emitted
  /// on the function's context.
  static FailureOr<std::unique_ptr<Executor>>
  create(func::FuncOp func, const ExecutorOptions &options = {});
  ~Executor();

  llvm::ArrayRef<TensorSpec> getInputs() const { return inputs; }
  llvm::ArrayRef<TensorSpec> getOutputs() const { return outputs; }

  /// Runs the function. Inputs must match getInputs() in order, element
  /// type and shape; a mismatch is an error naming the input.
  FailureOr<SmallVector<Tensor>> run(llvm::ArrayRef<Tensor> args);

  /// A run stopped between two ops: the index of the next op to run and
  /// every computed value a later op or the result reads (tensors share
  /// their buffers, so copies are cheap). Constants are not part of it, so
  /// a snapshot can be finished under different constant overrides; an
  /// overridden op result is fixed once the snapshot is past its op.
  struct Snapshot {
    size_t next = 0;
    llvm::DenseMap<Value, Tensor> values;
  };
  /// A run with its inputs bound and no op run yet (inputs checked as by
  /// run()).
  FailureOr<Snapshot> start(llvm::ArrayRef<Tensor> args);
  /// Runs the ops of `snapshot` up to (not including) schedule index
  /// `stop`.
  LogicalResult advance(Snapshot &snapshot, size_t stop);
  /// Runs the rest of (a copy of) `snapshot` and returns the results.
  FailureOr<SmallVector<Tensor>> finish(Snapshot snapshot);
  /// Schedule index of the first op that reads or defines `v` (the first
  /// op whose outcome an override of `v` can change); the number of ops if
  /// none does.
  size_t firstAffectedOp(Value v) const;

  /// Accumulated kernel time per op name over all runs (ms), when
  /// profiling is on.
  void setProfiling(bool on) { profiling = on; }
  const llvm::StringMap<double> &getProfile() const { return profile; }

  /// Replaces the value `v` (a constant, or an op result such as a
  /// transposed weight) by `t` in every later run; `t` must have v's element
  /// type and shape. Sensitivity measurement swaps quantized weights in
  /// this way without rebuilding the executor.
  LogicalResult overrideValue(Value v, Tensor t);
  void clearOverrides() { overrides.clear(); }

  void setObserver(ExecutionObserver observer) {
    this->observer = std::move(observer);
  }
  func::FuncOp getFunction() const { return func; }

private:
  Executor(func::FuncOp func, const ExecutorOptions &options);
  /// Runs an scf.if (`op`): its condition, then the taken region's ops.
  LogicalResult runIf(Operation *op, llvm::function_ref<Tensor(Value)> lookup,
                      llvm::SmallVectorImpl<Tensor> &results);

  func::FuncOp func;
  ExecutorOptions options;
  std::unique_ptr<exec::KernelContext> context;
  llvm::SmallVector<TensorSpec> inputs, outputs;
  /// Constants, evaluated once.
  llvm::DenseMap<Value, Tensor> constants;
  /// Values replaced by overrideValue.
  llvm::DenseMap<Value, Tensor> overrides;
  /// Ops to run in order, with the index of each value's last use.
  llvm::SmallVector<Operation *> schedule;
  llvm::DenseMap<Value, size_t> lastUse;
  ExecutionObserver observer;
  bool profiling = false;
  llvm::StringMap<double> profile;
};

} // namespace mlir::qopt

#endif // QOPT_EXECUTOR_EXECUTOR_H

//===- Importer.h - ONNX graph importer internals ----------------*- C++ -*-===//
//
// Private to the ONNX frontend. GraphImporter walks an ONNX graph in
// topological order, keeps a table from ONNX tensor names to MLIR values (or
// to host constants known at import time), and dispatches each node to the
// handler registered for its op type. Handlers build upstream ops through
// the helpers in TosaBuilder.h.
//
//===----------------------------------------------------------------------===//

#ifndef QOPT_LIB_TARGET_ONNX_IMPORTER_H
#define QOPT_LIB_TARGET_ONNX_IMPORTER_H

#include "TosaBuilder.h"
#include "qopt/Target/ONNX/ImportONNX.h"
#include "qopt/Support/ShapeArithmetic.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Location.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/StringMap.h"

#include <onnx/onnx_pb.h>

#include <memory>
#include <optional>
#include <string>

namespace mlir::qopt::onnx_import {

/// A tensor whose value is known at import time: an initializer, a Constant
/// node, or the result of folding shape computations. Storage is shared and
/// immutable, so copies are cheap; bytes are little-endian in ONNX's layout.
struct ConstTensor {
  int32_t dtype = onnx::TensorProto::UNDEFINED;
  llvm::SmallVector<int64_t> shape;
  /// Keeps the bytes alive: a released protobuf string, a mapped external
  /// data file, or a buffer the importer computed.
  std::shared_ptr<const void> owner;
  llvm::ArrayRef<char> bytes;

  int64_t numElements() const;
  /// Raw element bytes.
  llvm::ArrayRef<char> data() const { return bytes; }
  /// Takes ownership of `buffer` as the tensor's bytes.
  static ConstTensor fromBuffer(int32_t dtype, llvm::ArrayRef<int64_t> shape,
                                std::string buffer);
  /// Elements converted to int64 / double (any numeric dtype).
  llvm::SmallVector<int64_t> toInt64() const;
  llvm::SmallVector<double> toDouble() const;
  bool isFloat() const;

  /// Builds a tensor of `dtype` from int64 / double values.
  static ConstTensor fromInt64(int32_t dtype, llvm::ArrayRef<int64_t> shape,
                               llvm::ArrayRef<int64_t> values);
  static ConstTensor fromDouble(int32_t dtype, llvm::ArrayRef<int64_t> shape,
                                llvm::ArrayRef<double> values);
  /// Builds a float tensor from f32 values.
  static ConstTensor fromFloats(llvm::ArrayRef<int64_t> shape,
                                llvm::ArrayRef<float> values);
};

/// Number of elements of a static shape.
inline int64_t product(llvm::ArrayRef<int64_t> shape) {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

/// double -> int64 as ONNX's Cast does for representable values; NaN is 0
/// and values outside int64 saturate (a plain cast would be undefined).
int64_t saturatingInt64(double d);

/// ONNX's negative axes count from the end.
inline int64_t normalizeAxis(int64_t axis, int64_t rank) {
  return axis < 0 ? axis + rank : axis;
}

/// Size in bytes of one element of an ONNX dtype, 0 if unsupported.
unsigned dtypeSize(int32_t dtype);
/// ONNX dtype name for messages ("FLOAT", "INT64", ...).
std::string dtypeName(int32_t dtype);

class GraphImporter;

/// Calls `fn` on every node of `graph` and of its subgraphs (If branches,
/// Loop bodies), depth first, and `onGraph` (if given) on each graph first.
void forEachNode(const onnx::GraphProto &graph,
                 llvm::function_ref<void(const onnx::NodeProto &)> fn,
                 llvm::function_ref<void(const onnx::GraphProto &)> onGraph =
                     nullptr);

/// Rejects convolution and pooling nodes (in subgraphs too) whose strides,
/// dilations or kernel_shape are not positive or whose pads are negative:
/// ONNX's checker accepts them and its shape inference divides by zero.
LogicalResult checkWindowAttributes(const onnx::GraphProto &graph,
                                    MLIRContext &context);

/// Emits one diagnostic listing every (domain, op_type, opset) of `graph`
/// that has no handler, with the nodes using it; fails if there is any.
/// `domainOpsets` maps each domain of the model's opset_import ("ai.onnx"
/// for the default domain) to its version.
LogicalResult checkSupportedOps(const onnx::GraphProto &graph,
                                const llvm::StringMap<int64_t> &domainOpsets,
                                llvm::StringRef modelPath,
                                MLIRContext &context);

/// Output shape of the shape-only ops Reshape, Flatten, Squeeze and
/// Unsqueeze for the current node (shared by folding and the handlers).
FailureOr<llvm::SmallVector<int64_t>> dataMovementResultShape(
    GraphImporter &importer);

/// Imports one node; the importer's current node is `node`.
using NodeHandler = LogicalResult (*)(GraphImporter &importer,
                                      const onnx::NodeProto &node);

/// The op types qopt imports, for the default ONNX domain.
const llvm::StringMap<NodeHandler> &getNodeHandlers();

class GraphImporter {
public:
  GraphImporter(MLIRContext &context, const OnnxImportOptions &options,
                llvm::StringRef modelPath);

  /// Imports the (checked, shape-inferred) model into a new module.
  FailureOr<OwningOpRef<ModuleOp>> importModel(onnx::ModelProto &model);

  //===--------------------------------------------------------------------===//
  // Interface for node handlers.
  //===--------------------------------------------------------------------===//

  OpBuilder &builder() { return b; }
  /// TOSA helpers at the current node's location.
  TosaBuilder tosa() { return TosaBuilder(b, currentLoc); }
  MLIRContext *getContext() { return &context; }
  /// Location of the current node (a NameLoc with the node's name).
  Location loc() const { return currentLoc; }
  const onnx::NodeProto &node() const { return *currentNode; }
  int64_t opset() const { return defaultOpset; }

  /// Number of inputs, with trailing empty (omitted optional) inputs counted.
  unsigned numInputs() const { return currentNode->input_size(); }
  /// True if input `i` is present (exists and is not the empty name).
  bool hasInput(unsigned i) const;
  /// The MLIR value of input `i`; constants are materialized on first use.
  Value input(unsigned i);
  /// The value of input `i` if it is known at import time.
  std::optional<ConstTensor> constInput(unsigned i) const;
  /// Static shape of input `i` (from its value or constant).
  llvm::SmallVector<int64_t> inputShape(unsigned i);
  /// Element type of input `i`.
  Type inputElementType(unsigned i);

  /// Number of outputs the node declares (including empty optional ones).
  unsigned numOutputs() const { return currentNode->output_size(); }
  bool hasOutput(unsigned i) const;
  /// The statically shaped type ONNX shape inference gives output `i`, or
  /// null if it is unknown or not static.
  RankedTensorType inferredOutputType(unsigned i) const;
  /// Binds output `i` to `value` / to a constant.
  void setOutput(unsigned i, Value value);
  void setOutputConst(unsigned i, ConstTensor value);

  //===--------------------------------------------------------------------===//
  // Subgraphs (If branches, Loop bodies), imported inline.
  //===--------------------------------------------------------------------===//

  /// Binds an ONNX tensor name to a value / to a constant, replacing any
  /// earlier binding of either kind (Loop bodies rebind names per
  /// iteration).
  void bind(llvm::StringRef name, Value value);
  void bindConst(llvm::StringRef name, ConstTensor value);
  /// True if `name` is bound to a value or constant.
  bool isBound(llvm::StringRef name) const;
  /// The constant bound to `name`, if it is one.
  std::optional<ConstTensor> lookupConst(llvm::StringRef name) const;
  /// The value bound to `name` (constants are materialized).
  Value lookupValue(llvm::StringRef name);
  /// Imports the nodes of `graph` at the builder's insertion point, its
  /// inputs already bound by the caller; node locations get `prefix` in
  /// front of their names. The current node is restored afterwards.
  LogicalResult importSubgraph(const onnx::GraphProto &graph,
                               llvm::StringRef prefix);
  /// Names every node output of `graph` (recursively) defines.
  static void collectDefinedNames(const onnx::GraphProto &graph,
                                  llvm::SmallVectorImpl<std::string> &names);
  /// Forgets the bindings of `names` (a branch's values, out of scope).
  void unbind(llvm::ArrayRef<std::string> names);

  /// Attribute accessors with defaults.
  const onnx::AttributeProto *attr(llvm::StringRef name) const;
  int64_t intAttr(llvm::StringRef name, int64_t defaultValue) const;
  float floatAttr(llvm::StringRef name, float defaultValue) const;
  std::string stringAttr(llvm::StringRef name,
                         llvm::StringRef defaultValue) const;
  llvm::SmallVector<int64_t> intsAttr(llvm::StringRef name) const;
  llvm::SmallVector<float> floatsAttr(llvm::StringRef name) const;

  /// Emits "node 'name' (OpType): <message>" at the node and returns failure.
  InFlightDiagnostic emitNodeError();
  LogicalResult nodeError(const llvm::Twine &message);

  /// Materializes a constant as a `tosa.const` over a resource blob
  /// (named after `name`). Zero-copy for blobs the importer owns.
  Value materialize(const ConstTensor &value, llvm::StringRef name);

  /// Converts an ONNX dtype to an MLIR element type (null if unsupported).
  Type convertDType(int32_t dtype);

  /// Reads a TensorProto into a ConstTensor (raw, typed or external data).
  /// Moves `raw_data` out of `tensor` when it can (zero copy).
  FailureOr<ConstTensor> readTensor(onnx::TensorProto &tensor,
                                    Location loc);

private:
  LogicalResult importGraph(onnx::GraphProto &graph, func::FuncOp func);
  LogicalResult importNode(const onnx::NodeProto &node, unsigned index);
  FailureOr<RankedTensorType> graphInputType(const onnx::ValueInfoProto &info);
  /// Records the static type ONNX shape inference gives `info`, if any.
  void recordInferredType(const onnx::ValueInfoProto &info);
  /// Folds `node` on the host when all its inputs are constants and its op
  /// is a shape-like computation; true if it did.
  FailureOr<bool> tryFold(const onnx::NodeProto &node);
  /// True if every output of the current node is known to have no elements.
  bool producesOnlyEmptyTensors() const;
  Location nodeLocation(const onnx::NodeProto &node, unsigned index);

  MLIRContext &context;
  const OnnxImportOptions &options;
  std::string modelPath;
  OpBuilder b;
  int64_t defaultOpset = 0;

  /// Values of ONNX tensors produced so far.
  llvm::StringMap<Value> values;
  /// Tensors known at import time; materialized into `values` on demand.
  llvm::StringMap<ConstTensor> constants;
  /// Shapes ONNX shape inference recorded, by tensor name.
  llvm::StringMap<RankedTensorType> inferredTypes;

  const onnx::NodeProto *currentNode = nullptr;
  Location currentLoc;
  /// Prefix of node locations inside subgraphs ("loop/iter2/").
  std::string locPrefix;
  /// The function's entry block: constants are materialized there so that
  /// they dominate every use, in branches too.
  Block *entryBlock = nullptr;
};

} // namespace mlir::qopt::onnx_import

#endif // QOPT_LIB_TARGET_ONNX_IMPORTER_H

//===- ExportONNX.cpp - Quantized models back to ONNX ---------------------===//
//
// The export edits the original ModelProto rather than translating the IR
// back: every op qopt does not quantize stays exactly as the user wrote it.
// Each quantized layer (a qopt.conv2d / qopt.depthwise_conv2d / qopt.matmul
// named after its ONNX node) has its weight read back once, as one integer
// per element of its [N, K] matrix (readLogicalWeight); the layers of one
// node (the parts of a split layer, the groups of a grouped Conv) are put
// back together, and the weight is written in the form onnxruntime runs
// best that holds it exactly (docs/Backends/ONNX.md):
//
//   * MatMul and Gemm with groups, or below 8 bits: com.microsoft
//     MatMulNBits (2, 4 or 8 bits, blocks of 16-256 along K; a scale per
//     channel is repeated over the blocks);
//   * other weights (convolutions, 8-bit per-channel matmuls, the W and R of
//     LSTM / GRU / RNN nodes): integers in the node's own layout and a
//     DequantizeLinear: per axis (opset 13, INT8), or with `block_size`
//     (opset 21, INT4 or INT8; the model is raised to opset 21 for it,
//     ExportOpset.h) for groups and multi-axis scales; where the model
//     cannot be raised, Cast / Reshape / Sub / Mul with broadcast scales;
//   * on the integer path, QuantizeLinear + DequantizeLinear on the layer
//     input with its int8 scale and zero point.
//
// A layer that none of these expresses is an error naming it, as is a
// layer that kept its qopt.format but was not quantized: the export never
// writes a chosen layer back as float.
//
//===----------------------------------------------------------------------===//

#include "qopt/Target/ONNX/ExportONNX.h"
#include "ExportOpset.h"
#include "qopt/Dialect/QOpt/IR/QOptAttrs.h"
#include "qopt/Dialect/QOpt/IR/QOptDialect.h"
#include "qopt/Dialect/QOpt/IR/QOptOps.h"

#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include <onnx/onnx_pb.h>

#include <cmath>
#include <cstring>
#include <exception>
#include <functional>
#include <map>
#include <numeric>
#include <optional>
#include <set>

using namespace mlir;
using namespace mlir::qopt;
using namespace mlir::qopt::onnx_export;

namespace {

/// TensorProto.DataType INT4 (ONNX 1.16; libonnx 1.12 predates it): two
/// values per byte, the first in the low nibble.
constexpr int kOnnxInt4 = 22;

//===----------------------------------------------------------------------===//
// The one reader of quantized weights
//===----------------------------------------------------------------------===//

/// A quantized weight as the export consumes it: the layer's [N, K] matrix
/// (row n = output channel, K the reduction in the layer's order), one
/// integer per element, with a scale and zero point per row (groupSize 0)
/// or per group of groupSize consecutive columns.
struct LogicalWeight {
  int64_t n = 0, k = 0;
  unsigned bits = 0;
  int64_t groupSize = 0;
  std::vector<int8_t> values;
  std::vector<float> scales;
  std::vector<int32_t> zeroPoints;
  bool asymmetric = false;

  int64_t groups() const { return groupSize ? k / groupSize : 1; }
  int64_t group(int64_t col) const { return groupSize ? col / groupSize : 0; }
  int8_t value(int64_t row, int64_t col) const {
    return values[size_t(row * k + col)];
  }
  float scale(int64_t row, int64_t col) const {
    return scales[size_t(row * groups() + group(col))];
  }
  int32_t zeroPoint(int64_t row, int64_t col) const {
    return zeroPoints[size_t(row * groups() + group(col))];
  }
  bool operator==(const LogicalWeight &o) const {
    return n == o.n && k == o.k && bits == o.bits && groupSize == o.groupSize &&
           values == o.values && scales == o.scales &&
           zeroPoints == o.zeroPoints;
  }
};

/// Reads `packed` (in whichever layout it is: the onnx target leaves
/// qopt-quantize's logical fields as they are) into one value per element.
FailureOr<LogicalWeight> readLogicalWeight(PackedWeightOp packed) {
  FailureOr<PackedWeightInfo> info = getPackedWeightInfo(
      packed.getType(), [&] { return packed->emitOpError(); });
  if (failed(info))
    return failure();
  FailureOr<SmallVector<int8_t>> fields = packed.getLogicalFields();
  if (failed(fields))
    return failure();
  LogicalWeight w;
  w.n = info->n;
  w.k = info->k;
  w.bits = info->bits;
  w.groupSize = info->groupSize;
  w.values.assign(fields->begin(), fields->end());
  w.scales.assign(info->scales.begin(), info->scales.end());
  w.asymmetric = !info->zeroPoints.empty();
  w.zeroPoints.assign(size_t(w.n * w.groups()), 0);
  for (size_t i = 0; i < info->zeroPoints.size(); ++i)
    w.zeroPoints[i] = info->zeroPoints[i];
  return w;
}

//===----------------------------------------------------------------------===//
// ModelProto helpers
//===----------------------------------------------------------------------===//

/// The ONNX node name an imported op carries (its first NameLoc).
std::string nodeNameOf(Location loc) {
  if (auto name = dyn_cast<NameLoc>(loc))
    return name.getName().str();
  if (auto fused = dyn_cast<FusedLoc>(loc))
    for (Location inner : fused.getLocations()) {
      std::string name = nodeNameOf(inner);
      if (!name.empty())
        return name;
    }
  if (auto callSite = dyn_cast<CallSiteLoc>(loc))
    return nodeNameOf(callSite.getCallee());
  return "";
}

void setDims(onnx::TensorProto &t, StringRef name, int type,
             ArrayRef<int64_t> dims) {
  t.set_name(name.str());
  t.set_data_type(type);
  for (int64_t d : dims)
    t.add_dims(d);
}

void setFloats(onnx::TensorProto &t, StringRef name, ArrayRef<int64_t> dims,
               ArrayRef<float> values) {
  setDims(t, name, onnx::TensorProto::FLOAT, dims);
  t.set_raw_data(std::string(reinterpret_cast<const char *>(values.data()),
                             values.size() * sizeof(float)));
}

void setBytes(onnx::TensorProto &t, StringRef name, int type,
              ArrayRef<int64_t> dims, ArrayRef<uint8_t> values) {
  setDims(t, name, type, dims);
  t.set_raw_data(std::string(reinterpret_cast<const char *>(values.data()),
                             values.size()));
}

/// Signed integers as INT8, or as INT4 packed two per byte.
void setInts(onnx::TensorProto &t, StringRef name, ArrayRef<int64_t> dims,
             ArrayRef<int8_t> values, bool int4) {
  if (!int4)
    return setBytes(
        t, name, onnx::TensorProto::INT8, dims,
        ArrayRef<uint8_t>(reinterpret_cast<const uint8_t *>(values.data()),
                          values.size()));
  std::vector<uint8_t> packed((values.size() + 1) / 2, 0);
  for (size_t i = 0; i < values.size(); ++i)
    packed[i / 2] |= uint8_t((uint8_t(values[i]) & 0xF) << (i % 2 * 4));
  setBytes(t, name, kOnnxInt4, dims, packed);
}

void setInt64s(onnx::TensorProto &t, StringRef name, ArrayRef<int64_t> values) {
  setDims(t, name, onnx::TensorProto::INT64, {int64_t(values.size())});
  for (int64_t v : values)
    t.add_int64_data(v);
}

onnx::NodeProto makeNode(StringRef opType, StringRef name,
                         ArrayRef<std::string> inputs, StringRef output) {
  onnx::NodeProto node;
  node.set_op_type(opType.str());
  node.set_name(name.str());
  for (const std::string &in : inputs)
    node.add_input(in);
  node.add_output(output.str());
  return node;
}

void addIntAttr(onnx::NodeProto &node, StringRef name, int64_t value) {
  onnx::AttributeProto *attr = node.add_attribute();
  attr->set_name(name.str());
  attr->set_type(onnx::AttributeProto::INT);
  attr->set_i(value);
}

const onnx::AttributeProto *findAttr(const onnx::NodeProto &node,
                                     StringRef name) {
  for (const onnx::AttributeProto &a : node.attribute())
    if (a.name() == name)
      return &a;
  return nullptr;
}

int64_t intAttr(const onnx::NodeProto &node, StringRef name, int64_t dflt) {
  const onnx::AttributeProto *a = findAttr(node, name);
  return a ? a->i() : dflt;
}

float floatAttr(const onnx::NodeProto &node, StringRef name, float dflt) {
  const onnx::AttributeProto *a = findAttr(node, name);
  return a ? a->f() : dflt;
}

/// The float elements of `t` (raw or typed data), if it holds them here.
std::optional<std::vector<float>> readFloats(const onnx::TensorProto &t) {
  if (t.data_type() != onnx::TensorProto::FLOAT ||
      t.data_location() == onnx::TensorProto::EXTERNAL)
    return std::nullopt;
  int64_t count = 1;
  for (int64_t d : t.dims())
    count *= d;
  std::vector<float> values(static_cast<size_t>(count));
  if (t.has_raw_data()) {
    if (t.raw_data().size() != values.size() * sizeof(float))
      return std::nullopt;
    std::memcpy(values.data(), t.raw_data().data(), t.raw_data().size());
  } else {
    if (t.float_data_size() != count)
      return std::nullopt;
    std::copy(t.float_data().begin(), t.float_data().end(), values.begin());
  }
  return values;
}

/// Smallest power of two >= v.
int64_t powerOfTwoAtLeast(int64_t v) {
  int64_t p = 1;
  while (p < v)
    p *= 2;
  return p;
}

//===----------------------------------------------------------------------===//
// Where a layer's [N, K] weight lives in the ONNX weight tensor
//===----------------------------------------------------------------------===//

/// The ONNX tensor a weight (or several, for recurrent nodes) is written
/// to: its dims, where element (row, col) of a layer goes, and along each
/// ONNX axis how many consecutive elements share one scale.
struct Placement {
  SmallVector<int64_t> dims;
  std::function<int64_t(int64_t row, int64_t col)> offset;
  SmallVector<int64_t> block;

  int64_t numElements() const {
    int64_t c = 1;
    for (int64_t d : dims)
      c *= d;
    return c;
  }
  SmallVector<int64_t> scaleDims() const {
    SmallVector<int64_t> s;
    for (size_t i = 0; i < dims.size(); ++i)
      s.push_back(dims[i] / block[i]);
    return s;
  }
  /// Flat index into the scale tensor of the weight element at `offset`.
  int64_t scaleOffset(int64_t flat) const {
    SmallVector<int64_t> s = scaleDims();
    int64_t result = 0, stride = 1;
    for (int i = int(dims.size()) - 1; i >= 0; --i) {
      int64_t coord = flat % dims[i];
      flat /= dims[i];
      result += (coord / block[i]) * stride;
      stride *= s[i];
    }
    return result;
  }
};

/// One quantized layer of the IR, read back.
struct Layer {
  Operation *op;
  LogicalWeight weight;
  /// The int8 parameters of the input on the integer path.
  std::optional<ActivationQuantInfo> input;
  /// The first output channel of the node's weight this layer holds: a
  /// layer split by qopt-split-group-formats is named "<node>[begin:end]".
  int64_t rowBegin = 0;
};

/// The ONNX node a layer name refers to, and the first row of its part.
std::pair<std::string, int64_t> splitLayerName(const std::string &name) {
  size_t open = name.rfind('[');
  if (open == std::string::npos || name.back() != ']')
    return {name, 0};
  StringRef range = StringRef(name).slice(open + 1, name.size() - 1);
  auto [begin, end] = range.split(':');
  int64_t b, e;
  if (begin.getAsInteger(10, b) || end.getAsInteger(10, e) || b < 0 || e <= b)
    return {name, 0};
  return {name.substr(0, open), b};
}

/// The layers that together hold one node's weight (the parts of a split
/// layer, by output channel), as one weight: the widest bit width (every
/// narrower value fits), and scales per group of the largest size that
/// divides every part's groups (a part's scale repeated where it has
/// larger groups or one per row).
FailureOr<Layer> mergeParts(std::vector<Layer> &parts,
                            const std::string &node) {
  if (parts.size() == 1)
    return std::move(parts.front());
  llvm::sort(parts, [](const Layer &a, const Layer &b) {
    return a.rowBegin < b.rowBegin;
  });
  Operation *op = parts.front().op;
  auto error = [&] {
    return op->emitError("quantized ONNX export: node '") << node << "' ";
  };
  Layer merged{op, LogicalWeight(), parts.front().input, 0};
  LogicalWeight &m = merged.weight;
  m.k = parts.front().weight.k;
  int64_t rows = 0, g = 0;
  for (const Layer &part : parts) {
    const LogicalWeight &w = part.weight;
    if (part.rowBegin != rows || w.k != m.k)
      return error() << "has quantized parts that do not tile its output "
                        "channels",
             failure();
    if (part.input.has_value() != merged.input.has_value() ||
        (part.input && (part.input->scale != merged.input->scale ||
                        part.input->zeroPoint != merged.input->zeroPoint)))
      return error() << "has parts with different input quantization",
             failure();
    rows += w.n;
    m.bits = std::max(m.bits, w.bits);
    m.asymmetric |= w.asymmetric;
    g = std::gcd(g, w.groupSize ? w.groupSize : w.k);
  }
  m.n = rows;
  m.groupSize = g == m.k ? 0 : g;
  for (const Layer &part : parts) {
    const LogicalWeight &w = part.weight;
    m.values.insert(m.values.end(), w.values.begin(), w.values.end());
    for (int64_t r = 0; r < w.n; ++r)
      for (int64_t j = 0; j < m.groups(); ++j) {
        m.scales.push_back(w.scale(r, j * g));
        m.zeroPoints.push_back(w.zeroPoint(r, j * g));
      }
  }
  return merged;
}

class Exporter {
public:
  Exporter(ModuleOp module, onnx::ModelProto &model)
      : module(module), model(model), graph(*model.mutable_graph()) {}

  LogicalResult run() {
    if (defaultOpset(model) < 13)
      return module.emitError("quantized ONNX export needs opset 13 or newer "
                              "(per-axis DequantizeLinear); the model has ")
             << defaultOpset(model);
    for (int i = 0; i < graph.node_size(); ++i) {
      nodes[graph.node(i).name()] = i;
      for (const std::string &out : graph.node(i).output())
        producers[out] = i;
    }
    for (int i = 0; i < graph.initializer_size(); ++i)
      initializers[graph.initializer(i).name()] = i;

    if (failed(checkAllLowered()))
      return failure();
    // Layers grouped by node, in IR order (a recurrent node has several).
    std::vector<std::string> order;
    std::map<std::string, std::vector<Layer>> byNode;
    WalkResult walk = module.walk([&](Operation *op) {
      if (!isa<MatmulOp, Conv2DOp, DepthwiseConv2DOp>(op))
        return WalkResult::advance();
      FailureOr<Layer> layer = readLayer(op);
      if (failed(layer))
        return WalkResult::interrupt();
      auto [name, rowBegin] = splitLayerName(nodeNameOf(op->getLoc()));
      layer->rowBegin = rowBegin;
      if (!byNode.count(name))
        order.push_back(name);
      byNode[name].push_back(std::move(*layer));
      return WalkResult::advance();
    });
    if (walk.wasInterrupted())
      return failure();
    for (const std::string &name : order)
      if (failed(exportNode(name, byNode[name])))
        return failure();

    // Inserted nodes go right before (or after) the node they belong to:
    // they read only values that exist there, so the order stays
    // topological.
    onnx::GraphProto sorted;
    for (int i = 0; i < graph.node_size(); ++i) {
      for (onnx::NodeProto &extra : before[i])
        *sorted.add_node() = std::move(extra);
      *sorted.add_node() = std::move(*graph.mutable_node(i));
      for (onnx::NodeProto &extra : after[i])
        *sorted.add_node() = std::move(extra);
    }
    graph.mutable_node()->Swap(sorted.mutable_node());
    return success();
  }

private:
  /// A layer that keeps its qopt.format was not quantized; a float
  /// simulation (qopt.fake_quant) is not a quantized weight either.
  LogicalResult checkAllLowered() {
    WalkResult walk = module.walk([&](Operation *op) {
      if (auto format =
              op->getAttrOfType<FormatAttr>(QOptDialect::kFormatAttrName)) {
        op->emitError("quantized ONNX export: layer '")
            << nodeNameOf(op->getLoc()) << "' (" << op->getName()
            << ") was given " << format.getShortName()
            << " but qopt-quantize left it float; the export writes no "
               "layer back as float";
        return WalkResult::interrupt();
      }
      if (auto packed = dyn_cast<PackedWeightOp>(op)) {
        for (Operation *user : packed->getUsers())
          if (!isa<MatmulOp, Conv2DOp, DepthwiseConv2DOp>(user) ||
              user->getOperand(1) != packed.getResult()) {
            user->emitError("quantized ONNX export: layer '")
                << nodeNameOf(user->getLoc()) << "' (" << user->getName()
                << ") has no ONNX form in the export";
            return WalkResult::interrupt();
          }
      }
      if (isa<FakeQuantOp>(op)) {
        op->emitError("quantized ONNX export: layer '")
            << nodeNameOf(op->getLoc())
            << "' is simulated (qopt.fake_quant), which has no ONNX form";
        return WalkResult::interrupt();
      }
      return WalkResult::advance();
    });
    return failure(walk.wasInterrupted());
  }

  FailureOr<Layer> readLayer(Operation *op) {
    if (nodeNameOf(op->getLoc()).empty())
      return op->emitError("quantized ONNX export: the layer's location "
                           "names no ONNX node (export straight from the "
                           ".onnx input, or keep locations in MLIR files "
                           "with -mlir-print-debuginfo)");
    auto packed = op->getOperand(1).getDefiningOp<PackedWeightOp>();
    if (!packed)
      return op->emitError("quantized ONNX export: weight is not a "
                           "qopt.packed_weight");
    FailureOr<LogicalWeight> weight = readLogicalWeight(packed);
    if (failed(weight))
      return failure();
    Layer layer{op, std::move(*weight), std::nullopt};
    Type inputElement =
        cast<ShapedType>(op->getOperand(0).getType()).getElementType();
    if (isa<quant::UniformQuantizedType>(inputElement)) {
      FailureOr<ActivationQuantInfo> act = getActivationQuantInfo(
          inputElement, [&] { return op->emitOpError(); });
      if (failed(act))
        return failure();
      layer.input = *act;
    }
    return layer;
  }

  /// The position of `node` in the graph (names need not be unique).
  int indexOf(const onnx::NodeProto &node) const {
    for (int i = 0; i < graph.node_size(); ++i)
      if (&graph.node(i) == &node)
        return i;
    llvm_unreachable("node of another graph");
  }

  /// The tensor `value` holds when it is an initializer or a Constant
  /// node's value, through Identity nodes.
  const onnx::TensorProto *constantTensor(std::string value) {
    for (int depth = 0; depth < 64; ++depth) {
      auto init = initializers.find(value);
      if (init != initializers.end())
        return &graph.initializer(init->second);
      auto producer = producers.find(value);
      if (producer == producers.end())
        return nullptr;
      const onnx::NodeProto &node = graph.node(producer->second);
      if (node.op_type() == "Constant") {
        const onnx::AttributeProto *v = findAttr(node, "value");
        return v && v->has_t() ? &v->t() : nullptr;
      }
      if (node.op_type() != "Identity" || node.input_size() != 1)
        return nullptr;
      value = node.input(0);
    }
    return nullptr;
  }

  LogicalResult exportNode(const std::string &name,
                           std::vector<Layer> &layers) {
    Operation *first = layers.front().op;
    auto it = nodes.find(name);
    if (it == nodes.end())
      return first->emitError("quantized ONNX export: layer '")
             << name << "' matches no node of the ONNX model";
    onnx::NodeProto &node = *graph.mutable_node(it->second);
    const std::string &type = node.op_type();
    if (type == "LSTM" || type == "GRU" || type == "RNN")
      return exportRecurrent(node, layers);
    int64_t groups = type == "Conv" ? intAttr(node, "group", 1) : 1;
    if (groups > 1 && isa<Conv2DOp>(first)) {
      // The importer runs one conv2d per group, in group order: group i
      // holds output channels [i * O / G, (i + 1) * O / G), the rows of
      // the ONNX weight [O, C / G, KH, KW].
      if (int64_t(layers.size()) != groups)
        return first->emitError("quantized ONNX export: node '")
               << name << "' (Conv, group = " << groups << ") has "
               << layers.size() << " quantized layers, one per group expected";
      for (size_t i = 0; i < layers.size(); ++i)
        layers[i].rowBegin = int64_t(i) * layers[i].weight.n;
    }
    FailureOr<Layer> merged = mergeParts(layers, name);
    if (failed(merged))
      return failure();
    Layer &layer = *merged;
    const onnx::TensorProto *original =
        node.input_size() > 1 ? constantTensor(node.input(1)) : nullptr;
    if (!original)
      return layer.op->emitError("quantized ONNX export: node '")
             << name << "' has no constant weight to replace";
    SmallVector<int64_t> dims(original->dims().begin(), original->dims().end());
    const LogicalWeight &w = layer.weight;
    int64_t n = w.n, k = w.k, g = w.groupSize;
    auto mismatch = [&] {
      return layer.op->emitError("quantized ONNX export: node '")
             << name << "' weight shape does not match the layer";
    };

    Placement p;
    p.dims = dims;
    if (type == "Conv" && dims.size() == 4 && isa<Conv2DOp>(layer.op)) {
      // Row n = output channel; column (kh * KW + kw) * C + c; ONNX OIHW
      // (C the channels of one group). Groups run along C, so they need to
      // tile it.
      int64_t c = dims[1], kh = dims[2], kw = dims[3];
      if (dims[0] != n || c * kh * kw != k)
        return mismatch();
      if (g && c % g)
        return layer.op->emitError("quantized ONNX export: node '")
               << name << "' groups of " << g << " do not tile its " << c
               << " input channels";
      p.offset = [=](int64_t row, int64_t col) {
        int64_t ci = col % c, x = (col / c) % kw, y = col / c / kw;
        return ((row * c + ci) * kh + y) * kw + x;
      };
      p.block = g ? SmallVector<int64_t>{1, g, 1, 1}
                  : SmallVector<int64_t>{1, c, kh, kw};
    } else if (type == "Conv" && dims.size() == 4 && dims[1] == 1 &&
               isa<DepthwiseConv2DOp>(layer.op)) {
      // Depthwise (group = C): row o = c * M + m is ONNX output channel o;
      // column kh * KW + kw. Groups of taps must be whole kernel rows or
      // tile one.
      int64_t kh = dims[2], kw = dims[3];
      if (dims[0] != n || kh * kw != k)
        return mismatch();
      p.offset = [=](int64_t row, int64_t col) { return row * k + col; };
      if (!g)
        p.block = {1, 1, kh, kw};
      else if (g <= kw && kw % g == 0)
        p.block = {1, 1, 1, g};
      else if (g % kw == 0 && kh % (g / kw) == 0)
        p.block = {1, 1, g / kw, kw};
      else
        return layer.op->emitError("quantized ONNX export: node '")
               << name << "' groups of " << g << " taps do not tile its " << kh
               << "x" << kw << " kernel";
    } else if ((type == "Gemm" || type == "MatMul") && dims.size() == 2) {
      bool transposed = type == "Gemm" && intAttr(node, "transB", 0);
      if ((transposed ? dims[0] != n || dims[1] != k
                      : dims[0] != k || dims[1] != n))
        return mismatch();
      if (succeeded(tryMatMulNBits(node, layer)))
        return success();
      p.offset = [=](int64_t row, int64_t col) {
        return transposed ? row * k + col : col * n + row;
      };
      int64_t kBlock = g ? g : k;
      p.block = transposed ? SmallVector<int64_t>{1, kBlock}
                           : SmallVector<int64_t>{kBlock, 1};
    } else {
      return layer.op->emitError("quantized ONNX export: cannot place the "
                                 "quantized weight of node '")
             << name << "' (" << type << ")";
    }
    std::string base = name + ".qopt";
    std::vector<onnx::NodeProto> &extra = before[indexOf(node)];
    SmallVector<const LogicalWeight *> parts = {&w};
    FailureOr<std::string> deq =
        emitDequantized(layer.op, parts, {p}, base, extra);
    if (failed(deq))
      return failure();
    node.set_input(1, *deq);
    if (layer.input)
      quantizeInput(node, 0, *layer.input, base);
    return success();
  }

  /// The layer input `index` of `node` goes through QuantizeLinear and
  /// DequantizeLinear with the int8 parameters of the integer path.
  void quantizeInput(onnx::NodeProto &node, int index,
                     const ActivationQuantInfo &act, const std::string &base) {
    std::string xs = base + ".input_scale", xz = base + ".input_zero_point";
    setFloats(*graph.add_initializer(), xs, {}, {act.scale});
    setInts(*graph.add_initializer(), xz, {}, {int8_t(act.zeroPoint)}, false);
    std::vector<onnx::NodeProto> &extra = before[indexOf(node)];
    std::string input = node.input(index);
    extra.push_back(makeNode("QuantizeLinear", base + ".input_q",
                             {input, xs, xz}, base + ".input_q"));
    extra.push_back(makeNode("DequantizeLinear", base + ".input_dq",
                             {base + ".input_q", xs, xz}, base + ".input_dq"));
    node.set_input(index, base + ".input_dq");
  }

  /// Raises the model to opset 21 once, for blocked DequantizeLinear and
  /// INT4; false (with a warning) where the model cannot be raised.
  bool ensureOpset21(Operation *op) {
    if (defaultOpset(model) >= 21)
      return true;
    if (upgradeRefused)
      return false;
    std::string why;
    if (succeeded(upgradeToOpset21(model, why)))
      return true;
    upgradeRefused = true;
    op->emitWarning("quantized ONNX export: scales per block are written "
                    "as Cast, Reshape, Sub, Mul, not opset-21 "
                    "DequantizeLinear: ")
        << why;
    return false;
  }

  /// Writes the quantized integers of `parts` (placed by `placements`, one
  /// per part, all in one tensor) and their dequantization; returns the
  /// name of the float weight.
  FailureOr<std::string> emitDequantized(Operation *op,
                                         ArrayRef<const LogicalWeight *> parts,
                                         ArrayRef<Placement> placements,
                                         const std::string &base,
                                         std::vector<onnx::NodeProto> &extra) {
    const Placement &p = placements.front();
    SmallVector<int64_t> sdims = p.scaleDims();
    int64_t count = p.numElements(), scaleCount = 1;
    for (int64_t d : sdims)
      scaleCount *= d;
    std::vector<int8_t> values(size_t(count), 0);
    std::vector<float> scales(size_t(scaleCount), 0.0f);
    std::vector<int32_t> zps(size_t(scaleCount), 0);
    std::vector<char> seen(size_t(scaleCount), 0);
    unsigned bits = 0;
    bool asymmetric = false;
    for (size_t i = 0; i < parts.size(); ++i) {
      const LogicalWeight &w = *parts[i];
      bits = std::max(bits, w.bits);
      asymmetric |= w.asymmetric;
      for (int64_t row = 0; row < w.n; ++row)
        for (int64_t col = 0; col < w.k; ++col) {
          int64_t at = placements[i].offset(row, col);
          values[size_t(at)] = w.value(row, col);
          int64_t s = p.scaleOffset(at);
          float scale = w.scale(row, col);
          int32_t zp = w.zeroPoint(row, col);
          if (seen[size_t(s)] &&
              (scales[size_t(s)] != scale || zps[size_t(s)] != zp))
            return op->emitError("quantized ONNX export: layer '")
                       << nodeNameOf(op->getLoc())
                       << "' has scales that do not follow the blocks of its "
                          "ONNX weight",
                   failure();
          seen[size_t(s)] = 1;
          scales[size_t(s)] = scale;
          zps[size_t(s)] = zp;
        }
    }

    // Per axis (opset 13) when at most one axis has several scales and
    // each of its elements has its own; else blocks along one axis
    // (opset 21); else arithmetic.
    int scaled = -1, several = 0;
    bool perAxis = true;
    for (size_t i = 0; i < sdims.size(); ++i)
      if (sdims[i] > 1) {
        ++several;
        scaled = int(i);
        perAxis &= p.block[i] == 1;
      }
    perAxis &= several <= 1;
    int blockAxis = -1;
    if (!perAxis) {
      for (size_t i = 0; i < sdims.size(); ++i)
        if (p.block[i] > 1) {
          if (blockAxis >= 0)
            blockAxis = -2;
          else if (blockAxis == -1)
            blockAxis = int(i);
        }
    }
    std::string q = base + ".weight_q", s = base + ".weight_scale",
                z = base + ".weight_zero_point", w = base + ".weight";
    bool blocked = !perAxis && blockAxis >= 0 && ensureOpset21(op);
    bool int4 = bits <= 4 && defaultOpset(model) >= 21 && (perAxis || blocked);
    std::vector<int8_t> zp8(zps.begin(), zps.end());
    if (perAxis || blocked) {
      setInts(*graph.add_initializer(), q, p.dims, values, int4);
      SmallVector<int64_t> scaleShape;
      if (perAxis && scaled >= 0)
        scaleShape = {sdims[size_t(scaled)]};
      else if (blocked)
        scaleShape = sdims;
      setFloats(*graph.add_initializer(), s, scaleShape, scales);
      std::vector<std::string> inputs = {q, s};
      if (asymmetric) {
        setInts(*graph.add_initializer(), z, scaleShape, zp8, int4);
        inputs.push_back(z);
      }
      onnx::NodeProto dq =
          makeNode("DequantizeLinear", base + ".weight_dq", inputs, w);
      if (perAxis && scaled >= 0)
        addIntAttr(dq, "axis", scaled);
      if (blocked) {
        addIntAttr(dq, "axis", blockAxis);
        addIntAttr(dq, "block_size", p.block[size_t(blockAxis)]);
      }
      extra.push_back(std::move(dq));
      return w;
    }

    // Cast, then each blocked axis split into [blocks, block] so that the
    // scales [.., blocks, 1, ..] broadcast; Sub, Mul, and back to the dims.
    SmallVector<int64_t> split, scaleShape;
    for (size_t i = 0; i < p.dims.size(); ++i) {
      if (p.block[i] == 1) {
        split.push_back(p.dims[i]);
        scaleShape.push_back(p.dims[i]);
      } else if (p.block[i] == p.dims[i]) {
        split.push_back(p.dims[i]);
        scaleShape.push_back(1);
      } else {
        split.append({sdims[i], p.block[i]});
        scaleShape.append({sdims[i], 1});
      }
    }
    setInts(*graph.add_initializer(), q, p.dims, values, false);
    setFloats(*graph.add_initializer(), s, scaleShape, scales);
    setInt64s(*graph.add_initializer(), base + ".blocked_shape", split);
    setInt64s(*graph.add_initializer(), base + ".weight_shape", p.dims);
    onnx::NodeProto cast =
        makeNode("Cast", base + ".weight_cast", {q}, base + ".weight_f");
    addIntAttr(cast, "to", onnx::TensorProto::FLOAT);
    extra.push_back(std::move(cast));
    extra.push_back(makeNode("Reshape", base + ".weight_block",
                             {base + ".weight_f", base + ".blocked_shape"},
                             base + ".weight_b"));
    std::string centered = base + ".weight_b";
    if (asymmetric) {
      std::vector<float> zpFloat(zps.begin(), zps.end());
      setFloats(*graph.add_initializer(), z, scaleShape, zpFloat);
      extra.push_back(makeNode("Sub", base + ".weight_center",
                               {base + ".weight_b", z}, base + ".weight_c"));
      centered = base + ".weight_c";
    }
    extra.push_back(makeNode("Mul", base + ".weight_scaled", {centered, s},
                             base + ".weight_s"));
    extra.push_back(makeNode("Reshape", base + ".weight_dq",
                             {base + ".weight_s", base + ".weight_shape"}, w));
    return w;
  }

  /// MatMul / Gemm as com.microsoft MatMulNBits, for weights with groups or
  /// below 8 bits. Fails (writing nothing) where MatMulNBits does not fit:
  /// 8-bit per-channel weights (DequantizeLinear keeps them standard ONNX),
  /// groups with no power-of-two block of 16-256 dividing them, Gemm with
  /// transA, alpha != 1 or beta != 1.
  LogicalResult tryMatMulNBits(onnx::NodeProto &node, const Layer &layer) {
    const LogicalWeight &w = layer.weight;
    if (w.groupSize == 0 && w.bits >= 8)
      return failure();
    bool gemm = node.op_type() == "Gemm";
    bool bias = gemm && node.input_size() > 2 && !node.input(2).empty();
    if (gemm && (intAttr(node, "transA", 0) != 0 ||
                 floatAttr(node, "alpha", 1.0f) != 1.0f ||
                 (bias && floatAttr(node, "beta", 1.0f) != 1.0f)))
      return failure();
    int64_t block;
    if (w.groupSize) {
      // The largest power of two dividing the group, at most 256: each
      // group is a whole number of blocks with its scale repeated.
      block = w.groupSize & -w.groupSize;
      block = std::min<int64_t>(block, 256);
      if (block < 16)
        return failure();
    } else {
      block = std::clamp<int64_t>(powerOfTwoAtLeast(w.k), 16, 256);
    }
    unsigned bits = w.bits <= 2 ? 2 : w.bits <= 4 ? 4 : 8;
    int64_t n = w.n, k = w.k, blocks = (k + block - 1) / block;
    int64_t blob = block * bits / 8, perByte = 8 / bits;
    int32_t offset = 1 << (bits - 1);
    std::vector<uint8_t> packed(size_t(n * blocks * blob), 0);
    std::vector<float> scales(size_t(n * blocks));
    int64_t zpBytes = (blocks * bits + 7) / 8;
    std::vector<uint8_t> zps(size_t(n * zpBytes), 0);
    for (int64_t row = 0; row < n; ++row)
      for (int64_t b = 0; b < blocks; ++b) {
        int64_t first = b * block;
        scales[size_t(row * blocks + b)] = w.scale(row, first);
        int32_t zp = w.zeroPoint(row, first);
        uint8_t zpCode = uint8_t(zp + offset);
        zps[size_t(row * zpBytes + b / perByte)] |=
            uint8_t(zpCode << (b % perByte * bits));
        for (int64_t e = 0; e < block; ++e) {
          int64_t col = first + e;
          // Padding past K dequantizes to 0.
          uint8_t code = uint8_t((col < k ? w.value(row, col) : zp) + offset);
          size_t byte = size_t((row * blocks + b) * blob + e / perByte);
          packed[byte] |= uint8_t(code << (e % perByte * bits));
        }
      }
    std::string name = node.name(), base = name + ".qopt";
    std::string bq = base + ".weight_q", s = base + ".weight_scale",
                z = base + ".weight_zero_point";
    setBytes(*graph.add_initializer(), bq, onnx::TensorProto::UINT8,
             {n, blocks, blob}, packed);
    setFloats(*graph.add_initializer(), s, {n * blocks}, scales);
    std::string a = node.input(0), c = bias ? node.input(2) : "";
    std::string out = node.output(0);
    node.clear_input();
    node.clear_attribute();
    node.set_op_type("MatMulNBits");
    node.set_domain("com.microsoft");
    node.add_input(a);
    node.add_input(bq);
    node.add_input(s);
    if (w.asymmetric) {
      setBytes(*graph.add_initializer(), z, onnx::TensorProto::UINT8,
               {n * zpBytes}, zps);
      node.add_input(z);
    }
    addIntAttr(node, "K", k);
    addIntAttr(node, "N", n);
    addIntAttr(node, "bits", bits);
    addIntAttr(node, "block_size", block);
    if (bias) {
      // MatMulNBits' bias is [N]; any other C of Gemm (broadcast to
      // [M, N]) is added after it.
      const onnx::TensorProto *cTensor = constantTensor(c);
      if (cTensor && cTensor->data_type() == onnx::TensorProto::FLOAT &&
          cTensor->dims_size() == 1 && cTensor->dims(0) == n) {
        if (!w.asymmetric)
          node.add_input("");
        node.add_input(""); // g_idx
        node.add_input(c);
      } else {
        node.set_output(0, base + ".matmul");
        after[indexOf(node)].push_back(
            makeNode("Add", base + ".bias", {base + ".matmul", c}, out));
      }
    }
    useMicrosoftDomain();
    if (layer.input)
      quantizeInput(node, 0, *layer.input, base);
    return success();
  }

  void useMicrosoftDomain() {
    for (const onnx::OperatorSetIdProto &opset : model.opset_import())
      if (opset.domain() == "com.microsoft")
        return;
    onnx::OperatorSetIdProto &opset = *model.add_opset_import();
    opset.set_domain("com.microsoft");
    opset.set_version(1);
  }

  /// LSTM / GRU / RNN: W [D, G*H, I] and R [D, G*H, H] feed the node. The
  /// importer makes, per direction, one layer for W and one per time step
  /// for R; each layer is matched to the W or R slice it came from by
  /// value. The R layers of one direction must be quantized alike, and on
  /// float inputs: the node takes one R and cannot quantize its hidden
  /// state.
  LogicalResult exportRecurrent(onnx::NodeProto &node,
                                std::vector<Layer> &layers) {
    const std::string &name = node.name();
    Operation *first = layers.front().op;
    auto error = [&]() {
      return first->emitError("quantized ONNX export: layer '") << name << "' ";
    };
    const onnx::TensorProto *tensors[2] = {
        node.input_size() > 1 ? constantTensor(node.input(1)) : nullptr,
        node.input_size() > 2 ? constantTensor(node.input(2)) : nullptr};
    std::optional<std::vector<float>> floats[2];
    for (int t = 0; t < 2; ++t) {
      if (!tensors[t] || tensors[t]->dims_size() != 3)
        return error() << "(" << node.op_type() << ") has no constant "
                       << (t ? "R" : "W") << " to replace";
      floats[t] = readFloats(*tensors[t]);
      if (!floats[t])
        return error() << "(" << node.op_type() << "): cannot read its "
                       << (t ? "R" : "W") << " to match the layers to it";
    }
    int64_t dirs = tensors[0]->dims(0), rows = tensors[0]->dims(1);
    // slot = t * dirs + d
    std::vector<std::vector<const Layer *>> slots(size_t(2 * dirs));
    for (const Layer &layer : layers) {
      const LogicalWeight &w = layer.weight;
      double best = INFINITY;
      int bestSlot = -1;
      for (int t = 0; t < 2; ++t) {
        int64_t cols = tensors[t]->dims(2);
        if (w.n != rows || w.k != cols)
          continue;
        for (int64_t d = 0; d < dirs; ++d) {
          double err = 0;
          const float *ref = floats[t]->data() + d * rows * cols;
          for (int64_t r = 0; r < w.n; ++r)
            for (int64_t c = 0; c < w.k; ++c) {
              double deq =
                  double(w.scale(r, c)) * (w.value(r, c) - w.zeroPoint(r, c));
              double diff = deq - ref[r * cols + c];
              err += diff * diff;
            }
          if (err < best) {
            best = err;
            bestSlot = int(t * dirs + d);
          }
        }
      }
      if (bestSlot < 0)
        return error() << "has a quantized weight of shape [" << w.n << ", "
                       << w.k << "] that is neither its W nor its R";
      slots[size_t(bestSlot)].push_back(&layer);
    }
    std::string base = name + ".qopt";
    std::vector<onnx::NodeProto> &extra = before[indexOf(node)];
    std::optional<ActivationQuantInfo> xQuant;
    for (int t = 0; t < 2; ++t) {
      const char *which = t ? "R" : "W";
      int64_t cols = tensors[t]->dims(2);
      SmallVector<const LogicalWeight *> parts;
      SmallVector<Placement> placements;
      for (int64_t d = 0; d < dirs; ++d) {
        std::vector<const Layer *> &slot = slots[size_t(t * dirs + d)];
        if (slot.empty()) {
          if (parts.empty() && d == 0)
            continue;
          return error() << "quantizes " << which << " of some directions only";
        }
        const Layer &layer = *slot.front();
        if (t == 1 && layer.input)
          return error() << "quantizes its hidden state to int8 each step, "
                            "which ONNX's "
                         << node.op_type()
                         << " cannot express (quantize it with "
                            "activations=float)";
        for (const Layer *other : slot)
          if (!(other->weight == layer.weight))
            return error() << "quantizes the " << which
                           << " of its time steps differently; ONNX's "
                           << node.op_type() << " takes one " << which
                           << " (use one format and a data-free method)";
        if (t == 0 && layer.input) {
          if (xQuant && (xQuant->scale != layer.input->scale ||
                         xQuant->zeroPoint != layer.input->zeroPoint))
            return error() << "quantizes its input X differently per "
                              "direction";
          xQuant = layer.input;
        }
        if (!parts.empty() &&
            layer.weight.groupSize != parts.front()->groupSize)
          return error() << "uses different granularities per direction";
        parts.push_back(&layer.weight);
        Placement p;
        p.dims = {dirs, rows, cols};
        p.offset = [=](int64_t row, int64_t col) {
          return (d * rows + row) * cols + col;
        };
        int64_t g = layer.weight.groupSize;
        p.block = {1, 1, g ? g : cols};
        placements.push_back(std::move(p));
      }
      if (parts.empty())
        continue;
      if (int64_t(parts.size()) != dirs)
        return error() << "quantizes " << which << " of some directions only";
      FailureOr<std::string> deq =
          emitDequantized(first, parts, placements, base + "." + which, extra);
      if (failed(deq))
        return failure();
      node.set_input(1 + t, *deq);
    }
    if (xQuant)
      quantizeInput(node, 0, *xQuant, base);
    return success();
  }

  ModuleOp module;
  onnx::ModelProto &model;
  onnx::GraphProto &graph;
  llvm::StringMap<int> nodes, initializers, producers;
  /// Nodes to insert before / after the node at that position.
  std::map<int, std::vector<onnx::NodeProto>> before, after;
  bool upgradeRefused = false;
};

/// Every value the nodes of `graph` and of its subgraphs read.
void collectInputs(const onnx::GraphProto &graph, std::set<std::string> &used) {
  for (const onnx::NodeProto &node : graph.node()) {
    for (const std::string &in : node.input())
      used.insert(in);
    for (const onnx::AttributeProto &attr : node.attribute()) {
      if (attr.has_g())
        collectInputs(attr.g(), used);
      for (const onnx::GraphProto &g : attr.graphs())
        collectInputs(g, used);
    }
  }
}

/// Drops initializers, Constant and Identity nodes that nothing reads any
/// more (the float weights the quantized layers replaced).
void removeUnused(onnx::GraphProto &graph) {
  for (bool changed = true; changed;) {
    changed = false;
    std::set<std::string> used;
    collectInputs(graph, used);
    for (const onnx::ValueInfoProto &out : graph.output())
      used.insert(out.name());
    auto *nodes = graph.mutable_node();
    for (int i = nodes->size() - 1; i >= 0; --i) {
      const onnx::NodeProto &node = nodes->Get(i);
      if ((node.op_type() == "Constant" || node.op_type() == "Identity") &&
          node.output_size() == 1 && !used.count(node.output(0))) {
        nodes->DeleteSubrange(i, 1);
        changed = true;
      }
    }
    auto *inits = graph.mutable_initializer();
    for (int i = inits->size() - 1; i >= 0; --i)
      if (!used.count(inits->Get(i).name()))
        inits->DeleteSubrange(i, 1);
  }
}

/// Moves the external data the kept initializers reference (relative to
/// the original model's folder) into the model: the export is written
/// elsewhere, where those relative paths would not resolve.
LogicalResult inlineExternalData(ModuleOp module, onnx::GraphProto &graph,
                                 StringRef originalPath) {
  for (onnx::TensorProto &t : *graph.mutable_initializer()) {
    if (t.data_location() != onnx::TensorProto::EXTERNAL)
      continue;
    std::string location;
    int64_t offset = 0, length = -1;
    for (const onnx::StringStringEntryProto &e : t.external_data()) {
      if (e.key() == "location")
        location = e.value();
      else if (e.key() == "offset")
        offset = std::stoll(e.value());
      else if (e.key() == "length")
        length = std::stoll(e.value());
    }
    if (originalPath.empty())
      return module.emitError("quantized ONNX export: initializer '")
             << t.name() << "' is external data ('" << location
             << "'); the export needs the path of the original model";
    SmallString<256> path(llvm::sys::path::parent_path(originalPath));
    llvm::sys::path::append(path, location);
    auto buffer =
        length < 0
            ? llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                          /*RequiresNullTerminator=*/false)
            : llvm::MemoryBuffer::getFileSlice(path, length, offset);
    if (!buffer)
      return module.emitError("quantized ONNX export: cannot read the "
                              "external data of initializer '")
             << t.name() << "' from '" << path
             << "': " << buffer.getError().message();
    StringRef bytes = (*buffer)->getBuffer();
    if (length < 0)
      bytes = bytes.drop_front(std::min<size_t>(size_t(offset), bytes.size()));
    t.set_raw_data(bytes.str());
    t.clear_external_data();
    t.set_data_location(onnx::TensorProto::DEFAULT);
  }
  return success();
}

} // namespace

LogicalResult mlir::qopt::exportQuantizedOnnxModel(ModuleOp quantized,
                                                   StringRef original,
                                                   llvm::raw_ostream &os,
                                                   StringRef originalPath) {
  // Integer-only chains have no QDQ equivalent here: refuse them rather
  // than export the float-epilogue model under their name.
  WalkResult integerOnly = quantized.walk([](RequantizeOp op) {
    op.emitError("quantized ONNX export: integer-only chains "
                 "(qopt.requantize) are not exported; quantize without "
                 "qopt-integer-chains for the onnx target");
    return WalkResult::interrupt();
  });
  if (integerOnly.wasInterrupted())
    return failure();
  onnx::ModelProto model;
  try {
    if (!model.ParseFromArray(original.data(), int(original.size())))
      return quantized.emitError("quantized ONNX export: cannot parse the "
                                 "original ONNX model");
    if (failed(Exporter(quantized, model).run()))
      return failure();
    removeUnused(*model.mutable_graph());
    if (failed(inlineExternalData(quantized, *model.mutable_graph(),
                                  originalPath)))
      return failure();
    std::string bytes;
    if (!model.SerializeToString(&bytes))
      return quantized.emitError("quantized ONNX export: serialization "
                                 "failed");
    os << bytes;
  } catch (const std::exception &e) {
    return quantized.emitError("quantized ONNX export: ") << e.what();
  }
  return success();
}

//===- ExportONNX.cpp - Quantized models back to ONNX ---------------------===//
//
// The export edits the original ModelProto rather than translating the IR
// back: every op qopt does not quantize stays exactly as the user wrote it.
// For each quantized layer (a qopt.conv2d / qopt.matmul named after its
// ONNX node):
//
//   * the float weight initializer is replaced by its quantized integers in
//     the node's own layout (Conv OIHW, Gemm B as given by transB, MatMul
//     [K, N]) stored as INT8, which holds every 2- to 8-bit value, and
//     dequantized by DequantizeLinear (per channel, opset 13) or, for scale
//     groups, by Cast, Sub and Mul with broadcast [N, G, 1] scales;
//   * on the integer path, the layer input goes through QuantizeLinear and
//     DequantizeLinear with the layer's int8 scale and zero point.
//
// onnxruntime then computes the float layer on dequantized values: the same
// quantization, with float accumulation instead of our exact int32 one.
//
//===----------------------------------------------------------------------===//

#include "qopt/Target/ONNX/ExportONNX.h"
#include "qopt/Dialect/QOpt/IR/QOptOps.h"
#include "qopt-runtime/cpu.h"

#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "llvm/ADT/StringMap.h"

#include <onnx/onnx_pb.h>

#include <climits>
#include <functional>
#include <map>
#include <set>
#include <cstring>
#include <exception>

using namespace mlir;
using namespace mlir::qopt;

namespace {

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

int64_t opsetOf(const onnx::ModelProto &model) {
  for (const onnx::OperatorSetIdProto &opset : model.opset_import())
    if (opset.domain().empty() || opset.domain() == "ai.onnx")
      return opset.version();
  return 0;
}

void setFloats(onnx::TensorProto &t, StringRef name, ArrayRef<int64_t> dims,
               ArrayRef<float> values) {
  t.set_name(name.str());
  t.set_data_type(onnx::TensorProto::FLOAT);
  for (int64_t d : dims)
    t.add_dims(d);
  t.set_raw_data(std::string(reinterpret_cast<const char *>(values.data()),
                             values.size() * sizeof(float)));
}

void setInt8s(onnx::TensorProto &t, StringRef name, ArrayRef<int64_t> dims,
              ArrayRef<int8_t> values) {
  t.set_name(name.str());
  t.set_data_type(onnx::TensorProto::INT8);
  for (int64_t d : dims)
    t.add_dims(d);
  t.set_raw_data(
      std::string(reinterpret_cast<const char *>(values.data()), values.size()));
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

int64_t intAttr(const onnx::NodeProto &node, StringRef name, int64_t dflt) {
  for (const onnx::AttributeProto &a : node.attribute())
    if (a.name() == name)
      return a.i();
  return dflt;
}

class Exporter {
public:
  Exporter(ModuleOp module, onnx::ModelProto &model)
      : module(module), model(model), graph(*model.mutable_graph()) {}

  LogicalResult run() {
    if (opsetOf(model) < 13)
      return module.emitError("quantized ONNX export needs opset 13 or newer "
                              "(per-axis DequantizeLinear); the model has ")
             << opsetOf(model);
    for (int i = 0; i < graph.node_size(); ++i)
      nodes[graph.node(i).name()] = i;
    for (int i = 0; i < graph.initializer_size(); ++i)
      initializers[graph.initializer(i).name()] = i;

    WalkResult result = module.walk([&](Operation *op) {
      if (!isa<MatmulOp, Conv2DOp>(op))
        return WalkResult::advance();
      return failed(exportLayer(op)) ? WalkResult::interrupt()
                                     : WalkResult::advance();
    });
    if (result.wasInterrupted())
      return failure();
    // New nodes go in front: they only read initializers and graph values
    // that exist before the node they feed, and ONNX requires a
    // topological order, so each is inserted right before its consumer.
    onnx::GraphProto sorted;
    for (onnx::NodeProto &node : *graph.mutable_node()) {
      auto it = before.find(node.name());
      if (it != before.end())
        for (onnx::NodeProto &extra : it->second)
          *sorted.add_node() = std::move(extra);
      *sorted.add_node() = std::move(node);
    }
    graph.mutable_node()->Swap(sorted.mutable_node());
    return success();
  }

private:
  LogicalResult exportLayer(Operation *op) {
    std::string name = nodeNameOf(op->getLoc());
    if (name.empty())
      return op->emitError("quantized ONNX export: the layer's location "
                           "names no ONNX node (export straight from the "
                           ".onnx input, or keep locations in MLIR files "
                           "with -mlir-print-debuginfo)");
    auto it = nodes.find(name);
    if (it == nodes.end())
      return op->emitError("quantized ONNX export: layer '")
             << name << "' matches no node of the ONNX model";
    onnx::NodeProto &node = *graph.mutable_node(it->second);
    Value weight = op->getOperand(1);
    auto packed = weight.getDefiningOp<PackedWeightOp>();
    if (!packed)
      return op->emitError("quantized ONNX export: weight is not a "
                           "qopt.packed_weight");
    FailureOr<PackedWeightInfo> info = getPackedWeightInfo(
        packed.getType(), [&] { return op->emitOpError(); });
    SmallVector<uint8_t> storage;
    FailureOr<ArrayRef<uint8_t>> bytes = packed.getPackedBytes(storage);
    if (failed(info) || failed(bytes))
      return failure();

    // The weight's ONNX layout: dims, and where row n / column k of our
    // [N, K] matrix goes.
    SmallVector<int64_t> dims;
    int64_t channelAxis;
    std::function<int64_t(int64_t, int64_t)> index;
    const onnx::TensorProto *original = nullptr;
    if (node.input_size() > 1) {
      auto init = initializers.find(node.input(1));
      if (init != initializers.end())
        original = &graph.initializer(init->second);
    }
    if (!original)
      return op->emitError("quantized ONNX export: node '")
             << name << "' has no weight initializer to replace";
    for (int64_t d : original->dims())
      dims.push_back(d);
    int64_t n = info->n, k = info->k;
    if (node.op_type() == "Conv" && dims.size() == 4 &&
        intAttr(node, "group", 1) == 1) {
      // Row n = output channel; column (kh * KW + kw) * C + c; ONNX OIHW.
      int64_t c = dims[1], kh = dims[2], kw = dims[3];
      if (dims[0] != n || c * kh * kw != k)
        return op->emitError("quantized ONNX export: node '")
               << name << "' weight shape does not match the layer";
      channelAxis = 0;
      index = [=](int64_t row, int64_t col) {
        int64_t ci = col % c, x = (col / c) % kw, y = col / c / kw;
        return ((row * c + ci) * kh + y) * kw + x;
      };
    } else if ((node.op_type() == "Gemm" || node.op_type() == "MatMul") &&
               dims.size() == 2) {
      bool transposed = node.op_type() == "Gemm" && intAttr(node, "transB", 0);
      if ((transposed ? dims[0] != n || dims[1] != k
                      : dims[0] != k || dims[1] != n))
        return op->emitError("quantized ONNX export: node '")
               << name << "' weight shape does not match the layer";
      channelAxis = transposed ? 0 : 1;
      index = [=](int64_t row, int64_t col) {
        return transposed ? row * k + col : col * n + row;
      };
    } else {
      return op->emitError("quantized ONNX export: cannot place the "
                           "quantized weight of node '")
             << name << "' (" << node.op_type() << ")";
    }

    std::vector<int8_t> values(size_t(n * k));
    for (int64_t row = 0; row < n; ++row)
      for (int64_t col = 0; col < k; ++col)
        values[size_t(index(row, col))] = qopt_rt_packed_get(
            bytes->data(), k, int32_t(info->bits), row, col);
    int64_t groups = info->numGroups();
    std::vector<int8_t> zeroPoints(size_t(n * groups), 0);
    for (size_t i = 0; i < info->zeroPoints.size(); ++i)
      zeroPoints[i] = int8_t(info->zeroPoints[i]);

    std::string base = name + ".qopt";
    std::string q = base + ".weight_q", s = base + ".weight_scale",
                z = base + ".weight_zero_point", w = base + ".weight";
    setInt8s(*graph.add_initializer(), q, dims, values);
    std::vector<onnx::NodeProto> &extra = before[name];
    if (info->groupSize == 0) {
      setFloats(*graph.add_initializer(), s, {n}, info->scales);
      setInt8s(*graph.add_initializer(), z, {n}, zeroPoints);
      onnx::NodeProto dq = makeNode("DequantizeLinear", base + ".weight_dq",
                                    {q, s, z}, w);
      addIntAttr(dq, "axis", channelAxis);
      extra.push_back(std::move(dq));
    } else {
      // Groups along K: scales [N, G, 1] against the weight viewed as
      // [N, G, K / G], which needs the [N, K] layout (transB or per row).
      if (channelAxis != 0 || dims.size() != 2)
        return op->emitError("quantized ONNX export: group scales are "
                             "exported for Gemm with transB = 1 only (node '")
               << name << "')";
      int64_t g = info->groupSize;
      std::vector<float> zpFloat(zeroPoints.begin(), zeroPoints.end());
      setFloats(*graph.add_initializer(), s, {n, groups, 1}, info->scales);
      setFloats(*graph.add_initializer(), z, {n, groups, 1}, zpFloat);
      onnx::TensorProto &shape3 = *graph.add_initializer();
      shape3.set_name(base + ".grouped_shape");
      shape3.set_data_type(onnx::TensorProto::INT64);
      shape3.add_dims(3);
      for (int64_t v : {n, groups, g})
        shape3.add_int64_data(v);
      onnx::TensorProto &shape2 = *graph.add_initializer();
      shape2.set_name(base + ".weight_shape");
      shape2.set_data_type(onnx::TensorProto::INT64);
      shape2.add_dims(2);
      for (int64_t v : {n, k})
        shape2.add_int64_data(v);
      onnx::NodeProto cast =
          makeNode("Cast", base + ".weight_cast", {q}, base + ".weight_f");
      addIntAttr(cast, "to", onnx::TensorProto::FLOAT);
      extra.push_back(std::move(cast));
      extra.push_back(makeNode("Reshape", base + ".weight_group",
                               {base + ".weight_f", base + ".grouped_shape"},
                               base + ".weight_g"));
      extra.push_back(makeNode("Sub", base + ".weight_center",
                               {base + ".weight_g", z}, base + ".weight_c"));
      extra.push_back(makeNode("Mul", base + ".weight_scaled",
                               {base + ".weight_c", s}, base + ".weight_s"));
      extra.push_back(makeNode("Reshape", base + ".weight_dq",
                               {base + ".weight_s", base + ".weight_shape"},
                               w));
    }
    node.set_input(1, w);

    // The integer path quantizes the layer input to int8.
    Type inputElement =
        cast<ShapedType>(op->getOperand(0).getType()).getElementType();
    if (isa<quant::UniformQuantizedType>(inputElement)) {
      FailureOr<ActivationQuantInfo> act = getActivationQuantInfo(
          inputElement, [&] { return op->emitOpError(); });
      if (failed(act))
        return failure();
      std::string xs = base + ".input_scale", xz = base + ".input_zero_point";
      setFloats(*graph.add_initializer(), xs, {}, {act->scale});
      setInt8s(*graph.add_initializer(), xz, {}, {int8_t(act->zeroPoint)});
      std::string input = node.input(0);
      extra.push_back(makeNode("QuantizeLinear", base + ".input_q",
                               {input, xs, xz}, base + ".input_q"));
      extra.push_back(makeNode("DequantizeLinear", base + ".input_dq",
                               {base + ".input_q", xs, xz},
                               base + ".input_dq"));
      node.set_input(0, base + ".input_dq");
    }
    return success();
  }

  ModuleOp module;
  onnx::ModelProto &model;
  onnx::GraphProto &graph;
  llvm::StringMap<int> nodes, initializers;
  /// Nodes to insert before the node of that name.
  std::map<std::string, std::vector<onnx::NodeProto>> before;
};

} // namespace

LogicalResult mlir::qopt::exportQuantizedOnnxModel(ModuleOp quantized,
                                                   StringRef original,
                                                   llvm::raw_ostream &os) {
  onnx::ModelProto model;
  try {
    if (!model.ParseFromArray(original.data(), int(original.size())))
      return quantized.emitError("quantized ONNX export: cannot parse the "
                                 "original ONNX model");
    if (failed(Exporter(quantized, model).run()))
      return failure();
    // Float weights that only the replaced layers read are dropped.
    std::set<std::string> used;
    for (const onnx::NodeProto &node : model.graph().node())
      for (const std::string &in : node.input())
        used.insert(in);
    for (const onnx::ValueInfoProto &out : model.graph().output())
      used.insert(out.name());
    auto *inits = model.mutable_graph()->mutable_initializer();
    for (int i = inits->size() - 1; i >= 0; --i)
      if (!used.count(inits->Get(i).name()))
        inits->DeleteSubrange(i, 1);
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

//===- ExportOpset.cpp - Raising an edited model's opset ------------------===//
//
// The changes between opsets 13 and 21 of the default domain that alter a
// node's form or meaning (from the ONNX operator changelog), and what the
// upgrade does with each:
//
//   * Reduce{L1,L2,LogSum,LogSumExp,Max,Mean,Min,Prod,SumSquare}-18: `axes`
//     moves from an attribute to an input: an initializer feeds it.
//   * Split-18: without a `split` input the outputs count must be given as
//     `num_outputs`: it is set to the node's output count.
//   * RoiAlign-16: the default `coordinate_transformation_mode` became
//     `half_pixel`: the old default `output_half_pixel` is written out.
//   * GridSample-20: modes `bilinear` / `bicubic` are renamed `linear` /
//     `cubic`.
//   * DFT-20 (dft_length and axis become inputs) and GroupNormalization-21
//     (per-channel instead of per-group scale and bias) are refused.
//
// Every other change in that range adds types or optional attributes and
// inputs with the old behaviour as default.
//
//===----------------------------------------------------------------------===//

#include "ExportOpset.h"

#include "llvm/ADT/StringSet.h"

#include <functional>

using namespace mlir;
using namespace mlir::qopt;
using namespace mlir::qopt::onnx_export;

int64_t mlir::qopt::onnx_export::defaultOpset(const onnx::ModelProto &model) {
  for (const onnx::OperatorSetIdProto &opset : model.opset_import())
    if (opset.domain().empty() || opset.domain() == "ai.onnx")
      return opset.version();
  return 0;
}

namespace {

bool isDefaultDomain(const onnx::NodeProto &node) {
  return node.domain().empty() || node.domain() == "ai.onnx";
}

const llvm::StringSet<> &reduceWithAxesAttr() {
  static const llvm::StringSet<> ops = {
      "ReduceL1",   "ReduceL2",  "ReduceLogSum", "ReduceLogSumExp", "ReduceMax",
      "ReduceMean", "ReduceMin", "ReduceProd",   "ReduceSumSquare"};
  return ops;
}

/// Calls `fn` on every graph nested in `graph`'s node attributes.
void forEachSubgraph(onnx::GraphProto &graph,
                     const std::function<void(onnx::GraphProto &)> &fn) {
  for (onnx::NodeProto &node : *graph.mutable_node())
    for (onnx::AttributeProto &attr : *node.mutable_attribute()) {
      if (attr.has_g())
        fn(*attr.mutable_g());
      for (onnx::GraphProto &g : *attr.mutable_graphs())
        fn(g);
    }
}

/// The first node of `graph` (or a subgraph) the upgrade from `from`
/// refuses, described, or "".
std::string refused(onnx::GraphProto &graph, int64_t from) {
  for (const onnx::NodeProto &node : graph.node()) {
    if (!isDefaultDomain(node))
      continue;
    const std::string &op = node.op_type();
    if ((op == "DFT" && from < 20) ||
        (op == "GroupNormalization" && from < 21) || op == "Upsample" ||
        op == "Scatter")
      return "node '" + node.name() + "' (" + op +
             ") changed meaning "
             "between opset " +
             std::to_string(from) + " and 21";
  }
  std::string why;
  forEachSubgraph(graph, [&](onnx::GraphProto &g) {
    if (why.empty())
      why = refused(g, from);
  });
  return why;
}

onnx::AttributeProto *findAttr(onnx::NodeProto &node, llvm::StringRef name) {
  for (onnx::AttributeProto &attr : *node.mutable_attribute())
    if (attr.name() == name)
      return &attr;
  return nullptr;
}

void removeAttr(onnx::NodeProto &node, llvm::StringRef name) {
  auto *attrs = node.mutable_attribute();
  for (int i = attrs->size() - 1; i >= 0; --i)
    if (attrs->Get(i).name() == name)
      attrs->DeleteSubrange(i, 1);
}

/// Rewrites the nodes of `graph` (and its subgraphs) in place, so that
/// references to them stay valid; new axes tensors become initializers of
/// `main` (subgraphs see the outer scope's values).
void rewrite(onnx::GraphProto &graph, onnx::GraphProto &main, int64_t from) {
  for (onnx::NodeProto &node : *graph.mutable_node()) {
    const std::string &op = node.op_type();
    if (!isDefaultDomain(node))
      continue;
    if (from < 18 && reduceWithAxesAttr().count(op)) {
      if (onnx::AttributeProto *axes = findAttr(node, "axes")) {
        std::string name =
            "qopt.opset21.axes_" + std::to_string(main.initializer_size());
        onnx::TensorProto &t = *main.add_initializer();
        t.set_name(name);
        t.set_data_type(onnx::TensorProto::INT64);
        t.add_dims(axes->ints_size());
        for (int64_t a : axes->ints())
          t.add_int64_data(a);
        removeAttr(node, "axes");
        node.add_input(name);
      }
    } else if (from < 18 && op == "Split") {
      if (node.input_size() < 2 || node.input(1).empty()) {
        onnx::AttributeProto &n = *node.add_attribute();
        n.set_name("num_outputs");
        n.set_type(onnx::AttributeProto::INT);
        n.set_i(node.output_size());
      }
    } else if (from < 16 && op == "RoiAlign") {
      if (!findAttr(node, "coordinate_transformation_mode")) {
        onnx::AttributeProto &m = *node.add_attribute();
        m.set_name("coordinate_transformation_mode");
        m.set_type(onnx::AttributeProto::STRING);
        m.set_s("output_half_pixel");
      }
    } else if (from < 20 && op == "GridSample") {
      if (onnx::AttributeProto *mode = findAttr(node, "mode")) {
        if (mode->s() == "bilinear")
          mode->set_s("linear");
        else if (mode->s() == "bicubic")
          mode->set_s("cubic");
      }
    }
  }
  forEachSubgraph(graph, [&](onnx::GraphProto &g) { rewrite(g, main, from); });
}

} // namespace

LogicalResult mlir::qopt::onnx_export::upgradeToOpset21(onnx::ModelProto &model,
                                                        std::string &why) {
  int64_t from = defaultOpset(model);
  if (from >= 21)
    return success();
  if (from < 13) {
    why = "the model's opset " + std::to_string(from) + " is older than 13";
    return failure();
  }
  why = refused(*model.mutable_graph(), from);
  if (!why.empty())
    return failure();
  rewrite(*model.mutable_graph(), *model.mutable_graph(), from);
  for (onnx::OperatorSetIdProto &opset : *model.mutable_opset_import())
    if (opset.domain().empty() || opset.domain() == "ai.onnx")
      opset.set_version(21);
  if (model.ir_version() < 10)
    model.set_ir_version(10);
  return success();
}

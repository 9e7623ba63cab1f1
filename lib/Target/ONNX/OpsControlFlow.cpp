//===- OpsControlFlow.cpp - ONNX If and Loop -------------------------------===//
//
// Subgraphs are imported inline (GraphImporter::importSubgraph), so that
// their layers are ordinary ops of the function that every pass sees:
//
// * If with a condition known at import (exporters branch on shapes) is
//   the chosen branch's nodes; with a run-time condition, an scf.if whose
//   regions hold the two branches (they must produce the same types).
// * Loop with a trip count and condition known at import is unrolled: the
//   body once per iteration with the iteration number, condition and
//   loop-carried values bound as constants or values; scan outputs are
//   stacked along a new leading axis. A condition the body computes at run
//   time cannot be unrolled and is an error.
//
//===----------------------------------------------------------------------===//

#include "Ops.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace mlir::qopt::onnx_import;

namespace {

/// Most iterations a Loop is unrolled to.
constexpr int64_t kMaxUnrolledIterations = 1024;

/// What an ONNX name is bound to: a constant or a value.
struct Binding {
  std::optional<ConstTensor> constant;
  Value value;
};

Binding readBinding(GraphImporter &im, StringRef name) {
  if (std::optional<ConstTensor> c = im.lookupConst(name))
    return {c, {}};
  return {std::nullopt, im.lookupValue(name)};
}

void bindTo(GraphImporter &im, StringRef name, const Binding &b) {
  if (b.constant)
    im.bindConst(name, *b.constant);
  else
    im.bind(name, b.value);
}

const onnx::GraphProto *graphAttr(GraphImporter &im, StringRef name) {
  const onnx::AttributeProto *a = im.attr(name);
  return a && a->has_g() ? &a->g() : nullptr;
}

std::string nodeName(GraphImporter &im) {
  return cast<NameLoc>(im.loc()).getName().str();
}

/// Imports `branch` into `block` and returns its outputs as values.
FailureOr<SmallVector<Value>> importBranch(GraphImporter &im,
                                           const onnx::GraphProto &branch,
                                           StringRef prefix, Block *block) {
  OpBuilder::InsertionGuard guard(im.builder());
  im.builder().setInsertionPointToStart(block);
  if (failed(im.importSubgraph(branch, prefix)))
    return failure();
  SmallVector<Value> outs;
  for (const onnx::ValueInfoProto &out : branch.output()) {
    if (!im.isBound(out.name()))
      return (void)im.nodeError("branch output '" + out.name() +
                                "' is not produced"),
             failure();
    outs.push_back(im.lookupValue(out.name()));
  }
  // The branch's own names are not visible after it.
  SmallVector<std::string> defined;
  GraphImporter::collectDefinedNames(branch, defined);
  im.unbind(defined);
  return outs;
}

LogicalResult importIf(GraphImporter &im, const onnx::NodeProto &node) {
  const onnx::GraphProto *thenG = graphAttr(im, "then_branch");
  const onnx::GraphProto *elseG = graphAttr(im, "else_branch");
  if (!thenG || !elseG)
    return im.nodeError("expects then_branch and else_branch graphs");
  if (thenG->output_size() != int(node.output_size()) ||
      elseG->output_size() != int(node.output_size()))
    return im.nodeError("each branch must produce the node's " +
                        Twine(node.output_size()) + " outputs");
  std::string name = nodeName(im);

  if (std::optional<ConstTensor> c = im.constInput(0)) {
    if (c->numElements() != 1)
      return im.nodeError("the condition must hold one element");
    bool taken = c->toInt64()[0] != 0;
    const onnx::GraphProto &g = taken ? *thenG : *elseG;
    if (failed(im.importSubgraph(g, name + (taken ? "/then/" : "/else/"))))
      return failure();
    for (auto [i, out] : llvm::enumerate(g.output())) {
      if (!im.isBound(out.name()))
        return im.nodeError("branch output '" + out.name() +
                            "' is not produced");
      bindTo(im, node.output(i), readBinding(im, out.name()));
    }
    return success();
  }

  // Run-time condition: scf.if over the two branches.
  Value cond = im.input(0);
  auto condType = cast<RankedTensorType>(cond.getType());
  if (condType.getNumElements() != 1 || !condType.getElementType().isInteger(1))
    return im.nodeError("the condition must be a one-element bool tensor");
  OpBuilder &b = im.builder();
  Location loc = im.loc();
  SmallVector<Value> zeros;
  if (condType.getRank() > 0)
    zeros.assign(condType.getRank(), arith::ConstantIndexOp::create(b, loc, 0));
  Value flag = tensor::ExtractOp::create(b, loc, cond, zeros);
  auto thenBlock = std::make_unique<Block>();
  auto elseBlock = std::make_unique<Block>();
  FailureOr<SmallVector<Value>> thenOuts =
      importBranch(im, *thenG, name + "/then/", thenBlock.get());
  if (failed(thenOuts))
    return failure();
  FailureOr<SmallVector<Value>> elseOuts =
      importBranch(im, *elseG, name + "/else/", elseBlock.get());
  if (failed(elseOuts))
    return failure();
  SmallVector<Type> types;
  for (auto [t, e] : llvm::zip(*thenOuts, *elseOuts)) {
    if (t.getType() != e.getType()) {
      im.emitNodeError() << "the branches produce different types for an "
                            "output ("
                         << t.getType() << " vs " << e.getType()
                         << "); a run-time If needs equal types";
      return failure();
    }
    types.push_back(t.getType());
  }
  auto ifOp = scf::IfOp::create(b, loc, types, flag, /*withElseRegion=*/true);
  auto fill = [&](Block *dst, Block *src, ValueRange outs) {
    dst->getOperations().splice(dst->end(), src->getOperations());
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToEnd(dst);
    scf::YieldOp::create(b, loc, outs);
  };
  fill(ifOp.thenBlock(), thenBlock.get(), *thenOuts);
  fill(ifOp.elseBlock(), elseBlock.get(), *elseOuts);
  for (auto [i, result] : llvm::enumerate(ifOp.getResults()))
    im.setOutput(i, result);
  return success();
}

LogicalResult importLoop(GraphImporter &im, const onnx::NodeProto &node) {
  const onnx::GraphProto *body = graphAttr(im, "body");
  if (!body)
    return im.nodeError("expects a body graph");
  int64_t carried = int64_t(node.input_size()) - 2;
  if (carried < 0)
    return im.nodeError("expects the inputs M, cond and the loop-carried "
                        "values");
  int64_t scans = int64_t(node.output_size()) - carried;
  if (scans < 0 || body->input_size() != carried + 2 ||
      body->output_size() != 1 + carried + scans)
    return im.nodeError("the body's inputs and outputs do not match the "
                        "node's (" + Twine(carried) +
                        " loop-carried values)");
  const char *unrollOnly =
      "; qopt unrolls loops whose trip count and condition are known at "
      "import";
  std::optional<int64_t> trip;
  if (im.hasInput(0)) {
    std::optional<ConstTensor> m = im.constInput(0);
    if (!m || m->numElements() != 1)
      return im.nodeError(Twine("the trip count M is computed at run time") +
                          unrollOnly);
    trip = m->toInt64()[0];
  }
  bool cond = true;
  if (im.hasInput(1)) {
    std::optional<ConstTensor> c = im.constInput(1);
    if (!c || c->numElements() != 1)
      return im.nodeError(Twine("the condition is computed at run time") +
                          unrollOnly);
    cond = c->toInt64()[0] != 0;
  }
  if (!trip && !im.hasInput(1))
    return im.nodeError("has neither a trip count nor a condition (an "
                        "infinite loop)");

  std::string name = nodeName(im);
  SmallVector<Binding> state;
  for (int64_t j = 0; j < carried; ++j)
    state.push_back(readBinding(im, node.input(2 + j)));
  SmallVector<SmallVector<Value>> scanned(scans);
  SmallVector<std::string> defined;
  GraphImporter::collectDefinedNames(*body, defined);
  int64_t i = 0;
  for (; cond && (!trip || i < *trip); ++i) {
    if (i == kMaxUnrolledIterations)
      return im.nodeError("runs more than " + Twine(kMaxUnrolledIterations) +
                          " iterations" + unrollOnly + " up to that count");
    im.bindConst(body->input(0).name(),
                 ConstTensor::fromInt64(onnx::TensorProto::INT64, {}, {i}));
    im.bindConst(body->input(1).name(),
                 ConstTensor::fromInt64(onnx::TensorProto::BOOL, {}, {1}));
    for (int64_t j = 0; j < carried; ++j)
      bindTo(im, body->input(2 + j).name(), state[j]);
    if (failed(im.importSubgraph(*body, name + "/iter" + Twine(i).str() + "/")))
      return failure();
    for (const onnx::ValueInfoProto &out : body->output())
      if (!im.isBound(out.name()))
        return im.nodeError("body output '" + out.name() +
                            "' is not produced");
    std::optional<ConstTensor> next = im.lookupConst(body->output(0).name());
    if (!next || next->numElements() != 1)
      return im.nodeError(Twine("the body computes its condition at run "
                                "time") +
                          unrollOnly);
    cond = next->toInt64()[0] != 0;
    for (int64_t j = 0; j < carried; ++j)
      state[j] = readBinding(im, body->output(1 + j).name());
    for (int64_t k = 0; k < scans; ++k)
      scanned[k].push_back(im.lookupValue(body->output(1 + carried + k).name()));
    im.unbind(defined);
    for (const onnx::ValueInfoProto &in : body->input())
      im.unbind({in.name()});
  }

  for (int64_t j = 0; j < carried; ++j)
    if (node.output(j).size())
      bindTo(im, node.output(j), state[j]);
  TosaBuilder tb = im.tosa();
  for (int64_t k = 0; k < scans; ++k) {
    if (!node.output(carried + k).size())
      continue;
    if (scanned[k].empty())
      return im.nodeError("runs no iteration, so its scan outputs are empty "
                          "(TOSA has no empty tensors)");
    SmallVector<Value> rows;
    for (Value v : scanned[k]) {
      SmallVector<int64_t> shape = {1};
      llvm::append_range(shape, TosaBuilder::shapeOf(v));
      rows.push_back(tb.reshape(v, shape));
    }
    im.setOutput(carried + k, tb.concat(rows, 0));
  }
  return success();
}

} // namespace

void mlir::qopt::onnx_import::registerControlFlowHandlers(
    llvm::StringMap<NodeHandler> &map) {
  map["If"] = importIf;
  map["Loop"] = importLoop;
}

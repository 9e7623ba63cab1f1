//===- ImportONNX.cpp - ONNX frontend entry points -------------------------===//
//
// Parses the protobuf, runs ONNX's checker, version converter and shape
// inference (which throw: this file is built with exceptions and catches
// them at its boundary), pins input shapes, then hands the model to the
// GraphImporter.
//
//===----------------------------------------------------------------------===//

#include "qopt/Target/ONNX/ImportONNX.h"
#include "Importer.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include <onnx/checker.h>
#include <onnx/shape_inference/implementation.h>
#include <onnx/version_converter/convert.h>

#include <google/protobuf/io/coded_stream.h>

#include <algorithm>
#include <exception>
#include <functional>
#include <set>

using namespace mlir;
using namespace mlir::qopt;

void mlir::qopt::registerOnnxImportDialects(DialectRegistry &registry) {
  registry.insert<arith::ArithDialect, func::FuncDialect, math::MathDialect,
                  scf::SCFDialect, tensor::TensorDialect, tosa::TosaDialect>();
}

std::string mlir::qopt::parseInputShapeOption(StringRef text,
                                              OnnxImportOptions &options) {
  auto [name, dims] = text.rsplit(':');
  if (name.empty() || dims.empty() || dims == text)
    return "expected NAME:DIMS (e.g. input:1x3x224x224), got '" + text.str() +
           "'";
  SmallVector<int64_t> shape;
  if (dims != "scalar") {
    SmallVector<StringRef> parts;
    dims.split(parts, 'x');
    for (StringRef part : parts) {
      int64_t d;
      if (part.getAsInteger(10, d) || d < 0)
        return "invalid dimension '" + part.str() + "' in '" + text.str() +
               "'";
      shape.push_back(d);
    }
  }
  options.inputShapes[name] = shape;
  return "";
}

bool mlir::qopt::looksLikeOnnxModel(StringRef filename, StringRef contents) {
  if (filename.ends_with(".onnx"))
    return true;
  if (contents.empty() || contents.starts_with("ML\xefR"))
    return false;
  // A ModelProto starts with one of its field tags: ir_version (0x08),
  // producer_name (0x12), ... , graph (0x3a), opset_import (0x42). MLIR
  // text starts with printable characters or whitespace; these tags are
  // control bytes or ':' / 'B' followed by a length, so also require some
  // non-text byte early on.
  unsigned char first = contents.front();
  static const unsigned char tags[] = {0x08, 0x12, 0x1a, 0x22, 0x28,
                                       0x32, 0x3a, 0x42, 0x72};
  if (!llvm::is_contained(tags, first))
    return false;
  StringRef head = contents.take_front(64);
  return llvm::any_of(head, [](char c) {
    unsigned char u = c;
    return u < 0x09 || (u > 0x0d && u < 0x20) || u >= 0x80;
  });
}

/// Parses a serialized ModelProto of any size (protobuf's default limit is
/// 64 MiB).
static bool parseModelProto(StringRef bytes, onnx::ModelProto &model) {
  google::protobuf::io::CodedInputStream stream(
      reinterpret_cast<const uint8_t *>(bytes.data()), bytes.size());
  stream.SetTotalBytesLimit(INT_MAX);
  return model.ParseFromCodedStream(&stream) &&
         stream.ConsumedEntireMessage();
}

std::vector<std::string> mlir::qopt::listUnsupportedOnnxOps(StringRef bytes) {
  onnx::ModelProto model;
  if (!parseModelProto(bytes, model))
    return {};
  const auto &handlers = onnx_import::getNodeHandlers();
  std::set<std::string> ops;
  // Subgraphs (If branches, Loop bodies) count too.
  onnx_import::forEachNode(model.graph(), [&](const onnx::NodeProto &node) {
    bool defaultDomain = node.domain().empty() || node.domain() == "ai.onnx";
    if (!defaultDomain || !handlers.count(node.op_type()))
      ops.insert((defaultDomain ? std::string("") : node.domain()) + ":" +
                 node.op_type());
  });
  return std::vector<std::string>(ops.begin(), ops.end());
}

std::vector<std::string> mlir::qopt::listUnsupportedOnnxTypes(StringRef bytes) {
  onnx::ModelProto model;
  if (!parseModelProto(bytes, model))
    return {};
  std::vector<std::string> out;
  auto check = [&](const onnx::ValueInfoProto &info) {
    const onnx::TypeProto &type = info.type();
    if (!type.has_tensor_type())
      out.push_back(info.name() + ": " +
                    (type.has_sequence_type()   ? "sequence"
                     : type.has_optional_type() ? "optional"
                     : type.has_map_type()      ? "map"
                                                : "not a tensor"));
    else if (type.tensor_type().elem_type() == onnx::TensorProto::STRING)
      out.push_back(info.name() + ": string tensor");
  };
  for (const onnx::ValueInfoProto &in : model.graph().input())
    check(in);
  for (const onnx::ValueInfoProto &o : model.graph().output())
    check(o);
  return out;
}

bool OnnxGraphInput::isInteger() const {
  switch (elementType) {
  case onnx::TensorProto::INT8:
  case onnx::TensorProto::INT16:
  case onnx::TensorProto::INT32:
  case onnx::TensorProto::INT64:
  case onnx::TensorProto::UINT8:
  case onnx::TensorProto::UINT16:
  case onnx::TensorProto::UINT32:
  case onnx::TensorProto::UINT64:
    return true;
  default:
    return false;
  }
}

std::vector<OnnxGraphInput> mlir::qopt::listOnnxGraphInputs(StringRef bytes) {
  onnx::ModelProto model;
  if (!parseModelProto(bytes, model))
    return {};
  std::set<std::string> initializers;
  for (const auto &init : model.graph().initializer())
    initializers.insert(init.name());
  std::vector<OnnxGraphInput> inputs;
  for (const auto &in : model.graph().input())
    if (!initializers.count(in.name()))
      inputs.push_back(
          {in.name(),
           in.type().has_tensor_type() ? in.type().tensor_type().elem_type()
                                       : 0,
           in.type().has_tensor_type() &&
                   in.type().tensor_type().has_shape()
               ? in.type().tensor_type().shape().dim_size()
               : -1});
  return inputs;
}

std::vector<std::string> mlir::qopt::getSupportedOnnxOps() {
  std::vector<std::string> ops;
  for (const auto &entry : onnx_import::getNodeHandlers())
    ops.push_back(entry.getKey().str());
  std::sort(ops.begin(), ops.end());
  return ops;
}

namespace {
/// Runs `fn`, turning ONNX/protobuf exceptions into an error diagnostic.
template <typename Fn>
LogicalResult guarded(Location loc, StringRef what, Fn &&fn) {
  try {
    fn();
    return success();
  } catch (const std::exception &e) {
    return emitError(loc) << what << ": " << e.what();
  } catch (...) {
    return emitError(loc) << what << ": unknown error";
  }
}

/// Pins declared graph-input shapes in the proto so shape inference
/// propagates static shapes; the importer re-checks them.
LogicalResult pinInputShapes(onnx::ModelProto &model,
                             const OnnxImportOptions &options,
                             MLIRContext &context) {
  onnx::GraphProto &graph = *model.mutable_graph();
  llvm::StringSet<> initializers;
  for (const auto &init : graph.initializer())
    initializers.insert(init.name());
  // A pin that names no input is a typo: say so rather than ignore it.
  llvm::StringSet<> inputNames;
  std::string inputList;
  for (const onnx::ValueInfoProto &in : graph.input()) {
    if (initializers.contains(in.name()))
      continue;
    inputNames.insert(in.name());
    inputList += (inputList.empty() ? "'" : ", '") + in.name() + "'";
  }
  for (const auto &pinned : options.inputShapes)
    if (!inputNames.contains(pinned.first()))
      return emitError(FileLineColLoc::get(&context, "--input-shape", 0, 0))
             << "'" << pinned.first()
             << "' is not an input of the model (its inputs: "
             << (inputList.empty() ? std::string("none") : inputList) << ")";
  for (onnx::ValueInfoProto &in : *graph.mutable_input()) {
    if (initializers.contains(in.name()) || !in.type().has_tensor_type())
      continue;
    auto pinned = options.inputShapes.find(in.name());
    onnx::TensorShapeProto *shape =
        in.mutable_type()->mutable_tensor_type()->mutable_shape();
    if (pinned != options.inputShapes.end()) {
      if (shape->dim_size() != int(pinned->second.size())) {
        // Rank mismatches are reported by the importer.
        if (shape->dim_size() != 0)
          continue;
        for (size_t i = 0; i < pinned->second.size(); ++i)
          shape->add_dim();
      }
      for (auto [i, d] : llvm::enumerate(pinned->second))
        if (!shape->dim(i).has_dim_value())
          shape->mutable_dim(i)->set_dim_value(d);
      continue;
    }
    auto hint = options.inputShapeHints.find(in.name());
    if (hint != options.inputShapeHints.end() &&
        shape->dim_size() == int(hint->second.size()))
      for (auto [i, d] : llvm::enumerate(hint->second))
        if (!shape->dim(i).has_dim_value())
          shape->mutable_dim(i)->set_dim_value(d);
    if (shape->dim_size() > 0 && !shape->dim(0).has_dim_value()) {
      const auto &dim = shape->dim(0);
      std::string symbol =
          dim.has_dim_param() ? " ('" + dim.dim_param() + "')" : "";
      emitWarning(NameLoc::get(StringAttr::get(&context, in.name())))
          << "graph input '" << in.name() << "' has a dynamic batch "
          << "dimension" << symbol << "; using " << options.defaultBatchSize
          << " (pin it with --input-shape=" << in.name() << ":<dims>)";
      shape->mutable_dim(0)->set_dim_value(options.defaultBatchSize);
    }
    for (int i = 1; i < shape->dim_size(); ++i) {
      if (shape->dim(i).has_dim_value())
        continue;
      const auto &dim = shape->dim(i);
      std::string symbol =
          dim.has_dim_param() ? " ('" + dim.dim_param() + "')" : "";
      return emitError(NameLoc::get(StringAttr::get(&context, in.name())))
             << "graph input '" << in.name() << "' has dynamic dimension " << i
             << symbol << "; pin its shape with --input-shape=" << in.name()
             << ":<dims>";
    }
  }
  return success();
}
} // namespace

FailureOr<OwningOpRef<ModuleOp>>
mlir::qopt::importOnnxModel(std::unique_ptr<llvm::MemoryBuffer> bytes,
                            StringRef modelPath, MLIRContext &context,
                            const OnnxImportOptions &options) {
  DialectRegistry registry;
  registerOnnxImportDialects(registry);
  context.appendDialectRegistry(registry);
  context.loadAllAvailableDialects();
  Location fileLoc = FileLineColLoc::get(&context, modelPath, 0, 0);

  auto model = std::make_unique<onnx::ModelProto>();
  {
    if (!parseModelProto(bytes->getBuffer(), *model))
      return emitError(fileLoc)
             << "not a valid ONNX model: the file is not a ModelProto "
                "protobuf (truncated or corrupt?)";
  }
  bytes.reset(); // The proto owns the weights now.
  if (!model->has_graph())
    return emitError(fileLoc) << "not a valid ONNX model: it has no graph";

  int64_t opset = 0;
  for (const auto &o : model->opset_import())
    if (o.domain().empty() || o.domain() == "ai.onnx")
      opset = o.version();
  if (opset == 0)
    return emitError(fileLoc)
           << "not a valid ONNX model: it imports no default-domain opset";

  // Unsupported ops first: the most useful thing to tell about a model
  // qopt cannot import, before the checker's stricter complaints.
  llvm::StringMap<int64_t> domainOpsets;
  for (const auto &o : model->opset_import())
    domainOpsets[o.domain().empty() ? "ai.onnx" : o.domain()] = o.version();
  if (failed(onnx_import::checkSupportedOps(model->graph(), domainOpsets,
                                            modelPath, context)))
    return failure();
  if (failed(onnx_import::checkWindowAttributes(model->graph(), context)))
    return failure();

  // Graph outputs must be produced by something: ONNX's checker does not
  // check it and its version converter crashes on such models.
  {
    std::set<std::string> defined;
    for (const auto &in : model->graph().input())
      defined.insert(in.name());
    for (const auto &init : model->graph().initializer())
      defined.insert(init.name());
    for (const auto &node : model->graph().node())
      for (const auto &out : node.output())
        defined.insert(out);
    for (const auto &out : model->graph().output())
      if (!defined.count(out.name()) && !options.boundInputs.count(out.name()))
        return emitError(fileLoc)
               << "not a valid ONNX model: graph output '" << out.name()
               << "' is not produced by any node, initializer or input";
  }

  // Bound inputs become initializers, so that the checker, shape inference
  // (with data propagation) and the importer all see constants.
  for (const auto &entry : options.boundInputs) {
    onnx::TensorProto tensor;
    if (!tensor.ParseFromString(entry.getValue()))
      return emitError(fileLoc) << "value bound to input '" << entry.getKey()
                                << "' is not a serialized TensorProto";
    const onnx::ValueInfoProto *declared = nullptr;
    for (const auto &in : model->graph().input())
      if (in.name() == entry.getKey())
        declared = &in;
    if (!declared)
      return emitError(fileLoc) << "cannot bind '" << entry.getKey()
                                << "': the graph has no such input";
    if (declared->type().has_tensor_type() &&
        declared->type().tensor_type().elem_type() != tensor.data_type())
      return emitError(fileLoc)
             << "value bound to input '" << entry.getKey() << "' has type "
             << onnx_import::dtypeName(tensor.data_type())
             << ", the input is "
             << onnx_import::dtypeName(
                    declared->type().tensor_type().elem_type());
    tensor.set_name(entry.getKey().str());
    *model->mutable_graph()->add_initializer() = std::move(tensor);
  }

  if (options.runChecker &&
      failed(guarded(fileLoc, "ONNX checker rejected the model", [&] {
        onnx::checker::CheckerContext ctx;
        ctx.set_ir_version(model->ir_version());
        std::unordered_map<std::string, int> opsets;
        for (const auto &o : model->opset_import())
          opsets[o.domain()] = int(o.version());
        ctx.set_opset_imports(opsets);
        ctx.set_model_dir(llvm::sys::path::parent_path(modelPath).str());
        onnx::checker::LexicalScopeContext lex;
        onnx::checker::check_graph(model->graph(), ctx, lex);
      })))
    return failure();

  if (failed(pinInputShapes(*model, options, context)))
    return failure();
  auto inferShapes = [&] {
    return guarded(fileLoc, "ONNX shape inference failed", [&] {
      onnx::ShapeInferenceOptions siOptions(/*check_type=*/false,
                                            /*strict_mode=*/0,
                                            /*data_prop=*/true);
      onnx::shape_inference::InferShapes(
          *model, onnx::OpSchemaRegistry::Instance(), siOptions);
    });
  };
  if (failed(inferShapes()))
    return failure();
  // Old opsets are converted up (some adapters need the inferred shapes),
  // then shapes are inferred again under the new op semantics. If ONNX's
  // converter cannot convert the model, it is imported at its own opset:
  // the handlers implement the older op versions too.
  if (opset < options.minOpset) {
    onnx::ModelProto converted;
    std::string why;
    try {
      converted = onnx::version_conversion::ConvertVersion(
          *model, int(options.minOpset));
    } catch (const std::exception &e) {
      why = e.what();
    } catch (...) {
      why = "unknown error";
    }
    if (why.empty()) {
      *model = std::move(converted);
      if (failed(inferShapes()))
        return failure();
    } else {
      emitWarning(fileLoc) << "ONNX's version converter cannot convert the "
                              "model from opset "
                           << opset << " to " << options.minOpset << " ("
                           << StringRef(why).trim()
                           << "); importing it at opset " << opset;
    }
  }

  onnx_import::GraphImporter importer(context, options, modelPath);
  FailureOr<OwningOpRef<ModuleOp>> module = importer.importModel(*model);
  if (failed(module))
    return failure();
  if (failed(verify(**module)))
    return emitError(fileLoc) << "imported IR failed to verify (a qopt "
                                 "importer bug; please report it)";
  return module;
}

FailureOr<OwningOpRef<ModuleOp>>
mlir::qopt::importOnnxModel(StringRef path, MLIRContext &context,
                            const OnnxImportOptions &options) {
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                            /*RequiresNullTerminator=*/false);
  if (!buffer)
    return emitError(UnknownLoc::get(&context))
           << "cannot open '" << path << "': " << buffer.getError().message();
  return importOnnxModel(std::move(*buffer), path, context, options);
}

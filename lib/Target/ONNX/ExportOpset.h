//===- ExportOpset.h - Raising an edited model's opset ----------*- C++ -*-===//
//
// Blocked DequantizeLinear (the `block_size` attribute) and INT4 tensors
// need opset 21; the models qopt reads are mostly opset 13-17. Raising the
// default domain's version is only sound when every node means the same at
// opset 21, so the upgrade rewrites the ops whose form changed in between
// (the Reduce* `axes` attribute became an input at 18; Split gained
// `num_outputs` at 18) and refuses models with ops whose meaning changed.
//
//===----------------------------------------------------------------------===//

#ifndef QOPT_LIB_TARGET_ONNX_EXPORTOPSET_H
#define QOPT_LIB_TARGET_ONNX_EXPORTOPSET_H

#include "mlir/Support/LLVM.h"

#include <onnx/onnx_pb.h>

#include <string>

namespace mlir::qopt::onnx_export {

/// The default domain's opset version of `model` (0 when absent).
int64_t defaultOpset(const onnx::ModelProto &model);

/// Raises `model` to default-domain opset 21 (and IR version 10), rewriting
/// the nodes whose form changed. On failure the model is unchanged and
/// `why` names the first node that prevents it.
LogicalResult upgradeToOpset21(onnx::ModelProto &model, std::string &why);

} // namespace mlir::qopt::onnx_export

#endif // QOPT_LIB_TARGET_ONNX_EXPORTOPSET_H

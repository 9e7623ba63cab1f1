//===- QuantizableOpInterfaceImpl.h - Upstream layer ops ---------*- C++ -*-===//
//
// Attaches QuantizableOpInterface to upstream TOSA and linalg convolution and
// contraction ops, so qopt passes see them as layers.
//
//===----------------------------------------------------------------------===//

#ifndef QOPT_DIALECT_QOPT_EXTERNALMODELS_QUANTIZABLEOPINTERFACEIMPL_H
#define QOPT_DIALECT_QOPT_EXTERNALMODELS_QUANTIZABLEOPINTERFACEIMPL_H

namespace mlir {
class DialectRegistry;

namespace qopt {
/// Registers QuantizableOpInterface external models for:
///  * tosa.conv2d, tosa.conv3d, tosa.depthwise_conv2d,
///    tosa.transpose_conv2d (weight operand 1) and tosa.matmul (operand `b`);
///  * linalg matmul, batch_matmul, batch_reduce_matmul, vecmat, batch_vecmat,
///    contract (weight = second input), matvec and batch_matvec (weight =
///    the matrix, first input), and the named 1-D/2-D/3-D convolutions,
///    depthwise and grouped convolutions (weight = filter).
/// The models attach when the TOSA and linalg dialects are loaded.
void registerQuantizableOpInterfaceExternalModels(DialectRegistry &registry);
} // namespace qopt
} // namespace mlir

#endif // QOPT_DIALECT_QOPT_EXTERNALMODELS_QUANTIZABLEOPINTERFACEIMPL_H

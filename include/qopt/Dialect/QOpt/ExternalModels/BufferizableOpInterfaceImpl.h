//===- BufferizableOpInterfaceImpl.h - Bufferizing qopt ops ------*- C++ -*-===//
//
// Makes `qopt.ukernel` bufferizable by One-Shot Bufferize: it is in
// destination-passing style, so it writes into its outputs' buffers.
//
//===----------------------------------------------------------------------===//

#ifndef QOPT_DIALECT_QOPT_EXTERNALMODELS_BUFFERIZABLEOPINTERFACEIMPL_H
#define QOPT_DIALECT_QOPT_EXTERNALMODELS_BUFFERIZABLEOPINTERFACEIMPL_H

namespace mlir {
class DialectRegistry;

namespace qopt {
/// Registers BufferizableOpInterface for qopt.ukernel.
void registerBufferizableOpInterfaceExternalModels(DialectRegistry &registry);
} // namespace qopt
} // namespace mlir

#endif // QOPT_DIALECT_QOPT_EXTERNALMODELS_BUFFERIZABLEOPINTERFACEIMPL_H

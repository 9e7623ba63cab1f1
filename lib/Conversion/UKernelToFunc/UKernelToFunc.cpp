//===- UKernelToFunc.cpp - qopt.ukernel on buffers to C calls -------------===//
//
// After bufferization each `qopt.ukernel` names a kernel-library function
// and holds memrefs. This pass turns it into a plain `func.call` with the
// ABI the op documents (execution context, element pointers, scalars), so
// the call survives the standard lowering to LLVM as an ordinary C call.
// The context (a qopt_rt_context: the ISA variant and the instance's thread
// pool) is a run-time value: every function containing ukernels receives a
// pointer to it as a new leading argument.
//
//===----------------------------------------------------------------------===//

#include "qopt/Conversion/Passes.h"
#include "qopt/Dialect/QOpt/IR/QOptOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/IR/SymbolTable.h"

namespace mlir::qopt {
#define GEN_PASS_DEF_CONVERTQOPTUKERNELTOFUNCPASS
#include "qopt/Conversion/Passes.h.inc"
} // namespace mlir::qopt

using namespace mlir;
using namespace mlir::qopt;

namespace {

/// A pointer to the first element of a contiguous `buffer`.
FailureOr<Value> elementPointer(OpBuilder &b, Location loc, Value buffer,
                                UKernelOp op) {
  auto type = cast<MemRefType>(buffer.getType());
  if (!type.hasStaticShape() || !type.areTrailingDimsContiguous(type.getRank()))
    return op.emitOpError("operand of type ")
           << type << " is not a contiguous buffer";
  Type i64 = b.getI64Type();
  Value base = memref::ExtractAlignedPointerAsIndexOp::create(b, loc, buffer);
  Value address = arith::IndexCastOp::create(b, loc, i64, base);
  auto ptrType = LLVM::LLVMPointerType::get(b.getContext());
  Value ptr = LLVM::IntToPtrOp::create(b, loc, ptrType, address);
  int64_t staticOffset;
  SmallVector<int64_t> strides;
  if (failed(type.getStridesAndOffset(strides, staticOffset)))
    return op.emitOpError("operand of type ") << type << " has no strides";
  if (staticOffset == 0)
    return ptr;
  auto metadata = memref::ExtractStridedMetadataOp::create(b, loc, buffer);
  Value offset =
      arith::IndexCastOp::create(b, loc, i64, metadata.getOffset());
  Type elementType = type.getElementType();
  if (!elementType.isIntOrFloat() || elementType.getIntOrFloatBitWidth() % 8)
    return op.emitOpError("operand element type ")
           << elementType << " is not byte-addressable";
  return LLVM::GEPOp::create(b, loc, ptrType, elementType, ptr,
                             ValueRange{offset})
      .getResult();
}

struct ConvertQOptUKernelToFuncPass
    : public qopt::impl::ConvertQOptUKernelToFuncPassBase<
          ConvertQOptUKernelToFuncPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    MLIRContext *ctx = &getContext();
    SymbolTable symbols(module);
    IRRewriter rewriter(ctx);
    Type contextType = LLVM::LLVMPointerType::get(ctx);

    // Functions containing ukernels, also nested in loops, and the library
    // entry (qopt-cpu-entry-abi), which takes the context in any case.
    SmallVector<func::FuncOp> funcs;
    if (auto abi =
            module->getAttrOfType<EntryABIAttr>(QOptDialect::kCPUAbiAttrName))
      if (auto entry =
              symbols.lookup<func::FuncOp>((abi.getName() + "_entry").str()))
        funcs.push_back(entry);
    module.walk([&](UKernelOp op) {
      auto f = op->getParentOfType<func::FuncOp>();
      if (f && !llvm::is_contained(funcs, f))
        funcs.push_back(f);
    });

    for (func::FuncOp f : funcs) {
      if (auto uses = SymbolTable::getSymbolUses(f, module);
          uses && !uses->empty()) {
        f.emitError("contains qopt.ukernel ops and is called within the "
                    "module; only entry functions may call kernels");
        return signalPassFailure();
      }
      if (failed(f.insertArgument(0, contextType, {}, f.getLoc())))
        return signalPassFailure();
      Value context = f.getArgument(0);

      SmallVector<UKernelOp> calls;
      f.walk([&](UKernelOp op) { calls.push_back(op); });
      for (UKernelOp op : calls) {
        if (op.hasPureTensorSemantics()) {
          op.emitOpError("has tensor operands; bufferize before lowering "
                         "kernel calls");
          return signalPassFailure();
        }
        Location loc = op.getLoc();
        rewriter.setInsertionPoint(op);
        SmallVector<Value> args = {context};
        for (Value buffer : op->getOperands()) {
          FailureOr<Value> ptr = elementPointer(rewriter, loc, buffer, op);
          if (failed(ptr))
            return signalPassFailure();
          args.push_back(*ptr);
        }
        for (Attribute scalar : op.getScalars())
          args.push_back(
              arith::ConstantOp::create(rewriter, loc, cast<TypedAttr>(scalar)));

        auto calleeType =
            FunctionType::get(ctx, ValueRange(args).getTypes(), {});
        auto callee = symbols.lookup<func::FuncOp>(op.getName());
        if (!callee) {
          OpBuilder::InsertionGuard guard(rewriter);
          rewriter.setInsertionPointToStart(module.getBody());
          callee = func::FuncOp::create(rewriter, loc, op.getName(),
                                        calleeType);
          callee.setPrivate();
          symbols.insert(callee);
        } else if (callee.getFunctionType() != calleeType) {
          op.emitOpError("calls '")
              << op.getName() << "' as " << calleeType
              << " but it is declared as " << callee.getFunctionType();
          return signalPassFailure();
        }
        func::CallOp::create(rewriter, loc, callee, args);
        rewriter.eraseOp(op);
      }
    }
  }
};

} // namespace

//===- MaterializeWeights.cpp - Logical weights to the CPU's layout -------===//
//
// qopt-cpu-materialize-weights: every qopt.packed_weight in
// #qopt.layout<logical> (what qopt-quantize emits) is rewritten into the
// CPU kernels' #qopt.layout<block64>, with include/qopt-runtime/packing.h,
// the one definition of both layouts. Padding takes the row's last zero
// point (integer fields) or code 0 (+0.0), so that it contributes nothing.
//
//===----------------------------------------------------------------------===//

#include "qopt/Target/CPU/Passes.h"

#include "qopt/Dialect/QOpt/IR/QOptOps.h"
#include "qopt-runtime/packing.h"


#include <memory>
#include <vector>

namespace mlir::qopt {
#define GEN_PASS_DEF_QOPTCPUMATERIALIZEWEIGHTSPASS
#include "qopt/Target/CPU/Passes.h.inc"
} // namespace mlir::qopt

using namespace mlir;
using namespace mlir::qopt;

namespace {

/// The block64 bytes of `op`, whose data is in the logical layout.
FailureOr<std::shared_ptr<std::vector<char>>> packBlock64(PackedWeightOp op) {
  FailureOr<PackedWeightInfo> info = op.getInfo();
  FailureOr<SmallVector<int8_t>> fields = op.getLogicalFields();
  if (failed(info) || failed(fields))
    return failure();
  int32_t bits = int32_t(info->bits);
  int64_t rowBytes = qopt_block64_row_bytes(info->k, bits);
  int64_t groups = info->numGroups();
  auto bytes =
      std::make_shared<std::vector<char>>(size_t(info->n * rowBytes));
  for (int64_t r = 0; r < info->n; ++r) {
    int8_t pad = info->zeroPoints.empty()
                     ? 0
                     : int8_t(info->zeroPoints[r * groups + groups - 1]);
    qopt_block64_pack_row(fields->data() + r * info->k, info->k, bits, pad,
                          reinterpret_cast<uint8_t *>(bytes->data()) +
                              r * rowBytes);
  }
  return bytes;
}

struct QOptCPUMaterializeWeightsPass
    : public qopt::impl::QOptCPUMaterializeWeightsPassBase<
          QOptCPUMaterializeWeightsPass> {
  void runOnOperation() override {
    WalkResult result = getOperation()->walk([&](PackedWeightOp op) {
      if (op.getLayout() == WeightLayout::Block64)
        return WalkResult::advance();
      FailureOr<std::shared_ptr<std::vector<char>>> bytes = packBlock64(op);
      if (failed(bytes))
        return WalkResult::interrupt();
      op.setDataAttr(makePackedWeightBlob(op, std::move(*bytes), "block64"));
      op.setLayout(WeightLayout::Block64);
      return WalkResult::advance();
    });
    if (result.wasInterrupted())
      signalPassFailure();
  }
};

} // namespace

//===- FormatAttrTest.cpp - Unit tests of #qopt.format ---------------------===//
//
// Known answers for the integer grid, scale shapes, shape checks and short
// names of FormatAttr, and parse/print round trips.
//
//===----------------------------------------------------------------------===//

#include "qopt/Dialect/QOpt/IR/QOptOps.h"

#include "mlir/AsmParser/AsmParser.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"

#include <gtest/gtest.h>

using namespace mlir;
using namespace mlir::qopt;

namespace {
class FormatAttrTest : public ::testing::Test {
protected:
  FormatAttrTest() { ctx.loadDialect<QOptDialect>(); }

  FormatAttr parse(StringRef text) {
    return dyn_cast_or_null<FormatAttr>(parseAttribute(text, &ctx));
  }

  /// The message of the first diagnostic `fn` emits.
  template <typename Fn>
  std::string firstDiagnostic(Fn fn) {
    std::string message;
    ScopedDiagnosticHandler handler(&ctx, [&](Diagnostic &diag) {
      if (message.empty())
        message = diag.str();
      return success();
    });
    fn();
    return message;
  }

  MLIRContext ctx;
};

TEST_F(FormatAttrTest, IntegerGrid) {
  FormatAttr si4 = parse("#qopt.format<si4>");
  ASSERT_TRUE(si4);
  EXPECT_EQ(si4.getBitWidth(), 4u);
  EXPECT_EQ(si4.getQMin(), -8);
  EXPECT_EQ(si4.getQMax(), 7);
  EXPECT_FALSE(si4.hasZeroPoint());

  FormatAttr ui8 = parse("#qopt.format<ui8, per_tensor, asymmetric>");
  ASSERT_TRUE(ui8);
  EXPECT_EQ(ui8.getQMin(), 0);
  EXPECT_EQ(ui8.getQMax(), 255);
  EXPECT_TRUE(ui8.hasZeroPoint());

  FormatAttr si2 = parse("#qopt.format<si2>");
  ASSERT_TRUE(si2);
  EXPECT_EQ(si2.getQMin(), -2);
  EXPECT_EQ(si2.getQMax(), 1);
}

TEST_F(FormatAttrTest, ScaleShapes) {
  SmallVector<int64_t> shape = {64, 3, 3, 32};
  EXPECT_EQ(parse("#qopt.format<si8>").getScaleShape(shape),
            SmallVector<int64_t>{});
  EXPECT_EQ(parse("#qopt.format<si8, per_channel(axis = 0)>")
                .getScaleShape(shape),
            (SmallVector<int64_t>{64}));
  EXPECT_EQ(parse("#qopt.format<si4, group(axis = 3, size = 8)>")
                .getScaleShape(shape),
            (SmallVector<int64_t>{64, 3, 3, 4}));
  SmallVector<int64_t> dynamic = {ShapedType::kDynamic, 128};
  EXPECT_EQ(parse("#qopt.format<si4, group(axis = 1, size = 32)>")
                .getScaleShape(dynamic),
            (SmallVector<int64_t>{ShapedType::kDynamic, 4}));
}

TEST_F(FormatAttrTest, VerifyForShape) {
  FormatAttr group = parse("#qopt.format<si4, group(axis = 1, size = 32)>");
  auto emit = [&]() { return emitError(UnknownLoc::get(&ctx)); };
  EXPECT_TRUE(succeeded(group.verifyForShape({16, 64}, emit)));
  EXPECT_TRUE(succeeded(group.verifyForShape({16, ShapedType::kDynamic}, emit)));
  EXPECT_EQ(firstDiagnostic([&] { (void)group.verifyForShape({16, 48}, emit); }),
            "group size 32 does not tile axis 1 of size 48");
  EXPECT_EQ(firstDiagnostic([&] { (void)group.verifyForShape({16}, emit); }),
            "axis 1 is out of range for a tensor of rank 1");
  EXPECT_TRUE(succeeded(parse("#qopt.format<si8>").verifyForShape({}, emit)));
}

TEST_F(FormatAttrTest, ShortNames) {
  EXPECT_EQ(parse("#qopt.format<si8, per_channel(axis = 0)>").getShortName(),
            "si8-ch");
  EXPECT_EQ(parse("#qopt.format<si4, group(axis = 1, size = 128)>")
                .getShortName(),
            "si4-g128");
  EXPECT_EQ(parse("#qopt.format<ui8, per_tensor, asymmetric>").getShortName(),
            "ui8-asym");
  EXPECT_EQ(parse("#qopt.format<f8E4M3FN>").getShortName(), "f8E4M3FN");
}

TEST_F(FormatAttrTest, RoundTrip) {
  for (StringRef text : {"#qopt.format<si8, per_tensor>",
                         "#qopt.format<ui4, per_channel(axis = 2), asymmetric>",
                         "#qopt.format<si3, group(axis = 0, size = 16)>",
                         "#qopt.format<f4E2M1FN, group(axis = 1, size = 32)>"}) {
    FormatAttr format = parse(text);
    ASSERT_TRUE(format) << text.str();
    std::string printed;
    llvm::raw_string_ostream os(printed);
    os << format;
    EXPECT_EQ(printed, text.str());
  }
}

TEST_F(FormatAttrTest, GetCheckedRejects) {
  auto emit = [&]() { return emitError(UnknownLoc::get(&ctx)); };
  Type si9 = IntegerType::get(&ctx, 9, IntegerType::Signed);
  std::string message = firstDiagnostic([&] {
    EXPECT_FALSE(FormatAttr::getChecked(emit, &ctx, si9, Granularity::PerTensor,
                                        int64_t(-1), int64_t(0), true));
  });
  EXPECT_EQ(message, "integer formats must have 1 to 8 bits, got 9");
}
} // namespace

//===- ApTypesTest.cpp - the C-simulation ap_int / ap_fixed headers -------===//
//
// Known answers for include/qopt-hls/ap_int.h and ap_fixed.h, the clean-room
// models of the Vitis HLS arbitrary-precision types used to C-simulate the
// generated HLS projects. Every expected value is worked out by hand in the
// comment next to it (LSB = the weight of one raw unit), except in
// AgreesWithInt128Arithmetic, which checks ap_int<W> against __int128
// arithmetic reduced modulo 2^W.
//
//===----------------------------------------------------------------------===//

#include "qopt-hls/ap_fixed.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <sstream>
#include <string>
#include <type_traits>

namespace {

template <typename T> std::string str(const T &v) {
  std::ostringstream os;
  os << v;
  return os.str();
}

//===----------------------------------------------------------------------===//
// ap_int / ap_uint
//===----------------------------------------------------------------------===//

TEST(ApIntTest, WrapsOnConstructionAtEachWidth) {
  EXPECT_EQ(ap_uint<3>(9), 1);    // 9 = 0b1001, low 3 bits 0b001
  EXPECT_EQ(ap_int<4>(8), -8);    // 0b1000 read as 4-bit two's complement
  EXPECT_EQ(ap_int<4>(-9), 7);    // -9 + 16
  EXPECT_EQ(ap_uint<8>(-1), 255); // all ones
  EXPECT_EQ(ap_uint<8>(300), 44); // 300 - 256
  EXPECT_EQ(ap_int<1>(1), -1);    // the only bit is the sign bit
  EXPECT_EQ(ap_int<1>(2), 0);     // 0b10 -> low bit 0
  EXPECT_EQ(ap_int<1>(-1), -1);
  EXPECT_EQ(ap_uint<1>(3), 1);
  // From a wider ap type: the low bits.
  EXPECT_EQ(ap_int<8>(ap_int<16>(0x1234)), 0x34); // 0x34 = 52
  EXPECT_EQ(ap_int<8>(ap_uint<8>(200)), -56);     // 200 - 256
  EXPECT_EQ(ap_uint<4>(ap_int<8>(-1)), 15);       // 0b1111
  // UG1399's example: narrower to wider sign-extends a signed source and
  // zero-pads an unsigned one, whatever the destination's signedness.
  ap_int<7> val1 = 0x7f; // 0b1111111 = -1
  ap_uint<6> val2 = 0x3f;
  EXPECT_EQ(val1, -1);
  ap_uint<10> result = val1;
  EXPECT_EQ(result, 0x3ff); // sign-extended
  result = val2;
  EXPECT_EQ(result, 0x03f); // zero-padded
  result = ap_uint<7>(val1);
  EXPECT_EQ(result, 0x07f);
  result = ap_int<6>(val2);
  EXPECT_EQ(result, 0x3ff);
  // Integer construction is constexpr (constant weight tables).
  constexpr ap_int<4> k = 9; // 0b1001 -> -7
  static_assert(k.to_int() == -7, "");
  static_assert(ap_uint<3>(ap_int<8>(-1)).to_int() == 7, "");
}

TEST(ApIntTest, SumWrapsOnlyWhenNarrowed) {
  ap_int<4> a = 7;
  EXPECT_EQ(a + 1, 8); // ap_int<4> + int is ap_int<33>: no wrap yet
  ap_int<4> b = a + 1; // 8 = 0b1000 -> -8 in 4 bits
  EXPECT_EQ(b, -8);
  ap_uint<8> c = 255;
  EXPECT_EQ(c + ap_uint<8>(1), 256); // ap_uint<9>
  ap_uint<8> d = c + ap_uint<8>(1);  // 256 mod 256
  EXPECT_EQ(d, 0);
}

TEST(ApIntTest, SixtyFourBitExtremes) {
  const long long mx = std::numeric_limits<long long>::max();
  const long long mn = std::numeric_limits<long long>::min();
  const unsigned long long umx = std::numeric_limits<unsigned long long>::max();
  ap_int<64> smax = mx, smin = mn;
  EXPECT_EQ(smax.to_int64(), mx);
  EXPECT_EQ(smin.to_int64(), mn);
  ap_int<64> wrapped = smax + 1; // 2^63 -> -2^63
  EXPECT_EQ(wrapped, mn);
  ap_int<65> below = smin - 1; // -2^63 - 1, exact in 65 bits
  EXPECT_TRUE(below < smin);
  EXPECT_EQ(str(below), "-9223372036854775809");
  EXPECT_EQ(ap_int<64>(below), mx); // -2^63 - 1 + 2^64 = 2^63 - 1
  ap_uint<64> umax = umx;
  EXPECT_EQ(umax.to_uint64(), umx);
  EXPECT_EQ(str(umax + 1), "18446744073709551616"); // 2^64 in ap_uint<65>
  EXPECT_EQ(ap_uint<64>(umax + 1), 0);
  EXPECT_EQ(ap_uint<64>(-1), umx);
  EXPECT_EQ(ap_int<64>(umx), -1);
  EXPECT_TRUE(umax > ap_int<64>(-1)); // exact values: 2^64-1 > -1
  // Products: -2^63 * -2^63 = 2^126; (2^64-1)^2 = 2^128 - 2^65 + 1.
  EXPECT_EQ(str(smin * smin), "85070591730234615865843651857942052864");
  EXPECT_EQ(str(umax * umax), "340282366920938463426481119284349108225");
  EXPECT_EQ(str(ap_int<128>(1) << 127),
            "-170141183460469231731687303715884105728"); // -2^127
}

TEST(ApIntTest, CarriesAndBorrowsRunAcrossWords) {
  // 2^128 - 1 is two all-ones words: + 1 carries through both into a third.
  ap_uint<128> ones = ~ap_uint<128>(0);
  EXPECT_EQ(str(ones), "340282366920938463463374607431768211455");
  EXPECT_EQ(str(ones + 1), "340282366920938463463374607431768211456"); // 2^128
  // 2^128 - 1 borrows through the two zero low words.
  ap_uint<129> p128 = ap_uint<129>(1) << 128;
  EXPECT_EQ(str(p128 - 1), "340282366920938463463374607431768211455");
  EXPECT_EQ(ap_uint<128>(p128 - 1), ones);
  // (2^64 + 1) * (2^64 - 1) = 2^128 - 1: the partial products' carries.
  ap_uint<65> a = (ap_uint<65>(1) << 64) + 1;
  ap_uint<64> b = ~ap_uint<64>(0);
  EXPECT_EQ(ap_uint<128>(a * b), ones);
  // -(2^127) in 129 bits: the negation's carry runs through every word.
  EXPECT_EQ(str(-(ap_uint<128>(1) << 127)),
            "-170141183460469231731687303715884105728");
  ap_int<192> m1 = -1;
  ++m1; // all-ones words + 1 -> 0
  EXPECT_EQ(m1, 0);
  --m1;
  EXPECT_TRUE(m1.and_reduce());
}

TEST(ApIntTest, ResultTypesFollowTheDocumentedWidths) {
  // + and -: one bit more than the wider operand; an unsigned operand mixed
  // into a signed result needs one more; a difference is signed.
  static_assert(
      std::is_same<decltype(ap_int<8>() + ap_int<8>()), ap_int<9>>::value, "");
  static_assert(
      std::is_same<decltype(ap_uint<8>() + ap_uint<8>()), ap_uint<9>>::value,
      "");
  static_assert(
      std::is_same<decltype(ap_uint<8>() - ap_uint<8>()), ap_int<9>>::value,
      "");
  static_assert(
      std::is_same<decltype(ap_int<8>() + ap_uint<8>()), ap_int<10>>::value,
      "");
  static_assert(
      std::is_same<decltype(ap_int<16>() + ap_uint<4>()), ap_int<17>>::value,
      "");
  static_assert(
      std::is_same<decltype(ap_uint<16>() + ap_int<4>()), ap_int<18>>::value,
      "");
  // An int counts as ap_int<32>: max(8 + 1, 32) + 1 = 33.
  static_assert(std::is_same<decltype(ap_uint<8>() + 1), ap_int<33>>::value,
                "");
  // *: the sum of the widths.
  static_assert(
      std::is_same<decltype(ap_int<8>() * ap_int<8>()), ap_int<16>>::value, "");
  static_assert(
      std::is_same<decltype(ap_uint<8>() * ap_int<4>()), ap_int<12>>::value,
      "");
  static_assert(
      std::is_same<decltype(ap_uint<8>() * ap_uint<8>()), ap_uint<16>>::value,
      "");
  // /: the dividend's width, +1 for a signed divisor (-128 / -1 = 128).
  static_assert(
      std::is_same<decltype(ap_int<8>() / ap_int<8>()), ap_int<9>>::value, "");
  static_assert(
      std::is_same<decltype(ap_uint<8>() / ap_uint<4>()), ap_uint<8>>::value,
      "");
  // %: min(W1, W2 (+1 for a signed dividend and unsigned divisor)).
  static_assert(
      std::is_same<decltype(ap_int<8>() % ap_uint<4>()), ap_int<5>>::value, "");
  // & | ^: the wider operand (+1 for the mixed case).
  static_assert(
      std::is_same<decltype(ap_uint<8>() & ap_int<4>()), ap_int<9>>::value, "");
  // Shifts and ~ keep the type; negation widens by one, signed.
  static_assert(std::is_same<decltype(ap_int<8>() << 3), ap_int<8>>::value, "");
  static_assert(std::is_same<decltype(~ap_uint<5>()), ap_uint<5>>::value, "");
  static_assert(std::is_same<decltype(-ap_uint<8>()), ap_int<9>>::value, "");

  EXPECT_EQ(ap_int<8>(127) * ap_int<8>(127), 16129);   // 127^2, exact in 16
  EXPECT_EQ(ap_int<8>(-128) * ap_int<8>(-128), 16384); // 2^14
  EXPECT_EQ(ap_uint<8>(255) * ap_uint<8>(255), 65025); // 255^2
  EXPECT_EQ(ap_uint<8>(255) + ap_uint<8>(1), 256);
  EXPECT_EQ(ap_uint<8>(3) - ap_uint<8>(5), -2); // signed difference
  EXPECT_EQ(ap_int<8>(-128) + ap_uint<8>(255), 127);
  EXPECT_EQ(ap_int<8>(-128) - ap_uint<8>(255), -383); // fits ap_int<10>
  EXPECT_EQ(ap_int<8>(-128) / ap_int<8>(-1), 128);    // ap_int<9>
  ap_int<8> back = ap_int<8>(-128) / ap_int<8>(-1);   // 128 -> -128
  EXPECT_EQ(back, -128);
  ap_int<8> sq = ap_int<8>(127) * ap_int<8>(127); // 16129 = 0x3F01 -> 0x01
  EXPECT_EQ(sq, 1);
}

TEST(ApIntTest, DivisionTruncatesTowardZero) {
  EXPECT_EQ(ap_int<8>(-7) / 2, -3); // -3.5 -> -3
  EXPECT_EQ(ap_int<8>(-7) % 2, -1); // -7 = -3*2 - 1
  EXPECT_EQ(ap_int<8>(7) / ap_int<8>(-2), -3);
  EXPECT_EQ(ap_int<8>(7) % ap_int<8>(-2), 1);     // 7 = -3*-2 + 1
  EXPECT_EQ(ap_uint<8>(200) / ap_uint<8>(7), 28); // 7*28 = 196
  EXPECT_EQ(ap_uint<8>(200) % ap_uint<8>(7), 4);
  EXPECT_EQ(ap_int<8>(-100) % ap_uint<4>(15), -10); // -100 = -6*15 - 10
  // Multi-word: (2^100 + 12345) / 1000 and % 1000.
  ap_uint<128> x = ap_uint<128>(1) << 100;
  x += 12345;
  EXPECT_EQ(str(x / ap_uint<128>(1000)), "1267650600228229401496703217");
  EXPECT_EQ(x % ap_uint<128>(1000), 721);
  EXPECT_EQ(ap_int<8>(5) / ap_int<8>(0), 0); // defined here (C: undefined)
}

TEST(ApIntTest, ShiftsKeepTheTypeAndSignedRightShiftIsArithmetic) {
  EXPECT_EQ(ap_int<8>(-16) >> 2, -4);     // 0b11110000 -> 0b11111100
  EXPECT_EQ(ap_int<8>(-127) >> 1, -64);   // floor(-63.5)
  EXPECT_EQ(ap_uint<8>(0xF0) >> 2, 0x3C); // logical: 60
  EXPECT_EQ(ap_int<8>(1) << 7, -128);     // into the sign bit
  EXPECT_EQ(ap_uint<8>(1) << 8, 0);       // shifted out
  EXPECT_EQ(ap_int<8>(-5) >> 20, -1);     // all sign bits
  EXPECT_EQ(ap_int<8>(4) << -1, 2);       // a negative amount shifts right
  EXPECT_EQ(ap_uint<8>(1) << ap_uint<3>(5), 32);
  ap_int<100> m = ap_int<100>(-1) << 99; // -2^99, the minimum
  EXPECT_TRUE(m[99]);
  EXPECT_EQ(m >> 99, -1);
  ap_uint<100> u = ap_uint<100>(1) << 70; // across the word boundary
  EXPECT_TRUE(u[70]);
  EXPECT_FALSE(u[69]);
  EXPECT_EQ(u >> 70, 1);
}

TEST(ApIntTest, UnaryIncrementAndCompoundAssignments) {
  EXPECT_EQ(-ap_int<8>(-128), 128); // ap_int<9>
  EXPECT_EQ(~ap_uint<4>(5), 10);    // ~0b0101 = 0b1010
  EXPECT_EQ(~ap_int<4>(5), -6);     // 0b1010 signed
  ap_int<4> c = 7;
  ++c; // 8 -> -8
  EXPECT_EQ(c, -8);
  ap_int<4> old = c--; // -8 - 1 = -9 -> 7
  EXPECT_EQ(old, -8);
  EXPECT_EQ(c, 7);
  ap_uint<2> u = 0;
  --u; // -1 -> 3
  EXPECT_EQ(u, 3);

  ap_uint<8> a = 250;
  a += 10; // 260 - 256 = 4
  EXPECT_EQ(a, 4);
  a *= 100; // 400 - 256 = 144
  EXPECT_EQ(a, 144);
  a -= 200; // -56 + 256 = 200
  EXPECT_EQ(a, 200);
  a /= 3; // 66
  EXPECT_EQ(a, 66);
  a %= 7; // 66 = 9*7 + 3
  EXPECT_EQ(a, 3);
  a <<= 6; // 192
  EXPECT_EQ(a, 192);
  a >>= 7; // 1
  EXPECT_EQ(a, 1);
  a |= 6;    // 7
  a &= 5;    // 5
  a ^= 0xFF; // 0b11111010 = 250
  EXPECT_EQ(a, 250);
}

TEST(ApIntTest, ComparisonsUseExactValues) {
  EXPECT_TRUE(ap_int<8>(-1) < ap_uint<8>(1)); // no C-style unsigned wrap
  EXPECT_TRUE(ap_uint<8>(255) > ap_int<8>(-128));
  EXPECT_TRUE(ap_int<8>(-1) == -1);
  EXPECT_TRUE(ap_uint<8>(255) == 255);
  EXPECT_TRUE(ap_uint<8>(255) != ap_int<8>(-1)); // 255 vs -1
  EXPECT_TRUE(ap_int<4>(-8) < 0);
  EXPECT_TRUE(ap_int<8>(5) > 4.5);
  EXPECT_TRUE(3 <= ap_uint<2>(3));
}

TEST(ApIntTest, ConversionsToNativeTypes) {
  EXPECT_EQ(ap_uint<32>(0xFFFFFFFFu).to_int(), -1);
  EXPECT_EQ(ap_int<16>(-32768).to_int64(), -32768);
  EXPECT_EQ(ap_int<16>(-32768).to_uint64(), 0xFFFFFFFFFFFF8000ull); // C cast
  EXPECT_EQ(ap_uint<16>(40000).to_uint(), 40000u);
  EXPECT_EQ(ap_int<8>(-128).to_double(), -128.0);
  EXPECT_EQ((ap_uint<128>(1) << 100).to_double(), std::ldexp(1.0, 100));
  // Round to nearest even: 2^53 + 1 ties down to 2^53, 2^53 + 3 up to + 4.
  EXPECT_EQ(ap_uint<64>((1ull << 53) + 1).to_double(), std::ldexp(1.0, 53));
  EXPECT_EQ(ap_uint<64>((1ull << 53) + 3).to_double(),
            std::ldexp(1.0, 53) + 4.0);
  // Above 64 bits: 2^80 + 2^27 is a tie (ulp 2^28) -> 2^80; one more -> up.
  ap_uint<100> t = (ap_uint<100>(1) << 80) + (ap_uint<100>(1) << 27);
  EXPECT_EQ(t.to_double(), std::ldexp(1.0, 80));
  EXPECT_EQ((t + 1).to_double(), std::ldexp(1.0, 80) + std::ldexp(1.0, 28));
  // Implicit conversion to a native integer.
  int n = ap_int<8>(-5);
  EXPECT_EQ(n, -5);
  const int table[4] = {10, 11, 12, 13};
  EXPECT_EQ(table[ap_uint<2>(3)], 13);
  EXPECT_EQ(ap_int<13>().length(), 13);
}

TEST(ApIntTest, FromDoubleTruncatesTowardZeroThenWraps) {
  EXPECT_EQ(ap_int<8>(-3.7), -3);
  EXPECT_EQ(ap_int<8>(3.99), 3);
  EXPECT_EQ(ap_uint<8>(300.5), 44);  // 300 - 256
  EXPECT_EQ(ap_int<8>(-129.9), 127); // -129 + 256
  EXPECT_EQ(ap_int<8>(2.5f), 2);
  // 1e19 is exact; 10^19 - 2^64 = -8446744073709551616.
  EXPECT_EQ(ap_int<64>(1e19).to_int64(), -8446744073709551616ll);
  EXPECT_TRUE(ap_uint<70>(std::ldexp(1.0, 69))[69]);
  EXPECT_EQ(ap_uint<4>(std::ldexp(3.0, 60)), 0); // only bits 60, 61 set
  EXPECT_EQ(ap_int<8>(std::nan("")), 0);
}

TEST(ApIntTest, BitAccessReadsAndWrites) {
  ap_uint<8> x = 0;
  x[3] = 1;
  EXPECT_EQ(x, 8);
  x[7] = true;
  EXPECT_EQ(x, 136); // 128 + 8
  x[3] = 0;
  EXPECT_EQ(x, 128);
  bool b = x[7];
  EXPECT_TRUE(b);
  x[0] = x[7]; // 129
  EXPECT_EQ(x, 129);
  ap_int<4> s = 0;
  s[3] = 1; // the sign bit
  EXPECT_EQ(s, -8);
  const ap_uint<8> k = 0x5A; // 0b01011010
  EXPECT_TRUE(k[1]);
  EXPECT_FALSE(k[0]);
  EXPECT_TRUE(k.test(6));
  ap_uint<8> y = 0;
  y.set(2);       // 4
  y.set(0, true); // 5
  y.invert(1);    // 7
  y.clear(0);     // 6
  EXPECT_EQ(y, 6);
  y.reverse(); // 0b00000110 -> 0b01100000
  EXPECT_EQ(y, 0x60);
  y.lrotate(2); // 0b10000001
  EXPECT_EQ(y, 0x81);
  EXPECT_EQ(ap_uint<8>(1).countLeadingZeros(), 7);
}

TEST(ApIntTest, RangeReadAndWrite) {
  ap_uint<16> v = 0xABCD;
  EXPECT_EQ(v.range(7, 4), 0xC);
  EXPECT_EQ(v.range(15, 8), 0xAB);
  EXPECT_EQ(v(3, 0), 0xD);
  ap_uint<4> nib = v.range(15, 12); // 0xA
  EXPECT_EQ(nib, 0xA);
  EXPECT_EQ(v.range(7, 0) + 1, 0xCE); // 0xCD + 1
  v.range(11, 8) = 0x5;               // 0xABCD -> 0xA5CD
  EXPECT_EQ(v, 0xA5CD);
  v.range(3, 0) = 0x1F; // only the low 4 bits: 0xF
  EXPECT_EQ(v, 0xA5CF);
  v.range(15, 8) = ap_uint<8>(0x12); // 0x12CF
  EXPECT_EQ(v, 0x12CF);
  ap_int<8> s = 0;
  s.range(7, 4) = 0xF; // 0xF0 = -16
  EXPECT_EQ(s, -16);
  EXPECT_EQ(ap_int<8>(-1).range(3, 0), 15); // raw bits, unsigned
  // hi < lo reads the bits in reverse order: bits 0..3 of 0b0001 reversed.
  ap_uint<4> one = 1;
  EXPECT_EQ(one.range(0, 3), 8);
  // Across a 64-bit word boundary.
  ap_uint<128> w = ap_uint<128>(0x1234) << 60;
  EXPECT_EQ(w.range(75, 60), 0x1234);
  w.range(67, 60) = 0xFF; // 0x1234 -> 0x12FF
  EXPECT_EQ(w.range(75, 60), 0x12FF);
}

TEST(ApIntTest, Reductions) {
  EXPECT_TRUE(ap_uint<4>(15).and_reduce());
  EXPECT_TRUE(ap_int<4>(-1).and_reduce());
  EXPECT_FALSE(ap_uint<4>(7).and_reduce());
  EXPECT_FALSE(ap_uint<4>(0).or_reduce());
  EXPECT_TRUE(ap_uint<4>(0xB).xor_reduce()); // 0b1011: three ones
  EXPECT_FALSE(ap_uint<4>(0x3).xor_reduce());
  EXPECT_TRUE(ap_int<70>(-1).and_reduce());
  EXPECT_TRUE((ap_uint<70>(1) << 69).xor_reduce());
}

TEST(ApIntTest, ConcatenationAsDocumented) {
  ap_int<3> val1 = -3;          // 0b101
  ap_int<7> val2 = 54;          // 0b0110110
  ap_uint<10> r = (val2, val1); // 0b0110110'101 = 0x1B5
  EXPECT_EQ(r, 0x1B5);
  r = val1.concat(val2); // 0b101'0110110 = 0x2B6
  EXPECT_EQ(r, 0x2B6);
  (val1, val2) = 0xAB; // 0b001'0101011
  EXPECT_EQ(val1, 1);
  EXPECT_EQ(val2, 43);
}

TEST(ApIntTest, PrintsTheDecimalValue) {
  EXPECT_EQ(str(ap_int<8>(-5)), "-5");
  EXPECT_EQ(str(ap_uint<8>(200)), "200");
  EXPECT_EQ(str(ap_int<1>(-1)), "-1");
  EXPECT_EQ(str(ap_uint<100>(0)), "0");
  std::ostringstream os;
  os << std::hex << ap_uint<8>(255);
  EXPECT_EQ(os.str(), "ff");
}

// Cross-check against __int128 arithmetic reduced modulo 2^W.
__extension__ typedef __int128 i128;
__extension__ typedef unsigned __int128 u128;

template <int W> i128 wrapSigned(u128 v) {
  u128 m = W == 128 ? ~u128(0) : (u128(1) << W) - 1;
  v &= m;
  if (W < 128 && ((v >> (W - 1)) & 1))
    v |= ~m;
  return static_cast<i128>(v);
}

template <int W> void crossCheckSigned() {
  std::uint64_t state = 0x9E3779B97F4A7C15ull + W;
  auto next = [&state] {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    return state;
  };
  for (int k = 0; k < 200; ++k) {
    u128 ra = (u128(next()) << 64) | next();
    u128 rb = (u128(next()) << 64) | next();
    i128 a = wrapSigned<W>(ra), b = wrapSigned<W>(rb >> (k % 120));
    ap_int<W> x, y;
    // Build the operands from two 64-bit halves.
    x = (ap_int<W>(static_cast<long long>(a >> 64)) << 64) |
        ap_uint<64>(static_cast<unsigned long long>(a));
    y = (ap_int<W>(static_cast<long long>(b >> 64)) << 64) |
        ap_uint<64>(static_cast<unsigned long long>(b));
    auto same = [](const ap_int<W> &v, i128 ref) {
      return v.to_uint64() == static_cast<std::uint64_t>(ref) &&
             (v >> 32 >> 32).to_uint64() ==
                 static_cast<std::uint64_t>(ref >> 64);
    };
    ASSERT_TRUE(same(x, a));
    EXPECT_TRUE(same(ap_int<W>(x + y), wrapSigned<W>(u128(a) + u128(b))));
    EXPECT_TRUE(same(ap_int<W>(x - y), wrapSigned<W>(u128(a) - u128(b))));
    EXPECT_TRUE(same(ap_int<W>(x * y), wrapSigned<W>(u128(a) * u128(b))));
    if (b != 0 && !(b == -1 && W == 128)) {
      EXPECT_TRUE(same(ap_int<W>(x / y), wrapSigned<W>(u128(a / b))));
      EXPECT_TRUE(same(ap_int<W>(x % y), wrapSigned<W>(u128(a % b))));
    }
    EXPECT_EQ(x < y, a < b);
    EXPECT_EQ(x == y, a == b);
    int sh = k % W;
    EXPECT_TRUE(same(ap_int<W>(x >> sh), a >> sh));
    EXPECT_TRUE(same(ap_int<W>(x << sh), wrapSigned<W>(u128(a) << sh)));
  }
}

TEST(ApIntTest, AgreesWithInt128Arithmetic) {
  crossCheckSigned<7>();
  crossCheckSigned<33>();
  crossCheckSigned<64>();
  crossCheckSigned<100>();
  crossCheckSigned<127>();
}

//===----------------------------------------------------------------------===//
// ap_fixed / ap_ufixed
//===----------------------------------------------------------------------===//

// ap_fixed<8, 4, Q>: LSB 1/16 = 0.0625, so 1.03125 is 16.5 LSB (a tie
// between 1.0 and 1.0625), 1.09375 is 17.5 LSB (between 1.0625 = 17, odd,
// and 1.125 = 18, even), 2.5/16 = 0.15625 is 2.5 LSB, 1.05 is 16.8 LSB and
// 1.01 is 16.16 LSB. Each row: the raw value in LSBs for the seven modes.
template <ap_q_mode Q> double q8_4(double v) {
  return ap_fixed<8, 4, Q>(v).to_double() * 16;
}

struct QuantRow {
  double in;
  double trn, trn_zero, rnd, rnd_zero, rnd_min_inf, rnd_inf, rnd_conv;
};

TEST(ApFixedTest, EveryQuantizationModeOnTiesAndNonTies) {
  // clang-format off
  const QuantRow rows[] = {
      //  in        TRN  TRN_0 RND  RND_0 R_MIN R_INF CONV
      {1.03125,    16,  16,   17,  16,   16,   17,   16},  // 16.5
      {1.09375,    17,  17,   18,  17,   17,   18,   18},  // 17.5
      {-1.03125,  -17, -16,  -16, -16,  -17,  -17,  -16},  // -16.5
      {-1.09375,  -18, -17,  -17, -17,  -18,  -18,  -18},  // -17.5
      {2.5 / 16,    2,   2,    3,   2,    2,    3,    2},  // 2.5
      {-2.5 / 16,  -3,  -2,   -2,  -2,   -3,   -3,   -2},  // -2.5
      {1.05,       16,  16,   17,  17,   17,   17,   17},  // 16.8
      {-1.05,     -17, -16,  -17, -17,  -17,  -17,  -17},  // -16.8
      {1.01,       16,  16,   16,  16,   16,   16,   16},  // 16.16
      {-1.01,     -17, -16,  -16, -16,  -16,  -16,  -16},  // -16.16
      {1.0,        16,  16,   16,  16,   16,   16,   16},  // exact
  };
  // clang-format on
  for (const QuantRow &r : rows) {
    SCOPED_TRACE(r.in);
    EXPECT_EQ(q8_4<AP_TRN>(r.in), r.trn);
    EXPECT_EQ(q8_4<AP_TRN_ZERO>(r.in), r.trn_zero);
    EXPECT_EQ(q8_4<AP_RND>(r.in), r.rnd);
    EXPECT_EQ(q8_4<AP_RND_ZERO>(r.in), r.rnd_zero);
    EXPECT_EQ(q8_4<AP_RND_MIN_INF>(r.in), r.rnd_min_inf);
    EXPECT_EQ(q8_4<AP_RND_INF>(r.in), r.rnd_inf);
    EXPECT_EQ(q8_4<AP_RND_CONV>(r.in), r.rnd_conv);
  }
}

TEST(ApFixedTest, QuantizationModesMatchTheUserGuideExamples) {
  // ap_fixed<3, 2, Q, AP_SAT>: LSB 0.5, so +-1.25 are ties.
  EXPECT_EQ((ap_fixed<3, 2, AP_RND, AP_SAT>(1.25)), 1.5);
  EXPECT_EQ((ap_fixed<3, 2, AP_RND, AP_SAT>(-1.25)), -1.0);
  EXPECT_EQ((ap_fixed<3, 2, AP_RND_ZERO, AP_SAT>(1.25)), 1.0);
  EXPECT_EQ((ap_fixed<3, 2, AP_RND_ZERO, AP_SAT>(-1.25)), -1.0);
  EXPECT_EQ((ap_fixed<3, 2, AP_RND_MIN_INF, AP_SAT>(1.25)), 1.0);
  EXPECT_EQ((ap_fixed<3, 2, AP_RND_MIN_INF, AP_SAT>(-1.25)), -1.5);
  EXPECT_EQ((ap_fixed<3, 2, AP_RND_INF, AP_SAT>(1.25)), 1.5);
  EXPECT_EQ((ap_fixed<3, 2, AP_RND_INF, AP_SAT>(-1.25)), -1.5);
  EXPECT_EQ((ap_fixed<3, 2, AP_RND_CONV, AP_SAT>(1.25)), 1.0);   // 2 LSB, even
  EXPECT_EQ((ap_fixed<3, 2, AP_RND_CONV, AP_SAT>(-1.25)), -1.0); // -2 LSB
  EXPECT_EQ((ap_fixed<3, 2, AP_TRN, AP_SAT>(1.25)), 1.0);
  EXPECT_EQ((ap_fixed<3, 2, AP_TRN, AP_SAT>(-1.25)), -1.5);
  EXPECT_EQ((ap_fixed<3, 2, AP_TRN_ZERO, AP_SAT>(1.25)), 1.0);
  EXPECT_EQ((ap_fixed<3, 2, AP_TRN_ZERO, AP_SAT>(-1.25)), -1.0);
}

TEST(ApFixedTest, EveryOverflowModeOneLsbPastEachEnd) {
  // ap_fixed<8, 4>: [-8, 7.9375]; max + LSB = 8.0 (raw 128), min - LSB =
  // -8.0625 (raw -129).
  EXPECT_EQ((ap_fixed<8, 4, AP_TRN, AP_WRAP>(8.0)), -8.0);       // 128 - 256
  EXPECT_EQ((ap_fixed<8, 4, AP_TRN, AP_WRAP>(-8.0625)), 7.9375); // -129 + 256
  EXPECT_EQ((ap_fixed<8, 4, AP_TRN, AP_SAT>(8.0)), 7.9375);
  EXPECT_EQ((ap_fixed<8, 4, AP_TRN, AP_SAT>(-8.0625)), -8.0);
  EXPECT_EQ((ap_fixed<8, 4, AP_TRN, AP_SAT_ZERO>(8.0)), 0.0);
  EXPECT_EQ((ap_fixed<8, 4, AP_TRN, AP_SAT_ZERO>(-8.0625)), 0.0);
  EXPECT_EQ((ap_fixed<8, 4, AP_TRN, AP_SAT_SYM>(8.0)), 7.9375);
  EXPECT_EQ((ap_fixed<8, 4, AP_TRN, AP_SAT_SYM>(-8.0625)), -7.9375); // -max
  EXPECT_EQ((ap_fixed<8, 4, AP_TRN, AP_SAT_SYM>(-8.0)), -7.9375);    // too
  // The ends themselves are kept.
  EXPECT_EQ((ap_fixed<8, 4, AP_TRN, AP_SAT>(7.9375)), 7.9375);
  EXPECT_EQ((ap_fixed<8, 4, AP_TRN, AP_SAT>(-8.0)), -8.0);
  EXPECT_EQ((ap_fixed<8, 4, AP_TRN, AP_SAT_ZERO>(-8.0)), -8.0);
  // ap_ufixed<8, 4>: [0, 15.9375]; 16.0 and -0.0625.
  EXPECT_EQ((ap_ufixed<8, 4, AP_TRN, AP_WRAP>(16.0)), 0.0);
  EXPECT_EQ((ap_ufixed<8, 4, AP_TRN, AP_WRAP>(-0.0625)), 15.9375); // 255
  EXPECT_EQ((ap_ufixed<8, 4, AP_TRN, AP_SAT>(16.0)), 15.9375);
  EXPECT_EQ((ap_ufixed<8, 4, AP_TRN, AP_SAT>(-0.0625)), 0.0);
  EXPECT_EQ((ap_ufixed<8, 4, AP_TRN, AP_SAT_ZERO>(16.0)), 0.0);
  EXPECT_EQ((ap_ufixed<8, 4, AP_TRN, AP_SAT_SYM>(16.0)), 15.9375);
  EXPECT_EQ((ap_ufixed<8, 4, AP_TRN, AP_SAT_SYM>(-0.0625)), 0.0);
  // Quantization first, then overflow: 7.97 = 127.52 LSB rounds to 128.
  EXPECT_EQ((ap_fixed<8, 4, AP_RND, AP_SAT>(7.97)), 7.9375);
  EXPECT_EQ((ap_fixed<8, 4, AP_RND, AP_WRAP>(7.97)), -8.0);
  // Infinities overflow; NaN gives 0.
  EXPECT_EQ((ap_fixed<8, 4, AP_TRN, AP_SAT>(HUGE_VAL)), 7.9375);
  EXPECT_EQ((ap_fixed<8, 4, AP_TRN, AP_SAT>(-HUGE_VAL)), -8.0);
  EXPECT_EQ((ap_fixed<8, 4, AP_TRN, AP_SAT>(std::nan(""))), 0.0);
}

TEST(ApFixedTest, OverflowModesMatchTheUserGuideExamples) {
  // ap_[u]fixed<4, 4, AP_RND, O>: integers, [-8, 7] and [0, 15].
  EXPECT_EQ((ap_fixed<4, 4, AP_RND, AP_SAT>(19.0)), 7.0);
  EXPECT_EQ((ap_fixed<4, 4, AP_RND, AP_SAT>(-19.0)), -8.0);
  EXPECT_EQ((ap_ufixed<4, 4, AP_RND, AP_SAT>(19.0)), 15.0);
  EXPECT_EQ((ap_ufixed<4, 4, AP_RND, AP_SAT>(-19.0)), 0.0);
  EXPECT_EQ((ap_fixed<4, 4, AP_RND, AP_SAT_ZERO>(19.0)), 0.0);
  EXPECT_EQ((ap_ufixed<4, 4, AP_RND, AP_SAT_ZERO>(-19.0)), 0.0);
  EXPECT_EQ((ap_fixed<4, 4, AP_RND, AP_SAT_SYM>(19.0)), 7.0);
  EXPECT_EQ((ap_fixed<4, 4, AP_RND, AP_SAT_SYM>(-19.0)), -7.0);
  EXPECT_EQ((ap_ufixed<4, 4, AP_RND, AP_SAT_SYM>(19.0)), 15.0);
  EXPECT_EQ((ap_ufixed<4, 4, AP_RND, AP_SAT_SYM>(-19.0)), 0.0);
  EXPECT_EQ((ap_fixed<4, 4, AP_RND, AP_WRAP>(31.0)), -1.0);   // 31 - 32
  EXPECT_EQ((ap_fixed<4, 4, AP_RND, AP_WRAP>(-19.0)), -3.0);  // -19 + 16
  EXPECT_EQ((ap_ufixed<4, 4, AP_RND, AP_WRAP>(19.0)), 3.0);   // 19 - 16
  EXPECT_EQ((ap_ufixed<4, 4, AP_RND, AP_WRAP>(-19.0)), 13.0); // -19 + 32
}

TEST(ApFixedTest, DefaultsAreTruncateAndWrap) {
  static_assert(ap_fixed<8, 4>::qmode == AP_TRN, "");
  static_assert(ap_fixed<8, 4>::omode == AP_WRAP, "");
  EXPECT_EQ((ap_fixed<8, 4>(-1.05)), -1.0625); // floor(-16.8) = -17 LSB
  EXPECT_EQ((ap_fixed<8, 4>(8.5)), -7.5);      // 136 - 256 = -120 LSB
}

TEST(ApFixedTest, NegativeIntegerBits) {
  // ap_fixed<4, -2>: LSB 2^-6 = 0.015625, range [-0.125, 0.109375].
  EXPECT_EQ((ap_fixed<4, -2>(0.1)), 0.09375);                  // 6.4 -> 6 LSB
  EXPECT_EQ((ap_fixed<4, -2, AP_RND>(0.1)), 0.09375);          // 6.4 -> 6
  EXPECT_EQ((ap_fixed<4, -2, AP_TRN, AP_SAT>(0.5)), 0.109375); // max, 7 LSB
  EXPECT_EQ((ap_fixed<4, -2>(0.5)), 0.0);                      // 32 mod 16
  EXPECT_EQ((ap_fixed<4, -2>(-0.125)), -0.125);                // -8 LSB, min
  // UG1399's examples.
  EXPECT_EQ((ap_fixed<2, 0>(-0.5)), -0.5);
  EXPECT_EQ((ap_ufixed<1, 0>(0.5)), 0.5);
  EXPECT_EQ((ap_ufixed<1, -1>(0.25)), 0.25);
  EXPECT_EQ((ap_ufixed<1, -1>(0.125)), 0.0); // 0.5 LSB truncated
}

TEST(ApFixedTest, IntegerBitsBeyondTheWidth) {
  // ap_fixed<4, 8>: LSB 16, range [-128, 112].
  EXPECT_EQ((ap_fixed<4, 8>(100)), 96);             // 6.25 -> 6 LSB
  EXPECT_EQ((ap_fixed<4, 8, AP_RND>(40)), 48);      // 2.5 -> 3
  EXPECT_EQ((ap_fixed<4, 8, AP_RND_CONV>(40)), 32); // 2.5 -> 2, even
  EXPECT_EQ((ap_fixed<4, 8>(-1)), -16);             // floor(-1/16) = -1
  EXPECT_EQ((ap_fixed<4, 8, AP_TRN_ZERO>(-1)), 0);
  EXPECT_EQ((ap_fixed<4, 8, AP_TRN, AP_SAT>(1000)), 112); // 7 LSB
  EXPECT_EQ((ap_fixed<4, 8, AP_TRN, AP_SAT>(-1000)), -128);
  EXPECT_EQ((ap_fixed<4, 8>(96)).to_int(), 96);
}

TEST(ApFixedTest, UnsignedFixed) {
  EXPECT_EQ((ap_ufixed<8, 4>(3.3)), 3.25);           // 52.8 -> 52 LSB
  EXPECT_EQ((ap_ufixed<8, 4, AP_RND>(3.3)), 3.3125); // 52.8 -> 53
  EXPECT_EQ((ap_ufixed<8, 4>(15.9375)), 15.9375);
  EXPECT_EQ((ap_ufixed<8, 4>(-1.5)), 14.5); // -24 + 256 = 232 LSB
  EXPECT_FALSE((ap_ufixed<8, 4>(15.9375)).is_neg());
}

TEST(ApFixedTest, ConversionBetweenFixedTypes) {
  // 3.15625 = 808/256 in ap_fixed<16, 8>; to 4 fractional bits: 50.5 LSB.
  ap_fixed<16, 8> a = 3.15625;
  EXPECT_EQ((ap_fixed<8, 4>(a)), 3.125);                // 50
  EXPECT_EQ((ap_fixed<8, 4, AP_RND>(a)), 3.1875);       // 51
  EXPECT_EQ((ap_fixed<8, 4, AP_RND_CONV>(a)), 3.125);   // 50, even
  ap_fixed<16, 8> na = -3.15625;                        // -50.5 LSB
  EXPECT_EQ((ap_fixed<8, 4>(na)), -3.1875);             // -51
  EXPECT_EQ((ap_fixed<8, 4, AP_TRN_ZERO>(na)), -3.125); // -50
  EXPECT_EQ((ap_fixed<8, 4, AP_RND>(na)), -3.125);      // -50
  EXPECT_EQ((ap_fixed<8, 4, AP_RND_ZERO>(na)), -3.125); // -50
  EXPECT_EQ((ap_fixed<8, 4, AP_RND_MIN_INF>(na)), -3.1875);
  EXPECT_EQ((ap_fixed<8, 4, AP_RND_INF>(na)), -3.1875);
  EXPECT_EQ((ap_fixed<8, 4, AP_RND_CONV>(na)), -3.125); // -50, even
  // Widening is exact.
  ap_fixed<24, 12> wide = ap_fixed<8, 4>(a);
  EXPECT_EQ(wide, 3.125);
  // Overflow on narrowing: 100.5 = 1608 LSB of 1/16; 1608 - 6 * 256 = 72.
  ap_fixed<16, 8> big = 100.5;
  EXPECT_EQ((ap_fixed<8, 4, AP_TRN, AP_SAT>(big)), 7.9375);
  EXPECT_EQ((ap_fixed<8, 4>(big)), 4.5); // 72 / 16
  // Signed to unsigned: -1.5 = -24 LSB.
  EXPECT_EQ((ap_ufixed<8, 4, AP_TRN, AP_SAT>(ap_fixed<8, 4>(-1.5))), 0.0);
  EXPECT_EQ((ap_ufixed<8, 4>(ap_fixed<8, 4>(-1.5))), 14.5); // 232 / 16
  // Same format, other modes: nothing to do.
  EXPECT_EQ((ap_fixed<8, 4, AP_RND, AP_SAT>(ap_fixed<8, 4>(-8.0))), -8.0);
  // From and to ap_int: 9 = 144 LSB -> 144 - 256 = -112 LSB = -7.
  EXPECT_EQ((ap_fixed<8, 4>(ap_int<8>(5))), 5.0);
  EXPECT_EQ((ap_fixed<8, 4>(ap_int<8>(9))), -7.0);
  EXPECT_EQ(ap_int<8>(ap_fixed<8, 4>(-3.5)), -3); // toward zero
  EXPECT_EQ(ap_int<8>(ap_fixed<8, 4>(3.9375)), 3);
  ap_fixed<96, 64> huge = ap_int<64>(std::numeric_limits<long long>::min());
  EXPECT_EQ(huge.to_int64(), std::numeric_limits<long long>::min());
}

TEST(ApFixedTest, FullPrecisionResultTypes) {
  using F84 = ap_fixed<8, 4>;
  static_assert(std::is_same<decltype(F84() + F84()), ap_fixed<9, 5>>::value,
                "");
  static_assert(std::is_same<decltype(F84() - F84()), ap_fixed<9, 5>>::value,
                "");
  static_assert(std::is_same<decltype(F84() * F84()), ap_fixed<16, 8>>::value,
                "");
  // UG1399: ap_fixed<5, 2> + ap_fixed<75, 62> is ap_fixed<76, 63>.
  static_assert(std::is_same<decltype(ap_fixed<5, 2>() + ap_fixed<75, 62>()),
                             ap_fixed<76, 63>>::value,
                "");
  // Unsigned meets signed: max(4 + 1, 4) + 1 = 6 integer bits, 4 fractional.
  static_assert(
      std::is_same<decltype(ap_ufixed<8, 4>() + F84()), ap_fixed<10, 6>>::value,
      "");
  static_assert(std::is_same<decltype(ap_ufixed<8, 4>() + ap_ufixed<8, 4>()),
                             ap_ufixed<9, 5>>::value,
                "");
  static_assert(std::is_same<decltype(ap_ufixed<8, 4>() - ap_ufixed<8, 4>()),
                             ap_fixed<9, 5>>::value,
                "");
  static_assert(
      std::is_same<decltype(F84() * ap_ufixed<6, 2>()), ap_fixed<14, 6>>::value,
      "");
  // Different fractional bits: ap_fixed<8,4> + ap_fixed<8,6> -> I 7, F 4.
  static_assert(
      std::is_same<decltype(F84() + ap_fixed<8, 6>()), ap_fixed<11, 7>>::value,
      "");
  // ap_int<8> counts as ap_fixed<8, 8>: I = 9, F = 4.
  static_assert(
      std::is_same<decltype(F84() + ap_int<8>()), ap_fixed<13, 9>>::value, "");
  static_assert(
      std::is_same<decltype(-ap_ufixed<8, 4>()), ap_fixed<9, 5>>::value, "");
  // Division: W1 + F2 + 1 bits, I1 + F2 + 1 integer bits (signed divisor).
  static_assert(std::is_same<decltype(F84() / F84()), ap_fixed<13, 9>>::value,
                "");

  EXPECT_EQ(F84(7.9375) * F84(7.9375), 63.00390625); // 127*127 = 16129 / 256
  EXPECT_EQ(F84(-8) * F84(-8), 64.0);                // 2^12 / 2^6
  EXPECT_EQ(F84(7.9375) + F84(7.9375), 15.875);
  EXPECT_EQ(F84(-8) - F84(7.9375), -15.9375);
  EXPECT_EQ((ap_ufixed<8, 4>(0) - ap_ufixed<8, 4>(15.9375)), -15.9375);
  EXPECT_EQ((F84(0.0625) + ap_fixed<8, 6>(-32)), -31.9375);
  ap_fixed<5, 2> v1 = 1.125;
  ap_fixed<75, 62> v2 = 6721.35595703125; // = 55061348 / 8192, exact
  ap_fixed<76, 63> sum = v1 + v2;
  EXPECT_EQ(sum, 6722.48095703125);
  EXPECT_EQ(F84(1.5) + 2, 3.5);
  EXPECT_EQ(F84(1.5) * 3, 4.5);
  EXPECT_EQ(3 - F84(1.5), 1.5);
  // Division: raw (120 << 4) / 32 = 60 -> 3.75; (16 << 4) / 48 = 5.33 -> 5.
  EXPECT_EQ(F84(7.5) / F84(2.0), 3.75);
  EXPECT_EQ(F84(1.0) / F84(3.0), 0.3125);
  EXPECT_EQ(F84(-1.0) / F84(3.0), -0.3125); // toward zero
  // Narrowing the product quantizes: 1.0625 * 1.5 = 1.59375 = 25.5 LSB.
  ap_fixed<8, 4> acc = 1.0;
  acc += F84(0.0625);
  EXPECT_EQ(acc, 1.0625);
  acc *= F84(1.5);
  EXPECT_EQ(acc, 1.5625); // 25
  ap_fixed<8, 4, AP_RND> racc = 1.0625;
  racc *= F84(1.5);
  EXPECT_EQ(racc, 1.625); // 26
  ap_fixed<8, 4> inc = 7.5;
  ++inc; // 8.5 -> wraps to -7.5
  EXPECT_EQ(inc, -7.5);
  // Wide: 65536.5^2 = 4294967296 + 65536 + 0.25.
  ap_fixed<64, 32> w = 65536.5;
  EXPECT_EQ(w * w, 4295032832.25);
}

TEST(ApFixedTest, ComparisonsAlignTheBinaryPoint) {
  EXPECT_TRUE((ap_fixed<8, 4>(1.5) == ap_fixed<16, 8>(1.5)));
  EXPECT_TRUE((ap_fixed<8, 4>(1.5) < ap_ufixed<8, 4>(2)));
  EXPECT_TRUE((ap_fixed<8, 4>(-0.5) < 0));
  EXPECT_TRUE((ap_fixed<8, 4>(2.0) == 2));
  EXPECT_TRUE((ap_fixed<8, 4>(2.0) > 1.9));
  EXPECT_TRUE((ap_fixed<8, 4>(-1.0) < ap_ufixed<4, 8>(0)));
  EXPECT_TRUE((ap_fixed<8, 4>(3.0) != ap_int<4>(2)));
}

TEST(ApFixedTest, ToIntTruncatesTowardZero) {
  EXPECT_EQ((ap_fixed<8, 4>(-3.5)).to_int(), -3);
  EXPECT_EQ((ap_fixed<8, 4>(-0.0625)).to_int(), 0);
  EXPECT_EQ((ap_fixed<8, 4>(3.9375)).to_int(), 3);
  EXPECT_EQ((ap_fixed<8, 4>(-8)).to_int(), -8);
  EXPECT_EQ((ap_fixed<4, -2>(-0.125)).to_int(), 0);
  EXPECT_EQ((ap_ufixed<8, 4>(15.9375)).to_int(), 15);
  EXPECT_EQ((ap_fixed<70, 40>(-12345.75)).to_int64(), -12345);
  int n = ap_fixed<8, 4>(-3.5); // implicit: through double, as a C cast
  EXPECT_EQ(n, -3);
  EXPECT_EQ((ap_fixed<8, 4>(-1.5)).to_float(), -1.5f);
  EXPECT_EQ((ap_fixed<8, 4>(1.5f)), 1.5);
}

TEST(ApFixedTest, RawBitAccessAndShifts) {
  ap_fixed<8, 4> f = -1.5; // raw -24 = 0xE8 = 0b11101000
  EXPECT_EQ(f.range(7, 0), 0xE8);
  EXPECT_EQ(f.range(3, 0), 0x8);
  EXPECT_TRUE(f[7]);
  EXPECT_TRUE(f[3]);
  EXPECT_FALSE(f[0]);
  f.range(3, 0) = 0; // 0xE0 = -32 LSB
  EXPECT_EQ(f, -2.0);
  f[0] = 1; // 0xE1 = -31 LSB
  EXPECT_EQ(f, -1.9375);
  EXPECT_EQ((ap_fixed<8, 4>(1.5) << 1), 3.0);
  EXPECT_EQ((ap_fixed<8, 4>(5.0) << 1), -6.0); // raw 160 -> -96
  EXPECT_EQ((ap_fixed<8, 4>(-3.0) >> 1), -1.5);
  ap_fixed<8, 4> s = 0.25;
  s <<= 2;
  EXPECT_EQ(s, 1.0);
  EXPECT_EQ((-ap_fixed<8, 4>(-8)), 8.0); // ap_fixed<9, 5>
}

TEST(ApFixedTest, PrintsToDouble) {
  EXPECT_EQ(str(ap_fixed<8, 4>(-1.5)), "-1.5");
  EXPECT_EQ(str(ap_ufixed<8, 4>(0.0625)), "0.0625");
}

} // namespace

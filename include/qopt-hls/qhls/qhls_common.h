//===- qhls_common.h - Shared pieces of qopt's HLS layer templates -*- C++ -*-===//
//
// Part of qopt's HLS header library (the FPGA target, docs/Backends/HLS.md).
// qopt copies this library into every project it writes
// (firmware/qhls/); the generated firmware includes it. Everything here is
// synthesizable C++ on the Vitis HLS arbitrary-precision types and compiles
// with a stock g++ against qopt's clean-room ap_int.h for C simulation.
//
// Numerics are those of docs/Semantics.md, bit for bit:
//   * a layer sums (x - zx) * w' exactly, w' = q - zq, starting from its
//     int32 bias code, in an accumulator type wide enough for the layer's
//     worst case (the emitter derives it, firmware/defines.h);
//   * requantize: out = clamp(zy + ((acc * M[c] + 2^(S[c]-1)) >> S[c]),
//     min, max), with the product in an exact type (`CFG::product_t`);
//   * a fused residual add (a residual network's identity shortcut, codes
//     r with zero point zr) adds (r - zr) * Mr[c] before the one rounding.
//
//===----------------------------------------------------------------------===//

#ifndef QHLS_COMMON_H
#define QHLS_COMMON_H

#include "ap_int.h"

namespace qhls {

/// One stream element of io_stream designs: the N channels of one pixel
/// (or all N features of a flat tensor), as hls4ml's nnet::array.
template <typename T, unsigned N> struct pixel {
  T data[N];
  T &operator[](unsigned i) { return data[i]; }
  const T &operator[](unsigned i) const { return data[i]; }
};

/// The requantization of docs/Semantics.md for output channel `c` of a
/// layer configured by CFG (CFG::requant true).
template <class CFG>
typename CFG::output_t
requantize(typename CFG::accum_t acc, unsigned c,
           const typename CFG::multiplier_t multiplier[CFG::n_mult],
           const typename CFG::shift_t shift[CFG::n_mult],
           typename CFG::product_t residual = 0) {
#pragma HLS INLINE
  const unsigned i = CFG::n_mult == 1 ? 0 : c;
  const int s = shift[i].to_int();
  typename CFG::product_t p = typename CFG::product_t(acc) * multiplier[i];
  p += residual;
  p += typename CFG::product_t(1) << (s - 1);
  p >>= s;
  typename CFG::product_t q = p + CFG::output_zero;
  if (q < CFG::output_min)
    q = CFG::output_min;
  if (q > CFG::output_max)
    q = CFG::output_max;
  return typename CFG::output_t(q);
}

/// A layer's result for output channel `c`: requantized int8 codes, or the
/// accumulator itself (the network's output layer, dequantized on the host).
template <class CFG>
typename CFG::output_t
finish(typename CFG::accum_t acc, unsigned c,
       const typename CFG::multiplier_t multiplier[CFG::n_mult],
       const typename CFG::shift_t shift[CFG::n_mult],
       typename CFG::product_t residual = 0) {
#pragma HLS INLINE
  if (CFG::requant)
    return requantize<CFG>(acc, c, multiplier, shift, residual);
  return typename CFG::output_t(acc);
}

/// A fused residual add's term (r - zr) * Mr[c] for output channel `c`
/// (CFG::residual true; the layer templates' overloads with a residual
/// input call it).
template <class CFG>
typename CFG::product_t
residual_term(typename CFG::residual_t r, unsigned c,
              const typename CFG::rmult_t rmult[CFG::n_mult]) {
#pragma HLS INLINE
  const unsigned i = CFG::n_mult == 1 ? 0 : c;
  typename CFG::product_t d = typename CFG::product_t(r) - CFG::residual_zero;
  return d * rmult[i];
}

/// x - zx for an input code, exact in CFG::xin_t.
template <class CFG>
typename CFG::xin_t centered(typename CFG::input_t x) {
#pragma HLS INLINE
  return typename CFG::xin_t(x - CFG::input_zero);
}

} // namespace qhls

#endif // QHLS_COMMON_H

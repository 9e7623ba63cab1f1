//===- qhls_dense.h - Fully connected layer on int8 codes ------*- C++ -*-===//
//
// Part of qopt's HLS header library (docs/Backends/HLS.md).
//
// out[n] = finish(bias[n] + sum_k (x[k] - zx) * w[n * n_in + k]), the
// integer path of qopt.matmul (docs/Semantics.md). Weights are the centred
// codes w' = q - zq of the allocation's format, row-major [n_out][n_in]
// (firmware/weights/), or, for minifloat formats, their codes, which
// CFG::decode looks up in the code book's table of integers value * 2^E
// (the bits of an ap_fixed with E fraction bits: the product with x - zx
// is exact, docs/Semantics.md). As hls4ml's latency strategy, the whole layer is one
// pipeline with II = reuse factor: the tool shares each multiplier over
// reuse_factor products (ALLOCATION limits them to n_mult_units).
//
// CFG provides: n_in, n_out, reuse_factor, n_mult_units, input_zero,
// input_t, xin_t, wcode_t (stored weights), weight_t and decode(wcode_t),
// bias_t, accum_t, output_t, requant and, for the
// requantization, n_mult, multiplier_t, shift_t, product_t, output_zero,
// output_min, output_max.
//
//===----------------------------------------------------------------------===//

#ifndef QHLS_DENSE_H
#define QHLS_DENSE_H

#include "hls_stream.h"
#include "qhls_common.h"

namespace qhls {

/// RES: a fused residual add reads `res` (n_out codes) and `rmult`;
/// without one they are null and never read.
template <class CFG, bool RES>
void dense_generic(const typename CFG::input_t in[CFG::n_in],
                   typename CFG::output_t out[CFG::n_out],
                   const typename CFG::wcode_t weights[CFG::n_out * CFG::n_in],
                   const typename CFG::bias_t bias[CFG::n_out],
                   const typename CFG::multiplier_t multiplier[CFG::n_mult],
                   const typename CFG::shift_t shift[CFG::n_mult],
                   const typename CFG::residual_t *res,
                   const typename CFG::rmult_t *rmult) {
#pragma HLS INLINE
#pragma HLS PIPELINE II = CFG::reuse_factor
#pragma HLS ARRAY_RESHAPE variable = weights block factor = CFG::weight_block
#pragma HLS ALLOCATION operation instances = mul limit = CFG::n_mult_units
  typename CFG::xin_t x[CFG::n_in];
#pragma HLS ARRAY_PARTITION variable = x complete
Center:
  for (unsigned k = 0; k < CFG::n_in; ++k) {
#pragma HLS UNROLL
    x[k] = centered<CFG>(in[k]);
  }
Rows:
  for (unsigned n = 0; n < CFG::n_out; ++n) {
#pragma HLS UNROLL
    typename CFG::accum_t acc = bias[n];
  Products:
    for (unsigned k = 0; k < CFG::n_in; ++k) {
#pragma HLS UNROLL
      acc += x[k] * CFG::decode(weights[n * CFG::n_in + k]);
    }
    out[n] = finish<CFG>(acc, n, multiplier, shift,
                         RES ? residual_term<CFG>(res[n], n, rmult)
                             : typename CFG::product_t(0));
  }
}

template <class CFG>
void dense(const typename CFG::input_t in[CFG::n_in],
           typename CFG::output_t out[CFG::n_out],
           const typename CFG::wcode_t weights[CFG::n_out * CFG::n_in],
           const typename CFG::bias_t bias[CFG::n_out],
           const typename CFG::multiplier_t multiplier[CFG::n_mult],
           const typename CFG::shift_t shift[CFG::n_mult]) {
#pragma HLS INLINE off
  dense_generic<CFG, false>(in, out, weights, bias, multiplier, shift, 0, 0);
}

/// With a fused residual add: `res` holds the shortcut's n_out codes.
template <class CFG>
void dense(const typename CFG::input_t in[CFG::n_in],
           const typename CFG::residual_t res[CFG::n_out],
           typename CFG::output_t out[CFG::n_out],
           const typename CFG::wcode_t weights[CFG::n_out * CFG::n_in],
           const typename CFG::bias_t bias[CFG::n_out],
           const typename CFG::multiplier_t multiplier[CFG::n_mult],
           const typename CFG::shift_t shift[CFG::n_mult],
           const typename CFG::rmult_t rmult[CFG::n_mult]) {
#pragma HLS INLINE off
  dense_generic<CFG, true>(in, out, weights, bias, multiplier, shift, res,
                           rmult);
}

/// io_stream: the input arrives as n_in / in_pack pixels of in_pack
/// features (the producer's channels), the output leaves as one pixel.
template <class CFG, bool RES>
void dense_stream_generic(
    hls::stream<pixel<typename CFG::input_t, CFG::in_pack> > &in,
    hls::stream<pixel<typename CFG::output_t, CFG::n_out> > &out,
    const typename CFG::wcode_t weights[CFG::n_out * CFG::n_in],
    const typename CFG::bias_t bias[CFG::n_out],
    const typename CFG::multiplier_t multiplier[CFG::n_mult],
    const typename CFG::shift_t shift[CFG::n_mult],
    hls::stream<pixel<typename CFG::residual_t, CFG::n_out> > *res,
    const typename CFG::rmult_t *rmult) {
#pragma HLS INLINE
  typename CFG::input_t x[CFG::n_in];
#pragma HLS ARRAY_PARTITION variable = x complete
Read:
  for (unsigned p = 0; p < CFG::n_in / CFG::in_pack; ++p) {
#pragma HLS PIPELINE II = 1
    pixel<typename CFG::input_t, CFG::in_pack> v = in.read();
    for (unsigned c = 0; c < CFG::in_pack; ++c)
      x[p * CFG::in_pack + c] = v[c];
  }
  typename CFG::output_t y[CFG::n_out];
#pragma HLS ARRAY_PARTITION variable = y complete
  pixel<typename CFG::residual_t, CFG::n_out> r;
  if (RES)
    r = res->read();
  dense_generic<CFG, RES>(x, y, weights, bias, multiplier, shift, r.data,
                          rmult);
  pixel<typename CFG::output_t, CFG::n_out> o;
  for (unsigned n = 0; n < CFG::n_out; ++n)
    o[n] = y[n];
  out.write(o);
}

template <class CFG>
void dense_stream(
    hls::stream<pixel<typename CFG::input_t, CFG::in_pack> > &in,
    hls::stream<pixel<typename CFG::output_t, CFG::n_out> > &out,
    const typename CFG::wcode_t weights[CFG::n_out * CFG::n_in],
    const typename CFG::bias_t bias[CFG::n_out],
    const typename CFG::multiplier_t multiplier[CFG::n_mult],
    const typename CFG::shift_t shift[CFG::n_mult]) {
#pragma HLS INLINE off
  dense_stream_generic<CFG, false>(in, out, weights, bias, multiplier, shift,
                                   0, 0);
}

/// With a fused residual add: one pixel of the shortcut's n_out codes.
template <class CFG>
void dense_stream(
    hls::stream<pixel<typename CFG::input_t, CFG::in_pack> > &in,
    hls::stream<pixel<typename CFG::residual_t, CFG::n_out> > &res,
    hls::stream<pixel<typename CFG::output_t, CFG::n_out> > &out,
    const typename CFG::wcode_t weights[CFG::n_out * CFG::n_in],
    const typename CFG::bias_t bias[CFG::n_out],
    const typename CFG::multiplier_t multiplier[CFG::n_mult],
    const typename CFG::shift_t shift[CFG::n_mult],
    const typename CFG::rmult_t rmult[CFG::n_mult]) {
#pragma HLS INLINE off
  dense_stream_generic<CFG, true>(in, out, weights, bias, multiplier, shift,
                                  &res, rmult);
}

} // namespace qhls

#endif // QHLS_DENSE_H

//===- qhls_conv2d.h - 2-D and depthwise convolutions on int8 codes -*- C++ -*-===//
//
// Part of qopt's HLS header library (docs/Backends/HLS.md).
//
// conv2d: out[oh][ow][o] = finish(bias[o] + sum over the taps inside the
// input of (x[ih][iw][c] - zx) * w[o][(kh * filt_width + kw) * n_chan + c]),
// qopt.conv2d's integer path (padding taps hold zx and contribute 0, so they
// are skipped). depthwise_conv2d: output channel o = c * depth_multiplier +
// m reads only input channel c, w[o][kh * filt_width + kw]. NHWC, row-major
// weights of centred codes or minifloat codes through CFG::decode
// (firmware/weights/, qhls_dense.h). One output pixel per
// pipeline iteration, II = reuse factor; the window comes from the array
// (io_parallel) or a line buffer of a few rows (io_stream, qhls_window.h).
//
// CFG: the window fields of qhls_window.h, n_filt (output channels),
// depth_multiplier (depthwise), reuse_factor, and the types and
// requantization fields of qhls_dense.h.
//
//===----------------------------------------------------------------------===//

#ifndef QHLS_CONV2D_H
#define QHLS_CONV2D_H

#include "qhls_window.h"

namespace qhls {

/// Kinds of window layer.
struct conv_kind {};
struct depthwise_kind {};

template <class CFG, class SRC>
typename CFG::accum_t conv_acc(const SRC &src, int oh, int ow, unsigned o,
                               const typename CFG::wcode_t *weights,
                               const typename CFG::bias_t *bias, conv_kind) {
#pragma HLS INLINE
  const unsigned taps = CFG::filt_height * CFG::filt_width * CFG::n_chan;
  typename CFG::accum_t acc = bias[o];
  for_each_tap<CFG>(oh, ow, [&](int ih, int iw, int kh, int kw) {
    for (unsigned c = 0; c < CFG::n_chan; ++c)
      acc += centered<CFG>(src(ih, iw, c)) *
             CFG::decode(weights[o * taps +
                                 (kh * CFG::filt_width + kw) * CFG::n_chan + c]);
  });
  return acc;
}

template <class CFG, class SRC>
typename CFG::accum_t conv_acc(const SRC &src, int oh, int ow, unsigned o,
                               const typename CFG::wcode_t *weights,
                               const typename CFG::bias_t *bias,
                               depthwise_kind) {
#pragma HLS INLINE
  const unsigned taps = CFG::filt_height * CFG::filt_width;
  const unsigned c = o / CFG::depth_multiplier;
  typename CFG::accum_t acc = bias[o];
  for_each_tap<CFG>(oh, ow, [&](int ih, int iw, int kh, int kw) {
    acc += centered<CFG>(src(ih, iw, c)) *
           CFG::decode(weights[o * taps + kh * CFG::filt_width + kw]);
  });
  return acc;
}

/// RES: a fused residual add reads `res` (codes in the output's order) and
/// `rmult`; without one they are null and never read.
template <class CFG, class KIND, bool RES>
void conv2d_generic(const typename CFG::input_t in[],
                    typename CFG::output_t out[],
                    const typename CFG::wcode_t weights[],
                    const typename CFG::bias_t bias[],
                    const typename CFG::multiplier_t multiplier[CFG::n_mult],
                    const typename CFG::shift_t shift[CFG::n_mult],
                    const typename CFG::residual_t *res,
                    const typename CFG::rmult_t *rmult) {
  array_source<CFG, typename CFG::input_t> src = {in};
OutRows:
  for (int oh = 0; oh < int(CFG::out_height); ++oh)
  OutCols:
    for (int ow = 0; ow < int(CFG::out_width); ++ow) {
#pragma HLS PIPELINE II = CFG::reuse_factor
    Filters:
      for (unsigned o = 0; o < CFG::n_filt; ++o) {
        typename CFG::accum_t acc =
            conv_acc<CFG>(src, oh, ow, o, weights, bias, KIND());
        const unsigned i = (oh * CFG::out_width + ow) * CFG::n_filt + o;
        out[i] = finish<CFG>(acc, o, multiplier, shift,
                             RES ? residual_term<CFG>(res[i], o, rmult)
                                 : typename CFG::product_t(0));
      }
    }
}

template <class CFG, class KIND, bool RES> struct conv_pixel_emitter {
  const typename CFG::wcode_t *weights;
  const typename CFG::bias_t *bias;
  const typename CFG::multiplier_t *multiplier;
  const typename CFG::shift_t *shift;
  /// A fused residual add: one pixel per output pixel, in order.
  hls::stream<pixel<typename CFG::residual_t, CFG::n_filt> > *res;
  const typename CFG::rmult_t *rmult;
  pixel<typename CFG::output_t, CFG::n_filt>
  operator()(const line_buffer<CFG, typename CFG::input_t> &buffer, int oh,
             int ow) const {
#pragma HLS INLINE
    pixel<typename CFG::output_t, CFG::n_filt> p;
    pixel<typename CFG::residual_t, CFG::n_filt> r;
    if (RES)
      r = res->read();
    for (unsigned o = 0; o < CFG::n_filt; ++o)
      p[o] = finish<CFG>(
          conv_acc<CFG>(buffer, oh, ow, o, weights, bias, KIND()), o,
          multiplier, shift,
          RES ? residual_term<CFG>(r[o], o, rmult)
              : typename CFG::product_t(0));
    return p;
  }
};

template <class CFG>
void conv2d(const typename CFG::input_t
                in[CFG::in_height * CFG::in_width * CFG::n_chan],
            typename CFG::output_t
                out[CFG::out_height * CFG::out_width * CFG::n_filt],
            const typename CFG::wcode_t weights[],
            const typename CFG::bias_t bias[CFG::n_filt],
            const typename CFG::multiplier_t multiplier[CFG::n_mult],
            const typename CFG::shift_t shift[CFG::n_mult]) {
#pragma HLS INLINE off
  conv2d_generic<CFG, conv_kind, false>(in, out, weights, bias, multiplier,
                                        shift, 0, 0);
}

/// With a fused residual add: `res` holds the shortcut's codes in the
/// output's order.
template <class CFG>
void conv2d(const typename CFG::input_t
                in[CFG::in_height * CFG::in_width * CFG::n_chan],
            const typename CFG::residual_t
                res[CFG::out_height * CFG::out_width * CFG::n_filt],
            typename CFG::output_t
                out[CFG::out_height * CFG::out_width * CFG::n_filt],
            const typename CFG::wcode_t weights[],
            const typename CFG::bias_t bias[CFG::n_filt],
            const typename CFG::multiplier_t multiplier[CFG::n_mult],
            const typename CFG::shift_t shift[CFG::n_mult],
            const typename CFG::rmult_t rmult[CFG::n_mult]) {
#pragma HLS INLINE off
  conv2d_generic<CFG, conv_kind, true>(in, out, weights, bias, multiplier,
                                       shift, res, rmult);
}

template <class CFG>
void depthwise_conv2d(const typename CFG::input_t
                          in[CFG::in_height * CFG::in_width * CFG::n_chan],
                      typename CFG::output_t
                          out[CFG::out_height * CFG::out_width * CFG::n_filt],
                      const typename CFG::wcode_t weights[],
                      const typename CFG::bias_t bias[CFG::n_filt],
                      const typename CFG::multiplier_t multiplier[CFG::n_mult],
                      const typename CFG::shift_t shift[CFG::n_mult]) {
#pragma HLS INLINE off
  conv2d_generic<CFG, depthwise_kind, false>(in, out, weights, bias,
                                             multiplier, shift, 0, 0);
}

template <class CFG>
void depthwise_conv2d(const typename CFG::input_t
                          in[CFG::in_height * CFG::in_width * CFG::n_chan],
                      const typename CFG::residual_t
                          res[CFG::out_height * CFG::out_width * CFG::n_filt],
                      typename CFG::output_t
                          out[CFG::out_height * CFG::out_width * CFG::n_filt],
                      const typename CFG::wcode_t weights[],
                      const typename CFG::bias_t bias[CFG::n_filt],
                      const typename CFG::multiplier_t multiplier[CFG::n_mult],
                      const typename CFG::shift_t shift[CFG::n_mult],
                      const typename CFG::rmult_t rmult[CFG::n_mult]) {
#pragma HLS INLINE off
  conv2d_generic<CFG, depthwise_kind, true>(in, out, weights, bias,
                                            multiplier, shift, res, rmult);
}

template <class CFG, class KIND, bool RES>
void conv2d_stream_generic(
    hls::stream<pixel<typename CFG::input_t, CFG::n_chan> > &in,
    hls::stream<pixel<typename CFG::output_t, CFG::n_filt> > &out,
    const typename CFG::wcode_t weights[], const typename CFG::bias_t bias[],
    const typename CFG::multiplier_t multiplier[CFG::n_mult],
    const typename CFG::shift_t shift[CFG::n_mult],
    hls::stream<pixel<typename CFG::residual_t, CFG::n_filt> > *res,
    const typename CFG::rmult_t *rmult) {
  static line_buffer<CFG, typename CFG::input_t> buffer;
#pragma HLS ARRAY_PARTITION variable = buffer.data complete dim = 3
  conv_pixel_emitter<CFG, KIND, RES> emit = {weights, bias, multiplier,
                                             shift,   res,  rmult};
  run_window_stream<CFG>(in, out, buffer, emit);
}

/// With a fused residual add: `res` delivers the shortcut's pixels in the
/// output's order (one per output pixel).
template <class CFG>
void conv2d_stream(
    hls::stream<pixel<typename CFG::input_t, CFG::n_chan> > &in,
    hls::stream<pixel<typename CFG::residual_t, CFG::n_filt> > &res,
    hls::stream<pixel<typename CFG::output_t, CFG::n_filt> > &out,
    const typename CFG::wcode_t weights[],
    const typename CFG::bias_t bias[CFG::n_filt],
    const typename CFG::multiplier_t multiplier[CFG::n_mult],
    const typename CFG::shift_t shift[CFG::n_mult],
    const typename CFG::rmult_t rmult[CFG::n_mult]) {
#pragma HLS INLINE off
  conv2d_stream_generic<CFG, conv_kind, true>(in, out, weights, bias,
                                              multiplier, shift, &res, rmult);
}

template <class CFG>
void depthwise_conv2d_stream(
    hls::stream<pixel<typename CFG::input_t, CFG::n_chan> > &in,
    hls::stream<pixel<typename CFG::residual_t, CFG::n_filt> > &res,
    hls::stream<pixel<typename CFG::output_t, CFG::n_filt> > &out,
    const typename CFG::wcode_t weights[],
    const typename CFG::bias_t bias[CFG::n_filt],
    const typename CFG::multiplier_t multiplier[CFG::n_mult],
    const typename CFG::shift_t shift[CFG::n_mult],
    const typename CFG::rmult_t rmult[CFG::n_mult]) {
#pragma HLS INLINE off
  conv2d_stream_generic<CFG, depthwise_kind, true>(
      in, out, weights, bias, multiplier, shift, &res, rmult);
}

template <class CFG>
void conv2d_stream(hls::stream<pixel<typename CFG::input_t, CFG::n_chan> > &in,
                   hls::stream<pixel<typename CFG::output_t, CFG::n_filt> > &out,
                   const typename CFG::wcode_t weights[],
                   const typename CFG::bias_t bias[CFG::n_filt],
                   const typename CFG::multiplier_t multiplier[CFG::n_mult],
                   const typename CFG::shift_t shift[CFG::n_mult]) {
#pragma HLS INLINE off
  conv2d_stream_generic<CFG, conv_kind, false>(in, out, weights, bias,
                                               multiplier, shift, 0, 0);
}

template <class CFG>
void depthwise_conv2d_stream(
    hls::stream<pixel<typename CFG::input_t, CFG::n_chan> > &in,
    hls::stream<pixel<typename CFG::output_t, CFG::n_filt> > &out,
    const typename CFG::wcode_t weights[],
    const typename CFG::bias_t bias[CFG::n_filt],
    const typename CFG::multiplier_t multiplier[CFG::n_mult],
    const typename CFG::shift_t shift[CFG::n_mult]) {
#pragma HLS INLINE off
  conv2d_stream_generic<CFG, depthwise_kind, false>(in, out, weights, bias,
                                                    multiplier, shift, 0, 0);
}

} // namespace qhls

#endif // QHLS_CONV2D_H

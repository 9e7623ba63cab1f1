//===- qhls_gather.h - Data movement on int8 codes -------------*- C++ -*-===//
//
// Part of qopt's HLS header library (docs/Backends/HLS.md).
//
// out[i] = in[index[i]]: a transpose (or any permutation of a tensor's
// elements) that the emitter could not fold into the next layer's weights.
// io_stream buffers the whole tensor (a permutation cannot start before
// its last input element may be needed).
//
// CFG: n_elem, in_pack, out_pack, input_t.
//
//===----------------------------------------------------------------------===//

#ifndef QHLS_GATHER_H
#define QHLS_GATHER_H

#include "hls_stream.h"
#include "qhls_common.h"

namespace qhls {

template <class CFG>
void gather(const typename CFG::input_t in[CFG::n_elem],
            typename CFG::input_t out[CFG::n_elem],
            const unsigned index[CFG::n_elem]) {
#pragma HLS INLINE off
Elements:
  for (unsigned i = 0; i < CFG::n_elem; ++i) {
#pragma HLS PIPELINE II = 1
    out[i] = in[index[i]];
  }
}

template <class CFG>
void gather_stream(
    hls::stream<pixel<typename CFG::input_t, CFG::in_pack> > &in,
    hls::stream<pixel<typename CFG::input_t, CFG::out_pack> > &out,
    const unsigned index[CFG::n_elem]) {
#pragma HLS INLINE off
  typename CFG::input_t buffer[CFG::n_elem];
Read:
  for (unsigned p = 0; p < CFG::n_elem / CFG::in_pack; ++p) {
#pragma HLS PIPELINE II = 1
    pixel<typename CFG::input_t, CFG::in_pack> v = in.read();
    for (unsigned c = 0; c < CFG::in_pack; ++c)
      buffer[p * CFG::in_pack + c] = v[c];
  }
Write:
  for (unsigned p = 0; p < CFG::n_elem / CFG::out_pack; ++p) {
#pragma HLS PIPELINE II = 1
    pixel<typename CFG::input_t, CFG::out_pack> v;
    for (unsigned c = 0; c < CFG::out_pack; ++c)
      v[c] = buffer[index[p * CFG::out_pack + c]];
    out.write(v);
  }
}

/// io_stream only: regroup a stream of in_pack-wide pixels into
/// out_pack-wide ones (a reshape that changes the pixel width).
template <class CFG>
void repack_stream(
    hls::stream<pixel<typename CFG::input_t, CFG::in_pack> > &in,
    hls::stream<pixel<typename CFG::input_t, CFG::out_pack> > &out) {
#pragma HLS INLINE off
  typename CFG::input_t buffer[CFG::n_elem];
  for (unsigned p = 0; p < CFG::n_elem / CFG::in_pack; ++p) {
#pragma HLS PIPELINE II = 1
    pixel<typename CFG::input_t, CFG::in_pack> v = in.read();
    for (unsigned c = 0; c < CFG::in_pack; ++c)
      buffer[p * CFG::in_pack + c] = v[c];
  }
  for (unsigned p = 0; p < CFG::n_elem / CFG::out_pack; ++p) {
#pragma HLS PIPELINE II = 1
    pixel<typename CFG::input_t, CFG::out_pack> v;
    for (unsigned c = 0; c < CFG::out_pack; ++c)
      v[c] = buffer[p * CFG::out_pack + c];
    out.write(v);
  }
}

/// A buffer read by two stages (a residual network's shortcut): two
/// copies, so that every array or stream has one producer and one consumer
/// (DATAFLOW; hls4ml's clone layer).
template <class CFG>
void clone(const typename CFG::input_t in[CFG::n_elem],
           typename CFG::input_t out1[CFG::n_elem],
           typename CFG::input_t out2[CFG::n_elem]) {
#pragma HLS INLINE off
Elements:
  for (unsigned i = 0; i < CFG::n_elem; ++i) {
#pragma HLS UNROLL
    out1[i] = in[i];
    out2[i] = in[i];
  }
}

template <class CFG>
void clone_stream(
    hls::stream<pixel<typename CFG::input_t, CFG::in_pack> > &in,
    hls::stream<pixel<typename CFG::input_t, CFG::in_pack> > &out1,
    hls::stream<pixel<typename CFG::input_t, CFG::in_pack> > &out2) {
#pragma HLS INLINE off
Pixels:
  for (unsigned p = 0; p < CFG::n_elem / CFG::in_pack; ++p) {
#pragma HLS PIPELINE II = 1
    pixel<typename CFG::input_t, CFG::in_pack> v = in.read();
    out1.write(v);
    out2.write(v);
  }
}

} // namespace qhls

#endif // QHLS_GATHER_H

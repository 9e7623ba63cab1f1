//===- ap_fixed.h - C-simulation model of ap_fixed / ap_ufixed --*- C++ -*-===//
//
// Part of qopt (issue #13, the FPGA/HLS target).
//
// A clean-room, header-only implementation of the Vitis HLS fixed-point types
// ap_fixed<W, I, Q, O, N> (signed) and ap_ufixed<W, I, Q, O, N> (unsigned),
// written from the documented semantics (UG1399) for C-simulating generated
// HLS projects with a stock compiler. Generated code says
// `#include "ap_fixed.h"`, so Vitis uses its own header.
//
// Model: W total bits, I of them above the binary point (I may be negative or
// larger than W); the value is a W-bit integer V (ap_int_base<W, S>) times
// 2^(I-W). Converting any value into the type (construction or assignment,
// from double/float, native integers, ap_[u]int or another ap_[u]fixed) is
// exact up to two steps, in this order:
//   1. quantization Q, on the bits below the LSB 2^(I-W);
//   2. overflow O, on the bits above the MSB.
// Arithmetic between fixed types (+ - * /) returns a full-precision type
// (AP_TRN, AP_WRAP) that loses nothing; only the assignment to the target
// quantizes and overflows. See docs/Backends/HLS.md.
//
//===----------------------------------------------------------------------===//

#ifndef QOPT_HLS_AP_FIXED_H
#define QOPT_HLS_AP_FIXED_H

#include "ap_int.h"

/// Quantization modes: what happens to the bits below the LSB.
enum ap_q_mode {
  AP_RND,         ///< to nearest, ties toward +inf
  AP_RND_ZERO,    ///< to nearest, ties toward zero
  AP_RND_MIN_INF, ///< to nearest, ties toward -inf
  AP_RND_INF,     ///< to nearest, ties away from zero
  AP_RND_CONV,    ///< to nearest, ties to even
  AP_TRN,         ///< toward -inf (drop the bits; the default)
  AP_TRN_ZERO     ///< toward zero
};

/// Overflow modes: what happens when the value does not fit.
enum ap_o_mode {
  AP_SAT,      ///< clamp to [min, max]
  AP_SAT_ZERO, ///< 0 on overflow
  AP_SAT_SYM,  ///< clamp to [-max, max] (ap_fixed), [0, max] (ap_ufixed)
  AP_WRAP,     ///< modulo 2^W (the default)
  AP_WRAP_SM   ///< sign-magnitude wrap: not implemented (static_assert)
};

template <int W, int I, bool S, ap_q_mode Q, ap_o_mode O, int N>
struct ap_fixed_base;
template <int W, int I, ap_q_mode Q = AP_TRN, ap_o_mode O = AP_WRAP, int N = 0>
struct ap_fixed;
template <int W, int I, ap_q_mode Q = AP_TRN, ap_o_mode O = AP_WRAP, int N = 0>
struct ap_ufixed;

namespace qopt_ap_detail {

template <int W, int I, bool S> struct select_fixed {
  using type = ap_fixed<W, I>;
};
template <int W, int I> struct select_fixed<W, I, false> {
  using type = ap_ufixed<W, I>;
};
/// The full-precision result type: ap_fixed<W, I> or ap_ufixed<W, I>.
template <int W, int I, bool S>
using fixed_t = typename select_fixed<W, I, S>::type;

template <int W, bool S> inline ap_int_base<W, S> min_raw() {
  ap_int_base<W, S> r;
  if constexpr (S)
    r.set_bit(W - 1, true);
  return r;
}
template <int W, bool S> inline ap_int_base<W, S> max_raw() {
  ap_int_base<W, S> r = min_raw<W, S>();
  r.invert_assign();
  return r;
}

/// Step 2: `t` is the exact value in units of the target LSB; returns the
/// target's W raw bits under overflow mode O.
template <int W, bool S, ap_o_mode O, int WT>
inline ap_int_base<W, S> fx_overflow(const ap_int_base<WT, true> &t) {
  ap_int_base<W, S> r(t); // modulo 2^W
  if constexpr (O == AP_WRAP) {
    return r;
  } else {
    bool fits = cmp(r, t) == 0;
    if constexpr (O == AP_SAT_SYM && S) {
      // The symmetric range is [-max, max]: the most negative code is out.
      if (fits && cmp(r, min_raw<W, S>()) == 0)
        fits = false;
    }
    if (fits)
      return r;
    bool neg = t.is_neg();
    if constexpr (O == AP_SAT) {
      return neg ? min_raw<W, S>() : max_raw<W, S>();
    } else if constexpr (O == AP_SAT_ZERO) {
      return ap_int_base<W, S>();
    } else { // AP_SAT_SYM
      if (!neg)
        return max_raw<W, S>();
      ap_int_base<W, S> m = min_raw<W, S>();
      if constexpr (S)
        m.inc(); // -max
      return m;
    }
  }
}

/// The value x * 2^shift, in units of the target LSB, quantized (Q) and
/// overflowed (O) into the target's W raw bits. x is exact and signed.
template <int W, bool S, ap_q_mode Q, ap_o_mode O, int WX>
inline ap_int_base<W, S> fx_scale(const ap_int_base<WX, true> &x, int shift) {
  if (shift >= 0) {
    // A shift past W + 1 changes neither the low W bits (all zero) nor
    // whether a nonzero value overflows, nor its sign.
    int sh = shift > W + 1 ? W + 1 : shift;
    ap_int_base<WX + W + 2, true> t(x);
    t.shl_assign(static_cast<u64>(sh));
    return fx_overflow<W, S, O>(t);
  }
  // Dropping d bits. Past WX + 1 the quotient (0 or -1) and whether the
  // dropped part is below, at or above half an LSB no longer change.
  int d = -shift;
  if (d > WX + 1)
    d = WX + 1;
  ap_int_base<WX + 1, true> q(x);
  q.shr_assign(static_cast<u64>(d)); // floor
  bool inc = false;
  if constexpr (Q != AP_TRN) {
    bool half = x.get_bit(d - 1);      // the bit just below the new LSB
    bool rest = x.any_low_bits(d - 1); // anything below that
    bool neg = x.is_neg();
    if constexpr (Q == AP_TRN_ZERO)
      inc = neg && (half || rest);
    else if constexpr (Q == AP_RND)
      inc = half;
    else if constexpr (Q == AP_RND_ZERO)
      inc = half && (rest || neg);
    else if constexpr (Q == AP_RND_MIN_INF)
      inc = half && rest;
    else if constexpr (Q == AP_RND_INF)
      inc = half && (rest || !neg);
    else if constexpr (Q == AP_RND_CONV)
      inc = half && (rest || x.get_bit(d));
  }
  if (inc)
    q.inc(); // cannot wrap: q has a spare bit
  return fx_overflow<W, S, O>(q);
}

/// v widened to RW bits and shifted left by sh (exact when RW is enough).
template <int RW, bool RS, int W, bool S>
inline ap_int_base<RW, RS> fx_align(const ap_int_base<W, S> &v, int sh) {
  ap_int_base<RW, RS> r(v);
  r.shl_assign(static_cast<u64>(sh));
  return r;
}

/// Operand view for mixed arithmetic: ap_[u]fixed, ap_[u]int (I == W) and
/// native integers (an ap_[u]int of their own width).
template <typename T, typename = void> struct fx_info {
  static constexpr bool ok = false;
};
template <typename T>
struct fx_info<T, typename std::enable_if<is_fixed<T>::value>::type> {
  static constexpr bool ok = true;
  static constexpr int W = T::width, I = T::iwidth;
  static constexpr bool S = T::sign_flag;
  static const ap_int_base<W, S> &raw(const T &t) { return t.V; }
};
template <typename T>
struct fx_info<T, typename std::enable_if<is_ap_int<T>::value>::type> {
  static constexpr bool ok = true;
  static constexpr int W = T::width, I = T::width;
  static constexpr bool S = T::sign_flag;
  static const ap_int_base<W, S> &raw(const T &t) { return t; }
};
template <typename T>
struct fx_info<T, typename std::enable_if<is_native_int<T>::value>::type> {
  static constexpr bool ok = true;
  static constexpr int W = native_ap<T>::width, I = W;
  static constexpr bool S = native_ap<T>::sign;
  static ap_int_base<W, S> raw(const T &t) { return ap_int_base<W, S>(t); }
};

/// At least one ap_[u]fixed, the other an ap_[u]fixed, ap_[u]int or integer.
template <typename A, typename B>
struct fx_binop
    : std::integral_constant<bool, (is_fixed<A>::value && fx_info<B>::ok) ||
                                       (fx_info<A>::ok && is_fixed<B>::value)> {
};

template <typename A, typename B> inline int fx_cmp(const A &a, const B &b) {
  using IA = fx_info<A>;
  using IB = fx_info<B>;
  constexpr int FA = IA::W - IA::I, FB = IB::W - IB::I;
  constexpr int RF = imax(FA, FB);
  constexpr int WC = imax(IA::I, IB::I) + 1 + RF + 1;
  return cmp(fx_align<WC, true>(IA::raw(a), RF - FA),
             fx_align<WC, true>(IB::raw(b), RF - FB));
}

} // namespace qopt_ap_detail

//===----------------------------------------------------------------------===//
// ap_fixed_base<W, I, S, Q, O, N>
//===----------------------------------------------------------------------===//

template <int W, int I, bool S, ap_q_mode Q, ap_o_mode O, int N>
struct ap_fixed_base {
  static_assert(W >= 1, "ap_fixed width must be at least 1");
  static_assert(O != AP_WRAP_SM,
                "AP_WRAP_SM is not implemented by the qopt C-simulation "
                "ap_fixed.h");
  static_assert(N == 0, "saturation bits (N > 0) are not implemented by the "
                        "qopt C-simulation ap_fixed.h");

  static constexpr bool qopt_ap_fixed_tag = true;
  static constexpr int width = W;
  static constexpr int iwidth = I;
  static constexpr int fwidth = W - I; ///< fractional bits (may be < 0)
  static constexpr bool sign_flag = S;
  static constexpr ap_q_mode qmode = Q;
  static constexpr ap_o_mode omode = O;
  using raw_type = ap_int_base<W, S>;

  /// The raw bits: the value is V * 2^(I - W).
  raw_type V;

  ap_fixed_base() : V() {}

  template <int W2, int I2, bool S2, ap_q_mode Q2, ap_o_mode O2, int N2>
  ap_fixed_base(const ap_fixed_base<W2, I2, S2, Q2, O2, N2> &o)
      : V(from_raw(o.V, (W - I) - (W2 - I2))) {}

  template <int W2, bool S2>
  ap_fixed_base(const ap_int_base<W2, S2> &v) : V(from_raw(v, W - I)) {}

  template <typename T,
            typename std::enable_if<qopt_ap_detail::is_native_int<T>::value,
                                    int>::type = 0>
  ap_fixed_base(T v)
      : ap_fixed_base(typename qopt_ap_detail::native_ap<T>::type(v)) {}

  /// From a floating value: exact (a double is an integer times a power of
  /// two), then Q and O. NaN gives 0; an infinity overflows.
  template <typename T, typename std::enable_if<
                            std::is_floating_point<T>::value, int>::type = 0>
  ap_fixed_base(T v) : V(from_double(static_cast<double>(v))) {}

  template <typename R,
            typename std::enable_if<qopt_ap_detail::is_ref_like<R>::value,
                                    int>::type = 0>
  ap_fixed_base(const R &r) : ap_fixed_base(r.get()) {}

  template <int W2, bool S2>
  ap_fixed_base(const ap_bit_ref<W2, S2> &b)
      : ap_fixed_base(ap_uint<1>(b.to_bool())) {}

  /// Raw bits v of LSB weight 2^(-fbits(v)) with `shift` = our fractional
  /// bits minus theirs.
  template <int W2, bool S2>
  static raw_type from_raw(const ap_int_base<W2, S2> &v, int shift) {
    return qopt_ap_detail::fx_scale<W, S, Q, O, W2 + 1>(
        ap_int_base<W2 + 1, true>(v), shift);
  }
  static raw_type from_double(double d) {
    if (std::isnan(d) || d == 0.0)
      return raw_type();
    if (std::isinf(d)) // +-1 shifted past every bit: overflows with its sign
      return qopt_ap_detail::fx_scale<W, S, Q, O, 2>(
          ap_int_base<2, true>(d < 0 ? -1 : 1), W + 2);
    int e = 0;
    double m = std::frexp(d, &e); // d = m * 2^e, 0.5 <= |m| < 1
    long long M = static_cast<long long>(std::ldexp(m, 53)); // exact
    return qopt_ap_detail::fx_scale<W, S, Q, O, 64>(ap_int_base<64, true>(M),
                                                    (W - I) + e - 53);
  }

  //===-- Conversions.
  //-----------------------------------------------------===//

  /// Exact when the raw value has at most 53 significant bits, else
  /// correctly rounded.
  double to_double() const { return std::ldexp(V.to_double(), -(W - I)); }
  float to_float() const { return static_cast<float>(to_double()); }
  operator double() const { return to_double(); }

  /// The integer part, truncated toward zero (as a C cast of the value).
  qopt_ap_detail::int_t<qopt_ap_detail::imax(I, 1), S> to_ap_int_base() const {
    using R = qopt_ap_detail::int_t<qopt_ap_detail::imax(I, 1), S>;
    constexpr int F = W - I;
    if constexpr (F <= 0) {
      R r(V);
      r.shl_assign(static_cast<qopt_ap_detail::u64>(-F));
      return r;
    } else {
      raw_type q(V);
      q.shr_assign(static_cast<qopt_ap_detail::u64>(F)); // floor
      if (V.is_neg() && V.any_low_bits(F))
        q.inc(); // toward zero
      return R(q);
    }
  }
  int to_int() const { return to_ap_int_base().to_int(); }
  unsigned to_uint() const { return to_ap_int_base().to_uint(); }
  long to_long() const { return to_ap_int_base().to_long(); }
  unsigned long to_ulong() const { return to_ap_int_base().to_ulong(); }
  long long to_int64() const { return to_ap_int_base().to_int64(); }
  unsigned long long to_uint64() const { return to_ap_int_base().to_uint64(); }
  bool to_bool() const { return !V.iszero(); }

  static constexpr int length() { return W; }
  bool is_neg() const { return V.is_neg(); }

  //===-- Raw bit access.
  //--------------------------------------------------===//

  ap_bit_ref<W, S> operator[](int i) { return V[i]; }
  bool operator[](int i) const { return V.get_bit(i); }
  bool get_bit(int i) const { return V.get_bit(i); }
  void set_bit(int i, bool v) { V.set_bit(i, v); }
  /// Raw bits hi..lo, as an ap_uint<W>; assignable.
  ap_range_ref<W, S> range(int hi, int lo) { return V.range(hi, lo); }
  ap_uint<W> range(int hi, int lo) const { return V.range(hi, lo); }
  ap_range_ref<W, S> range() { return V.range(); }
  ap_uint<W> range() const { return V.range(); }
  ap_range_ref<W, S> operator()(int hi, int lo) { return V.range(hi, lo); }
  ap_uint<W> operator()(int hi, int lo) const { return V.range(hi, lo); }
  bool and_reduce() const { return V.and_reduce(); }
  bool or_reduce() const { return V.or_reduce(); }
  bool xor_reduce() const { return V.xor_reduce(); }
};

template <int W, int I, ap_q_mode Q, ap_o_mode O, int N>
struct ap_fixed : ap_fixed_base<W, I, true, Q, O, N> {
  using Base = ap_fixed_base<W, I, true, Q, O, N>;
  using Base::Base;
  ap_fixed() = default;
  ap_fixed(const Base &b) : Base(b) {}
};

template <int W, int I, ap_q_mode Q, ap_o_mode O, int N>
struct ap_ufixed : ap_fixed_base<W, I, false, Q, O, N> {
  using Base = ap_fixed_base<W, I, false, Q, O, N>;
  using Base::Base;
  ap_ufixed() = default;
  ap_ufixed(const Base &b) : Base(b) {}
};

//===----------------------------------------------------------------------===//
// Operators. The result types follow UG1399: for + and - the integer bits are
// one more than the wider operand's (one more again when an unsigned operand
// meets a signed one) and the fractional bits the larger of the two; for *
// I1 + I2 integer bits and W1 + W2 bits; a difference is always signed.
//===----------------------------------------------------------------------===//

#define QOPT_FX_ENABLE(A, B)                                                   \
  typename std::enable_if<qopt_ap_detail::fx_binop<A, B>::value, int>::type = 0
#define QOPT_FX_IS_FIXED(A)                                                    \
  typename std::enable_if<qopt_ap_detail::is_fixed<A>::value, int>::type = 0

template <typename A, typename B, QOPT_FX_ENABLE(A, B)>
inline auto operator+(const A &a, const B &b) {
  using IA = qopt_ap_detail::fx_info<A>;
  using IB = qopt_ap_detail::fx_info<B>;
  constexpr int FA = IA::W - IA::I, FB = IB::W - IB::I;
  constexpr int RF = qopt_ap_detail::imax(FA, FB);
  constexpr int RI = qopt_ap_detail::imax(IA::I + ((IB::S && !IA::S) ? 1 : 0),
                                          IB::I + ((IA::S && !IB::S) ? 1 : 0)) +
                     1;
  constexpr bool RS = IA::S || IB::S;
  qopt_ap_detail::fixed_t<RI + RF, RI, RS> r;
  r.V = qopt_ap_detail::fx_align<RI + RF, RS>(IA::raw(a), RF - FA) +
        qopt_ap_detail::fx_align<RI + RF, RS>(IB::raw(b), RF - FB);
  return r;
}

template <typename A, typename B, QOPT_FX_ENABLE(A, B)>
inline auto operator-(const A &a, const B &b) {
  using IA = qopt_ap_detail::fx_info<A>;
  using IB = qopt_ap_detail::fx_info<B>;
  constexpr int FA = IA::W - IA::I, FB = IB::W - IB::I;
  constexpr int RF = qopt_ap_detail::imax(FA, FB);
  constexpr int RI = qopt_ap_detail::imax(IA::I + ((IB::S && !IA::S) ? 1 : 0),
                                          IB::I + ((IA::S && !IB::S) ? 1 : 0)) +
                     1;
  qopt_ap_detail::fixed_t<RI + RF, RI, true> r;
  r.V = qopt_ap_detail::fx_align<RI + RF, true>(IA::raw(a), RF - FA) -
        qopt_ap_detail::fx_align<RI + RF, true>(IB::raw(b), RF - FB);
  return r;
}

template <typename A, typename B, QOPT_FX_ENABLE(A, B)>
inline auto operator*(const A &a, const B &b) {
  using IA = qopt_ap_detail::fx_info<A>;
  using IB = qopt_ap_detail::fx_info<B>;
  qopt_ap_detail::fixed_t<IA::W + IB::W, IA::I + IB::I, IA::S || IB::S> r;
  r.V = IA::raw(a) * IB::raw(b);
  return r;
}

/// Division: the quotient keeps the dividend's fractional bits (and gains
/// -F2 of them when the divisor has negative fractional bits F2), truncated
/// toward zero; I1 + F2 (+1 for a signed divisor) integer bits. A zero
/// divisor gives 0.
template <typename A, typename B, QOPT_FX_ENABLE(A, B)>
inline auto operator/(const A &a, const B &b) {
  using IA = qopt_ap_detail::fx_info<A>;
  using IB = qopt_ap_detail::fx_info<B>;
  constexpr int FB = IB::W - IB::I;
  constexpr int SH = qopt_ap_detail::imax(FB, 0);
  constexpr int SB = IB::S ? 1 : 0;
  ap_int_base<IA::W + SH, IA::S> n(IA::raw(a));
  n.shl_assign(static_cast<qopt_ap_detail::u64>(SH));
  qopt_ap_detail::fixed_t<IA::W + SH + SB, IA::I + FB + SB, IA::S || IB::S> r;
  r.V = n / IB::raw(b);
  return r;
}

#define QOPT_FX_COMPARE(OP)                                                    \
  template <typename A, typename B, QOPT_FX_ENABLE(A, B)>                      \
  inline bool operator OP(const A &a, const B &b) {                            \
    return qopt_ap_detail::fx_cmp(a, b) OP 0;                                  \
  }                                                                            \
  template <typename A, typename T, QOPT_FX_IS_FIXED(A),                       \
            typename std::enable_if<std::is_floating_point<T>::value,          \
                                    int>::type = 0>                            \
  inline bool operator OP(const A &a, T b) {                                   \
    return a.to_double() OP static_cast<double>(b);                            \
  }                                                                            \
  template <typename T, typename A, QOPT_FX_IS_FIXED(A),                       \
            typename std::enable_if<std::is_floating_point<T>::value,          \
                                    int>::type = 0>                            \
  inline bool operator OP(T a, const A &b) {                                   \
    return static_cast<double>(a) OP b.to_double();                            \
  }
QOPT_FX_COMPARE(==)
QOPT_FX_COMPARE(!=)
QOPT_FX_COMPARE(<)
QOPT_FX_COMPARE(<=)
QOPT_FX_COMPARE(>)
QOPT_FX_COMPARE(>=)

// With a floating operand: computed in floating point.
#define QOPT_FX_FLOAT(OP)                                                      \
  template <typename A, typename T, QOPT_FX_IS_FIXED(A),                       \
            typename std::enable_if<std::is_floating_point<T>::value,          \
                                    int>::type = 0>                            \
  inline T operator OP(const A &a, T b) {                                      \
    return static_cast<T>(a.to_double()) OP b;                                 \
  }                                                                            \
  template <typename T, typename A, QOPT_FX_IS_FIXED(A),                       \
            typename std::enable_if<std::is_floating_point<T>::value,          \
                                    int>::type = 0>                            \
  inline T operator OP(T a, const A &b) {                                      \
    return a OP static_cast<T>(b.to_double());                                 \
  }
QOPT_FX_FLOAT(+)
QOPT_FX_FLOAT(-)
QOPT_FX_FLOAT(*)
QOPT_FX_FLOAT(/)

// Unary: negation is exact (one more integer bit, signed).
template <typename A, QOPT_FX_IS_FIXED(A)> inline auto operator-(const A &a) {
  qopt_ap_detail::fixed_t<A::width + 1, A::iwidth + 1, true> r;
  r.V = -a.V;
  return r;
}
template <typename A, QOPT_FX_IS_FIXED(A)> inline A operator+(const A &a) {
  return a;
}
template <typename A, QOPT_FX_IS_FIXED(A)> inline A operator~(const A &a) {
  A r(a);
  r.V.invert_assign();
  return r;
}
template <typename A, QOPT_FX_IS_FIXED(A)> inline bool operator!(const A &a) {
  return a.V.iszero();
}

// Bitwise operators on the raw bits, between two values of the same type.
#define QOPT_FX_BITWISE(OP)                                                    \
  template <typename A, QOPT_FX_IS_FIXED(A)>                                   \
  inline A operator OP(const A &a, const A &b) {                               \
    A r;                                                                       \
    r.V = a.V OP b.V;                                                          \
    return r;                                                                  \
  }
QOPT_FX_BITWISE(&)
QOPT_FX_BITWISE(|)
QOPT_FX_BITWISE(^)

// Shifts move the raw bits and keep the type (no quantization or overflow
// handling: bits shifted out are lost). A negative amount shifts the other
// way.
template <typename A, typename T, QOPT_FX_IS_FIXED(A),
          typename std::enable_if<qopt_ap_detail::is_native_int<T>::value ||
                                      qopt_ap_detail::is_ap_int<T>::value,
                                  int>::type = 0>
inline A operator<<(const A &a, const T &n) {
  A r(a);
  r.V = a.V << n;
  return r;
}
template <typename A, typename T, QOPT_FX_IS_FIXED(A),
          typename std::enable_if<qopt_ap_detail::is_native_int<T>::value ||
                                      qopt_ap_detail::is_ap_int<T>::value,
                                  int>::type = 0>
inline A operator>>(const A &a, const T &n) {
  A r(a);
  r.V = a.V >> n;
  return r;
}

// Compound assignments: the full-precision result is quantized and
// overflowed into the left operand's type.
#define QOPT_FX_COMPOUND(OPEQ, OP)                                             \
  template <typename A, typename T, QOPT_FX_IS_FIXED(A)>                       \
  inline A &operator OPEQ(A &a, const T &t) {                                  \
    a = A(a OP t);                                                             \
    return a;                                                                  \
  }
QOPT_FX_COMPOUND(+=, +)
QOPT_FX_COMPOUND(-=, -)
QOPT_FX_COMPOUND(*=, *)
QOPT_FX_COMPOUND(/=, /)
QOPT_FX_COMPOUND(&=, &)
QOPT_FX_COMPOUND(|=, |)
QOPT_FX_COMPOUND(^=, ^)
QOPT_FX_COMPOUND(<<=, <<)
QOPT_FX_COMPOUND(>>=, >>)

template <typename A, QOPT_FX_IS_FIXED(A)> inline A &operator++(A &a) {
  a = A(a + 1);
  return a;
}
template <typename A, QOPT_FX_IS_FIXED(A)> inline A &operator--(A &a) {
  a = A(a - 1);
  return a;
}
template <typename A, QOPT_FX_IS_FIXED(A)> inline A operator++(A &a, int) {
  A old(a);
  a = A(a + 1);
  return old;
}
template <typename A, QOPT_FX_IS_FIXED(A)> inline A operator--(A &a, int) {
  A old(a);
  a = A(a - 1);
  return old;
}

/// Prints to_double().
template <typename A, QOPT_FX_IS_FIXED(A)>
inline std::ostream &operator<<(std::ostream &os, const A &a) {
  return os << a.to_double();
}

#undef QOPT_FX_COMPOUND
#undef QOPT_FX_BITWISE
#undef QOPT_FX_FLOAT
#undef QOPT_FX_COMPARE
#undef QOPT_FX_IS_FIXED
#undef QOPT_FX_ENABLE

#endif // QOPT_HLS_AP_FIXED_H

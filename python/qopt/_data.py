"""Data given to qopt from Python: numpy arrays, .npy/.npz paths, qopt
dataset specs (e.g. "fashion-mnist:FILE") or iterables of batches, turned
into a dataset spec the passes read (arrays are written to a temporary
.npy file; the passes read files, as on the command line)."""

import os

import numpy as np


def dataset_spec(data, workdir, name="data"):
    """A qopt dataset spec for `data`; arrays are saved under `workdir`."""
    if isinstance(data, (str, os.PathLike)):
        spec = os.fspath(data)
        path = spec.split(":", 1)[1] if ":" in spec and not os.path.exists(spec) else spec
        if not os.path.exists(path):
            raise FileNotFoundError(f"qopt: no such data file '{path}'")
        return spec
    if isinstance(data, np.ndarray):
        array = data
    elif isinstance(data, dict):
        path = os.path.join(workdir, name + ".npz")
        np.savez(path, **{k: np.asarray(v) for k, v in data.items()})
        return path
    else:
        try:
            batches = [np.asarray(b) for b in data]
        except TypeError:
            raise TypeError(
                "qopt: data must be a numpy array, a .npy/.npz path, a "
                f"dataset spec or an iterable of batches, not {type(data).__name__}"
            ) from None
        if not batches:
            raise ValueError("qopt: the data iterable is empty")
        array = np.concatenate(batches, axis=0)
    path = os.path.join(workdir, name + ".npy")
    np.save(path, np.ascontiguousarray(array, dtype=np.float32))
    return path


def load_labelled(data, labels=None):
    """(samples, labels) arrays from an .npz path with 'x'/'y' (or the
    first two arrays), a (x, y) tuple, or arrays."""
    if isinstance(data, (str, os.PathLike)) and not os.fspath(data).endswith(".npz"):
        from . import _qopt
        x, y = _qopt.load_dataset(os.fspath(data))
    elif isinstance(data, (str, os.PathLike)):
        # As qopt's dataset loader reads .npz files: "labels" or "y" are
        # the labels, the other array the samples.
        with np.load(os.fspath(data)) as z:
            label_key = next((k for k in ("labels", "y") if k in z), None)
            sample_keys = [k for k in z.keys() if k != label_key]
            if len(sample_keys) != 1:
                raise ValueError(f"qopt: {os.fspath(data)} needs one sample "
                                 f"array and 'labels' (or 'y'), has {list(z.keys())}")
            x = np.array(z[sample_keys[0]])
            y = None if label_key is None else np.array(z[label_key])
    elif isinstance(data, tuple) and len(data) == 2 and labels is None:
        x, y = np.asarray(data[0]), np.asarray(data[1])
    else:
        x, y = np.asarray(data), None
    if labels is not None:
        y = np.asarray(labels)
    if y is None:
        raise ValueError("qopt: evaluate needs labels")
    return x, y

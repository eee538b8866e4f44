"""``cornu.applications.imagenet_utils`` side by side with the real Keras 3.15.1 (no network)."""

import hashlib
import importlib
import json
import warnings

import numpy as np
import pytest

import cornu
from cornu.applications import imagenet_utils
from tests.helpers.loopback_server import LoopbackServer

MODES = ["caffe", "tf", "torch"]
FORMATS = ["channels_last", "channels_first"]


@pytest.fixture
def keras_utils(keras_ref):
    return importlib.import_module(keras_ref.__name__ + ".src.applications.imagenet_utils")


def _images(shape, dtype="float32", seed=0):
    return np.random.default_rng(seed).uniform(0, 255, shape).astype(dtype)


def _shape(ndim, data_format):
    spatial = (2, 5, 4) if ndim == 4 else (5, 4)
    if data_format == "channels_first":
        return spatial[:-2] + (3,) + spatial[-2:]
    return spatial + (3,)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("data_format", FORMATS)
@pytest.mark.parametrize("ndim", [3, 4])
def test_numpy_input_matches_keras_including_in_place_update(keras_utils, mode, data_format, ndim):
    images = _images(_shape(ndim, data_format))
    ours_in, theirs_in = images.copy(), images.copy()
    ours = imagenet_utils.preprocess_input(ours_in, data_format=data_format, mode=mode)
    theirs = keras_utils.preprocess_input(theirs_in, data_format=data_format, mode=mode)
    assert isinstance(ours, np.ndarray) and ours.dtype == theirs.dtype == np.float32
    np.testing.assert_allclose(ours, theirs, rtol=1e-6, atol=1e-5)
    # A float array is changed in place, as Keras documents.
    np.testing.assert_allclose(ours_in, theirs_in, rtol=1e-6, atol=1e-5)
    assert not np.allclose(ours_in, images)


@pytest.mark.parametrize("dtype", ["uint8", "int32", "float64", "float16"])
@pytest.mark.parametrize("mode", MODES)
def test_numpy_dtypes_match_keras(keras_utils, dtype, mode):
    images = _images((2, 4, 4, 3), dtype)
    ours = imagenet_utils.preprocess_input(images.copy(), mode=mode)
    theirs = keras_utils.preprocess_input(images.copy(), mode=mode)
    assert ours.dtype == theirs.dtype
    np.testing.assert_allclose(ours, theirs, rtol=1e-3 if dtype == "float16" else 1e-6, atol=1e-5)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("data_format", FORMATS)
@pytest.mark.parametrize("ndim", [3, 4])
def test_tensor_input_matches_keras(keras_ref, keras_utils, mode, data_format, ndim):
    images = _images(_shape(ndim, data_format))
    ours = imagenet_utils.preprocess_input(cornu.ops.convert_to_tensor(images.copy()), data_format=data_format,
                                           mode=mode)
    theirs = keras_utils.preprocess_input(keras_ref.ops.convert_to_tensor(images.copy()), data_format=data_format,
                                          mode=mode)
    assert cornu.backend.is_tensor(ours)
    assert cornu.backend.standardize_dtype(ours.dtype) == "float32"
    np.testing.assert_allclose(cornu.ops.convert_to_numpy(ours), np.asarray(theirs), rtol=1e-6, atol=1e-5)


@pytest.mark.parametrize("dtype", ["int32", "float16"])
@pytest.mark.parametrize("mode", MODES)
def test_tensor_dtypes_match_keras(keras_ref, keras_utils, dtype, mode):
    images = _images((2, 4, 4, 3), dtype)
    tensor = cornu.ops.convert_to_tensor(images.copy())
    ours = imagenet_utils.preprocess_input(tensor, mode=mode)
    if isinstance(tensor, np.ndarray):  # the numpy backend's tensors take Keras's NumPy path
        theirs = keras_utils.preprocess_input(images.copy(), mode=mode)
    else:
        theirs = keras_utils.preprocess_input(keras_ref.ops.convert_to_tensor(images), mode=mode)
    assert cornu.backend.standardize_dtype(ours.dtype) == keras_ref.backend.standardize_dtype(theirs.dtype)
    # float16: the backends round intermediate steps differently (a couple of float16 ulps)
    np.testing.assert_allclose(cornu.ops.convert_to_numpy(ours).astype("float32"),
                               np.asarray(theirs).astype("float32"), rtol=5e-3, atol=1e-2)


def test_symbolic_input_in_a_model(keras_utils):
    images = cornu.Input((4, 4, 3), dtype="uint8")
    outputs = imagenet_utils.preprocess_input(cornu.ops.cast(images, "float32"), mode="torch")
    model = cornu.Model(images, outputs)
    batch = _images((2, 4, 4, 3), "uint8")
    expected = keras_utils.preprocess_input(batch.astype("float32"), mode="torch")
    np.testing.assert_allclose(np.asarray(model.predict(batch, verbose=0)), expected, rtol=1e-6, atol=1e-5)


def test_default_data_format_follows_the_config(keras_utils):
    images = _images((2, 3, 4, 4))
    previous = cornu.config.image_data_format()
    cornu.config.set_image_data_format("channels_first")
    try:
        ours = imagenet_utils.preprocess_input(images.copy())
    finally:
        cornu.config.set_image_data_format(previous)
    np.testing.assert_allclose(ours, keras_utils.preprocess_input(images.copy(), data_format="channels_first"),
                               rtol=1e-6)


@pytest.mark.parametrize("kwargs", [{"mode": "bgr"}, {"data_format": "channels_middle"}])
def test_bad_arguments_raise_keras_errors(keras_utils, kwargs):
    images = _images((1, 2, 2, 3))
    with pytest.raises(ValueError) as theirs:
        keras_utils.preprocess_input(images.copy(), **kwargs)
    with pytest.raises(ValueError) as ours:
        imagenet_utils.preprocess_input(images.copy(), **kwargs)
    assert str(ours.value) == str(theirs.value)


# decode_predictions: a synthetic class index stands in for Keras's download.

def _synthetic_index():
    return {str(i): [f"n{i:08d}", f"class_{i}"] for i in range(1000)}


@pytest.fixture
def class_index_server(monkeypatch, tmp_path):
    """Serves a synthetic class index where Keras's URL would be; cornu's cache is in tmp_path."""
    body = json.dumps(_synthetic_index()).encode()
    monkeypatch.setenv("CORNU_HOME", str(tmp_path / "cornu_home"))
    monkeypatch.setattr(imagenet_utils, "CLASS_INDEX", None)
    monkeypatch.setattr(imagenet_utils, "_CLASS_INDEX_HASH", hashlib.md5(body).hexdigest())
    with LoopbackServer({"/imagenet_class_index.json": body}) as server:
        monkeypatch.setattr(imagenet_utils, "CLASS_INDEX_PATH", server.url("imagenet_class_index.json"))
        yield server


def test_decode_predictions_matches_keras(keras_utils, monkeypatch, class_index_server, tmp_path):
    monkeypatch.setattr(keras_utils, "CLASS_INDEX", _synthetic_index())
    preds = np.random.default_rng(0).random((3, 1000)).astype("float32")
    ours = imagenet_utils.decode_predictions(cornu.ops.convert_to_tensor(preds), top=4)
    theirs = keras_utils.decode_predictions(preds, top=4)
    assert ours == theirs
    assert [entry[0] for entry in ours[0]] == [f"n{i:08d}" for i in np.argsort(preds[0])[::-1][:4]]
    assert (tmp_path / "cornu_home" / "models" / "imagenet_class_index.json").is_file()
    # The index is read once: later calls make no request and read no file.
    imagenet_utils.decode_predictions(preds)
    monkeypatch.setattr(imagenet_utils, "CLASS_INDEX", None)
    imagenet_utils.decode_predictions(preds)  # from the cache, not the server
    assert class_index_server.hits["/imagenet_class_index.json"] == 1


def test_decode_predictions_refuses_other_shapes(keras_utils):
    for shape in [(2, 10), (1000,)]:
        with pytest.raises(ValueError) as theirs:
            keras_utils.decode_predictions(np.zeros(shape))
        with pytest.raises(ValueError) as ours:
            imagenet_utils.decode_predictions(np.zeros(shape))
        assert str(ours.value) == str(theirs.value)


# obtain_input_shape, correct_pad, validate_activation

OBTAIN_INPUT_SHAPE_CASES = [
    (None, 224, 32, "channels_last", False, None),
    (None, 224, 32, "channels_last", True, None),
    (None, 224, 32, "channels_first", False, "imagenet"),
    (None, 224, 32, "channels_first", True, "imagenet"),
    ((224, 224, 3), 224, 32, "channels_last", True, "imagenet"),
    ((150, 150, 3), 224, 32, "channels_last", True, "imagenet"),
    ((150, 150, 3), 224, 32, "channels_last", False, "imagenet"),
    ((150, 150, 1), 224, 32, "channels_last", False, "imagenet"),
    ((150, 150, 1), 224, 32, "channels_last", False, None),
    ((150, 150, 5), 224, 32, "channels_last", False, None),
    ((5, 150, 150), 224, 32, "channels_first", False, None),
    ((16, 16, 3), 224, 32, "channels_last", False, None),
    ((3, 16, 40), 224, 32, "channels_first", False, None),
    ((None, None, 3), 224, 32, "channels_last", True, None),
    ((None, None, 3), 224, 32, "channels_last", False, None),
    ((None, 64, 3), 224, 32, "channels_last", False, "imagenet"),
    ((64, 64), 224, 32, "channels_last", False, None),
    ((64, 64, 3, 1), 224, 32, "channels_last", False, None),
    ((64, 64, 3), 224, 32, "channels_last", True, "path/to/weights.h5"),
]


def _outcome(function, *args):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            result = ("ok", function(*args))
        except ValueError as e:
            result = ("error", str(e))
    return result, [str(w.message) for w in caught]


@pytest.mark.parametrize("case", OBTAIN_INPUT_SHAPE_CASES, ids=str)
def test_obtain_input_shape_matches_keras(keras_utils, case):
    assert _outcome(imagenet_utils.obtain_input_shape, *case) == _outcome(keras_utils.obtain_input_shape, *case)


@pytest.mark.parametrize("shape", [(32, 32, 3), (33, 31, 3), (None, None, 3), (7, 8, 3)])
@pytest.mark.parametrize("kernel_size", [3, 5, (3, 5)])
def test_correct_pad_matches_keras(keras_ref, keras_utils, shape, kernel_size):
    ours = imagenet_utils.correct_pad(cornu.Input(shape), kernel_size)
    assert ours == keras_utils.correct_pad(keras_ref.Input(shape), kernel_size)


@pytest.mark.parametrize("activation, weights", [
    ("softmax", "imagenet"), (None, "imagenet"), ("linear", "imagenet"), ("relu", None),
    ("relu", "imagenet"), ("sigmoid", "weights.h5"),
])
def test_validate_activation_matches_keras(keras_utils, activation, weights):
    theirs, _ = _outcome(keras_utils.validate_activation, activation, weights)
    ours, _ = _outcome(imagenet_utils.validate_activation, activation, weights)
    assert ours[0] == theirs[0]
    if ours[0] == "error":
        prefix = theirs[1].split("classifier_activation=")[0]
        assert ours[1].startswith(prefix) and activation in ours[1]


def test_doc_constants_format_like_keras(keras_utils):
    names = ["PREPROCESS_INPUT_DOC", "PREPROCESS_INPUT_MODE_DOC", "PREPROCESS_INPUT_DEFAULT_ERROR_DOC",
             "PREPROCESS_INPUT_ERROR_DOC", "PREPROCESS_INPUT_RET_DOC_TF", "PREPROCESS_INPUT_RET_DOC_TORCH",
             "PREPROCESS_INPUT_RET_DOC_CAFFE"]
    for name in names:
        assert isinstance(getattr(imagenet_utils, name), str) and hasattr(keras_utils, name)
    # Families fill the template as Keras's do.
    text = imagenet_utils.PREPROCESS_INPUT_DOC.format(mode="", ret=imagenet_utils.PREPROCESS_INPUT_RET_DOC_TF,
                                                      error=imagenet_utils.PREPROCESS_INPUT_ERROR_DOC)
    assert "[-1, 1]" in text and "{" not in text
    assert imagenet_utils.preprocess_input.__doc__ and imagenet_utils.CLASS_INDEX_PATH == keras_utils.CLASS_INDEX_PATH

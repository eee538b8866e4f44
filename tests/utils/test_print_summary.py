"""model.summary() text, compared with real Keras's summary of the same models.

cornu's layers and models are written in parallel, so the cornu side uses
small stand-in objects with the same names, shapes and weights.
"""

import math

import pytest

from cornu.backend.common.keras_tensor import KerasTensor
from cornu.ops.node import Node
from cornu.utils import summary


class Weight:
    def __init__(self, shape, dtype="float32"):
        self.shape = tuple(shape)
        self.dtype = dtype


class Output:
    def __init__(self, shape):
        self.shape = shape


class FakeLayer:
    def __init__(self, name, output_shape=None, weights=(), non_trainable=(), built=True, trainable=True):
        self.name = name
        self.built = built
        self.trainable = trainable
        self._output_shape = output_shape
        self._inbound_nodes = []
        self._outbound_nodes = []
        self.trainable_weights = [Weight(s) for s in weights]
        self.non_trainable_weights = [Weight(s) for s in non_trainable]

    @property
    def weights(self):
        return self.trainable_weights + self.non_trainable_weights

    @property
    def output(self):
        if self._output_shape is None:
            raise AttributeError("no output")
        return Output(self._output_shape)

    def count_params(self):
        return sum(math.prod(w.shape) for w in self.weights)


class Dense(FakeLayer):
    pass


class Dropout(FakeLayer):
    pass


class BatchNormalization(FakeLayer):
    pass


class Concatenate(FakeLayer):
    pass


class InputLayer(FakeLayer):
    pass


class FakeModel:
    def __init__(self, name, layers, optimizer=None):
        self.name = name
        self.layers = layers
        self.built = True
        self.compiled = optimizer is not None
        self.optimizer = optimizer

    @property
    def trainable_weights(self):
        return [w for layer in self.layers for w in (layer.trainable_weights if layer.trainable else [])]

    @property
    def non_trainable_weights(self):
        out = []
        for layer in self.layers:
            out += layer.non_trainable_weights if layer.trainable else layer.weights
        return out

    @property
    def weights(self):
        return self.trainable_weights + self.non_trainable_weights


class Sequential(FakeModel):
    pass


class FakeOptimizer:
    def __init__(self, model_weights):
        # Adam: two slots per weight, plus the iteration counter and learning rate.
        self.variables = [Weight((), "int32"), Weight((), "float32")]
        self.variables += [Weight(w.shape) for w in model_weights for _ in range(2)]
        self.built = True


def cornu_mlp(optimizer=False, frozen_head=False):
    layers = [
        Dense("dense", (None, 32), weights=[(16, 32), (32,)]),
        BatchNormalization("batch_normalization", (None, 32), weights=[(32,), (32,)], non_trainable=[(32,), (32,)]),
        Dropout("dropout", (None, 32)),
        Dense("dense_1", (None, 10), weights=[(32, 10), (10,)], trainable=not frozen_head),
    ]
    model = FakeModel("mlp", layers)
    if optimizer:
        model.optimizer = FakeOptimizer(model.trainable_weights)
        model.compiled = True
    return model


def keras_mlp(keras, optimizer=False, frozen_head=False):
    model = keras.Sequential(
        [
            keras.Input((16,)),
            keras.layers.Dense(32, activation="relu", name="dense"),
            keras.layers.BatchNormalization(name="batch_normalization"),
            keras.layers.Dropout(0.1, name="dropout"),
            keras.layers.Dense(10, name="dense_1"),
        ],
        name="mlp",
    )
    if frozen_head:
        model.layers[-1].trainable = False
    if optimizer:
        model.compile(optimizer="adam", loss="mse")
        model.optimizer.build(model.trainable_variables)
    return model


def capture(print_summary, model, **kwargs):
    lines = []
    print_summary(model, print_fn=lambda text, **kw: lines.append(text), **kwargs)
    assert len(lines) == 1
    return lines[0]


def keras_text(keras, model, **kwargs):
    from keras.src.utils import summary_utils

    return capture(summary_utils.print_summary, model, **kwargs)


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"show_trainable": True},
        {"line_length": 100},
        {"line_length": 70, "positions": [0.4, 0.7, 1.0]},
        {"layer_range": ["batch.*", "dropout"]},
        {"layer_range": ["dense_1", "dense$"]},  # reversed bounds
    ],
)
def test_mlp_matches_keras(keras_ref, kwargs):
    expected = keras_text(keras_ref, keras_mlp(keras_ref), **kwargs)
    actual = capture(summary.print_summary, cornu_mlp(), **kwargs)
    assert actual == expected


def test_mlp_text(keras_ref):
    text = capture(summary.print_summary, cornu_mlp())
    assert text.splitlines()[0] == 'Model: "mlp"'
    assert "│ dense (Dense)" in text and "│ (None, 32)" in text and "544 │" in text
    assert text.endswith(
        " Total params: 1,002 (3.91 KB)\n Trainable params: 938 (3.66 KB)\n Non-trainable params: 64 (256.00 B)\n"
    )


def test_compiled_mlp_with_frozen_layer_matches_keras(keras_ref):
    expected = keras_text(keras_ref, keras_mlp(keras_ref, optimizer=True, frozen_head=True), show_trainable=True)
    actual = capture(summary.print_summary, cornu_mlp(optimizer=True, frozen_head=True), show_trainable=True)
    assert " Optimizer params: " in actual
    assert actual == expected


def test_unbuilt_layer_matches_keras(keras_ref):
    expected = keras_text(keras_ref, keras_ref.Sequential([keras_ref.layers.Dense(3, name="d")], name="s"))
    model = FakeModel("s", [Dense("d", built=False)])
    actual = capture(summary.print_summary, model)
    assert "│ d (Dense)" in actual and "│ ?" in actual and "0 (unbuilt)" in actual
    assert actual == expected


def test_expand_nested_matches_keras(keras_ref):
    k = keras_ref
    inner_k = k.Sequential([k.layers.Dense(3, name="i1"), k.layers.Dense(2, name="i2")], name="inner")
    outer_k = k.Sequential([k.Input((4,)), inner_k, k.layers.Dense(1, name="head")], name="outer")
    inner = Sequential("inner", [Dense("i1", (None, 3), [(4, 3), (3,)]), Dense("i2", (None, 2), [(3, 2), (2,)])])
    inner.built = True
    inner.trainable = True
    inner._inbound_nodes = []
    inner.output = Output((None, 2))
    inner.count_params = lambda: 23
    outer = FakeModel("outer", [inner, Dense("head", (None, 1), [(2, 1), (1,)])])
    expected = keras_text(k, outer_k, expand_nested=True)
    actual = capture(summary.print_summary, outer, expand_nested=True)
    assert "│    └ i1 (Dense)" in actual
    assert actual == expected


def _two_input_graph():
    """A Functional-like model: inputs a, b -> Concatenate -> Dense, with real cornu Nodes."""
    a, b = InputLayer("a"), InputLayer("b")
    concat = Concatenate("concat")
    out = Dense("out", weights=[(7, 2), (2,)])
    ta, tb = KerasTensor((None, 4)), KerasTensor((None, 3))
    node_a = Node(a, (), {}, ta)
    node_b = Node(b, (), {}, tb)
    tc = KerasTensor((None, 7))
    node_c = Node(concat, ([ta, tb],), {}, tc)
    to = KerasTensor((None, 2))
    node_o = Node(out, (tc,), {}, to)
    model = FakeModel("two_inputs", [a, b, concat, out])
    model._operations = [a, b, concat, out]
    model._nodes_by_depth = {0: [node_o], 1: [node_c], 2: [node_a, node_b]}
    return model


def test_multi_input_functional_matches_keras(keras_ref):
    k = keras_ref
    a, b = k.Input((4,), name="a"), k.Input((3,), name="b")
    out = k.layers.Dense(2, name="out")(k.layers.Concatenate(name="concat")([a, b]))
    expected = keras_text(k, k.Model([a, b], out, name="two_inputs"))
    actual = capture(summary.print_summary, _two_input_graph())
    assert "Connected to" in actual and "a[0][0], b[0][0]" in actual
    assert actual == expected


def test_prints_to_stdout_without_print_fn(capsys):
    summary.print_summary(cornu_mlp())
    out = capsys.readouterr().out
    assert 'Model: "mlp"' in out and "Total params: 1,002" in out


def test_bad_layer_range():
    with pytest.raises(ValueError, match="length 2"):
        summary.print_summary(cornu_mlp(), layer_range=["dense"])
    with pytest.raises(ValueError, match="do not match"):
        summary.print_summary(cornu_mlp(), layer_range=["nope", "dense"])


def test_too_narrow():
    with pytest.raises(ValueError, match="Insufficient console width"):
        summary.print_summary(cornu_mlp(), line_length=8, print_fn=lambda s: None)


def test_multi_output_shape():
    layer = FakeLayer("split")
    layer._inbound_nodes = []
    layer._output_shape = None
    Node(layer, (), {}, [KerasTensor((None, 3)), KerasTensor((None, 4))])
    assert summary.format_layer_shape(layer) == "[([color(34)]None[/], [color(34)]3[/]), ([color(34)]None[/], [color(34)]4[/])]".replace(
        "[color(34)]None", "[color(45)]None"
    )


@pytest.mark.parametrize(
    "num_bytes, expected",
    [(0, "0.00 B"), (72, "72.00 B"), (1023.999, "1024.00 B"), (19240, "18.79 KB"), (3 * 1024**2, "3.00 MB")],
)
def test_format_size(keras_ref, num_bytes, expected):
    from keras.src.utils.summary_utils import readable_memory_size

    assert summary.format_size(num_bytes) == expected == readable_memory_size(num_bytes)


def test_format_size_beyond_petabytes():
    # Keras prints "5.00 PB" here (one division too many).
    assert summary.format_size(5 * 1024**6) == "5120.00 PB"


def test_memory_size_by_dtype():
    weights = [Weight((10,), "float32"), Weight((10,), "bfloat16"), Weight((8,), "bool"), Weight((2,), "int64")]
    assert summary.weight_memory_size(weights) == 40 + 20 + 1 + 16
    shared = weights[0]
    assert summary.weight_memory_size([shared, shared]) == 40


def test_chain_functional_lists_input_layer_like_keras(keras_ref):
    # A Functional graph that is a straight line: no "Connected to" column,
    # but (as in Keras) its InputLayer gets a row.
    k = keras_ref
    x = k.Input((4,), name="x")
    y = k.layers.Dense(2, name="d2")(k.layers.Dense(3, name="d1")(x))
    expected = keras_text(k, k.Model(x, y, name="chain"))

    inp, d1, d2 = InputLayer("x"), Dense("d1", weights=[(4, 3), (3,)]), Dense("d2", weights=[(3, 2), (2,)])
    tx, t1, t2 = KerasTensor((None, 4)), KerasTensor((None, 3)), KerasTensor((None, 2))
    nodes = [Node(inp, (), {}, tx), Node(d1, (tx,), {}, t1), Node(d2, (t1,), {}, t2)]
    model = FakeModel("chain", [inp, d1, d2])
    model._operations = [inp, d1, d2]
    model._nodes = nodes  # cornu's Functional keeps its nodes as a run-ordered list
    actual = capture(summary.print_summary, model)
    assert "Connected to" not in actual and "x (InputLayer)" in actual
    assert actual == expected


def _real_cornu_mlp():
    from cornu.layers.core.dense import Dense as CornuDense
    from cornu.layers.core.input_layer import Input
    from cornu.layers.regularization.dropout import Dropout as CornuDropout
    from cornu.models.sequential import Sequential as CornuSequential

    return CornuSequential(
        [Input((16,)), CornuDense(32, activation="relu"), CornuDropout(0.1), CornuDense(10)], name="mlp"
    )


def test_real_cornu_sequential_matches_keras(keras_ref):
    model = _real_cornu_mlp()
    k = keras_ref
    k.backend.clear_session()
    reference = k.Sequential(
        [k.Input((16,)), k.layers.Dense(32, activation="relu"), k.layers.Dropout(0.1), k.layers.Dense(10)],
        name="mlp",
    )
    expected = keras_text(k, reference)
    k.backend.clear_session()
    assert capture(summary.print_summary, model) == expected


def test_real_cornu_functional_with_op_matches_keras(keras_ref):
    from cornu import ops
    from cornu.layers.core.dense import Dense as CornuDense
    from cornu.layers.core.input_layer import Input
    from cornu.models.functional import Functional

    a, b = Input((4,), name="a"), Input((4,), name="b")
    model = Functional([a, b], CornuDense(2, name="out")(ops.add(a, b)), name="two")
    k = keras_ref
    ka, kb = k.Input((4,), name="a"), k.Input((4,), name="b")
    expected = keras_text(k, k.Model([ka, kb], k.layers.Dense(2, name="out")(k.ops.add(ka, kb)), name="two"))
    assert capture(summary.print_summary, model) == expected

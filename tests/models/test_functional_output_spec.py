"""A Functional model's output spec for inputs shaped like its own comes from the graph
(no tracing); other shapes are traced. Both give what an eager call gives."""

import numpy as np

import cornu as keras
from cornu.backend import KerasTensor


def _model():
    inputs = {"a": keras.Input((None, 3), name="a"), "b": keras.Input((2,), name="b")}
    seq = keras.layers.Dense(4)(inputs["a"])
    pooled = keras.layers.GlobalAveragePooling1D()(seq)
    merged = keras.layers.Concatenate()([pooled, inputs["b"]])
    return keras.Model(inputs, {"out": keras.layers.Dense(1)(merged), "seq": seq})


def test_graph_shaped_inputs_use_the_graph_outputs():
    model = _model()
    spec = model.compute_output_spec({"a": KerasTensor((None, None, 3)), "b": KerasTensor((None, 2))})
    assert spec["out"].shape == (None, 1)
    assert spec["seq"].shape == (None, None, 4)
    assert model._graph_output_spec({"a": KerasTensor((None, None, 3)), "b": KerasTensor((None, 2))}) is not None


def test_other_shapes_are_traced_and_match_eager():
    model = _model()
    specs = {"a": KerasTensor((5, 7, 3)), "b": KerasTensor((5, 2))}
    assert model._graph_output_spec(specs) is None
    spec = model.compute_output_spec(specs)
    eager = model({"a": np.ones((5, 7, 3), "float32"), "b": np.ones((5, 2), "float32")})
    assert spec["seq"].shape == tuple(eager["seq"].shape) == (5, 7, 4)
    assert spec["out"].shape == tuple(eager["out"].shape) == (5, 1)


def test_sequential_delegates_to_its_graph():
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3)])
    assert model._graph_output_spec(KerasTensor((None, 4))).shape == (None, 3)
    assert model._graph_output_spec(KerasTensor((None, 5))) is None

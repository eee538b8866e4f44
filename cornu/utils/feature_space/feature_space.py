"""``FeatureSpace``: one object that preprocesses, crosses and encodes the columns of a table."""

import numpy as np
import optree

from cornu import backend
from cornu.backend import namespaces
from cornu.backend.common.naming import auto_name
from cornu.layers.core.input_layer import Input
from cornu.layers.layer import Layer
from cornu.layers.preprocessing.category_encoding import CategoryEncoding
from cornu.layers.preprocessing.normalization import Normalization
from cornu.layers.preprocessing.rescaling import Rescaling
from cornu.layers.preprocessing.structured.discretization import Discretization
from cornu.layers.preprocessing.structured.hashed_crossing import HashedCrossing
from cornu.layers.preprocessing.structured.hashing import Hashing
from cornu.layers.preprocessing.text import IntegerLookup, StringLookup, TextVectorization
from cornu.serialization.keras_objects import deserialize_keras_object, serialize_keras_object
from cornu.serialization.registry import keras_export
from cornu.utils.feature_space.adapt_data import feature_batches, to_host
from cornu.utils.feature_space.specs import Cross, Feature, TFDConcat, TFDIdentity

_FEATURE_TYPES = ("float", "float_normalized", "float_rescaled", "float_discretized", "integer_categorical",
                  "string_categorical", "integer_hashed", "string_hashed")


# Keras's internal path too: a layer, so configs may name it (the `keras.utils.` namespace alone is
# refused on load as non-modeling).
@keras_export("keras.utils.FeatureSpace", "keras.src.layers.preprocessing.feature_space.FeatureSpace")
class FeatureSpace(Layer):
    """Preprocesses a dict of features (the columns of a table) into what a model takes.

    Each feature is named with a type (``"float"``, ``"float_rescaled"``, ``"float_normalized"``,
    ``"float_discretized"``, ``"integer_categorical"``, ``"string_categorical"``,
    ``"integer_hashed"``, ``"string_hashed"``) or built with the class methods of the same names
    for more options. ``crosses`` adds hashed crosses of categorical features. ``adapt`` learns
    the statistics and vocabularies from a dict of arrays, a ``tf.data.Dataset`` of dicts, a
    ``PyDataset`` or any iterable of dict batches. Called on a dict of arrays it returns one
    concatenated array (``output_mode="concat"``) or a dict of encoded features (``"dict"``).

    The preprocessing runs on the host (NumPy, no TensorFlow needed), so call the feature space in
    the input pipeline; ``get_inputs()`` and ``get_encoded_features()`` give symbolic tensors for
    building a model that takes the raw features.

    Args:
        features: dict of feature name -> type name or ``Feature``.
        output_mode: ``"concat"`` or ``"dict"``.
        crosses: list of tuples of feature names (or ``FeatureSpace.cross(...)`` objects).
        crossing_dim: number of hash bins of each cross given as a tuple.
        hashing_dim: number of bins of ``"integer_hashed"`` / ``"string_hashed"`` features.
        num_discretization_bins: number of bins of ``"float_discretized"`` features.

    Example:
    >>> space = cornu.utils.FeatureSpace(
    ...     {"age": "float_normalized", "city": "string_categorical", "rooms": "integer_categorical"},
    ...     crosses=[("city", "rooms")])
    >>> space.adapt({"age": np.array([20.0, 40.0]), "city": np.array(["Oslo", "Lima"]), "rooms": np.array([1, 3])})
    >>> space({"age": np.array([30.0]), "city": np.array(["Lima"]), "rooms": np.array([3])}).shape
    (1, 39)
    """

    @classmethod
    def cross(cls, feature_names, crossing_dim, output_mode="one_hot"):
        return Cross(feature_names, crossing_dim, output_mode=output_mode)

    @classmethod
    def feature(cls, dtype, preprocessor, output_mode):
        return Feature(dtype, preprocessor, output_mode)

    @classmethod
    def float(cls, name=None):
        name = name or auto_name("float")
        return Feature("float32", TFDIdentity(dtype="float32", name=f"{name}_preprocessor"), "float")

    @classmethod
    def float_rescaled(cls, scale=1.0, offset=0.0, name=None):
        name = name or auto_name("float_rescaled")
        return Feature("float32", Rescaling(scale=scale, offset=offset, name=f"{name}_preprocessor"), "float")

    @classmethod
    def float_normalized(cls, name=None):
        name = name or auto_name("float_normalized")
        return Feature("float32", Normalization(axis=-1, name=f"{name}_preprocessor"), "float")

    @classmethod
    def float_discretized(cls, num_bins, bin_boundaries=None, output_mode="one_hot", name=None):
        name = name or auto_name("float_discretized")
        preprocessor = Discretization(num_bins=num_bins, bin_boundaries=bin_boundaries,
                                      name=f"{name}_preprocessor")
        return Feature("float32", preprocessor, output_mode)

    @classmethod
    def integer_categorical(cls, max_tokens=None, num_oov_indices=1, output_mode="one_hot", name=None):
        name = name or auto_name("integer_categorical")
        preprocessor = IntegerLookup(name=f"{name}_preprocessor", max_tokens=max_tokens,
                                     num_oov_indices=num_oov_indices)
        return Feature("int32", preprocessor, output_mode)

    @classmethod
    def string_categorical(cls, max_tokens=None, num_oov_indices=1, output_mode="one_hot", name=None):
        name = name or auto_name("string_categorical")
        preprocessor = StringLookup(name=f"{name}_preprocessor", max_tokens=max_tokens,
                                    num_oov_indices=num_oov_indices)
        return Feature("string", preprocessor, output_mode)

    @classmethod
    def string_hashed(cls, num_bins, output_mode="one_hot", name=None):
        name = name or auto_name("string_hashed")
        return Feature("string", Hashing(name=f"{name}_preprocessor", num_bins=num_bins), output_mode)

    @classmethod
    def integer_hashed(cls, num_bins, output_mode="one_hot", name=None):
        name = name or auto_name("integer_hashed")
        return Feature("int32", Hashing(name=f"{name}_preprocessor", num_bins=num_bins), output_mode)

    def __init__(self, features, output_mode="concat", crosses=None, crossing_dim=32, hashing_dim=32,
                 num_discretization_bins=32, name=None):
        super().__init__(name=name)
        if not features:
            raise ValueError(f"The `features` argument cannot be None or empty. Received: features={features}")
        self.crossing_dim = crossing_dim
        self.hashing_dim = hashing_dim
        self.num_discretization_bins = num_discretization_bins
        self.features = {name: self._standardize_feature(name, value) for name, value in features.items()}
        self.crosses = [self._standardize_cross(cross, set(features)) for cross in crosses or []]
        self.crosses_by_name = {cross.name: cross for cross in self.crosses}
        if output_mode not in ("dict", "concat"):
            raise ValueError("Invalid value for argument `output_mode`. Expected one of {'dict', 'concat'}. "
                             f"Received: output_mode={output_mode}")
        self.output_mode = output_mode
        self.inputs = {name: Input(shape=(1,), dtype=feature.dtype, name=name)
                       for name, feature in self.features.items()}
        self.preprocessors = {name: feature.preprocessor for name, feature in self.features.items()}
        self.encoded_features = None
        self.crossers = {cross.name: HashedCrossing(cross.crossing_dim, name=cross.name) for cross in self.crosses}
        self.one_hot_encoders = {}
        self._is_adapted = False
        self.concat = None
        self._preprocessed_features_names = None
        self._crossed_features_names = None
        self._sublayers_built = False

    def _standardize_feature(self, name, feature):
        if isinstance(feature, Feature):
            return feature
        if isinstance(feature, dict):
            return deserialize_keras_object(feature)
        if feature == "float_discretized":
            return self.float_discretized(name=name, num_bins=self.num_discretization_bins)
        if feature in ("integer_hashed", "string_hashed"):
            return getattr(self, feature)(self.hashing_dim, name=name)
        if feature in _FEATURE_TYPES:
            return getattr(self, feature)(name=name)
        raise ValueError(f"Invalid feature type: {feature}. Expected a `Feature` or one of {_FEATURE_TYPES}. "
                         f"Received: {name}={feature!r}")

    def _standardize_cross(self, cross, feature_names):
        if isinstance(cross, dict):
            cross = deserialize_keras_object(cross)
        if isinstance(cross, Cross):
            return cross
        if not self.crossing_dim:
            raise ValueError("When specifying `crosses`, the argument `crossing_dim` (dimensionality of the "
                             f"crossing space) should be specified as well. Received: crossing_dim={self.crossing_dim}")
        unknown = [key for key in cross if key not in feature_names]
        if unknown:
            raise ValueError("All features referenced in the `crosses` argument should be present in the "
                             f"`features` dict. Received unknown features: {cross}")
        return Cross(cross, crossing_dim=self.crossing_dim)

    # --- adapting -------------------------------------------------------------------------------
    def _list_adaptable_preprocessors(self):
        adaptable = []
        for name in self.features:
            preprocessor = self.preprocessors[name]
            if isinstance(preprocessor, Normalization) and preprocessor.input_mean is not None:
                continue  # statistics given: nothing to learn
            if isinstance(preprocessor, TextVectorization) and preprocessor._has_input_vocabulary:
                continue
            if hasattr(preprocessor, "adapt"):
                adaptable.append(name)
        return adaptable

    def adapt(self, dataset):
        """Learns each feature's statistics or vocabulary from ``dataset``: a dict of arrays or lists,
        a ``tf.data.Dataset`` of dicts, a ``PyDataset`` or an iterable of dict batches (or of
        ``(dict, targets)`` pairs)."""
        names = self._list_adaptable_preprocessors()
        columns = feature_batches(dataset, names)
        for name in names:
            self.preprocessors[name].adapt(iter(columns[name]))
        self._is_adapted = True
        self.get_encoded_features()  # builds the encoders and the concatenation
        self.built = True
        self._sublayers_built = True

    # --- the symbolic graph ---------------------------------------------------------------------
    def get_inputs(self):
        """The symbolic inputs, one ``Input(shape=(1,))`` per feature."""
        self._check_if_built()
        return self.inputs

    def get_encoded_features(self):
        """The encoded features (a tensor or a dict, as ``output_mode`` says) of ``get_inputs()``."""
        self._check_if_adapted()
        if self.encoded_features is None:
            preprocessed = self._preprocess_features(self.inputs)
            crossed = self._cross_features(preprocessed)
            self.encoded_features = self._merge_features(preprocessed, crossed)
        return self.encoded_features

    def _preprocess_features(self, features):
        return {name: self.preprocessors[name](features[name]) for name in features}

    def _cross_features(self, features):
        return {cross.name: self.crossers[cross.name]([features[name] for name in cross.feature_names])
                for cross in self.crosses}

    def _merge_features(self, preprocessed, crossed):
        if not self._preprocessed_features_names:
            self._preprocessed_features_names = sorted(preprocessed)
            self._crossed_features_names = sorted(crossed)
        names = self._preprocessed_features_names + self._crossed_features_names
        values = ([preprocessed[name] for name in self._preprocessed_features_names]
                  + [crossed[name] for name in self._crossed_features_names])
        if not self._sublayers_built:
            self._build_encoders(names, values)
        encoded = {}
        for name, value in zip(names, values):
            encoder = self.one_hot_encoders.get(name)
            encoded[name] = encoder(value) if encoder else value
        if self.output_mode == "dict":
            return encoded
        if self.concat is None:
            for name, value in encoded.items():
                dtype = backend.standardize_dtype(value.dtype)
                if dtype.startswith("int") or dtype == "string":
                    raise ValueError(f"Cannot concatenate features because feature '{name}' has not been encoded "
                                     f"(it has dtype {dtype}). Consider using `output_mode='dict'`.")
            self.concat = TFDConcat(axis=-1)
        return self.concat(list(encoded.values()))

    def _build_encoders(self, names, values):
        """Creates the one-hot encoder of each ``"one_hot"`` feature and cross."""
        specs = [self.features[n] for n in self._preprocessed_features_names]
        specs += [self.crosses_by_name[n] for n in self._crossed_features_names]
        for name, value, spec in zip(names, values, specs):
            if spec.output_mode != "one_hot":
                continue
            dtype = backend.standardize_dtype(optree.tree_leaves(value)[0].dtype)
            if not dtype.startswith("int"):
                raise ValueError(f"Feature '{name}' has `output_mode='one_hot'`. Thus its preprocessor should "
                                 f"return an integer dtype. Instead it returns a {dtype} dtype.")
            self.one_hot_encoders[name] = CategoryEncoding(num_tokens=self._cardinality(name),
                                                           output_mode="multi_hot")

    def _cardinality(self, name):
        preprocessor = self.preprocessors.get(name) or self.crossers.get(name)
        if isinstance(preprocessor, (IntegerLookup, StringLookup)):
            return preprocessor.vocabulary_size()
        if isinstance(preprocessor, CategoryEncoding):
            return preprocessor.num_tokens
        if isinstance(preprocessor, (Discretization, HashedCrossing, Hashing)):
            return preprocessor.num_bins
        raise ValueError(f"Feature '{name}' has `output_mode='one_hot'`. However it isn't a standard feature and "
                         "the dimensionality of its output space is not known, thus it cannot be one-hot encoded. "
                         "Try using `output_mode='int'`.")

    def _check_if_adapted(self):
        if not self._is_adapted:
            if self._list_adaptable_preprocessors():
                raise ValueError("You need to call `.adapt(dataset)` on the FeatureSpace before you can start "
                                 "using it.")
            self._is_adapted = True

    def _check_if_built(self):
        if not self._sublayers_built:
            self._check_if_adapted()
            self.get_encoded_features()
            self._sublayers_built = True

    # --- calling on data ------------------------------------------------------------------------
    def _host_inputs(self, data):
        """The features as NumPy columns ``(batch, 1)``, and whether a single sample was given."""
        columns, single = {}, False
        for name, value in data.items():
            value = to_host(value)
            feature = self.features.get(name)
            if feature is not None and feature.dtype == "float32" and value.dtype.kind in "biuf":
                value = value.astype("float32")
            if value.ndim == 0:
                value, single = value.reshape(1, 1), True
            elif value.ndim == 1:
                value = value[:, None]
            columns[name] = value
        return columns, single

    def __call__(self, data):
        self._check_if_built()
        if not isinstance(data, dict):
            raise ValueError(f"A FeatureSpace can only be called with a dict. Received: data={data!r} "
                             f"(of type {type(data)})"[:500])
        on_backend = any(backend.is_tensor(value) for value in data.values())
        columns, single = self._host_inputs(data)
        with namespaces.compute_on_numpy():
            preprocessed = optree.tree_map(to_host, self._preprocess_features(columns))
            crossed = optree.tree_map(to_host, self._cross_features(preprocessed))
            merged = optree.tree_map(to_host, self._merge_features(preprocessed, crossed))
        if single:
            if self.output_mode == "concat":
                merged = np.squeeze(merged, axis=0)
            else:
                merged = {name: x[0] if x.ndim == 2 and x.shape[0] == 1 else x for name, x in merged.items()}
        if on_backend:
            merged = optree.tree_map(backend.convert_to_tensor, merged)
        return merged

    # --- config and saving ----------------------------------------------------------------------
    def get_config(self):
        return {
            "features": serialize_keras_object(self.features),
            "output_mode": self.output_mode,
            "crosses": serialize_keras_object(self.crosses),
            "crossing_dim": self.crossing_dim,
            "hashing_dim": self.hashing_dim,
            "num_discretization_bins": self.num_discretization_bins,
        }

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def get_build_config(self):
        return {name: feature.preprocessor.get_build_config() for name, feature in self.features.items()}

    def build_from_config(self, config):
        for name, build_config in config.items():
            preprocessor = self.features[name].preprocessor
            if not preprocessor.built:
                preprocessor.build_from_config(build_config)
        self._is_adapted = True

    def save(self, filepath):
        """Saves the feature space to a ``.keras`` file; ``cornu.saving.load_model`` reads it back.

        Example:
        >>> space.save("feature_space.keras")
        >>> restored = cornu.saving.load_model("feature_space.keras")
        """
        from cornu.saving.saving_api import save_model

        save_model(self, filepath)

    def save_own_variables(self, store):
        return

    def load_own_variables(self, store):
        return

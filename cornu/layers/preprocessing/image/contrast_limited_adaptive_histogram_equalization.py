"""``ContrastLimitedAdaptiveHistogramEqualization`` (CLAHE): local histogram equalization per tile.

The image (values mapped to ``[0, 255]``) is cut into ``tile_grid_size`` tiles (padded
symmetrically to a whole number of tiles); each tile's 256-bin histogram is clipped at
``clip_limit * pixels / 256`` with the excess spread evenly, and its normalized CDF becomes the
tile's grey-level mapping. A pixel's output blends the mappings of the four nearest tile centres
bilinearly (edge tiles repeat past the border).
"""

from cornu import backend as backend_module
from cornu.layers.preprocessing.image.pixel_value_layer import PixelValueLayer
from cornu.serialization.registry import keras_export

_BINS = 256

@keras_export("keras.layers.ContrastLimitedAdaptiveHistogramEqualization")
class ContrastLimitedAdaptiveHistogramEqualization(PixelValueLayer):
    """Contrast Limited Adaptive Histogram Equalization of each channel (deterministic).

    Histograms are counted with one-hot encodings, so memory grows with
    ``pixels * 256``: keep batches of large images small.

    Example:
    >>> clahe = cornu.layers.ContrastLimitedAdaptiveHistogramEqualization(tile_grid_size=(2, 2))
    >>> clahe(np.random.randint(0, 256, (1, 16, 16, 3)).astype("float32")).shape
    (1, 16, 16, 3)
    """

    def __init__(self, value_range=(0, 255), clip_limit=4.0, tile_grid_size=(8, 8), data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self.value_range = value_range
        self.clip_limit = clip_limit
        self.tile_grid_size = tile_grid_size

    def transform_images(self, images, transformation=None, training=True):
        ns = self.backend
        images = ns.convert_to_tensor(images)
        channels_first = self.data_format == "channels_first"
        rank = len(ns.shape(images))
        if channels_first:
            images = ns.numpy.transpose(images, (0, 2, 3, 1) if rank == 4 else (1, 2, 0))
        dtype = backend_module.standardize_dtype(images.dtype)
        unit = self._transform_value_range(images, self.value_range, (0, 255), dtype="float32")
        batch = unit if rank == 4 else ns.numpy.expand_dims(unit, 0)
        equalized = self._equalize(ns.cast(batch, "float32"))
        if rank == 3:
            equalized = ns.numpy.squeeze(equalized, 0)
        out = ns.cast(self._transform_value_range(equalized, (0, 255), self.value_range, dtype="float32"), dtype)
        if channels_first:
            out = ns.numpy.transpose(out, (0, 3, 1, 2) if rank == 4 else (2, 0, 1))
        return out

    # -- the algorithm on a float32 NHWC batch in [0, 255] --------------------------------------

    def _equalize(self, images):
        ns = self.backend
        batch, height, width, channels = (int(d) for d in ns.shape(images))
        grid_h, grid_w = self.tile_grid_size
        tile_h, tile_w = -(-height // grid_h), -(-width // grid_w)
        padded = self._pad_to_tiles(images, tile_h * grid_h - height, tile_w * grid_w - width)
        mappings = self._tile_mappings(padded, (batch, grid_h, grid_w, tile_h, tile_w, channels))
        out = self._blend_mappings(padded, mappings, (grid_h, grid_w, tile_h, tile_w))
        return out[:, :height, :width, :]

    def _pad_to_tiles(self, images, pad_h, pad_w):
        if pad_h == 0 and pad_w == 0:
            return images
        return self.backend.numpy.pad(images, [[0, 0], [0, pad_h], [0, pad_w], [0, 0]], mode="symmetric")

    def _tile_mappings(self, padded, dims):
        """``(batch, grid_h + 2, grid_w + 2, channels, 256)`` grey-level maps, edge tiles repeated once."""
        ns = self.backend
        batch, grid_h, grid_w, tile_h, tile_w, channels = dims
        pixels = tile_h * tile_w
        tiles = ns.numpy.reshape(padded, (batch, grid_h, tile_h, grid_w, tile_w, channels))
        tiles = ns.numpy.transpose(tiles, (0, 1, 3, 5, 2, 4))
        tiles = ns.numpy.reshape(tiles, (batch, grid_h, grid_w, channels, pixels))
        levels = ns.numpy.clip(ns.cast(tiles, "int32"), 0, _BINS - 1)
        histograms = ns.numpy.sum(ns.nn.one_hot(levels, _BINS), axis=-2)
        if self.clip_limit > 0:
            ceiling = ns.cast(self.clip_limit * pixels / float(_BINS), histograms.dtype)
            clipped = ns.numpy.clip(histograms, 0, ceiling)
            excess = ns.numpy.sum(histograms - clipped, axis=-1, keepdims=True)
            histograms = clipped + excess / float(_BINS)
        cdf = ns.numpy.cumsum(histograms, axis=-1)
        lowest = ns.numpy.min(cdf, axis=-1, keepdims=True)
        span = ns.cast(pixels, cdf.dtype) - lowest
        span = ns.numpy.where(span == 0, ns.numpy.ones_like(span), span)
        maps = ns.numpy.clip((cdf - lowest) * 255.0 / span, 0, 255)
        maps = ns.numpy.concatenate([maps[:, :1], maps, maps[:, -1:]], axis=1)
        return ns.numpy.concatenate([maps[:, :, :1], maps, maps[:, :, -1:]], axis=2)

    def _neighbours(self, size, tile, grid):
        """Per pixel row (or column): the two tile-centre indices around it (in the edge-padded
        grid) and the weight of the second."""
        ns = self.backend
        position = (ns.numpy.arange(size, dtype="float32") - tile / 2.0) / tile + 1.0
        first = ns.numpy.floor(position)
        weight = position - first
        low = ns.cast(ns.numpy.clip(first, 0, grid + 1), "int32")
        high = ns.cast(ns.numpy.clip(first + 1.0, 0, grid + 1), "int32")
        return low, high, weight

    def _blend_mappings(self, padded, mappings, grid):
        ns = self.backend
        grid_h, grid_w, tile_h, tile_w = grid
        batch, height, width, channels = (int(d) for d in ns.shape(padded))
        top, bottom, wy = self._neighbours(height, tile_h, grid_h)
        left, right, wx = self._neighbours(width, tile_w, grid_w)
        # Flat index into mappings: (((b * (grid_h + 2) + row) * (grid_w + 2) + col) * channels + c) * 256 + level
        col_stride = channels * _BINS
        row_stride = col_stride * (grid_w + 2)
        batch_stride = row_stride * (grid_h + 2)
        flat = ns.numpy.reshape(mappings, (-1,))
        levels = ns.cast(ns.numpy.clip(padded, 0, 255), "int32")
        base = (ns.numpy.arange(batch, dtype="int32")[:, None, None, None] * batch_stride
                + ns.numpy.arange(channels, dtype="int32")[None, None, None, :] * _BINS + levels)
        rows_top, rows_bottom = top[None, :, None, None] * row_stride, bottom[None, :, None, None] * row_stride
        cols_left, cols_right = left[None, None, :, None] * col_stride, right[None, None, :, None] * col_stride

        def look_up(rows, cols):
            return ns.numpy.take(flat, base + rows + cols)

        wx, wy = wx[None, None, :, None], wy[None, :, None, None]
        upper = look_up(rows_top, cols_left) * (1.0 - wx) + look_up(rows_top, cols_right) * wx
        lower = look_up(rows_bottom, cols_left) * (1.0 - wx) + look_up(rows_bottom, cols_right) * wx
        return upper * (1.0 - wy) + lower * wy

    def get_config(self):
        config = super().get_config()
        config.update({"value_range": self.value_range, "clip_limit": self.clip_limit,
                       "tile_grid_size": self.tile_grid_size, "data_format": self.data_format})
        return config

"""The backend ``image`` functions of ``image_transforms``, bound to one backend's ops.

Each backend's ``image`` module installs them with
``install(globals(), backend_transform_functions(load_ops))``, where ``load_ops()`` returns that
backend's :class:`~cornu.backend.common.image_transforms.ImageOps` (loaded on first use, so the
image module does not import the backend's other modules at import time).
"""

from cornu.backend.common import image_transforms as _t

NAMES = ("affine_transform", "map_coordinates", "compute_homography_matrix", "perspective_transform",
         "gaussian_blur", "elastic_transform")


def backend_transform_functions(load_ops):
    """The six transform functions with Keras's signatures, computing over ``load_ops()``.

    Example:
    >>> functions = backend_transform_functions(lambda: my_image_ops)
    >>> sorted(functions) == sorted(NAMES)
    True
    """
    cache = []

    def ops():
        if not cache:
            cache.append(load_ops())
        return cache[0]

    def affine_transform(images, transform, interpolation="bilinear", fill_mode="constant", fill_value=0,
                         data_format="channels_last"):
        return _t.affine_transform(ops(), images, transform, interpolation, fill_mode, fill_value, data_format)

    def map_coordinates(inputs, coordinates, order, fill_mode="constant", fill_value=0.0):
        return _t.map_coordinates(ops(), inputs, coordinates, order, fill_mode, fill_value)

    def compute_homography_matrix(start_points, end_points):
        return _t.compute_homography_matrix(ops(), start_points, end_points)

    def perspective_transform(images, start_points, end_points, interpolation="bilinear", fill_value=0,
                              data_format="channels_last"):
        return _t.perspective_transform(ops(), images, start_points, end_points, interpolation, fill_value,
                                        data_format)

    def gaussian_blur(images, kernel_size=(3, 3), sigma=(1.0, 1.0), data_format="channels_last"):
        return _t.gaussian_blur(ops(), images, kernel_size, sigma, data_format)

    def elastic_transform(images, alpha=20.0, sigma=5.0, interpolation="bilinear", fill_mode="reflect",
                          fill_value=0.0, seed=None, data_format="channels_last"):
        return _t.elastic_transform(ops(), images, alpha, sigma, interpolation, fill_mode, fill_value, seed,
                                    data_format)

    functions = dict(locals())
    return {name: functions[name] for name in NAMES}

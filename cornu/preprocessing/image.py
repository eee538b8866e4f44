"""``keras.preprocessing.image``: image files and arrays (Pillow) and ``smart_resize``.

Example:
>>> from cornu.preprocessing.image import load_img, img_to_array, smart_resize
>>> x = smart_resize(img_to_array(load_img("cat.jpg")), (96, 96))
"""

from cornu.utils.image_utils import array_to_img, img_to_array, load_img, save_img, smart_resize  # noqa: F401

"""Small directories of generated image and text files, for the dataset-from-directory tests."""

import os

import numpy as np


def write_image(path, pixels):
    """Saves ``pixels`` (uint8, HxWxC or HxW) with Pillow; the format follows the extension."""
    from PIL import Image

    array = np.asarray(pixels, dtype=np.uint8)
    mode = {1: "L", 3: "RGB", 4: "RGBA"}[1 if array.ndim == 2 else array.shape[-1]]
    image = Image.fromarray(array[..., 0] if array.ndim == 3 and array.shape[-1] == 1 else array, mode)
    image.save(path, **({"quality": 95} if path.lower().endswith((".jpg", ".jpeg")) else {}))


def make_image_directory(root, classes=("cats", "dogs"), per_class=5, sizes=((20, 24), (16, 16), (24, 18)),
                         extensions=(".png", ".jpg", ".bmp", ".gif"), seed=0):
    """Writes ``per_class`` random images of varying size and format into ``root/<class>/``.

    Each class also gets a nested subfolder image and a non-image file (which must be skipped).
    Returns the root.
    """
    rng = np.random.default_rng(seed)
    for c, name in enumerate(classes):
        folder = os.path.join(root, name)
        os.makedirs(os.path.join(folder, "nested"), exist_ok=True)
        for i in range(per_class):
            height, width = sizes[i % len(sizes)]
            pixels = rng.integers(0, 256, (height, width, 3))
            pixels[..., c % 3] = 40 + 150 * c  # a class-dependent channel, so a model can learn it
            extension = extensions[i % len(extensions)]
            write_image(os.path.join(folder, f"img_{i:02d}{extension.upper() if i == 3 else extension}"), pixels)
        write_image(os.path.join(folder, "nested", "deep.png"), rng.integers(0, 256, (12, 10, 3)))
        with open(os.path.join(folder, "notes.txt"), "w") as f:
            f.write("not an image")
    return root


def make_text_directory(root, classes=("neg", "pos"), per_class=6, seed=0):
    """Writes ``per_class`` short ``.txt`` reviews per class (plus a file to skip)."""
    rng = np.random.default_rng(seed)
    words = {"neg": ["bad", "awful", "boring", "poor"], "pos": ["good", "great", "fun", "superb"]}
    for name in classes:
        folder = os.path.join(root, name)
        os.makedirs(folder, exist_ok=True)
        vocabulary = words.get(name, ["word", "other"])
        for i in range(per_class):
            text = " ".join(rng.choice(vocabulary + ["the", "movie", "was"], size=4 + i))
            with open(os.path.join(folder, f"review_{i:02d}.txt"), "w", encoding="utf-8") as f:
                f.write(f"{text} é {i}")
        with open(os.path.join(folder, "skip.csv"), "w") as f:
            f.write("a,b")
    return root

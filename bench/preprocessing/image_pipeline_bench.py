"""Image input pipeline throughput: cornu vs tf.data vs a torch DataLoader.

The pipeline: decode ~2000 generated 128x128 JPEGs (2 classes) from a directory, resize to
96x96, random horizontal flip + random 88x88 crop + random contrast, batches of 64.

- cornu: ``cornu.utils.image_dataset_from_directory(..., format="numpy")`` (a PyDataset decoded
  by worker threads) + cornu's ``RandomFlip``/``RandomCrop``/``RandomContrast`` called on the
  NumPy batches inside the workers;
- tf.data: Keras 3's ``image_dataset_from_directory`` (TensorFlow backend) + ``tf.image`` ops;
- torch: a ``Dataset`` decoding with PIL, resizing with ``F.interpolate`` and hand-written
  flip/crop/contrast, in a ``DataLoader`` (``num_workers=2``).

Each pipeline runs in its own process, with default threading and with one thread (cornu
``workers=1``, tf.data private thread pool of 1, torch ``num_workers=0``; all with
``OMP_NUM_THREADS=1``). One warm-up pass, then timed passes; the pipelines take turns over
``--rounds`` rounds and the table gives each one's median images/s.

Usage:
    .venv/bin/python -m bench.preprocessing.image_pipeline_bench [--images 2000] [--epochs 2] [--rounds 3]
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

import numpy as np

SIZE, CROP, BATCH = 96, 88, 64
PIPELINES = ("cornu", "tf.data", "torch")
THREADS = ("default", "1")


def make_images(root, count, seed=0):
    """Writes ``count`` random 128x128 JPEGs (smooth, so they compress like photos) into 2 classes."""
    from PIL import Image

    marker = os.path.join(root, f".complete-{count}")
    if os.path.exists(marker):
        return root
    rng = np.random.default_rng(seed)
    for index in range(count):
        folder = os.path.join(root, f"class_{index % 2}")
        os.makedirs(folder, exist_ok=True)
        coarse = rng.integers(0, 256, (8, 8, 3), dtype=np.uint8)
        image = Image.fromarray(coarse).resize((128, 128), Image.Resampling.BICUBIC)
        image.save(os.path.join(folder, f"img_{index:05d}.jpg"), quality=90)
    open(marker, "w").close()
    return root


def _timed_passes(make_iterator, epochs):
    for _ in make_iterator():  # warm-up: page cache, thread pools, tracing
        pass
    count, start, cpu_start = 0, time.perf_counter(), time.process_time()
    for _ in range(epochs):
        for batch in make_iterator():
            count += len(batch[0])
    # CPU seconds of this process's threads (not of torch's worker processes): on a busy machine,
    # images per CPU-second of a one-thread run is the figure the other processes disturb least.
    return {"images_per_s": count / (time.perf_counter() - start),
            "images_per_cpu_s": count / max(time.process_time() - cpu_start, 1e-9)}


def run_cornu(directory, one_thread, epochs):
    import cornu
    from cornu.trainers.data.worker_pool import ordered_parallel_items

    dataset = cornu.utils.image_dataset_from_directory(
        directory, image_size=(SIZE, SIZE), batch_size=BATCH, seed=0, format="numpy", verbose=False)
    augment = [cornu.layers.RandomFlip("horizontal", seed=1), cornu.layers.RandomCrop(CROP, CROP, seed=2),
               cornu.layers.RandomContrast(0.2, seed=3)]

    class Augmented(cornu.utils.PyDataset):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)

        def __len__(self):
            return len(dataset)

        def __getitem__(self, index):
            images, labels = dataset[index]
            for layer in augment:
                images = layer(images)
            return images, labels

    workers = 1 if one_thread else dataset.workers
    augmented = Augmented(workers=workers)
    if workers == 1:
        return _timed_passes(lambda: (augmented[i] for i in range(len(augmented))), epochs)
    return _timed_passes(lambda: ordered_parallel_items(augmented, range(len(augmented)), workers, False, 10), epochs)


def run_tf_data(directory, one_thread, epochs):
    os.environ["KERAS_BACKEND"] = "tensorflow"
    import keras
    import tensorflow as tf

    if one_thread:
        tf.config.threading.set_inter_op_parallelism_threads(1)
        tf.config.threading.set_intra_op_parallelism_threads(1)
    dataset = keras.utils.image_dataset_from_directory(
        directory, image_size=(SIZE, SIZE), batch_size=BATCH, seed=0, verbose=False)

    def augment(images, labels):
        images = tf.image.random_flip_left_right(images)
        images = tf.image.random_crop(images, (tf.shape(images)[0], CROP, CROP, 3))
        return tf.image.random_contrast(images, 0.8, 1.2), labels

    dataset = dataset.map(augment, num_parallel_calls=tf.data.AUTOTUNE).prefetch(tf.data.AUTOTUNE)
    if one_thread:
        options = tf.data.Options()
        options.threading.private_threadpool_size = 1
        options.threading.max_intra_op_parallelism = 1
        dataset = dataset.with_options(options)
    return _timed_passes(dataset.as_numpy_iterator, epochs)


def run_torch(directory, one_thread, epochs):
    import torch
    import torch.nn.functional as F
    from PIL import Image

    if one_thread:
        torch.set_num_threads(1)
    paths = sorted(os.path.join(root, name) for root, _, names in os.walk(directory)
                   for name in names if name.endswith(".jpg"))

    class Images(torch.utils.data.Dataset):
        def __len__(self):
            return len(paths)

        def __getitem__(self, index):
            with Image.open(paths[index]) as image:
                pixels = torch.from_numpy(np.asarray(image.convert("RGB"))).permute(2, 0, 1).float()
            pixels = F.interpolate(pixels[None], size=(SIZE, SIZE), mode="bilinear", align_corners=False)[0]
            if torch.rand(()) < 0.5:
                pixels = pixels.flip(-1)
            top, left = torch.randint(0, SIZE - CROP + 1, (2,)).tolist()
            pixels = pixels[:, top:top + CROP, left:left + CROP]
            factor = torch.empty(()).uniform_(0.8, 1.2)
            mean = pixels.mean(dim=(1, 2), keepdim=True)
            pixels = ((pixels - mean) * factor + mean).clamp(0, 255)
            return pixels, int("class_1" in paths[index])

    loader = torch.utils.data.DataLoader(Images(), batch_size=BATCH, shuffle=True, num_workers=0 if one_thread else 2,
                                         persistent_workers=not one_thread)
    return _timed_passes(lambda: iter(loader), epochs)


RUNNERS = {"cornu": run_cornu, "tf.data": run_tf_data, "torch": run_torch}


def _measure_in_subprocess(pipeline, threads, directory, epochs):
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
    env.setdefault("CORNU_BACKEND", "jax")
    if threads == "1":
        env.update(OMP_NUM_THREADS="1", MKL_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1",
                   XLA_FLAGS="--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1")
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        command = [sys.executable, "-m", "bench.preprocessing.image_pipeline_bench", "--worker", pipeline,
                   "--threads", threads, "--directory", directory, "--epochs", str(epochs), "--out", out.name]
        result = subprocess.run(command, env=env, capture_output=True, text=True)
        if result.returncode != 0:
            return {"error": (result.stderr.strip().splitlines() or ["?"])[-1]}
        with open(out.name) as f:
            return json.load(f)


def markdown_table(results, count, rounds=1):
    lines = [f"Image pipeline, {count} JPEGs 128x128 -> resize 96 -> flip + crop 88 + contrast, batch {BATCH} "
             f"(images/s, median of {rounds} interleaved rounds, higher is better; cornu on "
             f"CORNU_BACKEND={os.environ.get('CORNU_BACKEND', 'jax')})", "",
             "| threads | cornu | tf.data | torch DataLoader | cornu / tf.data | cornu / torch |",
             "|---|---:|---:|---:|---:|---:|"]
    for threads in THREADS:
        row = {p: results[(p, threads)] for p in PIPELINES}
        rate = {p: row[p].get("images_per_s") for p in PIPELINES}
        cells = [f"{rate[p]:.0f}" if rate[p] else f"error: {row[p].get('error', '?')[:60]}" for p in PIPELINES]
        ratio = lambda a, b: f"{rate[a] / rate[b]:.2f}x" if rate[a] and rate[b] else "-"  # noqa: E731
        label = "default" if threads == "default" else "one thread"
        lines.append(f"| {label} | {' | '.join(cells)} | {ratio('cornu', 'tf.data')} | {ratio('cornu', 'torch')} |")
    cpu = {p: results[(p, "1")].get("images_per_cpu_s") for p in PIPELINES}
    if all(cpu.values()):
        lines.append(f"| one thread, per CPU-second | {' | '.join(f'{cpu[p]:.0f}' for p in PIPELINES)} | "
                     f"{cpu['cornu'] / cpu['tf.data']:.2f}x | {cpu['cornu'] / cpu['torch']:.2f}x |")
    lines += ["", f"Load average (1 min) when the table was made: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs."]
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--images", type=int, default=2000)
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds; the table gives the medians")
    parser.add_argument("--directory", default=None)
    parser.add_argument("--pipelines", default=",".join(PIPELINES))
    parser.add_argument("--worker", choices=PIPELINES, help=argparse.SUPPRESS)
    parser.add_argument("--threads", default="default", choices=THREADS, help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        rates = RUNNERS[args.worker](args.directory, args.threads == "1", args.epochs)
        with open(args.out, "w") as f:
            json.dump(rates, f)
        return
    directory = args.directory or os.path.join(tempfile.gettempdir(), f"cornu_image_pipeline_bench_{args.images}")
    make_images(directory, args.images)
    runs = {(pipeline, threads): [] for threads in THREADS for pipeline in PIPELINES}
    for round_index in range(args.rounds):  # interleaved, so a change in the machine's load hits every pipeline
        for threads in THREADS:
            for pipeline in PIPELINES:
                if pipeline in args.pipelines.split(","):
                    print(f"round {round_index + 1}: {pipeline} ({threads} threads)...", file=sys.stderr, flush=True)
                    runs[(pipeline, threads)].append(_measure_in_subprocess(pipeline, threads, directory, args.epochs))
                    print(f"  {runs[(pipeline, threads)][-1]}", file=sys.stderr, flush=True)
    print(markdown_table({key: _median(values) for key, values in runs.items()}, args.images, args.rounds))


def _median(values):
    measured = [v for v in values if "images_per_s" in v]
    if not measured:
        return values[-1] if values else {"error": "not run"}
    return {key: float(np.median([v[key] for v in measured])) for key in ("images_per_s", "images_per_cpu_s")}


if __name__ == "__main__":
    main()

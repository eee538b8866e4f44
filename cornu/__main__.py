"""``python -m cornu script.py [args]``: runs a Keras program on cornu, unchanged.

Inside the program ``import keras``, ``from keras import layers, ops`` and
``import keras.backend as K`` resolve to cornu (see ``cornu.install_as_keras``).
``python -m cornu -m package.module [args]`` runs a module the same way. The
backend comes from ``CORNU_BACKEND`` or ``KERAS_BACKEND`` as usual.

Example::

    KERAS_BACKEND=torch python -m cornu train.py --epochs 3
"""

import os
import runpy
import sys

USAGE = "usage: python -m cornu script.py [args...]  |  python -m cornu -m module [args...]"


def main(argv=None):
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in ("-h", "--help"):
        print(__doc__.strip().splitlines()[0] + "\n\n" + USAGE)
        return 0 if argv else 2
    if argv[0] == "-m":
        if len(argv) < 2:
            print(f"cornu: -m needs a module name.\n{USAGE}", file=sys.stderr)
            return 2
        run, target, rest = runpy.run_module, argv[1], argv[2:]
    else:
        run, target, rest = runpy.run_path, argv[0], argv[1:]
    import cornu

    cornu.install_as_keras()
    sys.argv = [target] + rest
    if run is runpy.run_path:
        sys.path.insert(0, os.path.dirname(os.path.abspath(target)))
        run(target, run_name="__main__")
    else:
        run(target, run_name="__main__", alter_sys=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

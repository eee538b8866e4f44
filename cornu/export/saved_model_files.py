"""Writing a SavedModel folder so that a failed export never leaves half a model under the real name.

The SavedModel is written into a temporary sibling folder, which then takes the real name
(``cornu.saving.atomic_folder``): a previous SavedModel there is replaced, and a folder holding
anything that is not part of a SavedModel is refused, so an export never deletes what a user keeps
there.

Example:
>>> write_saved_model_folder("serving/my_model/1", lambda temp: tf.saved_model.save(obj, temp))
"""

from cornu.saving.atomic_folder import replace_folder

# What tf.saved_model.save (and Keras 2's SavedModel) put in the folder.
SAVED_MODEL_ENTRIES = frozenset({"saved_model.pb", "saved_model.pbtxt", "variables", "assets", "assets.extra",
                                 "fingerprint.pb", "keras_metadata.pb"})


def write_saved_model_folder(folder, write):
    """Runs ``write(temporary_folder)``, then moves the result to ``folder`` (TF Serving reads
    ``<model name>/<version number>/``).

    Args:
        folder: the SavedModel's folder (created with its parents; a previous SavedModel there is
            replaced).
        write: writes the SavedModel into the folder it is given.

    Returns:
        ``folder``.
    """
    return replace_folder(folder, write, owns=SAVED_MODEL_ENTRIES.__contains__, what="a SavedModel")

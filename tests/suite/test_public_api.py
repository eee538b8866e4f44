"""Every public name of Keras 3.15 exists in cornu with Keras's parameters, or says it is missing.

Walks ``tests/fixtures/keras3_public_api.json`` (every namespace of the real Keras 3.15.1, written
by ``scripts/make_api_reference.py``). A name cornu lacks must be in ``cornu.missing_features``,
and asking for it must raise ``NotImplementedError`` naming the feature and its issue; the
README's list of missing names is that table.
"""

import importlib
import inspect
import json
import re

import pytest

import cornu
from cornu import missing_features

from tests.helpers.requirements import REPO, fixture_path


def _reference():
    with open(fixture_path("keras3_public_api.json")) as f:
        return json.load(f)["namespaces"]


REFERENCE = _reference()


def _cornu_namespace(namespace):
    """``cornu.<namespace>``; a missing one raises ``MissingFeatureError`` (NotImplementedError)."""
    module = cornu
    for part in namespace.split(".") if namespace else []:
        try:
            module = getattr(module, part)
        except missing_features.MissingFeatureError:
            raise
        except AttributeError:
            module = importlib.import_module(f"{module.__name__}.{part}")
    return module


def _parameters(obj):
    target = obj.__init__ if inspect.isclass(obj) else obj
    try:
        signature = inspect.signature(target)
    except (TypeError, ValueError):
        return None
    return [[p.name, p.kind.name, None if p.default is inspect.Parameter.empty else repr(p.default)]
            for p in signature.parameters.values() if not (inspect.isclass(obj) and p.name == "self")]


def _defaults_equal(ours, theirs):
    if ours == theirs:
        return True
    try:  # the same value written differently, e.g. 1e-07 and 1e-7
        return eval(ours, {}) == eval(theirs, {})  # noqa: S307 - the repository's own fixture
    except Exception:
        return False


def _same_parameters(ours, theirs):
    if ours is None or theirs is None or len(ours) != len(theirs):
        return ours == theirs
    return all(a[:2] == b[:2] and _defaults_equal(a[2], b[2]) for a, b in zip(ours, theirs))


@pytest.mark.parametrize("namespace", sorted(REFERENCE))
def test_every_keras_name_exists_or_says_it_is_missing(namespace):
    module = None if missing_features.feature_of(namespace) else _cornu_namespace(namespace)
    unexplained, wrong_errors, different = [], [], []
    for name, entry in REFERENCE[namespace].items():
        stub_feature = missing_features.STUBS.get(namespace, {}).get(name)
        if stub_feature is not None:
            assert stub_feature in missing_features.FEATURES
            assert module is not None and hasattr(module, name), f"the stub {namespace}.{name} is missing"
        feature = missing_features.feature_of(namespace, name)
        if feature is not None:
            with pytest.raises(NotImplementedError) as caught:
                getattr(_cornu_namespace(namespace), name)
            what, issue = missing_features.FEATURES[feature]
            if what not in str(caught.value) or (issue and f"issue {issue}" not in str(caught.value)):
                wrong_errors.append(f"{name}: {caught.value}")
            continue
        if not hasattr(module, name):
            unexplained.append(name)
            continue
        obj = getattr(module, name)
        if entry["sig"] is not None and callable(obj) and not _same_parameters(_parameters(obj), entry["sig"]):
            different.append(f"{name}: cornu {_parameters(obj)} != keras {entry['sig']}")
    where = f"cornu.{namespace}" if namespace else "cornu"
    assert not unexplained, (f"{where} lacks Keras names that cornu.missing_features does not list: "
                             f"{', '.join(sorted(unexplained))}")
    assert not wrong_errors, "\n".join(wrong_errors)
    assert not different, "\n".join(different)


def test_the_missing_table_lists_only_names_keras_has_and_cornu_lacks():
    stale, unknown = [], []
    for namespace, entry in missing_features.MISSING.items():
        if isinstance(entry, str):
            assert namespace in REFERENCE, f"keras.{namespace} is not a Keras namespace"
            assert missing_features.feature_of(namespace, "anything") == entry
            continue
        module = _cornu_namespace(namespace)
        for name in entry:
            if name not in REFERENCE.get(namespace, {}) and f"{namespace}.{name}" not in REFERENCE:
                unknown.append(f"{namespace}.{name}")
            if name in vars(module):
                stale.append(f"{namespace}.{name}")
    assert not unknown, f"listed as missing but not in Keras 3.15: {unknown}"
    assert not stale, f"cornu has these now: remove them from cornu.missing_features: {stale}"


def test_the_readme_lists_every_missing_feature_and_name():
    readme = (REPO / "README.md").read_text()
    section = re.search(r"## Not in cornu yet\n(.*?)(\n## |\Z)", readme, re.S)
    assert section, "README.md needs a '## Not in cornu yet' section"
    text = section.group(1)
    for feature, (what, issue) in missing_features.FEATURES.items():
        assert what in text, f"README's missing list lacks the feature {feature!r} ({what})"
        if issue:
            assert f"issue {issue}" in text, f"README's missing list does not name issue {issue}"
    for namespace, entry in missing_features.STUBS.items():
        for name in entry:
            assert f"`{name}`" in text, f"README's missing list lacks `{name}` (keras.{namespace})"
    for namespace, entry in missing_features.MISSING.items():
        names = [f"`keras.{namespace}`"] if isinstance(entry, str) else [f"`{n}`" for n in entry]
        for name in names:
            assert name in text, f"README's missing list lacks {name} (keras.{namespace})"


def test_missing_names_keep_hasattr_and_getattr_default_working():
    assert not hasattr(cornu.utils, "legacy")
    assert getattr(cornu.visualization, "plot_image_gallery", None) is None
    with pytest.raises(AttributeError, match="has no attribute 'NoSuchLayer'"):
        cornu.layers.NoSuchLayer


def test_from_import_of_a_missing_name_keeps_the_explanation():
    with pytest.raises(NotImplementedError, match=r"keras\.utils\.legacy.*Keras 2 serialization"):
        from cornu.utils import legacy  # noqa: F401
    with pytest.raises(NotImplementedError, match=r"keras\.visualization\.plot_image_gallery"):
        from cornu.visualization import plot_image_gallery  # noqa: F401

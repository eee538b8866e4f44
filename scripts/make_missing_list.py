"""Rewrites the list under README.md's "## Not in cornu yet" from cornu/missing_features.py.

Run it after implementing (or stubbing) a Keras name: `.venv/bin/python scripts/make_missing_list.py`.
The paragraph above the list is kept; only the bullet list is regenerated.
"""

import pathlib
import re
import sys

REPO = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from cornu import missing_features  # noqa: E402


def _bullets():
    by_feature = {feature: [] for feature in missing_features.FEATURES}
    for table in (missing_features.MISSING, missing_features.STUBS):
        for namespace, entry in table.items():
            if isinstance(entry, str):
                by_feature[entry].append(f"all of `keras.{namespace}`")
                continue
            names_by_feature = {}
            for name, feature in entry.items():
                names_by_feature.setdefault(feature, []).append(f"`{name}`")
            for feature, names in names_by_feature.items():
                by_feature[feature].append(f"`keras.{namespace}`: " + ", ".join(names))
    lines = []
    for feature, parts in by_feature.items():
        if not parts:
            continue
        what, issue = missing_features.FEATURES[feature]
        where = f"issue {issue}" if issue else "no open issue yet"
        lines.append(f"- {what} ({where}): " + "; ".join(parts) + ".")
    return lines


def main():
    readme_path = REPO / "README.md"
    readme = readme_path.read_text()
    match = re.search(r"(## Not in cornu yet\n(?:[^\n]*\n)*?\n)((?:- [^\n]*\n)+)", readme)
    if not match:
        raise SystemExit("README.md has no '## Not in cornu yet' section followed by a bullet list")
    new_list = "\n".join(_bullets()) + "\n"
    readme_path.write_text(readme[:match.start(2)] + new_list + readme[match.end(2):])


if __name__ == "__main__":
    main()

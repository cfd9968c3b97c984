"""Write Mitra's default DOCX template of every registered printed form.

The produced files are kept in the repository (beside this script, or where
a form's `default_template` says) so that Mitra never writes templates at
run time and a change to a default shows in review. Run it again after
adding a form or changing a layout::

    DJANGO_SETTINGS_MODULE=mitra.settings.dev .venv/bin/python \\
        -m mitra.documents.defaults.build [CODE ...]
"""

import os
import sys


def build(form):
    """Return the DefaultDocument of `form`'s default template."""
    from mitra.documents.defaults.layout import DefaultDocument, generic_layout

    doc = DefaultDocument()
    layout = form.default_layout or (lambda form, doc: generic_layout(form, doc))
    layout(form, doc)
    return doc


def main(argv=None):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mitra.settings.dev")
    import django

    django.setup()
    from django.utils import translation

    from mitra.documents.registry import all_forms

    # Labels are written as their English message ids, translated at print.
    translation.deactivate_all()
    wanted = set(argv if argv is not None else sys.argv[1:])
    for form in all_forms():
        if wanted and form.code not in wanted:
            continue
        path = form.default_template_path
        build(form).save(path)
        print(f"{form.code}: {path}")


if __name__ == "__main__":
    main()

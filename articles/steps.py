"""The workflow's steps by name, and what people read for each: the buttons, the audit log, the revisions.

Apart from articles.workflow, which says what each step does and who may take it: the models name the steps of
their history rows too, and the workflow imports the models.
"""

from django.utils.translation import gettext_lazy as _

# A step the audit log records that is no button: not taken on an article, it brings one in.
IMPORT = "import"

LABELS = {
    "submit": _("Submit for review"),
    "withdraw": _("Take back"),
    "start_review": _("Start review"),
    "reassign": _("Reassign"),
    "send_back": _("Send back"),
    "approve": _("Approve"),
    "publish": _("Publish / schedule"),
    "reschedule": _("Change the scheduled time"),
    "correct": _("Correct"),
    "unpublish": _("Unpublish"),
    "redraft": _("Return to draft"),
    IMPORT: _("Imported"),
}


def label(name):
    """What the audit log calls a step: a transition, or a recorded step such as an import."""
    return LABELS.get(name, name)

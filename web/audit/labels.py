"""Plain names for audit actions, for the audit pages and the "who did what" lists."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

LABELS: dict[str, Promise] = {
    "access.denied": _("was refused access"),
    "access.denied_repeat": _("was refused access again, many times"),
    "account.create": _("created an account"),
    "account.language": _("changed the language"),
    "account.login": _("signed in"),
    "account.login_failed": _("failed to sign in"),
    "account.logout": _("signed out"),
    "account.otp_codes": _("made new recovery codes"),
    "account.otp_enrol": _("set up two-step sign-in"),
    "account.otp_failed": _("gave a wrong sign-in code"),
    "account.otp_recovery": _("signed in with a recovery code"),
    "account.otp_verify": _("gave a sign-in code"),
    "account.password": _("changed their password"),
    "account.password_reset": _("set a new password from an e-mailed link"),
    "account.reset_request": _("asked for a password reset link"),
    "account.settings": _("changed their account settings"),
    "api_token.create": _("made an API token"),
    "api_token.revoke": _("revoked an API token"),
    "audit.export": _("exported the audit trail"),
    "audit.view": _("looked at the audit trail"),
    "caregiver.accept": _("accepted a caregiver invitation"),
    "caregiver.invite": _("invited a caregiver"),
    "caregiver.invite_cancel": _("cancelled a caregiver invitation"),
    "caregiver.revoke": _("removed a caregiver's access"),
    "case.create": _("started the case"),
    "case.delete": _("deleted the case"),
    "case.import": _("imported the case"),
    "case.list": _("looked at the list of cases"),
    "case.save": _("saved a step"),
    "case.view": _("looked at the case"),
    "checklist.save": _("updated the checklist"),
    "coordinator.ask": _("asked for a care coordinator and a specialist review"),
    "coordinator.assign": _("assigned a coordinator"),
    "coordinator.take": _("took the case as its coordinator"),
    "decision.note": _("noted what was decided"),
    "decision.pause": _("was asked to pause before deciding"),
    "decision.record": _("noted a decision"),
    "report.download": _("downloaded the report"),
    "review.answer": _("answered a review request"),
    "review.close": _("closed a review request"),
    "review.consensus": _("recorded the reviewers' shared view"),
    "review.create": _("prepared a review request"),
    "review.edit": _("changed a draft review request"),
    "review.inbox": _("looked at the review inbox"),
    "review.send": _("sent the case for specialist review"),
    "review.view": _("read a review packet"),
    "review.withdraw": _("withdrew a review request"),
    "screening.case": _("opened a case from a screening worklist row"),
    "screening.delete": _("deleted a screening results file"),
    "screening.open": _("opened a case form from a screening worklist"),
    "screening.refused": _("had a screening results file refused"),
    "screening.upload": _("uploaded a screening results file"),
    "screening.view": _("looked at a screening worklist"),
    "task.add": _("added a task"),
    "task.done": _("marked a task done"),
    "task.undone": _("marked a task not done"),
}


def label_for(action: str) -> str:
    return str(LABELS.get(action, action))

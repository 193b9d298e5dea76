"""Every error Crossroads raises on purpose.

Why one module: the CLI, the web app and the API map these to exit codes and HTTP statuses in one
place, and each error carries a stable ``code`` that is also its anchor in ``docs/errors.md``.
User errors (bad input) print one plain line, never a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass, field


class CrossroadsError(Exception):
    """Root of all Crossroads errors."""

    code = "crossroads-error"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input: where it is, what is wrong, and how to fix it."""

    location: str
    message: str
    hint: str = ""
    note: bool = False  # not a problem: something was read differently from how it was written

    def __str__(self) -> str:
        where = f"{self.location}: " if self.location else ""
        tail = f" {self.hint}" if self.hint else ""
        return f"{where}{self.message}{tail}"


class UserError(CrossroadsError):
    """Bad input from a person: the message says which field and how to fix it."""

    code = "user-error"
    exit_code = 2


@dataclass
class CaseFileError(UserError):
    """A case file could not be read or is not a valid case record."""

    source: str
    problems: list[Problem] = field(default_factory=list)
    code = "case-file"

    def __post_init__(self) -> None:
        super().__init__(str(self))

    def __str__(self) -> str:
        lines = [str(p) for p in self.problems] or ["unreadable"]
        head = f"{self.source}: " if self.source else ""
        if len(lines) == 1:
            return head + lines[0]
        return head + f"{len(lines)} problems\n" + "\n".join(f"  - {line}" for line in lines)


class UnknownCodeError(CaseFileError):
    """A case file names a disease, subtype or drug that the knowledge base does not know."""

    code = "unknown-code"


class FreeTextTooLongError(CaseFileError):
    """A case holds more free text than one specialist packet takes (the field to shorten is named).

    Why a cap: every character of free text is scrubbed for identifiers before a reviewer sees it;
    a bound keeps one packet build quick for everyone else on the server.
    """

    code = "free-text-too-long"


class BadOptionError(UserError):
    """A command-line or API option has a value Crossroads cannot use (e.g. a jurisdiction)."""

    code = "bad-option"


class KnowledgeBaseError(CrossroadsError):
    """The knowledge-base data files are broken: a release problem, not a user problem."""

    code = "knowledge-base"
    exit_code = 3


class MissingDataError(KnowledgeBaseError):
    """A knowledge-base file lacks an entry the code or another file needs (a phrase, a label,
    a section): a release problem named by file and key, never a bare ``KeyError``."""

    code = "knowledge-base-missing"

    def __init__(self, file: str, key: str, what: str = "entry") -> None:
        self.file, self.key = file, key
        super().__init__(
            f"{file}: no {what} '{key}' (add it, or correct the name that asks for it)"
        )


class UnknownProductError(UserError):
    """A product name (``--product``) that matches no CAR-T product in the knowledge base."""

    code = "unknown-product"


@dataclass
class FhirInputError(UserError):
    """A file or request given as FHIR is not a Bundle or Patient Crossroads can read."""

    source: str
    detail: str
    code = "fhir-input"

    def __post_init__(self) -> None:
        super().__init__(str(self))

    def __str__(self) -> str:
        return f"{self.source}: {self.detail}" if self.source else self.detail


@dataclass
class InputLimitError(UserError):
    """JSON or YAML text beyond what Crossroads reads: nested too deep, a number too long, half a
    character, or YAML aliases that would expand to too many values (an "alias bomb").

    ``kind`` (``depth``, ``number``, ``text``, ``aliases``, ``duplicate``: a key given twice in
    one object, which every reader would otherwise settle by silently keeping the last) lets the
    web app say the same in the reader's language.
    """

    source: str
    detail: str
    kind: str = ""
    code = "input-limit"

    def __post_init__(self) -> None:
        super().__init__(str(self))

    def __str__(self) -> str:
        return f"{self.source}: {self.detail}" if self.source else self.detail


class CdsRequestError(UserError):
    """A CDS Hooks call that does not follow the CDS Hooks 2.0 request shape."""

    code = "cds-request"


class CdsPrefetchMissingError(CdsRequestError):
    """A CDS Hooks call without the prefetched data the service needs, and no way to fetch it.

    CDS Hooks 2.0 asks a service that cannot obtain required data to answer 412 Precondition
    Failed. Crossroads fetches missing prefetch itself when the call gives ``fhirServer`` and
    ``fhirAuthorization``; without them, or when that server cannot be read, the refusal is final.
    """

    code = "cds-prefetch-missing"


class CdsAuthError(UserError):
    """A CDS Hooks call whose client could not be authenticated (CDS Hooks 2.0 "Trusting CDS
    Clients"): no bearer JWT, a wrong signature, issuer, audience or algorithm, an expired or
    replayed token. The web app answers 401 with the reason, which names no key material.
    """

    code = "cds-auth"


class UnsafeAddressError(UserError):
    """An address Crossroads refuses to call on someone else's say-so (server-side request
    forgery guard): not https, credentials in the URL, a private, loopback or link-local
    address, or a redirect to another host."""

    code = "unsafe-address"


class RemoteFetchError(UserError):
    """A remote server (a CDS client's FHIR server or key set) could not be read: no answer in
    time, an error status, an answer too large, or not JSON."""

    code = "remote-fetch"


class StudyFileError(UserError):
    """A trial-registry file (ClinicalTrials.gov API v2 JSON) that cannot be read as studies."""

    code = "study-file"


class RegistryUnreachableError(UserError):
    """The trial registry could not be reached (no network); saved study files still work."""

    code = "registry-unreachable"


class InstallationKeyError(CrossroadsError):
    """This installation's secret key (for calendar ids) is missing, unreadable or too short."""

    code = "installation-key"
    exit_code = 3


@dataclass
class DocumentRefusedError(UserError):
    """A record document (PDF, JPEG, PNG) refused before anything of it is stored or read.

    Why refuse rather than repair: a file that is not what its name says, that a reader cannot
    open, or that carries scripts or other files could harm whoever opens it next (a reviewer's
    PDF viewer, the OCR worker). ``kind`` names the problem (a subclass per kind) so that the web
    app can say the same in the reader's language; the message names the problem and the fix.
    """

    source: str
    detail: str
    kind = "refused"
    code = "document-refused"

    def __post_init__(self) -> None:
        super().__init__(str(self))

    def __str__(self) -> str:
        return f"{self.source}: {self.detail}" if self.source else self.detail


class NotADocumentError(DocumentRefusedError):
    """The content is not a PDF, JPEG or PNG, whatever the file's name says."""

    kind = "type"


class DocumentTooLargeError(DocumentRefusedError):
    """The file is larger than the size limit."""

    kind = "size"


class TooManyPagesError(DocumentRefusedError):
    """The PDF has more pages than the page limit."""

    kind = "pages"


class EncryptedDocumentError(DocumentRefusedError):
    """The PDF is password-protected or encrypted, so its text cannot be checked or read."""

    kind = "encrypted"


class CorruptDocumentError(DocumentRefusedError):
    """The file starts like a PDF or image but cannot be read as one (damaged or cut short)."""

    kind = "corrupt"


class ActiveContentError(DocumentRefusedError):
    """The PDF carries JavaScript, an action that runs something, or embedded files."""

    kind = "active"


class ImageBombError(DocumentRefusedError):
    """An image whose pixel count is beyond the limit (a "decompression bomb": a small file that
    would take gigabytes of memory to open)."""

    kind = "bomb"

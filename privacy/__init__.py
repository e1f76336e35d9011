"""Privacy and consent: access (`export_person`), erasure (`forget_person`), verification
(`verify_person`) and the manual suppression file loader. See docs/privacy.md."""

from privacy.export import SubjectNotFound, export_person, export_summary
from privacy.forget import ForgetReport, forget_person
from privacy.raw_records import purge_tombstoned
from privacy.suppressions import SuppressionFileError, load_manual_suppressions
from privacy.verify import VerifyReport, verify_person

__all__ = [
    "ForgetReport",
    "SubjectNotFound",
    "SuppressionFileError",
    "VerifyReport",
    "export_person",
    "export_summary",
    "forget_person",
    "load_manual_suppressions",
    "purge_tombstoned",
    "verify_person",
]

"""What a refused import reports: every bad row, with its row number, column and reason."""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from workflow.errors import WorkflowError


@dataclass(frozen=True)
class RowError:
    """One reason a file is refused; `row` is the spreadsheet row number (1 = header), None for the whole file."""

    row: int | None
    column: str
    message: str

    def __str__(self):
        where = _("row %(row)s") % {"row": self.row} if self.row else _("file")
        return f"{where}, {self.column}: {self.message}" if self.column else f"{where}: {self.message}"


class ImportRejected(WorkflowError):
    """The file was not imported; nothing was written. `errors` lists every reason."""

    def __init__(self, errors):
        self.errors = list(errors)
        super().__init__(
            _("The file was not imported: %(count)s problem(s) found.") % {"count": len(self.errors)},
            code="import_rejected",
        )

    @classmethod
    def whole_file(cls, message):
        """A refusal of the file as a whole (unreadable, or beyond a limit), not of one of its rows."""
        return cls([RowError(None, "", message)])

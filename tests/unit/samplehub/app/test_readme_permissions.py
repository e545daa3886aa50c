"""The README's permission table says what ``core/domain/permissions.py`` declares: a row per
action, a tick per role that may (the last column: nobody logged in)."""

import re
from pathlib import Path

from samplehub.core.domain.model import Role
from samplehub.core.domain.permissions import PERMISSIONS, Action

README = Path(__file__).parents[4] / "README.md"
COLUMNS = (Role.ADMIN, Role.LAB, Role.APPROVER, Role.WAREHOUSE, Role.KIOSK, Role.CUSTOMER, None)


def test_the_readme_permission_table_is_the_declared_one() -> None:
    text = README.read_text("utf-8")
    assert "| action | admin | lab | approver | warehouse | kiosk | customer | anonymous |" in text
    rows = re.findall(r"^\| `([a-z_.]+)` \|((?: [✓ ]? \|){7})$", text, flags=re.M)
    written = {
        action: frozenset(role for role, cell in zip(COLUMNS, cells.split("|")[:-1], strict=True)
                          if "✓" in cell)
        for action, cells in rows
    }  # fmt: skip
    assert written == {action.value: roles for action, roles in PERMISSIONS.items()}
    assert set(written) == {a.value for a in Action}

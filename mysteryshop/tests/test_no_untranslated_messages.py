"""No message for a person is written as a plain string in Python (issue 21).

A refusal (`ValidationError`), a form error (`add_error`) or a flash message (`messages.…`) reaches the
page as it was written; one written as a plain or f-string literal would stay English on a Welsh page.
This reads the project's Python and fails on any such call whose message is a literal, or a dict of
literals (`ValidationError({"field": "…"})`), rather than a translation. Refusals with no person to
read them (`PermissionDenied`, `Http404`: the person sees the translated error page) are not checked.
"""

from __future__ import annotations

import ast
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def is_literal(node) -> bool:
    if isinstance(node, ast.Constant) and isinstance(node.value, str) and any(c.isalpha() for c in node.value):
        return True
    if isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.BinOp):  # "…" + "…", or a literal formatted with %
        return is_literal(node.left)
    if isinstance(node, ast.Dict):
        return any(is_literal(value) for value in node.values)
    if isinstance(node, (ast.List, ast.Tuple)):
        return any(is_literal(item) for item in node.elts)
    return False


def messages_written_plainly(source: str) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
        owner = (
            node.func.value.id if isinstance(node.func, ast.Attribute) and isinstance(node.func.value, ast.Name) else ""
        )
        if name == "ValidationError":
            message = node.args[0] if node.args else None
        elif name == "add_error":
            message = node.args[1] if len(node.args) > 1 else None
        elif owner == "messages" and name in {"info", "success", "warning", "error", "debug", "add_message"}:
            message = node.args[-1] if len(node.args) >= 2 else None
        else:
            continue
        if message is not None and is_literal(message):
            found.append((node.lineno, ast.unparse(message)[:80]))
    return found


def project_python() -> list[Path]:
    listed = subprocess.run(["git", "ls-files", "*.py"], cwd=ROOT, capture_output=True, text=True, check=True)
    return [
        ROOT / name
        for name in listed.stdout.split()
        if name.split("/")[0] in {"mysteryshop", "reports", "scenarios", "visits", "volunteers"}
        and "/tests/" not in name
        and "/migrations/" not in name
    ]


def test_the_guard_finds_a_plain_message():
    assert messages_written_plainly('raise ValidationError(f"Line {n}: bad.")')
    assert messages_written_plainly('raise ValidationError({"ends_on": "The last day is wrong."})')
    assert messages_written_plainly('messages.success(request, "Saved.")')
    assert messages_written_plainly('form.add_error("day", "Choose a day.")')
    assert not messages_written_plainly('raise ValidationError(gettext("Choose a day."))')
    assert not messages_written_plainly("form.add_error(None, error)")


def test_no_message_for_a_person_is_a_plain_string():
    files = project_python()
    assert len(files) > 50
    problems = [
        f"{path.relative_to(ROOT)}:{line}: {text}"
        for path in files
        for line, text in messages_written_plainly(path.read_text())
    ]
    assert not problems, "Messages written as plain strings (mark them for translation):\n" + "\n".join(problems)

"""JSON text laid out the way the repository's prettier config prints it (printWidth 120), so that the generated
pack and golden files pass ``prettier --check`` unchanged (their sha256 must not change after formatting).

Objects are always expanded; arrays go on one line when they fit, number arrays otherwise fill lines, other arrays
one element per line. Arrays of objects are not supported (prettier has extra rules for them).
"""

from __future__ import annotations

import json

WIDTH = 120


def dumps(value: object) -> str:
    return _value(value, 0, 0, last=True) + '\n'


def _scalar(value: object) -> str:
    if isinstance(value, float) and value != value:
        raise ValueError('jsonfmt.dumps: expected finite numbers, got NaN')
    return json.dumps(value, ensure_ascii=False)


def _value(value: object, indent: int, column: int, last: bool) -> str:
    """``column``: where the value starts on its line; ``last``: no comma follows it."""
    if isinstance(value, dict):
        if not value:
            return '{}'
        pad = ' ' * (indent + 2)
        items = list(value.items())
        lines = []
        for i, (key, item) in enumerate(items):
            prefix = f'{pad}{_scalar(str(key))}: '
            is_last = i == len(items) - 1
            lines.append(prefix + _value(item, indent + 2, len(prefix), is_last) + ('' if is_last else ','))
        return '{\n' + '\n'.join(lines) + '\n' + ' ' * indent + '}'
    if isinstance(value, (list, tuple)):
        if not value:
            return '[]'
        if any(isinstance(v, dict) for v in value):
            raise ValueError('jsonfmt.dumps: arrays of objects are not supported')
        flat = [_scalar(v) if not isinstance(v, (list, tuple)) else None for v in value]
        if all(f is not None for f in flat):
            one_line = '[' + ', '.join(flat) + ']'  # type: ignore[arg-type]
            if column + len(one_line) + (0 if last else 1) <= WIDTH:
                return one_line
        pad = ' ' * (indent + 2)
        numbers = all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in value) and len(value) > 1
        if numbers:
            lines: list[str] = []
            line = pad
            for i, f in enumerate(flat):
                piece = f + (',' if i < len(flat) - 1 else '')  # type: ignore[operator]
                if line == pad:
                    line += piece
                elif len(line) + 1 + len(piece) <= WIDTH:
                    line += ' ' + piece
                else:
                    lines.append(line)
                    line = pad + piece
            lines.append(line)
            return '[\n' + '\n'.join(lines) + '\n' + ' ' * indent + ']'
        parts = []
        for i, v in enumerate(value):
            is_last = i == len(value) - 1
            parts.append(pad + _value(v, indent + 2, len(pad), is_last) + ('' if is_last else ','))
        return '[\n' + '\n'.join(parts) + '\n' + ' ' * indent + ']'
    return _scalar(value)

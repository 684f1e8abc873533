"""libofmt as the 5.11 ipadm, ipmpstat and dladm use it (illumos ofmt.c).

Human mode: a header, then each field left-justified in its column width
(the width includes the separating blank); a value too long for its column
is printed followed by one blank and the overflow is taken back from the
next columns; an empty value prints ``--``; the last field is not padded.
The header is repeated every 24 rows (``ws_row`` when stdout is no tty).
Parsable mode: no header, fields joined by ``:``, and with more than one
field ``:`` and ``\\`` inside a value are escaped with ``\\``.
"""

ROWS_PER_HEADER = 24


class OfmtError(Exception):
    pass


def select(fields, spec, parsable):
    """Field list for an ``-o`` value (None = defaults); names are case-insensitive.

    ``fields`` is a list of (NAME, width, default?) tuples.
    """
    if spec is None:
        if parsable:
            raise OfmtError("output fields must be specified in parsable mode")
        return [f for f in fields if f[2]]
    names = [n for n in spec.split(",") if n]
    if any(n.lower() == "all" for n in names):
        if parsable:
            raise OfmtError("output field `all' invalid in parsable mode")
        return list(fields)
    known = dict((f[0].lower(), f) for f in fields)
    chosen = [known[n.lower()] for n in names if n.lower() in known]
    unknown = [n for n in names if n.lower() not in known]
    if unknown and parsable:
        raise OfmtError("unknown output field%s: %s" % (
            "s" if len(unknown) > 1 else "", " ".join("`%s'" % n for n in unknown)))
    if not chosen:
        raise OfmtError("no valid output fields")
    return chosen


def warning(fields, spec):
    """The human-mode warning for unknown names in ``spec`` (or None)."""
    if spec is None:
        return None
    known = set(f[0].lower() for f in fields)
    unknown = [n for n in spec.split(",") if n and n.lower() not in known and n.lower() != "all"]
    if not unknown:
        return None
    return "ignoring unknown output field%s: %s" % (
        "s" if len(unknown) > 1 else "", " ".join("`%s'" % n for n in unknown))


def _human_line(fields, values):
    out, overflow = [], 0
    last = len(fields) - 1
    for i, (field, value) in enumerate(zip(fields, values)):
        value = value if value != "" else "--"
        if i == last:
            out.append(value)
            break
        width = field[1]
        if len(value) + overflow >= width:
            overflow += len(value) - width + 1
            out.append(value + " ")
            continue
        if overflow > 0:
            compress = min(overflow, width - len(value))
            overflow -= compress
            width -= compress
        out.append(value.ljust(width))
    return "".join(out) + "\n"


def _escape(value):
    return value.replace("\\", "\\\\").replace(":", "\\:")


def render(fields, rows, parsable=False, header=True):
    """Text for rows (each a dict NAME -> value) in the chosen fields."""
    text = []
    for number, row in enumerate(rows):
        values = [row.get(f[0], "") for f in fields]
        if parsable:
            if len(fields) == 1:
                text.append(values[0] + "\n")
            else:
                text.append(":".join(_escape(v) for v in values) + "\n")
            continue
        if header and number % ROWS_PER_HEADER == 0:
            text.append(_human_line(fields, [f[0] for f in fields]))
        text.append(_human_line(fields, values))
    return "".join(text)

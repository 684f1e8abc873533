"""getopt_long() as the lab's SunOS commands call it (optstring with a leading ':').

Shared by the Solaris 10 dladm and the 5.11 ipadm: each prints its own
errors, so the parser hands them to the caller.
"""


def getopt_long(args, short, longs, error):
    """(opts, operands) for ``args``: opts is [(letter, value)], value None for
    an option without an argument.

    ``short`` is the optstring without the leading ':' (``"ti:"``), ``longs``
    maps long names to their letters.  ``error(why, option, letter)`` must
    raise: ``why`` is "unknown" or "missing" (a value), ``option`` the option as
    given (``--name[=value]`` or ``-x``), ``letter`` its letter (None for an
    unknown long option).  Scanning stops at ``--``, ``-`` or the first operand.
    """
    opts, i = [], 0
    while i < len(args):
        arg = args[i]
        if arg == "--":
            i += 1
            break
        if arg.startswith("--"):
            key, eq, value = arg[2:].partition("=")
            letter = longs.get(key)
            if letter is None:
                error("unknown", arg, None)
            if letter + ":" in short and not eq:
                i += 1
                if i == len(args):
                    error("missing", arg, letter)
                value = args[i]
            opts.append((letter, value if eq or letter + ":" in short else None))
            i += 1
            continue
        if not arg.startswith("-") or arg == "-":
            break
        j = 1
        while j < len(arg):
            letter = arg[j]
            if letter == ":" or letter not in short:
                error("unknown", "-" + letter, letter)
            if letter + ":" in short:
                value = arg[j + 1:]
                if not value:
                    i += 1
                    if i == len(args):
                        error("missing", "-" + letter, letter)
                    value = args[i]
                opts.append((letter, value))
                break
            opts.append((letter, None))
            j += 1
        i += 1
    return opts, args[i:]

"""What one template render may spend: time, loop turns, and the size of what it makes.

A project's templates are untrusted (render/sandbox.py), and a template can loop or grow a
value without end: `{{ "x" * 10**9 }}`, `{{ [0] * 10**9 }}`, `{{ 10 ** 10 ** 9 }}`, two
nested loops of 100,000 turns, a macro that doubles its text forty times. Each render in
render_template runs inside `bounded()`, and the sandbox's hooks (its operators, calls,
attribute look-ups, every `{% for %}` loop and the output) check these limits
cooperatively, with no thread and no signal, so they hold in worker processes and in
`careprint serve` alike. A render that passes one stops with TemplateLimit, which
render_template reports at the template's file:line, exit 1.

On Linux the process's address space is capped too while the template renders (`MEMORY`
over what the process already has, then the limit it had is restored), so that a way to
grow a value that no hook sees ends in MemoryError, also reported at the template. The
cap is the whole process's: under `careprint serve`, another thread that asked for that
much memory at the same moment would be refused it too.
"""

from __future__ import annotations

import contextlib
import contextvars
import re
import time
from dataclasses import dataclass, field

SECONDS = 60.0  # one render's time
TURNS = 10_000_000  # loop turns in one render, all loops together
CHARS = 20_000_000  # characters of one value a template makes (a string, a macro's text)
ITEMS = 1_000_000  # items of one list or tuple a template makes
INT_BITS = 100_000  # bits of one integer a template makes (about 30,000 digits)
OUTPUT = 100_000_000  # characters of one render's whole output
MEMORY = 1024 ** 3  # bytes of address space a render may add (single-threaded processes)


class TemplateLimit(Exception):
    """A render went past one of the limits above; the message says which."""


@dataclass
class Budget:
    """What the render in progress has left."""

    deadline: float
    turns: int = 0
    started: float = field(default_factory=time.monotonic)

    def tick(self, turns: int = 0) -> None:
        self.turns += turns
        if self.turns > TURNS:
            raise TemplateLimit(f"its loops turned more than {TURNS:,} times")
        if time.monotonic() > self.deadline:
            raise TemplateLimit(f"it ran for more than {SECONDS:g} seconds")


_BUDGET: contextvars.ContextVar[Budget | None] = contextvars.ContextVar("template_budget",
                                                                       default=None)


def tick(turns: int = 0) -> None:
    """Count `turns` loop turns and check the time, when a render is bounded."""
    budget = _BUDGET.get()
    if budget is not None:
        budget.tick(turns)


@contextlib.contextmanager
def bounded():
    """Bound the template render inside the block (time, turns, and memory where it can)."""
    token = _BUDGET.set(Budget(time.monotonic() + SECONDS))
    try:
        with _memory_cap():
            yield
    finally:
        _BUDGET.reset(token)


def check_size(value) -> None:
    """Refuse a value a template made that is past its size limit."""
    if isinstance(value, str) and len(value) > CHARS:
        raise TemplateLimit(f"it made a text of more than {CHARS:,} characters")
    if isinstance(value, (list, tuple)) and len(value) > ITEMS:
        raise TemplateLimit(f"it made a list of more than {ITEMS:,} items")
    if isinstance(value, int) and not isinstance(value, bool) and \
            value.bit_length() > INT_BITS:
        raise TemplateLimit(f"it made a number of more than {INT_BITS:,} bits")


def refuse_chars(n: int) -> None:
    """Refuse to make a text of `n` characters when that is past the limit."""
    if n > CHARS:
        raise TemplateLimit(f"it would make a text of {n:,} characters, more than "
                            f"{CHARS:,}")


def refuse_items(n: int) -> None:
    if n > ITEMS:
        raise TemplateLimit(f"it would make a list of {n:,} items, more than {ITEMS:,}")


def refuse_bits(n: int) -> None:
    if n > INT_BITS:
        raise TemplateLimit(f"it would make a number of about {n:,} bits, more than "
                            f"{INT_BITS:,}")


@contextlib.contextmanager
def _memory_cap():
    """RLIMIT_AS at what the process has now plus MEMORY, while the block runs, where the
    system tells what the process has (Linux) and no lower limit is set already."""
    try:
        import resource

        with open("/proc/self/statm", encoding="ascii") as fh:
            have = int(fh.read().split()[0]) * resource.getpagesize()
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    except (ImportError, OSError, ValueError, AttributeError):
        yield
        return
    cap = have + MEMORY
    if (hard != resource.RLIM_INFINITY and cap > hard) or \
            (soft != resource.RLIM_INFINITY and soft <= cap):
        yield
        return
    resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


# ---------------------------------------------------------------- what an operation would make

_SEQ = (str, bytes, list, tuple)


def _length(value) -> int:
    """The characters (or items) of a value the sandbox looks at; 0 for anything else."""
    return len(value) if isinstance(value, _SEQ) else 0


def _chars(items) -> int:
    return sum(len(x) for x in items if isinstance(x, (str, bytes)))


def check_binop(operator: str, left, right) -> None:
    """Refuse `left operator right` when what it would make is past a limit."""
    if operator == "*":
        seq, n = (left, right) if isinstance(left, _SEQ) else (right, left)
        if isinstance(seq, _SEQ) and isinstance(n, int):
            _refuse_repeat(seq, n)
        elif _is_int(left) and _is_int(right):
            refuse_bits(left.bit_length() + right.bit_length())
    elif operator == "**" and _is_int(left) and _is_int(right) and right > 0:
        refuse_bits(max(abs(left).bit_length() - 1, 0) * right)
    elif operator == "+" and isinstance(left, _SEQ) and isinstance(right, _SEQ):
        _refuse_repeat(left, 1, extra=right)
    elif operator == "%" and isinstance(left, (str, bytes)):
        check_percent(left, right)


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _refuse_repeat(seq, n: int, extra=()) -> None:
    """Refuse `seq * n + extra` past the limit of its kind (a list's strings count too)."""
    n = max(n, 0)
    if isinstance(seq, (str, bytes)):
        refuse_chars(len(seq) * n + _length(extra))
    else:
        refuse_items(len(seq) * n + _length(extra))
        refuse_chars(_chars(seq) * n + (_chars(extra) if isinstance(extra, _SEQ) else 0))


_PERCENT = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(\*|\d+)?(?:\.(\*|\d+))?")


def check_percent(fmt, values) -> None:
    """Refuse `fmt % values` (and the `format` filter) when its widths make too long a
    text: `"%999999999d" % 1`."""
    fmt = fmt.decode("latin-1") if isinstance(fmt, bytes) else fmt
    stars = values if isinstance(values, tuple) else (values,)
    total = len(fmt)
    for m in _PERCENT.finditer(fmt):
        for width in m.groups():
            if width == "*":
                total += sum(v for v in stars if _is_int(v) and v > 0)
            elif width:
                total += int(width) if len(width) < 10 else CHARS + 1
    refuse_chars(total)


def check_format(fmt: str, args, kwargs) -> None:
    """Refuse `fmt.format(...)` when the widths of its fields make too long a text."""
    import string

    total, nested = len(fmt), False
    try:
        fields = list(string.Formatter().parse(fmt))
    except ValueError:
        return  # str.format says what is wrong
    for _text, _name, spec, _conv in fields:
        for width in re.findall(r"\d+", spec or ""):
            total += int(width) if len(width) < 10 else CHARS + 1
        nested = nested or "{" in (spec or "")
    if nested:
        total += sum(v for v in (*args, *kwargs.values()) if _is_int(v) and v > 0)
    refuse_chars(total)


_WIDTH_METHODS = frozenset({"ljust", "rjust", "center", "zfill"})


def check_method(method, args: tuple) -> tuple:
    """Refuse a call of a str method that would make too long a text; return the arguments
    to call it with (an iterable given to `join` is read once, here)."""
    owner, name = getattr(method, "__self__", None), getattr(method, "__name__", "")
    if not isinstance(owner, (str, bytes)) or not args:
        return args
    if name in _WIDTH_METHODS and _is_int(args[0]):
        refuse_chars(args[0])
    elif name == "expandtabs" and _is_int(args[0]):
        # the tab is of owner's own type (mypy cannot tie the two): [arg-type]
        refuse_chars(len(owner) + owner.count("\t" if isinstance(owner, str) else b"\t")  # type: ignore[arg-type]
                     * max(args[0], 0))
    elif name == "replace" and len(args) >= 2:
        check_replace(owner, *args)
    elif name == "join":
        items = list(args[0])
        refuse_items(len(items))
        refuse_chars(_chars(items) + len(owner) * len(items))
        return (items, *args[1:])
    return args


def check_replace(s, old, new, count=None) -> None:
    if not isinstance(s, (str, bytes)) or not isinstance(old, type(s)) or \
            not isinstance(new, type(s)):
        return
    n = s.count(old) if old else len(s) + 1  # type: ignore[arg-type]  # old is a type(s)
    if _is_int(count) and count >= 0:
        n = min(n, count)
    refuse_chars(len(s) + n * max(len(new) - len(old), 0))

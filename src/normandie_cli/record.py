"""``Record``: a small immutable value type, the base of every record in the model.

A subclass declares its fields as annotations, in order, with defaults as class attributes,
like a frozen dataclass::

    class Point(Record):
        year: int | None
        month: int | None = None

Instances are built positionally or by keyword, refuse attribute assignment, compare and hash
by type and values, and expose ``_fields`` and ``_replace``. Unlike ``dataclasses`` and
``typing.NamedTuple`` it generates no code per class, so defining many record types costs
almost nothing at start-up. Standard library only.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

if TYPE_CHECKING or sys.version_info >= (3, 11):
    from typing import dataclass_transform
else:  # Python 3.10: the decorator only informs type checkers
    def dataclass_transform(**_: Any) -> Any:
        return lambda cls: cls

_MISSING = object()
_R = TypeVar("_R", bound="Record")


# Type checkers see each subclass as a frozen dataclass: ``Citation(sourc="x")`` and a value of
# the wrong type are reported, and fields are typed, although no code is generated at run time.
@dataclass_transform(eq_default=True, frozen_default=True)
class Record:
    _fields: ClassVar[tuple[str, ...]] = ()
    _defaults: ClassVar[dict[str, Any]] = {}
    #: Every field in order, with its default or ``_MISSING``: copied into each new instance.
    _template: ClassVar[dict[str, Any]] = {}
    _field_set: ClassVar[frozenset[str]] = frozenset()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        fields = list(cls._fields)
        defaults = dict(cls._defaults)
        for name in cls.__dict__.get("__annotations__", {}):
            if name.startswith("_"):
                continue
            if name not in fields:
                fields.append(name)
            if name in cls.__dict__:
                defaults[name] = cls.__dict__[name]
            elif defaults:
                raise TypeError(f"{cls.__name__}.{name}: a field without a default follows one with a default")
        cls._fields = tuple(fields)
        cls._defaults = defaults
        cls._template = {name: defaults.get(name, _MISSING) for name in fields}
        cls._field_set = frozenset(fields)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Thousands of records are built per file: the common path is a few dict operations in C.
        if args:
            fields = self._fields
            if len(args) > len(fields):
                raise TypeError(f"{type(self).__name__} takes at most {len(fields)} values, got {len(args)}")
            for name, value in zip(fields, args, strict=False):
                if name in kwargs:
                    raise TypeError(f"{type(self).__name__} got {name!r} twice")
                kwargs[name] = value
        if not kwargs.keys() <= self._field_set:
            unknown = sorted(kwargs.keys() - self._field_set)
            raise TypeError(f"{type(self).__name__} has no field {unknown[0]!r}")
        values = self.__dict__
        values.update(self._template)  # every field, in order, with its default
        values.update(kwargs)
        if len(kwargs) < len(values) and _MISSING in values.values():
            missing = next(name for name, value in values.items() if value is _MISSING)
            values.clear()
            raise TypeError(f"{type(self).__name__} is missing {missing!r}")

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable")

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return self.__dict__ == other.__dict__

    def __hash__(self) -> int:
        return hash((type(self), *self.__dict__.values()))

    def __repr__(self) -> str:
        inner = ", ".join(f"{name}={value!r}" for name, value in self.__dict__.items())
        return f"{type(self).__name__}({inner})"

    def _replace(self: _R, **changes: Any) -> _R:
        return type(self)(**{**self.__dict__, **changes})

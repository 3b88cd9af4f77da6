"""Demo data of the apps beyond the organisation, loaded by `manage.py seed_demo`
after the demo centre. Each app registers a loader in its AppConfig.ready(), so the
organisation app never imports the apps built on top of it:

    demo.register("投诉与首问演示数据", "complaints.demo:load_demo", order=50)

A loader is idempotent and returns a one-line summary for the console.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module


@dataclass(frozen=True)
class DemoLoader:
    label: str
    path: str  # "module:function"
    order: int

    def load(self) -> str:
        module, _, name = self.path.partition(":")
        func: Callable[[], str] = getattr(import_module(module), name)
        return func()


_loaders: dict[str, DemoLoader] = {}


def register(label: str, path: str, *, order: int = 100) -> None:
    _loaders[path] = DemoLoader(label, path, order)


def loaders() -> list[DemoLoader]:
    return sorted(_loaders.values(), key=lambda item: (item.order, item.label))

"""What the root command was told, and the runtime each command builds from it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from adapters.bootstrap import Runtime


@dataclass
class Config:
    """The root command's options; each command builds what it needs from them."""

    store: str
    salesforce: str | None

    def runtime(self, external_id_field: str | None = None, create: bool = True) -> Runtime:
        """The engine on this store and org (`with config.runtime() as runtime:`); commands
        that only read pass `create=False`, so a mistyped store is refused, not made."""
        from adapters.bootstrap import build  # the engine's modules load with the command

        return build(
            self.store, self.salesforce, external_id_field=external_id_field, create=create
        )

    def reader(self) -> Runtime:
        """The runtime of a command that only reads: the store must exist."""
        return self.runtime(create=False)

"""What the app keeps for its lifetime: settings, the store, users, the submission context."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app

from kg.dataset import GraphStore
from kg.settings import Settings
from kg.storage import open_configured
from kg.submissions import Context
from kg.submissions.validate import shared_context
from kg.users import User, load_users


@dataclass
class State:
    """The app's long-lived objects, attached once in `app.extensions['kg']`."""

    settings: Settings
    store: GraphStore
    users: dict[str, User]
    context: Context

    def query(self, text: str, dataset, bindings=None, honour_from: bool = True):
        """Run a read-only query with the row cap and a time limit that really stops it.

        With `honour_from` false the query's FROM / FROM NAMED are ignored (the SPARQL
        protocol named the dataset).
        """
        from functools import partial

        from kg.sparql import run_query
        from kg.worker import run_limited

        return run_limited(
            self.store,
            text,
            dataset,
            bindings,
            int(self.settings.number("row_cap")),
            self.settings.number("query_timeout"),
            partial(run_query, honour_from=honour_from),
        )

    @classmethod
    def open(cls, settings: Settings) -> State:
        """Open the store and read the users file named by `settings`."""
        store = open_configured(settings)
        store.clear_staging()  # a write interrupted by a crash left only unused staging graphs
        return cls(
            settings,
            store,
            load_users(settings.path("users")),
            shared_context(str(settings.path("content"))),
        )


def state() -> State:
    """Return the running app's state."""
    return current_app.extensions["kg"]

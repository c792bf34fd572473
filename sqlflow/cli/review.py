"""``sqlflow review``: list doubtful records waiting for a person, approve or reject them."""

from __future__ import annotations

import getpass
import json

import click

from sqlflow.access import KafkaConnection
from sqlflow.config import load_config


def _bootstrap(value: str | None) -> KafkaConnection:
    """The project's Kafka connection (sqlflow.yaml's kafka: TLS and SASL), at ``value`` if given."""
    return load_config().kafka_client(value or None)


_PREFIX = click.option("--topic-prefix", envvar="TOPIC_PREFIX", default="", show_default=True,
                       help="Prefix of the topic names the jobs ran with (${TOPIC_PREFIX} in the SQL).")
_BOOTSTRAP = click.option("--bootstrap", envvar="KAFKA_BOOTSTRAP", metavar="HOST:PORT",
                          help="Kafka bootstrap servers (default: sqlflow.yaml's kafka.bootstrap).")


@click.group("review")
def command() -> None:
    """Human review of doubtful records (the review_queue topic).

    The Kafka clients use sqlflow.yaml's kafka: settings (security_protocol, sasl_*, ssl_*)."""


@command.command("list")
@_BOOTSTRAP
@_PREFIX
@click.option("--limit", type=int, default=50, show_default=True, help="Show at most this many.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per pending item.")
def list_pending(bootstrap: str | None, topic_prefix: str, limit: int, as_json: bool) -> None:
    """List the records waiting for a decision, oldest first."""
    from sqlflow.review import pending  # kafka-python: not on `sqlflow --help`'s path

    items = pending(_bootstrap(bootstrap), topic_prefix)
    if as_json:
        for item in items[:limit]:
            click.echo(json.dumps(item.__dict__))
        return
    click.echo(f"{len(items)} pending")
    for item in items[:limit]:
        click.echo(f"{item.review_id:<28} {item.reason:<15} {item.source}#{item.seq}  {item.record}")


_PAST = {"approve": "approved", "reject": "rejected"}


def _decide(decision: str) -> click.Command:
    @command.command(decision)
    @_BOOTSTRAP
    @_PREFIX
    @click.argument("review_ids", nargs=-1)
    @click.option("--all", "all_pending", is_flag=True, help="Every pending item.")
    @click.option("--reviewer", default=None, help="Who decides (default: the login name).")
    @click.option("--note", default="", help="Why, for the record.")
    def run(bootstrap: str | None, topic_prefix: str, review_ids: tuple[str, ...], all_pending: bool,
            reviewer: str | None, note: str) -> None:
        from sqlflow.review import decide, pending  # kafka-python: not on `sqlflow --help`'s path

        servers = _bootstrap(bootstrap)
        ids = list(review_ids)
        if all_pending:
            ids += [i.review_id for i in pending(servers, topic_prefix)]
        done = decide(servers, ids, decision, reviewer or getpass.getuser(), note, topic_prefix)
        click.echo(f"{_PAST[decision]} {len(done)}: " + ", ".join(d.review_id for d in done))

    run.__doc__ = f"{decision.capitalize()} pending records by review id (written to review_decisions)."
    run.help = run.__doc__
    return run


approve = _decide("approve")
reject = _decide("reject")

"""`callcenter campaigns|lists|dnc|gate`: campaigns, call-list imports, do-not-call lists and the gate's answers."""

from __future__ import annotations

import sys
from datetime import date, datetime, timezone
from pathlib import Path

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import with_appcontext

from crm_core.db import utcnow
from crm_core.errors import CrmError
from crm_core.models import CAMPAIGN_PURPOSES, DIALING_MODES, Campaign, ComplianceProfile
from dialer import dnc
from dialer.campaigns import STATUS_ACTIONS, change_campaign_status, create_campaign, find_campaign
from dialer.compliance import ComplianceGate, abandon_rate, seed_shipped_profiles
from dialer.imports import ImportProgress, import_call_list, rejections_csv
from dialer.lists import build_list_from_segment, list_report

from .db import get_session


def _region() -> str:
    return current_app.config["DEFAULT_REGION"]


def _moment(value: str | None) -> datetime:
    """--at as ISO 8601; without an offset it is UTC. Default: now."""
    if not value:
        return utcnow()
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter("an ISO 8601 time, e.g. 2026-06-01T18:30+03:00", param_hint="--at") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def _run(action):
    """Run a domain action in the command's session: commit on success, a clear message on a domain error."""
    session = get_session()
    try:
        result = action(session)
    except CrmError as exc:
        session.rollback()
        raise click.ClickException(str(exc)) from exc
    session.commit()
    return result


@click.group("campaigns")
def campaigns_cli() -> None:
    """Outbound campaigns."""


@campaigns_cli.command("create")
@click.argument("name")
@click.option("--profile", required=True, help="Compliance profile code: US, UK, FR, DE, RU or an admin's own.")
@click.option("--caller-id", required=True, help="The number shown to callees.")
@click.option("--purpose", type=click.Choice(CAMPAIGN_PURPOSES), default="service", show_default=True)
@click.option("--mode", type=click.Choice(DIALING_MODES), default="progressive", show_default=True)
@with_appcontext
def create_campaign_command(name, profile, caller_id, purpose, mode) -> None:
    """Create a campaign under a compliance profile."""
    campaign = _run(lambda s: create_campaign(s, name=name, profile_code=profile, caller_id=caller_id,
                                              purpose=purpose, mode=mode, default_region=_region()))
    click.echo(f"campaign {campaign.id} {campaign.name!r}: {purpose}, {mode}, caller ID {campaign.caller_id}")


@campaigns_cli.command("list")
@with_appcontext
def list_campaigns_command() -> None:
    """Show the campaigns with their profile."""
    rows = get_session().execute(sa.select(Campaign, ComplianceProfile.code).join(ComplianceProfile)
                                 .order_by(Campaign.id))
    for campaign, code in rows:
        click.echo(f"{campaign.id:>4}  {campaign.name:<30} {code:<8} {campaign.purpose:<12} {campaign.mode:<12} "
                   f"{campaign.caller_id}")


@campaigns_cli.command("set-status")
@click.argument("campaign")
@click.argument("action", type=click.Choice(sorted(STATUS_ACTIONS)))
@with_appcontext
def campaign_status_command(campaign, action) -> None:
    """Start, pause or stop a campaign (id or name); the pacer obeys at its next round."""
    changed = _run(lambda s: change_campaign_status(s, find_campaign(s, campaign), action))
    click.echo(f"campaign {changed.id} {changed.name!r}: {changed.status}")


@click.group("lists")
def lists_cli() -> None:
    """Call lists: import a CSV file, build one from a customer segment, read a list's report."""


@lists_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--campaign", required=True, help="Campaign id or name.")
@click.option("--name", help="The list's name (default: the file's).")
@click.option("--encoding", type=click.Choice(["auto", "utf-8", "cp1251"]), default="auto", show_default=True)
@click.option("--delimiter", type=click.Choice([",", ";", "tab"]), help="Default: guessed from the header.")
@click.option("--map", "mappings", multiple=True, metavar="FIELD=COLUMN",
              help="Which column holds phone, name or consent, e.g. --map phone=Телефон.")
@click.option("--rejected", "rejected_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write the rejected rows (default: FILE.rejected.csv).")
@click.option("--workers", type=int, help="Processes normalizing numbers (default: one per core).")
@with_appcontext
def import_list_command(file: Path, campaign, name, encoding, delimiter, mappings, rejected_path, workers) -> None:
    """Import a call list from a CSV file with a header row, with a progress bar and a rejected-rows report."""
    mapping = {}
    for item in mappings:
        field, sep, column = item.partition("=")
        if not sep or not column.strip():
            raise click.BadParameter(f"{item!r}: write FIELD=COLUMN", param_hint="--map")
        mapping[field.strip()] = column.strip()
    session = get_session()
    try:
        target = find_campaign(session, campaign)
    except CrmError as exc:
        raise click.ClickException(str(exc)) from exc
    with click.progressbar(length=file.stat().st_size, label=f"importing {file.name}", file=sys.stderr) as bar, \
            file.open("rb") as stream:
        shown = 0

        def progress(at: ImportProgress) -> None:
            nonlocal shown
            bar.update(at.bytes_read - shown)
            shown = at.bytes_read

        call_list = _run(lambda s: import_call_list(
            s, stream, campaign=target, name=name or file.stem, file_name=file.name, default_region=_region(),
            now=utcnow(), encoding=encoding, delimiter="\t" if delimiter == "tab" else delimiter,
            mapping=mapping, progress=progress, workers=workers))
    report = list_report(session, call_list.id)
    click.echo(f"list {report['id']}: {report['rows_total']} rows, {report['leads']} leads, "
               f"{report['rejected']} rejected ({report['duplicates']} duplicates), "
               f"{report['linked_to_customers']} linked to customers")
    if call_list.rejected_count:
        rejected_path = rejected_path or file.with_name(file.name + ".rejected.csv")
        with rejected_path.open("w", encoding="utf-8", newline="") as out:
            out.writelines(rejections_csv(session, call_list.id))
        click.echo(f"rejected rows: {rejected_path}")


@lists_cli.command("segment")
@click.option("--campaign", required=True, help="Campaign id or name.")
@click.option("--name", required=True)
@click.option("--ordered-within-days", type=int, help="Customers who ordered in the last N days.")
@click.option("--not-contacted-days", type=int, help="...and were not contacted in the last N days.")
@click.option("--segment", help="...and carry this segment tag.")
@with_appcontext
def segment_list_command(campaign, name, ordered_within_days, not_contacted_days, segment) -> None:
    """Build a list from customers matching a segment query."""
    call_list = _run(lambda s: build_list_from_segment(
        s, find_campaign(s, campaign), name=name, default_region=_region(), now=utcnow(),
        ordered_within_days=ordered_within_days, not_contacted_days=not_contacted_days, segment=segment))
    click.echo(f"list {call_list.id}: {call_list.leads_count} leads")


@lists_cli.command("show")
@click.argument("list_id", type=int)
@click.option("--rejected", is_flag=True, help="Print the rejected rows as CSV.")
@with_appcontext
def show_list_command(list_id: int, rejected: bool) -> None:
    """Print a list's import report (and its rejected rows)."""
    session = get_session()
    report = _run(lambda s: list_report(s, list_id))
    for key, value in report.items():
        click.echo(f"{key:<20} {value}")
    if rejected:
        for text in rejections_csv(session, list_id):
            click.echo(text, nl=False)


@click.group("dnc")
def dnc_cli() -> None:
    """Do-not-call lists: add or remove a number (with a reason), import a registry copy, look a number up."""


@dnc_cli.command("add")
@click.argument("number")
@click.option("--reason", required=True)
@click.option("--campaign", help="Only for this campaign (id or name); default: every campaign.")
@with_appcontext
def dnc_add_command(number, reason, campaign) -> None:
    """Never call NUMBER again (globally or for one campaign)."""
    entry = _run(lambda s: dnc.add_number(s, number, reason=reason, default_region=_region(), now=utcnow(),
                                          campaign_id=find_campaign(s, campaign).id if campaign else None))
    click.echo(f"{entry.e164} is on the {'campaign' if entry.campaign_id else 'global'} do-not-call list")


@dnc_cli.command("remove")
@click.argument("number")
@click.option("--reason", required=True)
@click.option("--campaign", help="Remove from this campaign's list (id or name); default: the global list.")
@with_appcontext
def dnc_remove_command(number, reason, campaign) -> None:
    """Take NUMBER off a do-not-call list; the reason is kept in the audit trail."""
    entry = _run(lambda s: dnc.remove_number(s, number, reason=reason, default_region=_region(), now=utcnow(),
                                             campaign_id=find_campaign(s, campaign).id if campaign else None))
    click.echo(f"{entry.e164} removed")


@dnc_cli.command("show")
@click.argument("number")
@with_appcontext
def dnc_show_command(number) -> None:
    """Every do-not-call list NUMBER is on, and who changed what."""
    status = _run(lambda s: dnc.number_status(s, number, default_region=_region()))
    click.echo(status["e164"])
    for entry in status["entries"]:
        scope = f"campaign {entry['campaign_id']}" if entry["campaign_id"] else "global"
        click.echo(f"  listed   {scope:<12} {entry['source']:<12} {entry['added_at']}  {entry['reason'] or ''}")
    for registry in status["registries"]:
        click.echo(f"  registry {registry['registry']} copy of {registry['registry_date']}")
    for change in status["changes"]:
        click.echo(f"  {change['action']:<8} {change['changed_at']}  user {change['user_id']}  {change['reason']}")


@dnc_cli.command("import-registry")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--registry", required=True, help="The registry's code as profiles name it: US-DNC, TPS...")
@click.option("--date", "registry_date", required=True, type=click.DateTime(["%Y-%m-%d"]),
              help="The date of this copy (profiles may require a recent one).")
@click.option("--region", help="Region of numbers without country code (default: DEFAULT_REGION).")
@with_appcontext
def dnc_import_command(file: Path, registry, registry_date, region) -> None:
    """Import a dated copy of a national do-not-call registry (one number per line)."""
    with file.open("rb") as stream:
        copy = _run(lambda s: dnc.import_registry(
            s, stream, registry_code=registry, registry_date=date.fromordinal(registry_date.toordinal()),
            region=region or _region(), now=utcnow(), file_name=file.name))
    click.echo(f"{copy.registry_code} copy of {copy.registry_date}: {copy.entries_count} numbers, "
               f"{copy.rejected_count} lines skipped")


@click.group("gate")
def gate_cli() -> None:
    """The compliance gate: why a number can or cannot be called, profiles, abandon rates."""


@gate_cli.command("check")
@click.argument("number")
@click.option("--campaign", required=True, help="Campaign id or name.")
@click.option("--at", "at", help="When (ISO 8601; UTC without an offset). Default: now.")
@click.option("--mode", type=click.Choice(DIALING_MODES), help="Default: the campaign's mode.")
@with_appcontext
def gate_check_command(number, campaign, at, mode) -> None:
    """Ask the gate whether NUMBER may be dialed for a campaign at a time (nothing is recorded)."""
    moment = _moment(at)
    decision = _run(lambda s: ComplianceGate(s, default_region=_region()).check(
        find_campaign(s, campaign), number=number, now=moment, mode=mode, record=False))
    click.echo(f"{decision.e164} {decision.mode} for campaign {decision.campaign_id} ({decision.profile_code}) at "
               f"{moment.isoformat()}: {'ALLOWED' if decision.allowed else 'REFUSED'}")
    for reason in decision.reasons:
        click.echo(f"  {reason.code}: {reason.message}")
    for zone, local in decision.as_dict()["local_times"].items():
        click.echo(f"  local time {zone}: {local}")
    if decision.allowed:
        click.echo(f"  caller ID {decision.caller_id}, ring at least {decision.min_ring_seconds} s")
    sys.exit(0 if decision.allowed else 1)


@gate_cli.command("profiles")
@with_appcontext
def gate_profiles_command() -> None:
    """List the compliance profiles (storing the shipped ones that are missing)."""
    _run(seed_shipped_profiles)
    for profile in get_session().scalars(sa.select(ComplianceProfile).order_by(ComplianceProfile.code)):
        click.echo(f"{profile.code:<10} {profile.name}{'' if profile.shipped else '  (defined by an admin)'}")


@gate_cli.command("abandon-rate")
@click.option("--campaign", required=True, help="Campaign id or name.")
@click.option("--at", "at", help="End of the window (ISO 8601). Default: now.")
@with_appcontext
def gate_abandon_command(campaign, at) -> None:
    """A campaign's abandoned-call rate over its profile's window, against the limit."""
    moment = _moment(at)
    rate = _run(lambda s: abandon_rate(s, find_campaign(s, campaign), moment))
    click.echo(f"{rate.rate:.2%} of live calls abandoned (limit {rate.limit:.0%}) from "
               f"{rate.window_start.isoformat()} to {rate.window_end.isoformat()}: {rate.live_agent} connected, "
               f"{rate.drops} abandoned, {rate.am_agent} machines passed as human"
               f"{' - OVER THE LIMIT' if rate.exceeded else ''}")

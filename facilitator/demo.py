"""The demo data: two groups (Lausanne in French, Lugano in Italian) with
members, a meeting series with its exceptions, roles filled fairly, a year of
headcounts, a directory message, an open poll, an invitation, a calendar feed
and a charter (Lausanne's with a rule of its own that one member has not read
yet); in Lausanne, a newcomer and their welcome contact who wrote to each other;
each group attached to a self-help centre (the Vaud one with a staff account,
founding a group in Morges that the directory lists as starting soon).

Loaded by ``flask demo-data`` (and ``make run`` on an empty database) and by the
browser tests.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from facilitator.domain.recurrence import MONTHLY, WEEKLY, Rule
from facilitator.extensions import db
from facilitator.models import (
    Centre,
    ContactMessage,
    Group,
    Membership,
    Referral,
    User,
    WelcomeMessage,
)
from facilitator.models.groups import MemberRole
from facilitator.services import (
    attendance,
    centres,
    charter,
    clock,
    feeds,
    founding,
    invitations,
    polls,
    privacy,
    roles,
    rooms,
    schedule,
    themes,
    unit,
    welcome,
)
from facilitator.services import groups as group_service

DEMO_PASSWORD = "demo-password-2026"  # noqa: S105 - documented demo login
DEMO_DOMAIN = "demo.example.org"

DEMO_GROUPS = [
    {
        "data": group_service.GroupData(
            name="Vivre avec la fibromyalgie – Lausanne",
            description=(
                "Groupe d'entraide autogéré pour personnes vivant avec la fibromyalgie. "
                "Nous nous retrouvons un mardi sur deux pour échanger, nous soutenir et "
                "partager nos astuces du quotidien. Confidentialité et bienveillance."
            ),
            theme="health",
            canton="VD",
            language="fr",
            timezone="Europe/Zurich",
            default_location="Maison de quartier de Chailly, salle 2, Av. de la Vallonnette 12, Lausanne",
            listed=True,
            directory_title="Fibromyalgie – groupe d'entraide",
            town="Lausanne",
        ),
        "members": [
            ("camille", "Camille", "fr", True),
            ("mathis", "Mathis R.", "fr", True),
            ("elodie", "Élodie", "fr", False),
            ("noemie", "Noémie", "fr", False),
            ("jp", "Jean-Pierre", "fr", False),
        ],
        "schedule": {
            "rule": Rule(WEEKLY, interval=2, byday=("TU",)),
            "time": time(19),
            "minutes": 120,
            "cancel_reason": "Salle indisponible (assemblée de quartier)",
            "moved_to": "Maison de quartier de Chailly, salle 1",
            "moved_note": "Exceptionnellement le jeudi, dans la petite salle.",
            "pause": "Pause estivale",
            "weeks_back": 53,
            "attendance": True,
            "one_off_place": "Parc de Mon-Repos, Lausanne (sous le grand cèdre)",
            "one_off_title": "Pique-nique canadien",
        },
        # A secret poll on the last evening before the summer break; Élodie and
        # Noémie have answered, Camille (the demo log-in) has not yet.
        "poll": {
            "question": "Quel soir pour notre dernière rencontre avant la pause d'été\u00a0?",
            "answers": {"elodie": (1, 2), "noemie": (0, 1)},  # positions of the evenings
        },
        # A rule of their own, added to the usual charter: every member has
        # read it but Élodie.
        "charter": {
            "addition": (
                "**Pour notre groupe**\n\n"
                "- La fibromyalgie fatigue\u202f: chaque personne peut s'allonger, se lever "
                "ou partir avant la fin sans avoir à s'expliquer."
            ),
            "unread": ("elodie",),
        },
        # Two themes proposed, with some support (counted, never named).
        "themes": [
            (
                "La fatigue au travail\u00a0: en parler ou non\u00a0?",
                "elodie",
                ("noemie", "jp", "mathis"),
            ),
            ("Les médecines complémentaires\u00a0: nos expériences", "jp", ("elodie",)),
        ],
        # Jean-Pierre joined lately (the others long ago); Camille, willing like
        # Noémie, is his welcome contact, and they have written to each other.
        "welcome": {
            "newcomer": "jp",
            "contact": "camille",
            "willing": ("camille", "noemie"),
            "messages": (
                (
                    False,
                    "Bonjour Jean-Pierre, je serai ta personne de contact pour tes premières "
                    "rencontres. Je t'attendrai à l'entrée mardi, un quart d'heure avant. "
                    "N'hésite pas si tu as des questions\u00a0!",
                ),
                (
                    True,
                    "Merci Camille\u00a0! Faut-il apporter quelque chose\u00a0? "
                    "Et est-ce que je peux simplement écouter la première fois\u00a0?",
                ),
            ),
        },
        "visitor": {
            "sender_name": "Léa",
            "sender_contact": "lea.m@example.org",
            "body": "Bonjour, on vient de me diagnostiquer une fibromyalgie. "
            "Est-ce que je peux venir à votre prochaine rencontre, simplement pour écouter ?",
        },
    },
    {
        "data": group_service.GroupData(
            name="Gruppo di auto-aiuto lutto – Lugano",
            description=(
                "Gruppo di auto-aiuto per chi ha perso una persona cara. Ci incontriamo il "
                "secondo giovedì del mese per condividere, ascoltare e sostenerci a vicenda. "
                "Quello che si dice nel gruppo resta nel gruppo."
            ),
            theme="grief",
            canton="TI",
            language="it",
            timezone="Europe/Zurich",
            default_location="Casa del Quartiere Molino Nuovo, sala 1, Via Ciani 4, Lugano",
            listed=True,
            town="Lugano",
        ),
        "members": [
            ("giulia", "Giulia", "it", True),
            ("marco", "Marco B.", "it", False),
            ("chiara", "Chiara", "it", False),
            ("sandro", "Sandro", "it", False),
        ],
        "schedule": {
            "rule": Rule(MONTHLY, byday=("TH",), setpos=2),
            "time": time(18, 30),
            "minutes": 90,
            "cancel_reason": "Sala occupata",
            "moved_to": "Biblioteca cantonale, sala riunioni",
            "moved_note": "Eccezionalmente di sabato, in biblioteca.",
            "pause": "Pausa estiva",
            "weeks_back": 17,
            "attendance": False,
            "one_off_place": "Parco Ciani, Lugano (vicino all'imbarcadero)",
            "one_off_title": "Passeggiata insieme",
        },
        "themes": [
            ("Il primo anniversario: come affrontarlo", "chiara", ("marco", "sandro")),
            ("Le parole che ci hanno aiutato", "marco", ("chiara",)),
        ],
    },
]


# A group that the Vaud centre is founding (no member yet: its staff hand it
# over with a link), listed in the directory as starting soon.
DEMO_FOUNDING = founding.FoundingData(
    name="Proches aidants – Morges (démo)",
    theme="family",
    canton="VD",
    language="fr",
    town="Morges",
    directory_title="Groupe pour proches aidants et aidantes",
    description=(
        "Pour les personnes qui accompagnent un proche malade ou âgé\u00a0: "
        "échanger, souffler, s'entraider."
    ),
    listed=True,
)

# Two self-help centres: Lausanne's group is attached to the Vaud one, whose
# staff account is the demo's tenth and which is founding a group in Morges;
# Lugano's to the Ticino one.
DEMO_CENTRES = [
    {
        "name": "Info-Entraide Vaud (démo)",
        "cantons": ["VD"],
        "languages": ["fr"],
        "contact": f"info-entraide-vd@{DEMO_DOMAIN}",
        "group_language": "fr",
        "staff": ("sandrine", "Sandrine (Info-Entraide)", "fr"),
        # (name, address, seats, notes); the group's series is in the first.
        "rooms": [
            ("Salle 2", "Av. de la Vallonnette 12, Lausanne", 14, "Clé à la réception."),
            ("Salle du jardin", "Av. de la Vallonnette 12, Lausanne", 8, ""),
        ],
        "founding": DEMO_FOUNDING,
        # A visitor's request waiting for the staff (name, contact, text).
        "request": (
            "Martine",
            f"martine.visiteuse@{DEMO_DOMAIN}",
            "Je cherche un groupe pour les proches d'une personne atteinte de la maladie "
            "d'Alzheimer, à Lausanne ou à Morges, plutôt en soirée.",
        ),
    },
    {
        "name": "Centro Auto Aiuto Ticino (demo)",
        "cantons": ["TI"],
        "languages": ["it"],
        "contact": f"auto-aiuto-ti@{DEMO_DOMAIN}",
        "group_language": "it",
        "staff": None,
        "rooms": [("Sala 2", "Via Ciani 4, Lugano", 12, "")],
    },
]
DEMO_STAFF_EMAIL = f"sandrine@{DEMO_DOMAIN}"

# The demo's accounts: ten, all with DEMO_PASSWORD.
DEMO_EMAILS = [
    *(f"{login}@{DEMO_DOMAIN}" for spec in DEMO_GROUPS for login, *_ in spec["members"]),
    *(f"{c['staff'][0]}@{DEMO_DOMAIN}" for c in DEMO_CENTRES if c["staff"]),
]
# Where `flask demo-data` runs without --i-know-this-is-production.
DEMO_ENVIRONMENTS = ("development", "testing")


def _demo_user(login: str, name: str, locale: str) -> User:
    user = User(email=f"{login}@{DEMO_DOMAIN}", display_name=name, locale=locale)
    user.set_password(DEMO_PASSWORD)
    db.session.add(user)
    return user


def _demo_schedule(group: Group, actor: User, spec: dict) -> None:
    """A series running since about four months, with a cancelled meeting, a
    moved one, a paused period, and a one-off meeting."""
    today = clock.today(group.timezone)
    rule, at, minutes = spec["rule"], spec["time"], spec["minutes"]
    series = schedule.create_series(
        group,
        actor,
        schedule.SeriesData(
            start_date=today - timedelta(weeks=spec["weeks_back"]),
            start_time=at,
            duration_minutes=minutes,
            rule=rule,
            location=group.default_location,
        ),
    )
    coming = schedule.occurrences([group.id], today, today + timedelta(days=400))
    cancelled, moved = coming[1], coming[2]
    schedule.cancel(group, actor, cancelled, spec["cancel_reason"])
    schedule.change(
        group,
        actor,
        moved,
        schedule.MeetingData(
            start=moved.start + timedelta(days=2),
            duration_minutes=minutes,
            location=spec["moved_to"],
            note=spec["moved_note"],
        ),
    )
    summer = date(today.year + (today.month > 6), 7, 1)
    schedule.pause(group, actor, series, summer, summer.replace(month=8, day=31), spec["pause"])
    schedule.create_one_off(
        group,
        actor,
        schedule.MeetingData(
            start=datetime.combine(today + timedelta(days=10), time(12)),
            duration_minutes=150,
            location=spec["one_off_place"],
            title=spec["one_off_title"],
        ),
    )
    if spec["attendance"]:
        _demo_headcounts(group, actor, today)


def _demo_headcounts(group: Group, actor: User, today: date) -> None:
    """A year of anonymous headcounts (one meeting left unrecorded)."""
    attendance.enable(group, actor)
    membership = db.session.scalar(Membership.select_for(actor.id, group.id))
    past = [
        o
        for o in schedule.occurrences(
            [group.id], today - timedelta(days=370), today - timedelta(days=1)
        )
        if not o.cancelled
    ]
    for index, occurrence in enumerate(past):
        if index == 5:
            continue  # forgotten that evening: shown as "not recorded"
        participants = 5 + (index * 7) % 6
        newcomers = 1 if index % 4 == 0 else 0
        attendance.record(group, membership, occurrence, participants, newcomers, clock.now())


def _demo_roles(group: Group, actor: User) -> None:
    """Everyone is willing to take a few roles; the next weeks are filled fairly."""
    role_list = db.session.scalars(roles.role_types(group)).all()
    memberships = db.session.scalars(
        select(Membership).where(Membership.group_id == group.id).order_by(Membership.id)
    ).all()
    for index, membership in enumerate(memberships):
        # The newest member only welcomes (no facilitation before opting in).
        chosen = role_list[2:3] if index == len(memberships) - 1 else role_list[index % 2 :: 2]
        roles.set_opt_ins(membership, {r.id for r in chosen} | {role_list[2].id})
    proposal = roles.autofill_proposal(group, 6, clock.now())
    picks = [
        (c.slot.meeting, c.slot.role, c.slot.index, c.member)
        for c in proposal.choices
        if c.member is not None
    ]
    roles.apply_autofill(group, actor, picks, clock.now())


def _demo_poll(group: Group, users: dict[str, User], spec: dict) -> None:
    """A secret date poll, open ten more days: three evenings at the end of
    June to choose from (the summer break starts in July)."""
    today = clock.today(group.timezone)
    summer = date(today.year, 7, 1)
    if summer - timedelta(days=10) <= today:
        summer = summer.replace(year=today.year + 1)
    evenings = [summer - timedelta(days=days) for days in (9, 7, 2)]
    poll = polls.create(
        group,
        next(iter(users.values())),
        polls.PollData(
            question=spec["question"],
            kind="dates",
            multiple=True,
            secret=True,
            live_results=False,
            closes_on=today + timedelta(days=10),
            closes_time=time(20),
            options=[polls.OptionData(day=day, at=time(19)) for day in evenings],
        ),
        clock.now(),
    )
    for login, positions in spec["answers"].items():
        polls.vote(poll, users[login], [poll.options[p].id for p in positions], clock.now())


def _demo_charter(group: Group, members: dict[str, Membership], spec: dict) -> None:
    """The usual charter, perhaps with a rule of the group's own (which every
    member must read); read by every member but those named ``unread``."""
    if "addition" in spec:
        text = charter.template_text(group.language) + "\n\n" + spec["addition"]
        author = next(iter(members.values()))
        charter.revise(group, author.user, text, must_reread=True, base=1)
    current = charter.standing(next(iter(members.values()))).current
    for login, membership in members.items():
        if login not in spec.get("unread", ()):
            charter.acknowledge(membership, current)


def _demo_welcome(group: Group, members: dict[str, Membership], spec: dict) -> None:
    """Every member but the newcomer joined when the meetings began; the
    willing ones said so; the newcomer's contact and they wrote to each
    other (written straight to the conversation: nobody is emailed)."""
    now = clock.now()
    for login, membership in members.items():
        if login != spec["newcomer"]:
            membership.joined_at = now - timedelta(weeks=60)
        membership.welcome_willing = login in spec["willing"]
    db.session.flush()
    contact = members[spec["contact"]]
    pairing = welcome.pair(
        group, contact, members[spec["newcomer"]].id, contact.id, now, lambda _p: ""
    )
    db.session.flush()
    for minutes, (from_newcomer, body) in enumerate(spec["messages"]):
        db.session.add(
            WelcomeMessage(
                pairing_id=pairing.id,
                from_newcomer=from_newcomer,
                body=body,
                created_at=now - timedelta(hours=20) + timedelta(minutes=90 * minutes),
            )
        )


DEMO_THEMES = {
    "fr": "Les fêtes de fin d'année\u202f: comment les vivre",
    "it": "Le feste di fine anno: come viverle",
    "de": "Die Festtage: wie wir sie erleben",
}


def _demo_theme(group: Group) -> None:
    """The next meeting has a theme (the roles' guides come with the group)."""
    coming = [o for o in schedule.upcoming([group.id], clock.now(), limit=3) if not o.cancelled]
    if coming:
        schedule.materialize(coming[0]).theme = DEMO_THEMES.get(group.language, DEMO_THEMES["fr"])


def _demo_proposals(group: Group, members: dict[str, Membership], spec: list) -> None:
    """Themes proposed by members, supported by others."""
    for text, proposer, supporters in spec:
        proposal = themes.propose(group, members[proposer], text, clock.now())
        for login in supporters:
            themes.support(proposal, members[login].user, True)


def load_demo_data() -> list[tuple[str, str]]:
    """Create the demo groups and members, and commit; return (invitation,
    feed) tokens."""
    links = []
    for spec in DEMO_GROUPS:
        users = [_demo_user(login, name, locale) for login, name, locale, _c in spec["members"]]
        db.session.flush()
        group = group_service.create_group(users[0], spec["data"])
        for user, (_l, _n, _loc, coresp) in zip(users[1:], spec["members"][1:], strict=True):
            role = MemberRole.CORESPONSIBLE if coresp else MemberRole.MEMBER
            db.session.add(Membership(user=user, group=group, role=role))
        db.session.flush()
        logins = [login for login, *_rest in spec["members"]]
        members = {
            login: db.session.scalar(Membership.select_for(user.id, group.id))
            for login, user in zip(logins, users, strict=True)
        }
        _demo_charter(group, members, spec.get("charter", {}))
        _demo_schedule(group, users[0], spec["schedule"])
        _demo_roles(group, users[0])
        if "poll" in spec:
            by_login = {
                login: user for user, (login, *_r) in zip(users, spec["members"], strict=True)
            }
            _demo_poll(group, by_login, spec["poll"])
        _demo_theme(group)
        _demo_proposals(group, members, spec.get("themes", []))
        if "welcome" in spec:
            _demo_welcome(group, members, spec["welcome"])
        if "visitor" in spec:  # a message that came through the directory
            db.session.add(ContactMessage(group_id=group.id, **spec["visitor"]))
        _invitation, token = invitations.create_invitation(group, users[0], days=30, max_uses=5)
        _feed, feed_token = feeds.create(users[0], "demo", group=group)
        links.append((token, feed_token))
        _demo_centre(group, users[0])
    unit.commit()  # the whole demo in one unit of work (with a reset before it)
    return links


def _demo_centre(group: Group, coresponsible: User) -> None:
    """The group's centre (made with its staff account), and the group
    attached to it by its co-responsible."""
    for spec in DEMO_CENTRES:
        if spec["group_language"] != group.language:
            continue
        centre = db.session.scalar(select(Centre).where(Centre.name == spec["name"]))
        if centre is None:
            centre = centres.create_centre(
                spec["name"], spec["cantons"], spec["languages"], spec["contact"], None
            )
            db.session.flush()
            if spec["staff"]:
                staff = _demo_user(*spec["staff"])
                centres.add_staff(centre, staff, None)
                if spec.get("founding"):
                    founding.found(centre, staff, spec["founding"])
            if spec.get("request"):
                name, contact, body = spec["request"]
                db.session.add(
                    Referral(
                        centre_id=centre.id,
                        sender_name=name,
                        sender_contact=contact,
                        body=body,
                        language=spec["group_language"],
                        consent=True,
                    )
                )
        db.session.flush()
        centres.attach(group, coresponsible, centre.id)
        _demo_rooms(group, centre, spec["rooms"])


def _demo_rooms(group: Group, centre: Centre, specs: list[tuple[str, str, int, str]]) -> None:
    """The centre's rooms; the group's regular meetings in the first one."""
    made = [
        rooms.add_room(centre, None, rooms.RoomData(name, address, seats, notes))
        for name, address, seats, notes in specs
    ]
    today = clock.today(group.timezone)
    for series in schedule.current_series(group, today):
        series.location = made[0].place
        rooms.book(series, made[0], today)


def _demo_groups() -> list[Group]:
    """The groups ``load_demo_data`` created: a demo group's name, founded by
    that group's first demo member (the founder's membership is a group's
    first). A group of another name, or of that name founded by someone else,
    is not the demo's."""
    others = aliased(Membership)
    first_member = (
        select(func.min(others.id))
        .where(others.group_id == Group.id)
        .correlate(Group)
        .scalar_subquery()
    )
    found: list[Group] = []
    for spec in DEMO_GROUPS:
        founder = f"{spec['members'][0][0]}@{DEMO_DOMAIN}"
        found += db.session.scalars(
            select(Group)
            .join(Membership, Membership.id == first_member)
            .join(User, User.id == Membership.user_id)
            .where(Group.name == spec["data"].name, User.email == founder)
        )
    return found


def reset_demo_data() -> None:
    """Delete what ``load_demo_data`` created, and nothing else: its groups
    (with everything in them) and its accounts, by their exact addresses.
    Another account, even at the demo's domain, stays; so does another group,
    even one a demo account joined or created: that account leaves it as if
    it deleted itself (its coming roles open again; a group where it was alone
    goes with it). Raises ``privacy.MustHandOver`` (nothing deleted then) when
    a demo account is the last co-responsible member of another group."""
    for group in _demo_groups():
        privacy.delete_group(group)
    names = [spec["name"] for spec in DEMO_CENTRES]
    # The group the demo centre is founding, while nobody took it over.
    for group in db.session.scalars(
        select(Group)
        .join(Centre, Centre.id == Group.centre_id)
        .where(
            Centre.name.in_(names),
            Group.name == DEMO_FOUNDING.name,
            Group.founding.is_(True),
            Group.handed_over_at.is_(None),
        )
    ).all():
        privacy.delete_group(group)
    for centre in db.session.scalars(select(Centre).where(Centre.name.in_(names))):
        db.session.delete(centre)
    db.session.flush()
    for user in db.session.scalars(select(User).where(User.email.in_(DEMO_EMAILS))).all():
        privacy.erase_account(user)
    # Deleted before the same addresses are created again (load_demo_data,
    # which commits both).
    db.session.flush()


def demo_present() -> bool:
    return bool(
        db.session.scalar(select(func.count()).select_from(User).where(User.email.in_(DEMO_EMAILS)))
    )

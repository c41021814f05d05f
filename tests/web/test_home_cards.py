"""Each persona's home on the demo organisation: the cards its role may see and no other, figures with
their n and date for the actor's own scope (a manager's team, never anyone else's), suppressed
figures explained in place, and nothing about any individual."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from web_helpers import sign_in

from peoplealign.accounts.users import add_user
from peoplealign.demo.names import EMAIL_DOMAIN
from peoplealign.demo.users import DEMO_PASSWORD
from peoplealign.policy.actor import Actor
from peoplealign.policy.gateway import PersonalData
from peoplealign.policy.scope import manager_map, subtree
from peoplealign.store.engine import session_scope
from peoplealign.store.models import Person, User
from peoplealign.web.app import create_app
from peoplealign.web.templating import serves_page

SMALL_TEAM_MANAGER = "small.team.manager@example.org"
SMALL_TEAM_PASSWORD = "a long enough password"

# Cards that every persona of the role gets, and cards it must never get.
CARDS: dict[str, tuple[set[str], set[str]]] = {
    "employee": ({"engagement", "enps", "ethics"}, {"queue", "imports", "north_star", "charter", "context"}),
    "manager": ({"engagement", "enps", "ethics"}, {"queue", "imports", "north_star", "charter", "decisions"}),
    "hr_partner": ({"engagement", "charter", "ethics"}, {"imports", "north_star", "context", "coaching"}),
    "analyst": ({"engagement", "imports", "north_star"}, {"queue", "charter", "decisions", "context"}),
    "executive": ({"engagement", "enps", "north_star", "charter"}, {"queue", "imports", "context"}),
}
# Link cards appear where the role's view has a page in this build.
LINKED = {
    "town_hall": ("/town-hall", {"employee", "manager", "hr_partner", "analyst", "executive"}),
    "my_data": ("/my-data", {"employee", "manager", "hr_partner", "analyst", "executive"}),
    "queue": ("/decisions/queue", {"hr_partner"}),
    "context": ("/context", {"manager"}),
    "coaching": ("/coaching", {"manager"}),
    "workshops": ("/workshops", {"employee", "manager"}),
    "check_ins": ("/check-ins", {"employee", "manager"}),
}


@pytest.fixture(scope="module")
def demo(demo_db_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One copy of the demo for the module (reads only), with a manager of fewer than k people."""
    copy = tmp_path_factory.mktemp("home") / "demo.db"
    shutil.copyfile(demo_db_file, copy)
    url = f"sqlite:///{copy}"
    with session_scope(url) as s:
        managers = manager_map(s)
        small = next(p for p in sorted(set(managers.values()) - {None}) if 1 <= len(subtree(managers, p)) < 5)
        hris = s.scalar(select(Person.hris_id).where(Person.id == small))
        add_user(s, SMALL_TEAM_MANAGER, SMALL_TEAM_PASSWORD, "manager", person_hris_id=hris)
    yield url


@pytest.fixture(scope="module")
def demo_client(demo: str) -> Iterator[TestClient]:
    with TestClient(create_app(demo), base_url="https://testserver") as test_client:
        yield test_client


def _home(demo_client: TestClient, role: str) -> str:
    demo_client.cookies.clear()
    sign_in(demo_client, f"{role}@{EMAIL_DOMAIN}", DEMO_PASSWORD)
    response = demo_client.get("/")
    assert response.status_code == 200
    return response.text


def _cards(page: str) -> dict[str, str]:
    return dict(
        re.findall(r'<li class="card" id="card-(\w+)">(.*?)</li>\s*(?=<li class="card"|</ul>)', page, re.S)
    )


def _value(card: str) -> str | None:
    found = re.search(r'<p class="card__value">([^<]*)</p>', card)
    return found.group(1) if found else None


@pytest.mark.parametrize("role", sorted(CARDS))
def test_each_role_gets_its_cards_and_no_others(demo_client: TestClient, role: str) -> None:
    cards = _cards(_home(demo_client, role))
    expected, forbidden = CARDS[role]
    for key, (url, roles) in LINKED.items():
        if role in roles and serves_page(demo_client.app, url):  # type: ignore[arg-type]
            expected = expected | {key}
    assert expected <= set(cards), f"{role} misses {sorted(expected - set(cards))}"
    assert not forbidden & set(cards), f"{role} must not get {sorted(forbidden & set(cards))}"
    for card in cards.values():
        assert re.search(r'<h2 class="card__question"[^>]*>[^<]*\?</h2>', card), "titles are questions"


def test_figures_carry_their_n_and_date(demo_client: TestClient) -> None:
    engagement = _cards(_home(demo_client, "executive"))["engagement"]
    assert re.search(r'<p class="card__value">\d+%</p>', engagement)
    assert re.search(r"[\d,]+ people · as of <time datetime=\"\d{4}-\d\d-\d\d\">", engagement)


def test_a_manager_sees_their_team_figure_not_the_organisations(demo_client: TestClient, demo: str) -> None:
    cards = _cards(_home(demo_client, "manager"))
    with session_scope(demo) as s:
        user = s.scalar(select(User).where(User.email == f"manager@{EMAIL_DOMAIN}"))
        assert user is not None
        team = PersonalData(s, Actor.from_user(user), "survey_reporting").survey_cells("engagement").cells[0]
        everyone = PersonalData(s, Actor("x@example.org", frozenset({"analyst"})), "survey_reporting")
        organisation = everyone.survey_cells("engagement").cells[0]
        reporting_line = len(subtree(manager_map(s), user.person_id or 0))
    assert team.n is not None and team.n <= reporting_line < (organisation.n or 0)
    assert _value(cards["engagement"]) == f"{team.value:.0f}%"
    assert f"{team.n:,} people" in cards["engagement"]
    assert "How engaged does your team feel?" in cards["engagement"]


def test_a_team_below_k_is_explained_in_place_and_shows_no_number(demo_client: TestClient) -> None:
    demo_client.cookies.clear()
    sign_in(demo_client, SMALL_TEAM_MANAGER, SMALL_TEAM_PASSWORD)
    cards = _cards(demo_client.get("/").text)
    for key in ("engagement", "enps"):
        assert _value(cards[key]) is None
        assert "Hidden to protect anonymity: fewer than 5 people" in cards[key]
        assert "card__meta" not in cards[key]


@pytest.mark.parametrize("role", ["executive", "manager"])
def test_no_individual_appears_on_the_home_of_executives_and_managers(
    demo_client: TestClient, demo: str, role: str
) -> None:
    page = _home(demo_client, role)
    with session_scope(demo) as s:
        people = s.execute(select(Person.name, Person.hris_id)).all()
    assert not [p.name for p in people if p.name in page]
    assert not [p.hris_id for p in people if re.search(rf"\b{re.escape(p.hris_id)}\b", page)]


def test_without_a_survey_the_card_says_what_to_do(signed_in: Callable[[str], TestClient]) -> None:
    client = signed_in("analyst")
    cards = _cards(client.get("/").text)
    assert "No survey results yet" in cards["engagement"]
    assert "Nothing imported yet: run peoplealign import" in cards["imports"]


def _tree(page: str) -> str:
    found = re.search(r'<div class="org-tree">(.*?)</div>\s*</section>', page, re.S)
    assert found, "the home shows the organisation tree"
    return found.group(1)


def test_each_audience_gets_its_own_organisation_tree(demo_client: TestClient) -> None:
    """The tree's HTML is kept per shared overview: one audience's tree never reaches another."""
    executive = _tree(_home(demo_client, "executive"))
    employee = _tree(_home(demo_client, "employee"))
    manager = _tree(_home(demo_client, "manager"))
    assert len({executive, employee, manager}) == 3
    assert "in your reporting line" in manager and "in your reporting line" not in executive + employee
    assert employee.count("org-tree__count") < executive.count("org-tree__count")
    assert _tree(_home(demo_client, "executive")) == executive

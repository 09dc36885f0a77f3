"""The catalogue loader: the real data, and every kind of broken data it must reject.

Broken data is made by copying the small invented catalogue of tests/fixtures/catalogue (never
the real ``data/``: a content edit must not fail a loader test) to a temporary folder and
changing one thing in one file (``broken``), so each test shows exactly which edit a content
editor made and which problem report (file, entry, field, line) they get back.
"""

from __future__ import annotations

import io
import re
import shutil
from pathlib import Path

import pytest

from bot.cli.main import main
from bot.core.catalogue import FILES, CatalogueError, Problem, load_catalogue
from tests.support.catalogues import FIXTURE, fixture_catalogue

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data"
SEED = ROOT.parent / "shared" / "seed" / "interact-networks-and-communities.txt"


# --------------------------------------------------------------------------- helpers


def copy_of_fixture(tmp_path: Path) -> Path:
    """A copy of the small invented catalogue (tests/fixtures/catalogue), free to edit."""
    folder = tmp_path / "data"
    shutil.copytree(FIXTURE, folder)
    return folder


def broken(tmp_path: Path, file: str, old: str, new: str) -> Path:
    """A copy of the fixture catalogue in which ``old`` (exactly once in ``file``) is ``new``."""
    folder = copy_of_fixture(tmp_path)
    path = folder / file
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"the test edit {old!r} must occur exactly once in {file}"
    path.write_text(text.replace(old, new), encoding="utf-8")
    return folder


def problems_of(folder: Path) -> tuple[Problem, ...]:
    with pytest.raises(CatalogueError) as info:
        load_catalogue(folder)
    problems = info.value.problems
    assert problems, "a CatalogueError must list at least one problem"
    # The exception's message is the list of problems, one a line, as `check` prints them.
    assert str(info.value).splitlines() == [str(p) for p in problems]
    return problems


def the_problem(problems: tuple[Problem, ...], file: str, field: str) -> Problem:
    found = [p for p in problems if p.file == file and p.field == field]
    assert len(found) == 1, f"expected one problem in {file}, field {field!r}; got {problems}"
    return found[0]


def line_of(folder: Path, file: str, text: str) -> int:
    """The 1-based number of the (single) line of ``file`` that contains ``text``."""
    lines = (folder / file).read_text(encoding="utf-8").splitlines()
    numbers = [i for i, line in enumerate(lines, start=1) if text in line]
    assert len(numbers) == 1, f"{text!r} must be on exactly one line of {file}"
    return numbers[0]


# --------------------------------------------------------------------------- the real data


def seed_table() -> list[tuple[str, str, str | None]]:
    """(name, who should join, parent name) for each row of the seed page's table, in order."""
    lines = SEED.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("---|")) + 1
    rows: list[tuple[str, str, str | None]] = []
    parent: str | None = None
    for line in lines[start:]:
        if "|" not in line:
            break
        cells = [cell.strip() for cell in line.split("|")]
        name, who = cells[0], cells[1]
        if name[:1] in "-–":  # a sub-team row: "- IPA Communication" or "– Core Group"
            assert parent is not None, f"sub-team row before any Team: {line!r}"
            rows.append((name.lstrip("-– ").strip(), who, parent))
        else:
            parent = name
            rows.append((name, who, None))
    return rows


@pytest.fixture(scope="module")
def table() -> list[tuple[str, str, str | None]]:
    if not SEED.is_file():
        pytest.skip(f"the seed text is not here: {SEED}")
    return seed_table()


def test_seed_table_parses_into_10_teams_and_13_subteams(table):
    assert sum(1 for _, _, parent in table if parent is None) == 10
    assert sum(1 for _, _, parent in table if parent is not None) == 13


def test_real_data_loads_with_10_teams_and_13_subteams(catalogue):
    assert len(catalogue.teams) == 10
    assert len(catalogue.subteams) == 13
    assert all(not t.is_subteam for t in catalogue.teams)
    assert all(s.is_subteam for s in catalogue.subteams)
    assert catalogue.counts()["teams"] == 10
    assert catalogue.counts()["subteams"] == 13


def test_team_names_are_exactly_the_seed_names_in_order(catalogue, table):
    assert [t.name for t in catalogue.teams] == [n for n, _, p in table if p is None]


def test_subteam_names_are_exactly_the_seed_names_in_order(catalogue, table):
    assert [s.name for s in catalogue.subteams] == [n for n, _, p in table if p is not None]


def test_every_subteam_has_the_parent_the_seed_table_gives_it(catalogue, table):
    by_name = {c.name: c for c in catalogue.communities}
    for name, _, parent_name in table:
        community = by_name[name]
        parent = catalogue.parent_of(community)
        assert (parent.name if parent else None) == parent_name, name
        if parent:
            assert community in catalogue.children(parent.id)


def test_communities_list_each_team_followed_by_its_subteams(catalogue, table):
    assert [c.name for c in catalogue.communities] == [name for name, _, _ in table]


def test_who_should_join_is_the_seed_text(catalogue, table):
    # One deliberate correction: the source page misspells "Strand B" as "Stand B".
    corrections = {"Sub-space for Stand B": "Sub-space for Strand B"}
    by_name = {c.name: c for c in catalogue.communities}
    for name, who, _ in table:
        assert by_name[name].who_should_join == corrections.get(who, who), name


def test_financial_management_is_not_open_to_controllers_or_auditors(catalogue):
    rules = [r for r in catalogue.eligibility if r.community == "financial-management"]
    assert len(rules) == 1
    assert set(rules[0].not_open_to) == {"controller", "auditor"}
    assert catalogue.community("financial-management").name == "Financial management"
    assert "not open for controllers or auditors" in rules[0].source_text
    # The rule names roles that exist, and no other community is closed to anyone.
    assert {r.id for r in catalogue.roles} >= {"controller", "auditor"}
    assert {r.community for r in catalogue.eligibility} == {"financial-management"}


def test_the_two_contacts_are_the_seed_addresses(catalogue):
    assert catalogue.contact("tech-support").email == "tech.support@interact.eu"
    assert catalogue.contact("communication").email == "communication@interact.eu"


def test_every_link_is_https(catalogue):
    links = [catalogue.portal.register_url, catalogue.portal.all_communities_url]
    links += [catalogue.join_url(c) for c in catalogue.communities]
    assert all(link.startswith("https://") for link in links), links


# --------------------------------------------------------------------------- broken data
# (a copy of the small invented catalogue of tests/fixtures/catalogue, edited)


def test_the_fixture_catalogue_loads():
    catalogue = fixture_catalogue()
    assert catalogue.counts() == {
        "teams": 5,
        "subteams": 3,
        "working_groups": 1,
        "faqs": 4,
        "roles": 3,
        "topics": 2,
    }
    assert catalogue.parent_of(catalogue.community("north-charts")).id == "charts"


def test_duplicate_id(tmp_path):
    folder = broken(tmp_path, "communities.yaml", "  - id: ferries\n", "  - id: lighthouses\n")
    p = the_problem(problems_of(folder), "communities.yaml", "id")
    assert p.entry == "teams[2] (id 'lighthouses')"
    assert "duplicate id 'lighthouses'" in p.message
    assert "teams[0]" in p.message  # says where the first one is
    assert p.line == line_of(folder, "communities.yaml", "name: Ferry operators") - 1


def test_duplicate_id_reports_the_line_of_the_second_entry(tmp_path):
    folder = broken(
        tmp_path,
        "communities.yaml",
        "  - id: charts\n    name: Sea charts network",
        "  - id: fisheries\n    name: Sea charts network",
    )
    p = the_problem(problems_of(folder), "communities.yaml", "id")
    assert p.entry == "teams[4] (id 'fisheries')"
    assert p.line == line_of(folder, "communities.yaml", "name: Sea charts network") - 1


def test_duplicate_name_ignoring_case(tmp_path):
    folder = broken(
        tmp_path, "communities.yaml", "name: Ferry operators", "name: LIGHTHOUSE keepers"
    )
    p = the_problem(problems_of(folder), "communities.yaml", "name")
    assert p.entry == "teams[2] (id 'ferries')"
    assert "duplicate name 'LIGHTHOUSE keepers'" in p.message
    assert "teams[0] (id 'lighthouses')" in p.message
    assert p.line == line_of(folder, "communities.yaml", "name: LIGHTHOUSE keepers") - 1


def test_duplicate_name_between_a_team_and_a_subteam(tmp_path):
    folder = broken(
        tmp_path, "communities.yaml", "name: Small ports\n", "name: Sea charts network\n"
    )
    p = the_problem(problems_of(folder), "communities.yaml", "name")
    assert p.entry == "subteams[0] (id 'small-ports')"
    assert "teams[4] (id 'charts')" in p.message


NORTH_PARENT = "    parent: charts\n    who_should_join: Sub-space for the northern seas"


def test_subteam_whose_parent_does_not_exist(tmp_path):
    folder = broken(
        tmp_path, "communities.yaml", NORTH_PARENT, NORTH_PARENT.replace("charts", "chart", 1)
    )
    p = the_problem(problems_of(folder), "communities.yaml", "parent")
    assert p.entry == "subteams[1] (id 'north-charts')"
    assert "'chart'" in p.message
    assert p.line == line_of(folder, "communities.yaml", "id: north-charts")


def test_subteam_whose_parent_is_a_subteam(tmp_path):
    folder = broken(
        tmp_path,
        "communities.yaml",
        NORTH_PARENT,
        NORTH_PARENT.replace("charts", "south-charts", 1),
    )
    p = the_problem(problems_of(folder), "communities.yaml", "parent")
    assert p.entry == "subteams[1] (id 'north-charts')"
    assert "'south-charts'" in p.message


@pytest.mark.parametrize(
    ("value", "message"),
    [("''", "must not be empty"), ('"   "', "must not be empty"), ("", "is missing")],
    ids=["empty", "blank", "null"],
)
def test_empty_who_should_join(tmp_path, value, message):
    folder = broken(
        tmp_path,
        "communities.yaml",
        "who_should_join: Ferry operators\n",
        f"who_should_join: {value}\n".replace(": \n", ":\n"),
    )
    p = the_problem(problems_of(folder), "communities.yaml", "who_should_join")
    assert p.entry == "teams[2] (id 'ferries')"
    assert p.message == message
    assert p.line == line_of(folder, "communities.yaml", "id: ferries")


def test_missing_who_should_join_of_a_subteam(tmp_path):
    folder = broken(
        tmp_path, "communities.yaml", "    who_should_join: Sub-space for the southern seas\n", ""
    )
    p = the_problem(problems_of(folder), "communities.yaml", "who_should_join")
    assert p.entry == "subteams[2] (id 'south-charts')"
    assert p.message == "is missing"


@pytest.mark.parametrize(
    ("field", "link"),
    [
        ("join_url", "http://portal.example.org/ferries"),
        ("join_url", "portal.example.org/ferries"),
        ("teams_url", "ftp://teams.example.org/x"),
        ("teams_url", "https://"),
        ("join_url", "javascript:alert(1)"),
    ],
)
def test_link_that_is_not_https_or_mailto(tmp_path, field, link):
    folder = broken(
        tmp_path,
        "communities.yaml",
        "who_should_join: Ferry operators\n",
        f"who_should_join: Ferry operators\n    {field}: '{link}'\n",
    )
    p = the_problem(problems_of(folder), "communities.yaml", field)
    assert p.entry == "teams[2] (id 'ferries')"
    assert link in p.message
    assert "https://" in p.message and "mailto:" in p.message
    assert p.line == line_of(folder, "communities.yaml", "id: ferries")


def test_portal_link_that_is_not_https(tmp_path):
    folder = broken(
        tmp_path,
        "catalogue.yaml",
        "register_url: https://portal.example.org/register",
        "register_url: http://portal.example.org/register",
    )
    p = the_problem(problems_of(folder), "catalogue.yaml", "register_url")
    assert p.entry == "portal"
    assert "http://portal.example.org/register" in p.message


def test_the_portal_is_confirmed_with_true_or_false(tmp_path: Path) -> None:
    folder = broken(tmp_path, "catalogue.yaml", "  confirmed: false\n", "  confirmed: yes please\n")
    problem = the_problem(problems_of(folder), "catalogue.yaml", "confirmed")
    assert problem.message == "must be true or false, not 'yes please'"


@pytest.mark.parametrize(
    "link", ["https://portal.example.org/networks/ferries", "mailto:someone@example.org"]
)
def test_https_and_mailto_links_are_accepted(tmp_path, link):
    folder = broken(
        tmp_path,
        "communities.yaml",
        "who_should_join: Ferry operators\n",
        f"who_should_join: Ferry operators\n    join_url: '{link}'\n",
    )
    catalogue = load_catalogue(folder)
    assert catalogue.join_url(catalogue.community("ferries")) == link


def test_eligibility_rule_naming_an_unknown_role(tmp_path):
    folder = broken(
        tmp_path,
        "communities.yaml",
        "not_open_to: [ferry-operator, keeper]",
        "not_open_to: [ferry-operator, keepers]",
    )
    p = the_problem(problems_of(folder), "communities.yaml", "not_open_to")
    assert p.entry == "eligibility[0] (id 'fisheries')"
    assert "'keepers'" in p.message and "vocabulary.yaml" in p.message
    assert p.line == line_of(folder, "communities.yaml", "- community: fisheries")


def test_eligibility_rule_naming_an_unknown_faq(tmp_path):
    folder = broken(
        tmp_path,
        "communities.yaml",
        "or lighthouse keepers\n",
        "or lighthouse keepers\n    faq: who-fishes\n",
    )
    p = the_problem(problems_of(folder), "communities.yaml", "faq")
    assert p.entry == "eligibility[0] (id 'fisheries')"
    assert "'who-fishes'" in p.message and "faq.yaml" in p.message


def test_eligibility_rule_naming_an_unknown_community(tmp_path):
    folder = broken(tmp_path, "communities.yaml", "- community: fisheries", "- community: fishery")
    p = the_problem(problems_of(folder), "communities.yaml", "community")
    assert p.entry == "eligibility[0] (id 'fishery')"
    assert "'fishery'" in p.message


MOVING_ANSWER = '    answer: "{moving} {platform}"\n'


def test_faq_without_an_answer(tmp_path):
    folder = broken(tmp_path, "faq.yaml", MOVING_ANSWER, "")
    p = the_problem(problems_of(folder), "faq.yaml", "answer")
    assert p.entry == "faqs[2] (id 'moving')"
    assert p.message == "is missing"
    assert p.line == line_of(folder, "faq.yaml", "- id: moving")


def test_faq_with_an_empty_answer(tmp_path):
    folder = broken(tmp_path, "faq.yaml", MOVING_ANSWER, '    answer: ""\n')
    p = the_problem(problems_of(folder), "faq.yaml", "answer")
    assert p.entry == "faqs[2] (id 'moving')"
    assert p.message == "must not be empty"


def test_faq_with_an_unknown_placeholder(tmp_path):
    folder = broken(tmp_path, "faq.yaml", MOVING_ANSWER, '    answer: "{movin}"\n')
    p = the_problem(problems_of(folder), "faq.yaml", "answer")
    assert p.entry == "faqs[2] (id 'moving')"
    assert "{movin}" in p.message


def test_yaml_syntax_error_names_the_file_and_the_line(tmp_path):
    # A second colon on a line: YAML stops right there.
    folder = broken(
        tmp_path,
        "communities.yaml",
        "who_should_join: Ferry operators\n",
        "who_should_join: Ferry operators: all of them\n",
    )
    problems = problems_of(folder)
    assert len(problems) == 1
    p = problems[0]
    assert p.file == "communities.yaml"
    assert "YAML syntax error" in p.message
    assert p.line == line_of(folder, "communities.yaml", "Ferry operators: all of them")
    # No entry or field can be named when the file cannot be parsed: the line stands for both.
    assert (p.entry, p.field) == ("", "")
    assert str(p).startswith(f"communities.yaml:{p.line}: ")


def test_yaml_syntax_error_unclosed_list(tmp_path):
    folder = broken(
        tmp_path,
        "vocabulary.yaml",
        "terms: [tides, tide tables, tidal range]",
        "terms: [tides, tide tables, tidal range",
    )
    p = problems_of(folder)[0]
    assert p.file == "vocabulary.yaml"
    assert "YAML syntax error" in p.message
    # YAML notices the missing "]" at the first thing that cannot be in the list: the next entry.
    assert p.line is not None
    assert p.line == line_of(folder, "vocabulary.yaml", "- id: northern-seas")


def test_yaml_duplicate_key_is_a_syntax_error_with_its_line(tmp_path):
    folder = broken(
        tmp_path,
        "communities.yaml",
        "who_should_join: Ferry operators\n",
        "who_should_join: Ferry operators\n    name: Ferry operators again\n",
    )
    p = problems_of(folder)[0]
    assert p.file == "communities.yaml"
    assert "duplicate key 'name'" in p.message
    assert p.line == line_of(folder, "communities.yaml", "Ferry operators again")


def test_unknown_field_in_an_entry(tmp_path):
    folder = broken(
        tmp_path,
        "communities.yaml",
        "who_should_join: Ferry operators\n",
        "who_should_join: Ferry operators\n    colour: blue\n",
    )
    p = the_problem(problems_of(folder), "communities.yaml", "colour")
    assert p.entry == "teams[2] (id 'ferries')"
    assert p.message == "is not a known field"
    assert p.line == line_of(folder, "communities.yaml", "id: ferries")


def test_misspelt_field_is_unknown(tmp_path):
    folder = broken(
        tmp_path,
        "communities.yaml",
        "keywords: [ferry operators, ferry operator, ferries]",
        "keyword: [ferry operators, ferry operator, ferries]",
    )
    p = the_problem(problems_of(folder), "communities.yaml", "keyword")
    assert p.entry == "teams[2] (id 'ferries')"
    assert p.message == "is not a known field"


def test_qualifiers_are_unknown_on_a_team(tmp_path):
    folder = broken(
        tmp_path,
        "communities.yaml",
        "who_should_join: Ferry operators\n",
        "who_should_join: Ferry operators\n    qualifiers: [ro-ro]\n",
    )
    p = the_problem(problems_of(folder), "communities.yaml", "qualifiers")
    assert p.entry == "teams[2] (id 'ferries')"


def test_unknown_top_level_field(tmp_path):
    folder = broken(
        tmp_path, "catalogue.yaml", 'version: "test.1"\n', 'version: "test.1"\nauthor: me\n'
    )
    p = the_problem(problems_of(folder), "catalogue.yaml", "author")
    assert p.entry == ""
    assert "not a known top-level field" in p.message


def test_unknown_field_in_a_faq(tmp_path):
    folder = broken(
        tmp_path,
        "faq.yaml",
        "    links: [tech-support]\n",
        "    links: [tech-support]\n    tags: [x]\n",
    )
    p = the_problem(problems_of(folder), "faq.yaml", "tags")
    assert p.entry == "faqs[3] (id 'helpdesk')"


@pytest.mark.parametrize("file", FILES)
def test_missing_file(tmp_path, file):
    folder = copy_of_fixture(tmp_path)
    (folder / file).unlink()
    problems = problems_of(folder)
    assert [(p.file, p.entry, p.field) for p in problems] == [(file, "", "")]
    assert problems[0].message == "file is missing"


def test_empty_file(tmp_path):
    folder = copy_of_fixture(tmp_path)
    (folder / "faq.yaml").write_text("# nothing here\n", encoding="utf-8")
    p = the_problem(problems_of(folder), "faq.yaml", "")
    assert p.message == "file is empty"


def test_missing_folder(tmp_path):
    problems = problems_of(tmp_path / "nowhere")
    assert sorted(p.file for p in problems) == sorted(FILES)
    assert all(p.message == "file is missing" for p in problems)


def test_every_problem_is_reported_at_once(tmp_path):
    folder = broken(tmp_path, "communities.yaml", "  - id: ferries\n", "  - id: lighthouses\n")
    faq = folder / "faq.yaml"
    faq.write_text(faq.read_text(encoding="utf-8").replace(MOVING_ANSWER, ""), encoding="utf-8")
    problems = problems_of(folder)
    assert {("communities.yaml", "id"), ("faq.yaml", "answer")} <= {
        (p.file, p.field) for p in problems
    }
    # The role that points at the id that is gone is reported too, in its own file.
    p = the_problem(problems, "vocabulary.yaml", "communities")
    assert p.entry == "roles[1] (id 'ferry-operator')"
    assert "'ferries'" in p.message


def test_an_area_that_points_at_a_community_is_reported(tmp_path):
    # an area only qualifies its sub-teams: the function decides (vocabulary.yaml: area)
    folder = broken(
        tmp_path, "vocabulary.yaml", "  - id: tides\n", "  - id: tides\n    area: true\n"
    )
    p = the_problem(problems_of(folder), "vocabulary.yaml", "area")
    assert p.entry == "topics[0] (id 'tides')"
    assert "points at no community" in p.message


def test_an_area_that_qualifies_sub_teams_only_is_valid(tmp_path):
    folder = broken(
        tmp_path,
        "vocabulary.yaml",
        "  - id: northern-seas\n",
        "  - id: northern-seas\n    area: true\n",
    )
    area = next(t for t in load_catalogue(folder).topics if t.id == "northern-seas")
    assert area.area


def test_problem_text_names_file_line_entry_and_field():
    p = Problem("faq.yaml", "faqs[2] (id 'moving')", "answer", "is missing", 72)
    assert str(p) == "faq.yaml:72: faqs[2] (id 'moving'): field 'answer': is missing"
    assert str(Problem("faq.yaml", "", "", "file is missing")) == "faq.yaml: file is missing"


# --------------------------------------------------------------------------- python -m bot check


def test_check_exits_0_on_the_real_data(capsys):
    out = io.StringIO()
    assert main(["check", str(DATA)], out=out) == 0
    assert "is valid" in out.getvalue()
    assert re.search(r"\b10 teams\b", out.getvalue())
    assert re.search(r"\b13 subteams\b", out.getvalue())
    assert capsys.readouterr().err == ""


def test_check_exits_non_zero_on_a_broken_copy_and_names_the_problem(tmp_path, capsys):
    folder = broken(
        tmp_path,
        "communities.yaml",
        "not_open_to: [ferry-operator, keeper]",
        "not_open_to: [ferry-operator, keepers]",
    )
    out = io.StringIO()
    assert main(["check", str(folder)], out=out) != 0
    assert out.getvalue() == ""
    err = capsys.readouterr().err
    line = line_of(folder, "communities.yaml", "- community: fisheries")
    assert f"communities.yaml:{line}: eligibility[0]" in err
    assert "field 'not_open_to'" in err
    assert "1 problem(s)" in err


def test_check_exits_non_zero_on_a_yaml_syntax_error(tmp_path, capsys):
    folder = broken(
        tmp_path,
        "communities.yaml",
        "who_should_join: Ferry operators\n",
        "who_should_join: Ferry operators: all of them\n",
    )
    assert main(["check", str(folder)], out=io.StringIO()) != 0
    line = line_of(folder, "communities.yaml", "Ferry operators: all of them")
    assert f"communities.yaml:{line}: YAML syntax error" in capsys.readouterr().err


def test_check_exits_non_zero_on_a_missing_folder(tmp_path, capsys):
    assert main(["check", str(tmp_path / "nowhere")], out=io.StringIO()) != 0
    assert "file is missing" in capsys.readouterr().err


def test_the_real_portal_is_not_confirmed_yet(catalogue):
    assert catalogue.portal.confirmed is False  # placeholders until Interact confirms


# --------------------------------------------------------------------------- intents' word lists


@pytest.mark.parametrize(
    ("old", "new", "field", "message"),
    [
        ("clause_and: [and, also]", "clause_and: []", "clause_and", "must not be empty"),
        ("clause_and: [and, also]\n", "", "clause_and", "is missing"),
        ("clause_and: [and, also]", "clause_and: and", "clause_and", "must be a list, not text"),
        (
            "clause_openers: [who, what, how, which, can, i]",
            "clause_openers: [who, what, {how: 1}]",
            "clause_openers[2]",
            "must be text, not a mapping",
        ),
        (
            "list_joiners: [and, or]",
            "list_joiners: [and, ~]",
            "list_joiners[1]",
            "must be text, not empty",
        ),
        (
            "list_articles: [the]",
            "list_articles: [the, of the]",
            "list_articles",
            "'of the' must be one word",
        ),
    ],
)
def test_a_bad_word_list_names_the_file_the_list_and_the_field(tmp_path, old, new, field, message):
    folder = broken(tmp_path, "intents.yaml", old, new)
    kind = field.split("[")[0]
    p = the_problem(problems_of(folder), "intents.yaml", field)
    assert (p.entry, p.message) == (kind, message)


def test_check_names_a_bad_word_list(tmp_path, capsys):
    folder = broken(tmp_path, "intents.yaml", "clause_and: [and, also]", "clause_and: []")
    assert main(["check", str(folder)], out=io.StringIO()) != 0
    err = capsys.readouterr().err
    assert re.search(r"intents\.yaml:\d+: clause_and: field 'clause_and': must not be empty", err)


# --------------------------------------------------------------------------- function words


@pytest.mark.parametrize(
    ("old", "new", "entry", "field", "message"),
    [
        (
            "mit, fur, von",
            "mit, für, von",
            "de",
            "function_words[12]",
            "'für' must be written as the bot reads it: 'fur'",
        ),
        (
            "[ich, bin,",
            "[Ich, bin,",
            "de",
            "function_words[0]",
            "'Ich' must be written as the bot reads it: 'ich'",
        ),
        (
            "[a, an, the,",
            "[a, an, of the,",
            "en",
            "function_words[2]",
            "'of the' must be one word: lower-case letters and digits only",
        ),
        (
            "[soy, el, los,",
            "[soy, el, los, el,",
            "es",
            "function_words[3]",
            "'el' is listed twice (also function_words[1])",
        ),
        ('not, "no", "yes"', 'not, no, "yes"', "en", "function_words[74]", None),
        (
            "function_words: [soy, el, los, las, y, o, con, para, que, nosotros, es]",
            "function_words: []",
            "es",
            "function_words",
            "must not be empty",
        ),
        (
            "  function_words: [soy, el, los, las, y, o, con, para, que, nosotros, es]\n",
            "  stopwords: [soy, el]\n",
            "es",
            "function_words",
            "is missing",
        ),
        (
            "  function_words: [soy, el, los, las, y, o, con, para, que, nosotros, es]\n",
            "  function_words: [soy, el]\n  stopwords: [los, las]\n",
            "es",
            "stopwords",
            "is not a known field",
        ),
        (
            "[l', d', j',",
            "[l, d', j',",
            "fr",
            "elisions[0]",
            "'l' must be one word of lower-case letters without accents, then an apostrophe "
            '("l\'", "dell\'")',
        ),
        (
            "qu', c', s'",
            "qu', ç', s'",
            "fr",
            "elisions[4]",
            '"ç\'" must be one word of lower-case letters without accents, then an apostrophe '
            '("l\'", "dell\'")',
        ),
        (
            "[l', d', dell',",
            "[l', d', l',",
            "it",
            "elisions[2]",
            '"l\'" is listed twice (also elisions[0])',
        ),
        (
            "  elisions: [l', d', dell', all', nell', sull', dall', un']\n",
            "  elisions: []\n",
            "it",
            "elisions",
            "must not be empty (leave the field out instead)",
        ),
        (
            "\nes:\n",
            "\nspanish:\n",
            "",
            "spanish",
            "is not a language code (two lower-case letters)",
        ),
        (
            "\nes:\n",
            "\nfi: [soy]\nes:\n",
            "fi",
            "",
            "must be a mapping with 'function_words' ('elisions')",
        ),
    ],
)
def test_a_bad_function_word_or_elision_names_the_file_the_language_and_the_field(
    tmp_path, old, new, entry, field, message
):
    folder = broken(tmp_path, "function_words.yaml", old, new)
    p = the_problem(problems_of(folder), "function_words.yaml", field)
    assert p.entry == entry
    if message is None:  # YAML reads an unquoted no as false
        assert p.message == "must be text, not true or false"
    else:
        assert p.message == message


def test_function_words_of_no_language(tmp_path):
    folder = copy_of_fixture(tmp_path)
    (folder / "function_words.yaml").write_text("{}\n", encoding="utf-8")
    p = the_problem(problems_of(folder), "function_words.yaml", "")
    assert p.message == "must list the function words of a language"


def test_check_names_a_bad_function_word_with_its_line(tmp_path, capsys):
    folder = broken(tmp_path, "function_words.yaml", "mit, fur, von", "mit, für, von")
    assert main(["check", str(folder)], out=io.StringIO()) != 0
    err = capsys.readouterr().err
    line = line_of(folder, "function_words.yaml", "function_words: [ich, bin,")
    assert (
        f"function_words.yaml:{line}: de: field 'function_words[12]': 'für' must be written as "
        "the bot reads it: 'fur'" in err
    )


def test_the_catalogue_reads_words_with_its_function_words_and_elisions(tmp_path):
    """The tokenizer comes from function_words.yaml: an edit of the file, not of the code,
    changes how a message is split into words and which of them are function words."""
    tokenizer = fixture_catalogue().tokenizer
    assert tokenizer.tokens("L'autorité d'audit dell'AdG can't") == (
        *("l", "autorite", "d", "audit", "dell", "adg", "cant"),
    )
    assert tokenizer.content(tokenizer.tokens("I am the ferry skipper")) == ("ferry", "skipper")
    folder = broken(
        tmp_path,
        "function_words.yaml",
        "  elisions: [l', d', j', qu', c', s', n', m', t']\n",
        "",
    )
    words = folder / "function_words.yaml"
    text = words.read_text(encoding="utf-8").replace("[soy, el,", "[soy, el, ferry,")
    words.write_text(text, encoding="utf-8")
    edited = load_catalogue(folder).tokenizer
    # "l'" and "d'" are still Italian elisions; "qu'" was French only
    assert edited.tokens("l'autorité qu'il") == ("l", "autorite", "quil")
    assert edited.content(edited.tokens("I am the ferry skipper")) == ("skipper",)

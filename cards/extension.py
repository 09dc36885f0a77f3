"""The "Find a community" messaging extension: search results as plain dicts (no botbuilder).

As the user types in the compose box, each query returns matching communities (fuzzy, through
the same engine, plus prefix-tolerant matching on names and keywords, since people are still
typing); picking one inserts the community's card with its Join buttons.
"""

from __future__ import annotations

from typing import Any

from rapidfuzz import fuzz, utils

from bot.core.catalogue import Catalogue, Community
from bot.core.texts import Texts
from bot.core.understanding import Understander
from cards.builders import CARD_CONTENT_TYPE, community_card, who_should_join

MAX_RESULTS = 25
MIN_PARTIAL = 85  # rapidfuzz partial_ratio needed for a name or keyword to match a typed prefix


def search(understander: Understander, query: str, limit: int = MAX_RESULTS) -> list[Community]:
    """Communities for a compose-box query, best first; an empty query lists all of them."""
    catalogue = understander.catalogue
    query = " ".join(query.split())[:200]
    if not query:
        return list(catalogue.communities[:limit])
    found = [catalogue.community(m.community_id) for m in understander.understand(query).matches]
    if len(utils.default_process(query)) >= 3:
        scored = []
        for c in catalogue.communities:
            best = max(
                fuzz.partial_ratio(query, text, processor=utils.default_process)
                for text in (c.name, *c.keywords)
            )
            if best >= MIN_PARTIAL:
                scored.append((-best, c.name, c))
        found.extend(c for _, _, c in sorted(scored, key=lambda t: (t[0], t[1])))
    return list(dict.fromkeys(found))[:limit]


def _preview(community: Community, catalogue: Catalogue, texts: Texts) -> dict[str, Any]:
    parent = catalogue.parent_of(community)
    text = who_should_join(community, texts)
    if parent:
        text = texts.get("search.subteam_of", parent=parent.name, who=text)
    return {
        "contentType": "application/vnd.microsoft.card.thumbnail",
        "content": {"title": community.name, "text": text},
    }


def search_response(understander: Understander, query: str, texts: Texts) -> dict[str, Any]:
    """The composeExtension response body for a query (a friendly message when nothing fits),
    written with ``texts`` (the user's language)."""
    catalogue = understander.catalogue
    results = search(understander, query)
    if not results:
        return {
            "composeExtension": {
                "type": "message",
                "text": texts.get("search.nothing", query=query[:60]),
            }
        }
    return {
        "composeExtension": {
            "type": "result",
            "attachmentLayout": "list",
            "attachments": [
                {
                    "contentType": CARD_CONTENT_TYPE,
                    "content": community_card(c, catalogue, texts),
                    "preview": _preview(c, catalogue, texts),
                }
                for c in results
            ],
        }
    }

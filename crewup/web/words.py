"""Single words pages show from stored values (a group's category, a visibility, a role,
an RSVP): the value stays English in the database and the API; `{{ value | word }}` says
it in the page's language. Listed here so `make messages` extracts them."""

from __future__ import annotations

from crewup.web.i18n import N_, gettext

WORDS = (
    # group categories (crewup.groups.service.CATEGORIES)
    N_("outdoors"),
    N_("climbing"),
    N_("sports"),
    N_("arts"),
    N_("music"),
    N_("games"),
    N_("food"),
    N_("learning"),
    N_("tech"),
    N_("family"),
    N_("wellbeing"),
    N_("community"),
    N_("social"),
    N_("other"),
    # visibility, member roles, RSVPs, event and alert states, reports
    N_("public"),
    N_("private"),
    N_("owner"),
    N_("admin"),
    N_("moderator"),
    N_("member"),
    N_("pending"),
    N_("user"),
    N_("going"),
    N_("waitlisted"),
    N_("interested"),
    N_("scheduled"),
    N_("cancelled"),
    N_("past"),
    N_("info"),
    N_("warning"),
    N_("emergency"),
    N_("open"),
    N_("claimed"),
    N_("resolved"),
    N_("dismiss"),
    N_("remove_content"),
    N_("remove_picture"),
    N_("warn"),
    N_("ban_user"),
    # what a report is about (crewup.moderation.targets.TargetType), also in messages
    N_("group"),
    N_("event"),
    N_("post"),
    N_("comment"),
    N_("message"),
    N_("rating"),
)


def word(value: object) -> str:
    """A stored value in the page's language; an unknown one as it is."""
    return gettext(str(value))

"""Demo worlds of any size (`crewup-admin seed demo`): the service is `service.seed_demo`.

It sits above every domain (it writes all their tables) and below the faces; it knows
no web layer. Modules: sizes (named sizes), places and phrases (what the world is made
of), texts (Faker pools), plan (the skeleton in compact arrays), people, groups, events
and posts (one row generator per table), generators (their order), bulk (COPY and
executemany), cast and demo_content (the five demo people and today's small demo)."""

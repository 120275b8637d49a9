"""Demo content for development and ``make run``, loaded by ``manage.py seed_demo``.

The content is data under ``data/``: the posts as Markdown files with a front matter
(``data/posts/<slug>.md``), the accounts, members, events and the newsletter as TOML files.
Each capability has its seeder here (``accounts``, ``members``, ``blog``, ``events``,
``newsletter``) that writes through the app's models and services; every picture is drawn by
``artwork``. The seeding order is the command's (``management/commands/seed_demo.py``).
"""

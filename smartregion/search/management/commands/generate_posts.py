from django.core.management.base import BaseCommand, CommandParser

from smartregion.search.corpus import generate_posts


class Command(BaseCommand):
    help = (
        "Add N realistic German blog posts (published, deterministic for a seed) after those "
        "generated before, e.g. for the search benchmark. They are indexed by the database."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("count", type=int, help="how many posts to add")
        parser.add_argument(
            "--seed", type=int, default=1, help="the same seed gives the same posts"
        )

    def handle(self, *args, count: int, seed: int, **options) -> None:
        def progress(done: int) -> None:
            if options["verbosity"] > 1 or done == count:
                self.stdout.write(f"{done} of {count} posts written")

        generate_posts(count, seed=seed, progress=progress)

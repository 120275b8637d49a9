from django.apps import AppConfig


class NewsletterConfig(AppConfig):
    name = "newsletter"

    def ready(self) -> None:
        from newsletter import personal_data
        from smartregion.core import personal_data as core_personal_data

        core_personal_data.register(personal_data.PROVIDER)

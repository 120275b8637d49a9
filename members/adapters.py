from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.template import TemplateDoesNotExist
from django.template.loader import get_template, render_to_string

from smartregion.core import mail
from smartregion.core.ratelimit import client_ip

# allauth's mails without an HTML template of their own (notifications the site does not switch
# on today) get their text part, escaped, in the branded layout.
PLAIN_TEXT_HTML = "email/plain_text.html"


class AccountAdapter(DefaultAccountAdapter):
    """allauth in the portal's voice: absolute links built from SITE_URL."""

    def build_absolute_uri(self, request, location, protocol=None):
        if request is None:
            return settings.SITE_URL + location
        return super().build_absolute_uri(request, location, protocol)

    def get_client_ip(self, request):
        """allauth's login and signup limits count per visitor, as the portal's forms do
        (``TRUSTED_PROXY_COUNT``), instead of per proxy."""
        return client_ip(request)

    def send_mail(self, template_prefix, email, context):
        """allauth's mails (address confirmation, password reset, …) take the portal's path:
        rendered in the language of the page (or the one given) from ``<prefix>_subject.txt``, ``<prefix>_message.txt`` and
        ``<prefix>_message.html`` (extending email/base.html), delivered by the worker's "mail"
        queue once the transaction commits, with retries (smartregion.core.mail)."""
        text_template = f"{template_prefix}_message.txt"
        html_template = f"{template_prefix}_message.html"
        try:
            get_template(html_template)
            branded = True
        except TemplateDoesNotExist:
            html_template, branded = text_template, False
        site = {"name": settings.SITE_NAME, "domain": urlsplit(settings.SITE_URL).netloc}
        rendered = mail.render_mail(
            template_prefix,
            to=email,
            context={"email": email, "current_site": site, **context},
            subject_template=f"{template_prefix}_subject.txt",
            text_template=text_template,
            html_template=html_template,
        )
        if not branded:
            rendered.html = render_to_string(
                PLAIN_TEXT_HTML,
                {"text": rendered.text, "subject": rendered.subject, "site_url": settings.SITE_URL},
            )
        rendered.subject = self.format_email_subject(rendered.subject)
        mail.send_rendered(rendered)

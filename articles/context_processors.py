from django.conf import settings

from articles.models import Category


def site(request):
    """The site's name and its navigation, on every page."""
    return {
        "site_name": settings.SITE_NAME,
        "nav_categories": Category.objects.all(),  # read only when the navigation is drawn (articles.kept)
        "is_home": request.path == "/",
    }

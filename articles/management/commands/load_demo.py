import io
import os
import zoneinfo
from datetime import datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice
from PIL import Image, ImageDraw

from articles.demo.content import (
    AGENCIES,
    ARTICLES,
    CATEGORIES,
    CO_SIGNED,
    DEMO_TOTP_KEY,
    DEMO_TOTP_USERS,
    SEED,
    STAFF_BIOS,
    USERS,
)
from articles.demo.pages import PAGES
from articles.demo.parse import parse_seed
from articles.html import clean_html
from articles.models import Article, Author, Category, Page, Section
from articles.services import article_bylines_fill, article_search_index_update, author_profile_ensure

CASABLANCA = zoneinfo.ZoneInfo("Africa/Casablanca")
PALETTE = {
    "watani": ((140, 28, 19), (214, 120, 60)),
    "dawli": ((11, 92, 138), (90, 170, 200)),
    "amn": ((31, 54, 61), (70, 130, 110)),
    "iqtisad": ((90, 60, 10), (210, 170, 70)),
    "riyada": ((17, 116, 74), (150, 200, 90)),
}


def cover_image(slug: str, seed: int) -> ContentFile:
    """A plain abstract cover, drawn here so the demo needs no image from outside."""
    start, end = PALETTE.get(slug, ((60, 60, 60), (160, 160, 160)))
    width, height = 1200, 675
    image = Image.new("RGB", (width, height))
    draw = ImageDraw.Draw(image)
    for x in range(width):
        t = x / width
        colour = tuple(int(a + (b - a) * t) for a, b in zip(start, end, strict=True))
        draw.line([(x, 0), (x, height)], fill=colour)
    for i in range(6):
        r = 60 + ((seed * 37 + i * 53) % 160)
        cx = (seed * 131 + i * 211) % width
        cy = (seed * 71 + i * 97) % height
        draw.ellipse([cx - r, cy - r, cx + r, cy + r], outline=(255, 255, 255), width=3)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=80)
    return ContentFile(buffer.getvalue(), name=f"demo-{slug}-{seed}.jpg")


def portrait_image(seed: int) -> ContentFile:
    """A plain silhouette for a demo journalist's profile (no photo of a real person)."""
    size = 480
    background = [(214, 120, 60), (90, 170, 200)][seed % 2]
    image = Image.new("RGB", (size, size), background)
    draw = ImageDraw.Draw(image)
    draw.ellipse([160, 90, 320, 250], fill=(250, 246, 240))
    draw.ellipse([80, 270, 400, 560], fill=(250, 246, 240))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return ContentFile(buffer.getvalue(), name=f"portrait-{seed}.jpg")


class Command(BaseCommand):
    help = "Loads the demo content (the seed article and its neighbours). Safe to run again."

    @transaction.atomic
    def handle(self, *args, **options):
        users = self._users()
        agencies = self._profiles(users)
        categories = {}
        for position, (name, slug, description) in enumerate(CATEGORIES):
            categories[slug], _ = Category.objects.get_or_create(
                slug=slug, defaults={"name": name, "description": description, "position": position}
            )
        created = 0
        title, seed_sections = parse_seed()
        seed_article, is_new = self._article(
            title=title,
            category=categories[SEED["category"]],
            lead=SEED["lead"],
            sections=[(s.heading, s.html()) for s in seed_sections],
            tags=SEED["tags"],
            published=SEED["published"],
            flags={"featured": SEED["featured"]},
            author=users["sahafi"],
            caption=SEED["caption"],
            seed=1,
        )
        created += is_new
        others = []
        for index, (slug, title, lead, sections, tags, published, flags) in enumerate(ARTICLES, start=2):
            html_sections = [(heading, "".join(f"<p>{p}</p>" for p in paragraphs)) for heading, paragraphs in sections]
            article, is_new = self._article(
                title=title,
                category=categories[slug],
                lead=lead,
                sections=html_sections,
                tags=tags,
                published=published,
                flags=flags,
                author=users["sahafi"] if index % 2 else users["muharrir"],
                caption="",
                seed=index,
            )
            created += is_new
            others.append(article)
            if is_new and title in CO_SIGNED:
                article.bylines.add(agencies[CO_SIGNED[title]], through_defaults={"position": 1})
        for slug, page_title, body in PAGES:
            Page.objects.get_or_create(slug=slug, defaults={"title": page_title, "body": body})
        if not seed_article.see_also.exists():
            seed_article.see_also.add(others[0])
        # Also rebuilds articles loaded before search existed.
        for article in Article.objects.all():
            article_search_index_update(article=article)
        self.stdout.write(f"Demo content ready: {created} new article(s), {Article.objects.count()} in all.")
        password = os.environ.get("DJANGO_DEMO_PASSWORD", "demo-portal-2024")
        self.stdout.write(
            f"Newsroom accounts (local demo only, password {password!r}): "
            "admin (superuser), muharrir (editor / محرر), sahafi (journalist / صحفي)."
        )
        self.stdout.write(
            "admin and muharrir also need a code from their authenticator (demo key): "
            "`manage.py demo_otp muharrir` prints the current one."
        )

    def _users(self):
        password = os.environ.get("DJANGO_DEMO_PASSWORD", "demo-portal-2024")
        users = {}
        for username, first, last, group, superuser in USERS:
            user, created = get_user_model().objects.get_or_create(
                username=username,
                defaults={
                    "first_name": first,
                    "last_name": last,
                    "is_staff": True,
                    "is_superuser": superuser,
                    "email": f"{username}@example.com",
                },
            )
            if created:
                user.set_password(password)
                user.save(update_fields=["password"])
                if group:
                    user.groups.add(Group.objects.get(name=group))
            if username in DEMO_TOTP_USERS and not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
                TOTPDevice.objects.create(user=user, name="تطبيق المصادقة", key=DEMO_TOTP_KEY, confirmed=True)
            users[username] = user
        return users

    def _profiles(self, users):
        """The journalists' byline profiles with bios and photos, and the agencies (no login); the agencies by slug."""
        for seed, (username, bio) in enumerate(STAFF_BIOS.items()):
            profile = author_profile_ensure(user=users[username])
            if not profile.bio:
                profile.bio = bio
                profile.photo.save(f"portrait-{seed}.jpg", portrait_image(seed), save=False)
                profile.save()
        agencies = {}
        for name, slug, bio, website in AGENCIES:
            agencies[slug], _ = Author.objects.get_or_create(
                slug=slug, defaults={"name": name, "kind": Author.Kind.AGENCY, "bio": bio, "website": website}
            )
        return agencies

    def _article(self, *, title, category, lead, sections, tags, published, flags, author, caption, seed):
        existing = Article.objects.filter(title=title).first()
        if existing:
            return existing, False
        article = Article(
            title=title,
            category=category,
            lead=lead,
            status=Article.Status.PUBLISHED,
            published_at=datetime(*published, tzinfo=CASABLANCA),
            is_featured=flags.get("featured", False),
            is_breaking=flags.get("breaking", False),
            cover_caption=caption,
        )
        article.cover.save(f"demo-{seed}.jpg", cover_image(category.slug, seed), save=False)
        article.save()
        article.authors.add(author)
        article_bylines_fill(article=article)
        article.tags.set(tags)
        for position, (heading, body) in enumerate(sections):
            Section.objects.create(article=article, position=position, heading=heading, body=clean_html(body))
        # Demo articles were written on their publication day, not today.
        Article.objects.filter(pk=article.pk).update(updated_at=article.published_at)
        return article, True

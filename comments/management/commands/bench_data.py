"""The benchmark's archive (make bench): the demo content plus N published articles.

Idempotent: it counts the articles it made before (their slug starts with "bench-") and
adds only the missing ones, in batches. Titles, leads and paragraphs come from the demo
articles, numbered; every article has a category, three tags out of a few hundred, an
author and one of a few shared cover files. The seed article gets 20 approved comments.

In comments, not articles: it seeds comments too, and articles imports nothing of the
apps built on it.
"""

import random
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.utils import timezone
from taggit.models import Tag, TaggedItem

from articles.demo.content import ARTICLES, SEED
from articles.html import html_to_text
from articles.management.commands.load_demo import cover_image
from articles.models import Article, Byline, Category, Section
from articles.search import SEARCH_CONFIG, build_search_texts, uses_full_text
from articles.services import author_profile_ensure

BATCH = 1000
COVERS = 6
TAG_COUNT = 300
SEED_COMMENTS = 20


class Command(BaseCommand):
    help = "Builds the benchmark's archive (the demo plus --articles published articles) if it is missing."

    def add_arguments(self, parser):
        parser.add_argument("--articles", type=int, default=50_000)

    def handle(self, *args, articles, **options):
        if not Article.objects.filter(title__startswith="السيد عبد اللطيف حموشي").exists():
            call_command("load_demo", stdout=self.stdout)
        have = Article.objects.filter(slug__startswith="bench-").count()
        if have < articles:
            self._articles(start=have, stop=articles)
        self._seed_comments()
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        self.stdout.write(f"Bench data ready: {Article.objects.published().count()} published articles.")

    def _articles(self, *, start: int, stop: int) -> None:
        rng = random.Random(start)
        categories = list(Category.objects.all())
        author = get_user_model().objects.filter(username="sahafi").first()
        profile = author_profile_ensure(user=author) if author else None
        covers = self._covers(categories)
        words = sorted({tag for *_, tags, _published, _flags in ARTICLES for tag in tags} | set(SEED["tags"]))
        tags = self._tags([f"{words[n % len(words)]} {n // len(words) + 1}" for n in range(TAG_COUNT)] + words)
        content_type = ContentType.objects.get_for_model(Article)
        newest = timezone.now() - timedelta(days=30)  # older than the demo's most-read window
        for low in range(start, stop, BATCH):
            high = min(low + BATCH, stop)
            rows, texts, sections_of = [], [], []
            for n in range(low, high):
                category_slug, title, lead, sections, article_tags, _published, _flags = ARTICLES[n % len(ARTICLES)]
                category = categories[n % len(categories)]
                chosen = rng.sample(tags, 3)
                html = [(heading, "".join(f"<p>{p}</p>" for p in paragraphs)) for heading, paragraphs in sections]
                full_title = f"{title} ({n + 1})"
                text = build_search_texts(
                    title=full_title,
                    lead=lead,
                    headings=[heading for heading, _ in html],
                    bodies=[html_to_text(body) for _, body in html],
                    tags=[tag.name for tag in chosen],
                )
                rows.append(
                    Article(
                        title=full_title,
                        slug=f"bench-{n + 1}",
                        lead=lead,
                        category=category,
                        status=Article.Status.PUBLISHED,
                        published_at=newest - timedelta(minutes=47 * n),
                        cover=covers[n % len(covers)],
                        cover_caption="صورة توضيحية",
                        search_document=text.document,
                    )
                )
                texts.append(text)
                sections_of.append((html, chosen))
            with transaction.atomic():
                made = Article.objects.bulk_create(rows, batch_size=BATCH)
                Section.objects.bulk_create(
                    [
                        Section(article=article, position=position, heading=heading, body=body)
                        for article, (html, _) in zip(made, sections_of, strict=True)
                        for position, (heading, body) in enumerate(html)
                    ],
                    batch_size=BATCH,
                )
                TaggedItem.objects.bulk_create(
                    [
                        TaggedItem(tag=tag, content_type=content_type, object_id=article.pk)
                        for article, (_, chosen) in zip(made, sections_of, strict=True)
                        for tag in chosen
                    ],
                    batch_size=BATCH,
                )
                if author:
                    Article.authors.through.objects.bulk_create(
                        [Article.authors.through(article=article, user=author) for article in made], batch_size=BATCH
                    )
                    Byline.objects.bulk_create(
                        [Byline(article=article, author=profile) for article in made], batch_size=BATCH
                    )
                if uses_full_text():
                    self._search_vectors(made, texts)
            self.stdout.write(f"  {high} / {stop} bench articles")

    def _search_vectors(self, made, texts) -> None:
        # The same weighted tsvector articles.search.search_vector_expression() writes, for a batch at once.
        values = ", ".join(["(%s, %s, %s, %s)"] * len(made))
        params = [
            value for a, t in zip(made, texts, strict=True) for value in (a.pk, t.weight_a, t.weight_b, t.weight_c)
        ]
        with connection.cursor() as cursor:
            cursor.execute(
                f"""UPDATE articles_article AS a SET search_vector =
                    setweight(to_tsvector('{SEARCH_CONFIG}'::regconfig, COALESCE(v.wa, '')), 'A')
                    || setweight(to_tsvector('{SEARCH_CONFIG}'::regconfig, COALESCE(v.wb, '')), 'B')
                    || setweight(to_tsvector('{SEARCH_CONFIG}'::regconfig, COALESCE(v.wc, '')), 'C')
                    FROM (VALUES {values}) AS v(id, wa, wb, wc) WHERE a.id = v.id""",
                params,
            )

    def _covers(self, categories) -> list[str]:
        names = []
        for n in range(COVERS):
            name = f"covers/bench/bench-{n}.jpg"
            if not default_storage.exists(name):
                name = default_storage.save(name, cover_image(categories[n % len(categories)].slug, 100 + n))
            names.append(name)
        return names

    def _tags(self, names: list[str]) -> list[Tag]:
        existing = {tag.name: tag for tag in Tag.objects.filter(name__in=names)}
        missing = [Tag(name=name, slug=name.replace(" ", "-")) for name in names if name not in existing]
        Tag.objects.bulk_create(missing, batch_size=BATCH, ignore_conflicts=True)
        return list(Tag.objects.filter(name__in=names).order_by("pk"))

    def _seed_comments(self) -> None:
        from comments.models import Comment
        from comments.services import article_comment_counts_refresh

        seed = Article.objects.get(title__startswith="السيد عبد اللطيف حموشي")
        have = Comment.objects.filter(article=seed, status=Comment.Status.APPROVED).count()
        if have >= SEED_COMMENTS:
            return
        now = timezone.now()
        Comment.objects.bulk_create(
            [
                Comment(
                    article=seed,
                    name=f"قارئ {n + 1}",
                    email=f"reader{n + 1}@example.com",
                    body="تعاون أمني مهم بين البلدين، ونتمنى أن يستمر في خدمة أمن المواطنين.",
                    status=Comment.Status.APPROVED,
                    created_at=now - timedelta(hours=n),
                    moderated_at=now - timedelta(hours=n),
                    consent_at=now - timedelta(hours=n),
                    consent_text="أوافق على نشر تعليقي.",
                )
                for n in range(have, SEED_COMMENTS)
            ]
        )
        article_comment_counts_refresh(article_ids=[seed.pk])

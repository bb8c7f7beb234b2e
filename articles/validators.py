from articles.images import image_validate


def validate_image_file(file):
    """A real image, in a format browsers show, within the byte and pixel bounds (see articles.images)."""
    image_validate(file)

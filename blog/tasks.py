from django.tasks import task


@task
def render_post_images(post_id: int) -> None:
    from blog.models import Post
    from blog.services import render_images

    post = Post.objects.filter(pk=post_id, status=Post.Status.PUBLISHED).first()
    if post:  # idempotent: renditions that exist are kept
        render_images(post)


@task
def purge_unconfirmed_posts() -> int:
    from blog.services import purge_unconfirmed

    return purge_unconfirmed()

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, StringConstraints, model_validator

from crewup.core.paging import Limit
from crewup.posts.comments import Comment
from crewup.posts.service import Post
from crewup.web.schemas import ONE_LINE, PLAIN_TEXT, InputModel, UtcTimestamp

MAX_POST_CHARS = 20_000
MAX_COMMENT_CHARS = 5_000

Title = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200), ONE_LINE
]
PostBody = Annotated[str, StringConstraints(min_length=1, max_length=MAX_POST_CHARS), PLAIN_TEXT]
CommentBody = Annotated[
    str, StringConstraints(min_length=1, max_length=MAX_COMMENT_CHARS), PLAIN_TEXT
]


class PostIn(InputModel):
    model_config = ConfigDict(extra="forbid", str_max_length=MAX_POST_CHARS)

    title: Title
    body: PostBody


class PostPatch(InputModel):
    model_config = ConfigDict(extra="forbid", str_max_length=MAX_POST_CHARS)

    title: Title | None = None
    body: PostBody | None = None

    @model_validator(mode="after")
    def _not_null(self) -> PostPatch:
        for name in self.model_fields_set:
            if getattr(self, name) is None:
                raise ValueError(f"{name} may not be null")
        return self

    def changes(self) -> dict[str, object]:
        return self.model_dump(include=self.model_fields_set)


class CommentIn(InputModel):
    body: CommentBody


class AuthorOut(BaseModel):
    id: int
    display_name: str


class PostOut(BaseModel):
    id: int
    group_id: int
    author: AuthorOut
    title: str
    body: str
    comment_count: int
    created_at: UtcTimestamp
    updated_at: UtcTimestamp

    @classmethod
    def of(cls, post: Post) -> PostOut:
        return cls.model_validate(post_json(post))


def post_json(post: Post) -> dict[str, Any]:
    """A post in the shape of `PostOut`, as plain data written straight to JSON."""
    return {
        "id": post.id,
        "group_id": post.group_id,
        "author": {"id": post.author.id, "display_name": post.author.display_name},
        "title": post.title,
        "body": post.body,
        "comment_count": post.comment_count,
        "created_at": post.created_at,
        "updated_at": post.updated_at,
    }


def post_row_json(row: Any) -> dict[str, Any]:
    """`post_json` straight from a row of `service.list_post_rows` (no `Post` and `Author`
    built first: a page of posts is the hottest list)."""
    return {
        "id": row.id,
        "group_id": row.group_id,
        "author": {"id": row.author_id, "display_name": row.display_name},
        "title": row.title,
        "body": row.body,
        "comment_count": row.comment_count,
        "created_at": row.created_at,
        "updated_at": row.updated_at,
    }


class CommentOut(BaseModel):
    id: int
    post_id: int
    author: AuthorOut
    body: str
    created_at: UtcTimestamp

    @classmethod
    def of(cls, comment: Comment) -> CommentOut:
        return cls(
            id=comment.id,
            post_id=comment.post_id,
            author=AuthorOut(id=comment.author.id, display_name=comment.author.display_name),
            body=comment.body,
            created_at=comment.created_at,
        )


class PostPage(BaseModel):
    items: list[PostOut]
    next_cursor: str | None


class CommentPage(BaseModel):
    items: list[CommentOut]
    next_cursor: str | None


class PageQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    limit: Limit = 20
    cursor: str | None = None  # its length is checked by decode_cursor: 400

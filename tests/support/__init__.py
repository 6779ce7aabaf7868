"""What tests share: the real services and their databases, an app per test, and helpers
that act only through the public faces (HTTP, pages, CLI). Tests import from here, never
from each other."""

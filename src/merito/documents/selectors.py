"""Reads of documents. Every read here is scoped to one owner."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet

from merito.documents.models import Document


def document_list(*, owner: Any, kind: str = "") -> QuerySet[Document]:
    """The owner's current documents (latest version of each chain), newest first."""
    documents = Document.objects.filter(owner=owner, replaced_by__isnull=True)
    if kind:
        documents = documents.filter(kind=kind)
    return documents


def document_get(*, owner: Any, pk: int) -> Document | None:
    """One of the owner's documents, any version; ``None`` for anybody else's."""
    return Document.objects.filter(owner=owner, pk=pk).first()


def document_latest(*, document: Document) -> Document:
    """The current version of the chain ``document`` belongs to."""
    while True:
        newer = Document.objects.filter(replaces=document).first()
        if newer is None:
            return document
        document = newer


def document_histories(*, owner: Any, documents: Iterable[Document]) -> dict[int, list[Document]]:
    """Earlier versions of each document, newest first, in one query for the whole page."""
    superseded = {
        doc.pk: doc for doc in Document.objects.filter(owner=owner, replaced_by__isnull=False)
    }
    histories: dict[int, list[Document]] = {}
    for document in documents:
        chain: list[Document] = []
        previous_id = document.replaces_id
        while previous_id is not None and previous_id in superseded:
            chain.append(superseded[previous_id])
            previous_id = superseded[previous_id].replaces_id
        histories[document.pk] = chain
    return histories

"""The search page."""

from django.shortcuts import render
from django.utils.translation import get_language
from django.views.decorators.http import require_safe

from kb.search.queries import search


@require_safe
def search_page(request):
    results = search(
        query=request.GET.get("q", ""), language=get_language(), page=request.GET.get("page", 1)
    )
    return render(request, "search/search.html", {"results": results, "meta_title": results.query})

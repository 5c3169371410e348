"""Reads that pages and the admin share."""

from django.db import models
from django.db.models import Prefetch

from roles.completeness import missing_q


class ContentQuerySet(models.QuerySet):
    def missing_in(self, language: str):
        """Objects with at least one text missing in `language`."""
        return self.filter(missing_q(self.model, language))

    def complete_in(self, language: str):
        return self.exclude(missing_q(self.model, language))


class RoleQuerySet(ContentQuerySet):
    def published(self):
        return self.filter(published=True)

    def with_content(self):
        """Everything a role page shows, in a fixed number of queries."""
        from roles.models import Duty, RoleQuality, RoleScenario, Source, Workplace

        return self.select_related("leads_to").prefetch_related(
            Prefetch("duties", queryset=Duty.objects.order_by("order")),
            Prefetch(
                "role_qualities",
                queryset=RoleQuality.objects.filter(quality__published=True)
                .select_related("quality")
                .order_by("order"),
            ),
            Prefetch(
                "role_scenarios",
                queryset=RoleScenario.objects.filter(scenario__published=True)
                .select_related("scenario")
                .order_by("order"),
            ),
            Prefetch("workplaces", queryset=Workplace.objects.filter(published=True)),
            Prefetch("leads_from", queryset=self.model.objects.filter(published=True)),
            Prefetch("sources", queryset=Source.objects.order_by("key")),
        )

from django.db import migrations


class Migration(migrations.Migration):

    """The search index and the content version now belong to their own apps (kb.search,
    kb.pagecache): only the state changes, the tables stay."""

    dependencies = [
        ("roles", "0012_role_versions"),
        ("search", "0001_initial"),
        ("pagecache", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="ContentVersion"),
                migrations.DeleteModel(name="SearchEntry"),
                migrations.DeleteModel(name="SearchWord"),
            ],
        ),
    ]

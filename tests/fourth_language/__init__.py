"""The site with a fourth language (tests/test_fourth_language.py runs these tests)."""

# The apps with migrations, and their folders: the fourth language's migrations are made in copies
# of them, in packages named by MIGRATION_MODULES (never in the apps' own folders).
MIGRATION_PACKAGES = {
    "roles": "roles/migrations",
    "search": "kb/search/migrations",
    "pagecache": "kb/pagecache/migrations",
}
MIGRATION_MODULES = {label: f"fourth_language_{label}" for label in MIGRATION_PACKAGES}

"""Two-factor sign-in for staff (OWASP ASVS 2.7/2.8): after the admin's password sign-in, a code
from an authenticator app (TOTP, RFC 6238) or one of ten single-use recovery codes. Built on
django-otp's TOTP and static devices; this app holds the pages (enrolment, verification, recovery
codes, an admin's reset), the one place that enforces it (middleware.py) and a command for the
last admin who lost their phone."""

"""The standard codes that tie roles and qualities to what job boards and HR systems understand:
ISCO-08 (the ILO's), ESCO (the EU's) and O*NET-SOC (the US's). Their formats are checked in this
one place, by the models' validators (admin) and by the seed loader."""

from dataclasses import dataclass

from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

UUID = r"[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}"
ISCO08 = r"[0-9]{4}"
ESCO_OCCUPATION = rf"http://data\.europa\.eu/esco/occupation/{UUID}"
ESCO_SKILL = rf"http://data\.europa\.eu/esco/skill/{UUID}"
ONET_SOC = r"[0-9]{2}-[0-9]{4}\.[0-9]{2}"
# Not Django's "invalid": a URL field's form would show its generic "Enter a valid URL."
# in place of the message that says what the code looks like.
CODE = "wrong_format"

isco08_validator = RegexValidator(
    f"^{ISCO08}$", _("An ISCO-08 unit group code is four digits."), code=CODE
)
esco_occupation_validator = RegexValidator(
    f"^{ESCO_OCCUPATION}$",
    _(
        "An ESCO occupation URI looks like "
        "http://data.europa.eu/esco/occupation/ followed by a UUID."
    ),
    code=CODE,
)
esco_skill_validator = RegexValidator(
    f"^{ESCO_SKILL}$",
    _("An ESCO skill URI looks like http://data.europa.eu/esco/skill/ followed by a UUID."),
    code=CODE,
)
onet_soc_validator = RegexValidator(
    f"^{ONET_SOC}$",
    _("An O*NET-SOC code has the form NN-NNNN.NN, for example 43-4051.00."),
    code=CODE,
)


def isco08_url(code: str) -> str:
    """ESCO's page for an ISCO-08 group (its URI answers with the ESCO portal's page)."""
    return f"http://data.europa.eu/esco/isco/C{code}"


def onet_url(code: str) -> str:
    return f"https://www.onetonline.org/link/summary/{code}"


# Each code set's own address (schema.org's CategoryCodeSet url): ESCO's persistent URIs of its
# concept schemes (the ISCO-08 groups it links to and its occupations), O*NET's taxonomy page.
ISCO08_SET = "http://data.europa.eu/esco/concept-scheme/isco"
ESCO_OCCUPATIONS_SET = "http://data.europa.eu/esco/concept-scheme/occupations"
ONET_SOC_SET = "https://www.onetcenter.org/taxonomy.html"


@dataclass(frozen=True)
class Code:
    scheme: str  # the code set's name, as schema.org's CategoryCodeSet names it
    label: str  # what the role page calls it
    value: str
    url: str
    scheme_url: str  # the code set's address

    @property
    def is_uri(self) -> bool:
        """ESCO's codes are URIs: the code is its own link."""
        return self.value == self.url

    @property
    def short(self) -> str:
        """The code as a role's facts list it: "ISCO-08 4222"; an ESCO URI by its label."""
        return str(self.label) if self.is_uri else f"{self.scheme} {self.value}"


def role_codes(role) -> list[Code]:
    """The codes set on a role, in the order pages show them."""
    codes = []
    if role.isco08:
        codes.append(
            Code(
                "ISCO-08",
                _("ISCO-08 unit group"),
                role.isco08,
                isco08_url(role.isco08),
                ISCO08_SET,
            )
        )
    if role.esco_uri:
        codes.append(
            Code(
                "ESCO occupations",
                _("ESCO occupation"),
                role.esco_uri,
                role.esco_uri,
                ESCO_OCCUPATIONS_SET,
            )
        )
    if role.onet_soc:
        codes.append(
            Code(
                "O*NET-SOC",
                _("O*NET-SOC occupation"),
                role.onet_soc,
                onet_url(role.onet_soc),
                ONET_SOC_SET,
            )
        )
    return codes

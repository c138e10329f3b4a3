from django.db import models


class Ownership(models.TextChoices):
    PRIVATE = "private", "Private"
    STATE_OWNED = "state-owned", "State-owned"
    STATE_LINKED = "state-linked", "State-linked"
    UNKNOWN = "unknown", "Unknown"


class DesignationList(models.TextChoices):
    US_ENTITY_LIST = "us-entity-list", "US Entity List (Commerce BIS)"
    FCC_COVERED_LIST = "fcc-covered-list", "FCC Covered List"
    # The FCC's ban of new equipment authorisations for covered equipment (Report and Order of Nov 2022).
    FCC_EQUIPMENT_BAN = "fcc-equipment-ban", "FCC equipment authorisation ban"
    OFAC_SDN = "ofac-sdn", "OFAC sanctions (SDN list)"
    OTHER = "other", "Other"

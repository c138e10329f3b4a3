from django.db import models


class Ownership(models.TextChoices):
    PRIVATE = "private", "Private"
    STATE_OWNED = "state-owned", "State-owned"
    STATE_LINKED = "state-linked", "State-linked"
    UNKNOWN = "unknown", "Unknown"


class DesignationList(models.TextChoices):
    US_ENTITY_LIST = "us-entity-list", "US Entity List (Commerce BIS)"
    FCC_COVERED_LIST = "fcc-covered-list", "FCC Covered List"
    OFAC_SDN = "ofac-sdn", "OFAC sanctions (SDN list)"
    OTHER = "other", "Other"

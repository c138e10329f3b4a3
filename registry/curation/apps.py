from django.apps import AppConfig


class CurationConfig(AppConfig):
    name = "registry.curation"
    label = "curation"
    verbose_name = "Curation: proposed changes"
